// A real `pulumi preview` of the main program for every platform whose providers exist here:
// on-prem needs only the command provider. (GCE's provider cannot be built offline; its
// plans come from the offline plan and the unit tier.)
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { EngineStack, MAIN_PROJECT_DIR } from "./support/engine";

describe("engine: real preview of the main program", function () {
    this.timeout(10 * 60 * 1000);

    it("previews the on-prem example stack: every host's machine, VIP, load balancer and membership", () => {
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-main-"));
        const stack = new EngineStack({ workDir, stack: "onprem", projectDir: MAIN_PROJECT_DIR, env: {} });
        stack.init("-----BEGIN OPENSSH PRIVATE KEY-----\npreview-only\n-----END OPENSSH PRIVATE KEY-----\n");
        const example = YAML.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "Pulumi.onprem.yaml"), "utf8")) as {
            config: Record<string, unknown>;
        };
        const settings: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(example.config)) {
            if (key !== "haplane:sshPrivateKey") settings[key.replace(/^haplane:/, "")] = value;
        }
        stack.configure(settings);

        const { ops, diff } = stack.preview();
        assert.deepEqual(ops.replace, []);
        assert.deepEqual(ops.update, []);
        assert.deepEqual(ops.delete, []);
        for (const host of ["cp-1", "cp-2", "cp-3"]) {
            for (const name of [host, `${host}-keepalived`, `${host}-haproxy`, `${host}-vip-interface`, `${host}-member`]) {
                assert.ok(ops.create.includes(`command:remote:Command::${name}`), `${name} in\n${ops.create.join("\n")}`);
            }
            for (const name of [`${host}-release`, `${host}-removal`, `${host}-vip-handover`]) assert.ok(ops.create.includes(`command:local:Command::${name}`), name);
        }
        assert.ok(ops.create.includes("command:remote:Command::cp-2-ticket"));
        // The cluster's Kubernetes provider (the plugin the toolchain builds) and CoreDNS's HA
        // objects, which it applies once the API answers.
        for (const name of ["command:local:Command::api-ready", "kubernetes:apps/v1:DeploymentPatch::coredns-coredns", "kubernetes:policy/v1:PodDisruptionBudget::coredns-coredns"]) {
            assert.ok(ops.create.includes(name), `${name} in\n${ops.create.join("\n")}`);
        }
        assert.ok(!diff.includes("preview-only"), "the SSH key stays secret in the preview");
    });
});
