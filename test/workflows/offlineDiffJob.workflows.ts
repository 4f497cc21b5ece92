// The offline-diff job of preview.yml, run here: its own `run` steps (after npm ci) on two
// commits of a copy of this repository, as GitHub would run them for a pull request.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { requireTool } from "../support/tools";
import { readWorkflow, resolveEnv, ROOT } from "../support/workflows";

const { marker } = require("../../scripts/planDiff/upsertComment.js");

const temps: string[] = [];
const tempDir = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
};

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd, encoding: "utf8" });

/** This checkout's files (committed or not) as a fresh repository, sharing node_modules. */
function copyOfRepo(): string {
    const dir = tempDir("haplane-repo-");
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter((f) => f && fs.existsSync(path.join(ROOT, f)));
    for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    git(dir, "init", "-q");
    fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "node_modules\n");
    return dir;
}

describe("offline-diff job", function () {
    this.timeout(120000);
    after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("builds both plans of a pull request that grows the dev stack 3 -> 5, and writes one comment per stack", () => {
        const repo = copyOfRepo();
        // One stack keeps this test to two plans: every other stack file is gone at both commits.
        for (const f of fs.readdirSync(repo).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f) && f !== "Pulumi.dev.yaml")) fs.rmSync(path.join(repo, f));
        git(repo, "add", "-A");
        git(repo, "commit", "-qm", "base");
        const base = git(repo, "rev-parse", "HEAD").trim();
        const stackFile = path.join(repo, "Pulumi.dev.yaml");
        const stack = YAML.parse(fs.readFileSync(stackFile, "utf8"));
        stack.config["haplane:controlPlane"].replicas.push({ name: "cp-b2", zone: "europe-west1-b" }, { name: "cp-c2", zone: "europe-west1-c" });
        fs.writeFileSync(stackFile, YAML.stringify(stack));
        git(repo, "commit", "-qam", "dev: 3 -> 5 replicas");
        const head = git(repo, "rev-parse", "HEAD").trim();

        const runnerTemp = tempDir("haplane-runner-");
        const tmp = tempDir("haplane-tmp-");
        const summary = path.join(runnerTemp, "summary.md");
        const values = { "github.event.pull_request.base.sha": base, "github.sha": head, "github.event.pull_request.number": "7" };
        const job = readWorkflow("preview.yml").jobs["offline-diff"];
        const steps = job.steps.filter((s) => s.run && !/^npm ci\b/.test(s.run));
        assert.equal(steps.length, 2);
        for (const step of steps) {
            // GitHub's default shell for `run` on Linux.
            const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
                cwd: repo,
                encoding: "utf8",
                env: { ...process.env, ...resolveEnv(step.env, values), RUNNER_TEMP: runnerTemp, GITHUB_STEP_SUMMARY: summary, TMPDIR: tmp },
            });
            assert.equal(r.status, 0, `${step.name}: ${r.stderr}`);
        }

        const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
        const comments = String(upload.with!.path).replace("${{ runner.temp }}", runnerTemp);
        assert.deepEqual(fs.readdirSync(comments).sort(), ["dev.md", "pr-number"]);
        assert.equal(fs.readFileSync(path.join(comments, "pr-number"), "utf8"), "7\n");
        const dev = fs.readFileSync(path.join(comments, "dev.md"), "utf8");
        assert.equal(dev.split("\n")[0], marker("dev"));
        assert.match(dev, /^\*\*16 to create, 0 to update, 0 to delete, 0 to replace\*\*$/m);
        assert.match(dev, /^- Replicas 3 -> 5: adds `cp-b2` \(europe-west1-b\) and `cp-c2` \(europe-west1-c\); keeps `cp-b`, `cp-c` and `cp-d`$/m);
        assert.match(dev, /^- Joins, one at a time in this order: `cp-b2` after `cp-d` \(sponsor `cp-b`\), then `cp-c2` after `cp-b2`/m);
        assert.match(dev, new RegExp(`Base \`${base.slice(0, 12)}\`, head \`${head.slice(0, 12)}\``));
        assert.equal(fs.readFileSync(summary, "utf8"), dev);
        // The worktrees and their temporary directory are gone.
        assert.equal(git(repo, "worktree", "list").trim().split("\n").length, 1);
        assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith("haplane-plans")), []);
    });

    it("reports a plan that fails and a stack file that is new, without stopping", () => {
        const out = tempDir("haplane-plans-");
        fs.writeFileSync(path.join(out, "base.sha"), "a".repeat(40));
        fs.writeFileSync(path.join(out, "head.sha"), "b".repeat(40));
        fs.mkdirSync(path.join(out, "broken"));
        fs.writeFileSync(path.join(out, "broken", "base.json"), "{}");
        fs.writeFileSync(path.join(out, "broken", "head.error"), "haplane:controlPlane.replicas: the count must be odd\n");
        fs.mkdirSync(path.join(out, "fresh"));
        fs.writeFileSync(path.join(out, "fresh", "base.json"), '{"resources":[],"outputs":{}}');
        fs.writeFileSync(path.join(out, "fresh", "base.absent"), "");
        const firewall = { urn: "urn:pulumi:fresh::haplane::gcp:compute/firewall:Firewall::ssh", type: "gcp:compute/firewall:Firewall", name: "ssh", parent: null, custom: true, inputs: {}, dependsOn: [] };
        fs.writeFileSync(path.join(out, "fresh", "head.json"), JSON.stringify({ stack: "fresh", resources: [firewall], outputs: {} }));
        const r = spawnSync("bash", [path.join(ROOT, "scripts/planDiff/report.sh"), out], { encoding: "utf8", env: { ...process.env, GITHUB_STEP_SUMMARY: "" } });
        assert.equal(r.status, 0, r.stderr);
        const broken = fs.readFileSync(path.join(out, "comments", "broken.md"), "utf8");
        assert.match(broken, /The offline plan of the head commit failed, so there is nothing to compare:\n\n```\nhaplane:controlPlane\.replicas: the count must be odd\n```/);
        const fresh = fs.readFileSync(path.join(out, "comments", "fresh.md"), "utf8");
        assert.match(fresh, /The stack file is new: compared with an empty stack\./);
        assert.match(fresh, /^\*\*1 to create, 0 to update, 0 to delete, 0 to replace\*\*$/m);
    });

    it("its scripts pass shellcheck", function () {
        requireTool(this, "shellcheck");
        const r = spawnSync("shellcheck", ["scripts/planDiff/buildPlans.sh", "scripts/planDiff/report.sh"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stdout);
    });
});
