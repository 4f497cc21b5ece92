// @ts-check
// Posts the offline plan diff of a pull request, one comment per stack, editing the comment of
// an earlier run (found by its marker) instead of adding another. Called by actions/github-script
// in .github/workflows/plan-diff-comment.yml.
//
// That workflow runs on workflow_run with a token that may write to pull requests, forks
// included; the files come from the pull request's own run, so nothing in them is trusted:
// the pull request number must name a pull request whose head is the run's head commit, stack
// names must look like stack names, and the texts are only ever posted as comment bodies.
"use strict";
const fs = require("fs");
const path = require("path");

/** GitHub refuses comment bodies over 65536 characters. */
const MAX_BODY = 65000;
const STACK = /^[A-Za-z0-9_.-]+$/;

/** @param {string} stack */
const marker = (stack) => `<!-- haplane-plan-diff:${stack} -->`;

/**
 * Creates the stack's comment, or edits the one an earlier run posted.
 * @param {{ github: any, owner: string, repo: string, issue: number, stack: string, body: string }} args
 * @returns {Promise<"created" | "updated" | "unchanged">}
 */
async function upsertComment({ github, owner, repo, issue, stack, body }) {
    const mark = marker(stack);
    let text = body.startsWith(mark) ? body : `${mark}\n${body}`;
    if (text.length > MAX_BODY) text = `${text.slice(0, MAX_BODY)}\n\n... (cut: GitHub limits comments; the whole diff is in the run's job summary)\n`;
    const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: issue, per_page: 100 });
    // Only our own earlier comment: a person quoting the marker is left alone.
    const earlier = comments.find((/** @type {any} */ c) => c.user?.type === "Bot" && typeof c.body === "string" && c.body.startsWith(mark));
    if (!earlier) {
        await github.rest.issues.createComment({ owner, repo, issue_number: issue, body: text });
        return "created";
    }
    if (earlier.body === text) return "unchanged";
    await github.rest.issues.updateComment({ owner, repo, comment_id: earlier.id, body: text });
    return "updated";
}

/**
 * Posts every <stack>.md of `dir` on the pull request named by `dir`/pr-number.
 * @param {{ github: any, context: any, core: any, dir: string, headSha: string }} args
 */
async function postPlanDiffs({ github, context, core, dir, headSha }) {
    const number = Number(fs.readFileSync(path.join(dir, "pr-number"), "utf8").trim());
    if (!Number.isSafeInteger(number) || number <= 0) throw new Error("pr-number does not hold a pull request number");
    const { owner, repo } = context.repo;
    const { data: pr } = await github.rest.pulls.get({ owner, repo, pull_number: number });
    if (pr.head.sha !== headSha) {
        // Pushed again since (that run comments), or a number that is not this run's.
        core.warning(`pull request #${number} is at ${pr.head.sha}, this run is for ${headSha}: not commenting`);
        return [];
    }
    const results = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".md")).sort()) {
        const stack = file.slice(0, -".md".length);
        if (!STACK.test(stack)) {
            core.warning(`skipping ${file}: not a stack name`);
            continue;
        }
        const body = fs.readFileSync(path.join(dir, file), "utf8");
        const result = await upsertComment({ github, owner, repo, issue: number, stack, body });
        core.info(`${stack}: ${result} the plan diff comment on #${number}`);
        results.push({ stack, result });
    }
    return results;
}

module.exports = { marker, upsertComment, postPlanDiffs, MAX_BODY };
