// scripts/planDiff/upsertComment.js, as plan-diff-comment.yml calls it, against a fake GitHub.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const { postPlanDiffs, marker, MAX_BODY } = require("../../scripts/planDiff/upsertComment.js");

interface Comment {
    id: number;
    body: string;
    user: { type: string };
}

function fakeGitHub(headSha: string, comments: Comment[]) {
    const calls: string[] = [];
    const rest = {
        pulls: { get: async ({ pull_number }: { pull_number: number }) => ({ data: { number: pull_number, head: { sha: headSha } } }) },
        issues: {
            listComments: async () => ({ data: comments }),
            createComment: async ({ issue_number, body }: { issue_number: number; body: string }) => {
                calls.push(`create #${issue_number}`);
                comments.push({ id: comments.length + 1, body, user: { type: "Bot" } });
            },
            updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
                calls.push(`update ${comment_id}`);
                comments.find((c) => c.id === comment_id)!.body = body;
            },
        },
    };
    return { github: { rest, paginate: async (fn: (a: unknown) => Promise<{ data: unknown[] }>, args: unknown) => (await fn(args)).data }, calls, comments };
}

const core = { warnings: [] as string[], warning(m: string) { this.warnings.push(m); }, info() {} };
const context = { repo: { owner: "o", repo: "haplane" } };

const temps: string[] = [];
function artifact(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-comment-"));
    temps.push(dir);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

describe("plan diff comments", () => {
    after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
    it("creates one comment per stack, then edits it, leaving people's comments alone", async () => {
        const human: Comment = { id: 1, body: `${marker("dev")}\nquoted by a person`, user: { type: "User" } };
        const gh = fakeGitHub("abc", [human]);
        const dir = artifact({ "pr-number": "7\n", "dev.md": `${marker("dev")}\nfirst`, "onprem.md": "no marker yet" });
        await postPlanDiffs({ github: gh.github, context, core, dir, headSha: "abc" });
        assert.deepEqual(gh.calls, ["create #7", "create #7"]);
        assert.equal(gh.comments[2].body, `${marker("onprem")}\nno marker yet`);
        fs.writeFileSync(path.join(dir, "dev.md"), `${marker("dev")}\nsecond`);
        const results = await postPlanDiffs({ github: gh.github, context, core, dir, headSha: "abc" });
        assert.deepEqual(results, [{ stack: "dev", result: "updated" }, { stack: "onprem", result: "unchanged" }]);
        assert.equal(gh.comments.length, 3);
        assert.equal(gh.comments[1].body, `${marker("dev")}\nsecond`);
        assert.equal(human.body, `${marker("dev")}\nquoted by a person`);
    });

    it("does not comment when the pull request's head is not the run's commit", async () => {
        const gh = fakeGitHub("newer", []);
        const results = await postPlanDiffs({ github: gh.github, context, core, dir: artifact({ "pr-number": "7", "dev.md": "x" }), headSha: "abc" });
        assert.deepEqual(results, []);
        assert.deepEqual(gh.calls, []);
    });

    it("refuses a bad pull request number, skips odd file names, cuts long bodies", async () => {
        const gh = fakeGitHub("abc", []);
        await assert.rejects(postPlanDiffs({ github: gh.github, context, core, dir: artifact({ "pr-number": "7; rm -rf /", "dev.md": "x" }), headSha: "abc" }), /pull request number/);
        const dir = artifact({ "pr-number": "7", "a b.md": "x", "dev.md": "y".repeat(MAX_BODY + 10) });
        const results = await postPlanDiffs({ github: gh.github, context, core, dir, headSha: "abc" });
        assert.deepEqual(results, [{ stack: "dev", result: "created" }]);
        assert.ok(gh.comments[0].body.length < 65536);
        assert.match(gh.comments[0].body, /cut: GitHub limits comments/);
    });
});
