// The review workflows' shape: the real preview per stack for this repository's branches, the
// offline diff without secrets for every pull request, and the comment poster for forks.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ACTION_INPUTS } from "../support/actionInputs";
import { readWorkflow, ROOT, Step, workflowFiles } from "../support/workflows";

const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";
const uses = (steps: Step[], action: string) => steps.filter((s) => s.uses?.split("@")[0] === action);

describe("workflows", () => {
    const preview = readWorkflow("preview.yml");
    const comment = readWorkflow("plan-diff-comment.yml");

    it("pin every action to a major version and pass it only inputs it has", () => {
        for (const file of workflowFiles()) {
            for (const [id, job] of Object.entries(readWorkflow(file).jobs)) {
                for (const step of job.steps.filter((s) => s.uses)) {
                    assert.match(step.uses!, /^[\w-]+\/[\w-]+@v\d+$/, `${file} ${id}: ${step.uses}`);
                    const known = ACTION_INPUTS[step.uses!];
                    assert.ok(known, `${file} ${id}: no input list for ${step.uses} in test/support/actionInputs.ts`);
                    for (const input of Object.keys(step.with ?? {})) assert.ok(known.includes(input), `${file} ${id}: ${step.uses} has no input ${input}`);
                }
            }
        }
    });

    it("preview: pulumi preview --diff per listed stack, commenting once per stack, only with this repository's secrets", () => {
        assert.ok("pull_request" in preview.on);
        const job = preview.jobs.preview;
        assert.equal(job.if, FORK_GUARD);
        assert.equal(job.permissions?.["pull-requests"], "write");
        const stacks = job.strategy!.matrix!.include!.map((e) => String(e.stack));
        assert.deepEqual(stacks, ["dev", "onprem", "aws"]);
        for (const stack of stacks) assert.ok(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), `no Pulumi.${stack}.yaml for the matrix entry ${stack}`);
        const [pulumi] = uses(job.steps, "pulumi/actions");
        assert.deepEqual(
            { command: pulumi.with!.command, "stack-name": pulumi.with!["stack-name"], diff: pulumi.with!.diff, "comment-on-pr": pulumi.with!["comment-on-pr"], "edit-pr-comment": pulumi.with!["edit-pr-comment"] },
            { command: "preview", "stack-name": "${{ matrix.stack }}", diff: true, "comment-on-pr": true, "edit-pr-comment": true },
        );
        assert.equal(pulumi.env!.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        const [auth] = uses(job.steps, "google-github-actions/auth");
        assert.equal(auth.with!.credentials_json, "${{ secrets.GOOGLE_CREDENTIALS }}");
        assert.equal(auth.if, "matrix.gcp");
        // The CLI the action installs is the SDK's version.
        assert.equal(pulumi.with!["pulumi-version"], JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"]);
    });

    it("offline-diff: no secrets, no fork guard, both commits, Node 20, the plan scripts, the comments uploaded", () => {
        const job = preview.jobs["offline-diff"];
        assert.equal(job.if, undefined);
        assert.ok(!/secrets\./.test(JSON.stringify(job)), "the offline diff must run without secrets");
        assert.deepEqual(job.permissions, { contents: "read" });
        assert.equal(uses(job.steps, "actions/checkout")[0].with!["fetch-depth"], 0);
        assert.equal(uses(job.steps, "actions/setup-node")[0].with!["node-version"], 20);
        const runs = job.steps.filter((s) => s.run).map((s) => s.run!);
        assert.ok(runs.some((r) => /^npm ci\b/.test(r)));
        assert.ok(runs.some((r) => r.includes("bash scripts/planDiff/buildPlans.sh")));
        assert.ok(runs.some((r) => r.includes("bash scripts/planDiff/report.sh")));
        const [upload] = uses(job.steps, "actions/upload-artifact");
        assert.equal(upload.with!.name, "plan-diff");
    });

    it("plan-diff-comment: after a Preview run, from the default branch, reading only the uploaded comments", () => {
        assert.deepEqual((comment.on.workflow_run as { workflows: string[] }).workflows, [preview.name]);
        assert.deepEqual(comment.permissions, {});
        const job = comment.jobs.comment;
        assert.equal(job.if, "github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion != 'cancelled'");
        assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
        const [checkout] = uses(job.steps, "actions/checkout");
        // No ref: the default branch's own code, never the pull request's.
        assert.equal(checkout.with!.ref, undefined);
        assert.equal(checkout.with!["sparse-checkout"], "scripts/planDiff/upsertComment.js");
        const [download] = uses(job.steps, "actions/download-artifact");
        assert.equal(download.with!.name, uses(preview.jobs["offline-diff"].steps, "actions/upload-artifact")[0].with!.name);
        assert.equal(download.with!["run-id"], "${{ github.event.workflow_run.id }}");
        const [script] = uses(job.steps, "actions/github-script");
        assert.match(String(script.with!.script), /require\(`\$\{process\.env\.GITHUB_WORKSPACE\}\/scripts\/planDiff\/upsertComment\.js`\)/);
        assert.ok(fs.existsSync(path.join(ROOT, "scripts/planDiff/upsertComment.js")));
    });
});
