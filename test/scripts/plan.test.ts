// The offline plan as users run it in PR checks: `npm run --silent plan -- <stack file>`.
// Two cases run the command itself; the others call what it prints, in process (each
// command start costs seconds of TypeScript compilation).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { planStackFile } from "../../scripts/plan";

const root = path.resolve(__dirname, "..", "..");
const runPlan = (...args: string[]) => spawnSync("npm", ["run", "--silent", "plan", "--", ...args], { cwd: root, encoding: "utf8" });

/** Writes a copy of the example stack keeping only its first `count` replicas. */
function exampleWithReplicas(stackName: string, count: number): string {
    const stack = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8"));
    stack.config["haplane:controlPlane"].replicas = stack.config["haplane:controlPlane"].replicas.slice(0, count);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "haplane-plan-")), `Pulumi.${stackName}.yaml`);
    fs.writeFileSync(file, YAML.stringify(stack));
    return file;
}

describe("npm run plan", function () {
    this.timeout(60000);

    it("prints the example stack's plan as JSON, secrets redacted", () => {
        const r = runPlan("Pulumi.dev.yaml");
        assert.equal(r.status, 0, r.stderr);
        const plan = JSON.parse(r.stdout);
        assert.equal(plan.project, "haplane");
        assert.equal(plan.stack, "dev");
        for (const res of plan.resources) for (const key of ["urn", "type", "name", "parent", "inputs"]) assert.ok(key in res, key);
        assert.ok(plan.resources.some((x: { type: string }) => x.type === "gcp:compute/forwardingRule:ForwardingRule"));
        assert.equal(plan.outputs.endpointMode, "loadBalancer");
        assert.ok(!r.stdout.includes("offline-plan-placeholder"), "secret placeholder must show as [secret]");
        assert.ok(r.stdout.includes('"[secret]"'));
    });

    it("plans the on-prem example stack", async () => {
        const plan = await planStackFile(path.join(root, "Pulumi.onprem.yaml"));
        assert.equal(plan.stack, "onprem");
        assert.equal(plan.outputs.endpointAddress, "198.18.0.100");
        assert.ok(plan.resources.some((x: { name: string }) => x.name === "cp-2-keepalived"));
    });

    it("exits non-zero with one line naming the key and nothing on stdout for 2 replicas", () => {
        const r = runPlan(exampleWithReplicas("two", 2));
        assert.notEqual(r.status, 0);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^haplane:controlPlane\.replicas: .*odd/);
        assert.equal(r.stderr.trim().split("\n").length, 1);
    });

    it("shows the pending handoff when the load balancer still holds the address", async () => {
        const plan = await planStackFile(exampleWithReplicas("one", 1), "loadBalancer");
        assert.match(String(plan.outputs.endpointHandoff), /^pending/);
    });
});
