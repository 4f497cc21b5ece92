// The offline plan of the AWS example stack: `npm run --silent plan -- Pulumi.aws.yaml`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { haplaneProgram } from "../../components/program";
import { evaluate } from "../../scripts/offline/evaluate";
import { readStackFile } from "../../scripts/offline/stackFile";
import { planStackFile } from "../../scripts/plan";

const root = path.resolve(__dirname, "..", "..");

describe("npm run plan (aws)", function () {
    this.timeout(60000);

    // In process: the command's printing and exit codes are covered by the GCE plan tests.
    it("plans the AWS example stack, secrets redacted", async () => {
        const plan = await planStackFile(path.join(root, "Pulumi.aws.yaml"));
        const text = JSON.stringify(plan);
        assert.equal(plan.stack, "aws");
        const types = new Set(plan.resources.map((x: { type: string }) => x.type));
        for (const t of ["aws:ec2/eip:Eip", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:route53/record:Record"]) assert.ok(types.has(t), t);
        assert.equal(plan.outputs.endpointMode, "loadBalancer");
        assert.ok(!text.includes("offline-plan-placeholder"));
    });

    it("fails naming the key when the example's zones span two regions", async () => {
        // In process (the CLI's one-line error path is covered by the GCE plan tests).
        const stack = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.aws.yaml"), "utf8"));
        stack.config["haplane:controlPlane"].replicas[2].zone = "us-east-1a";
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "haplane-plan-")), "Pulumi.tworegions.yaml");
        fs.writeFileSync(file, YAML.stringify(stack));
        await assert.rejects(
            evaluate(readStackFile(file, path.join(root, "Pulumi.yaml")), haplaneProgram),
            /^ConfigError: haplane:controlPlane\.replicas: zone 'us-east-1a' is in region us-east-1, but every zone must be in the stack's region eu-west-1$/,
        );
    });
});
