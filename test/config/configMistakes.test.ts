// Config mistakes found by trying wrong stacks as a user would: each is an error naming the
// key, or (legal but risky) a warning at plan time; and what is legal stays accepted.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { configWarnings } from "../../components/config/warnings";
import { planStackFile } from "../../scripts/plan";
import { readStackFile } from "../../scripts/offline/stackFile";
import { rejects } from "../support/configErrors";
import { baseConfig, plan } from "../support/stacks";

const root = path.resolve(__dirname, "..", "..");

function onprem(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.4",
        controlPlane: {
            replicas: [
                { name: "h1", zone: "rack-a", address: "198.18.0.11" },
                { name: "h2", zone: "rack-b", address: "198.18.0.12" },
                { name: "h3", zone: "rack-c", address: "198.18.0.13" },
            ],
        },
        endpoint: { address: "198.18.0.100", port: 6443 },
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
        ...extra,
    };
}

function aws(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const stack = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.aws.yaml"), "utf8")).config as Record<string, unknown>;
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(stack)) if (k.startsWith("haplane:") && k !== "haplane:sshPrivateKey") config[k.slice("haplane:".length)] = v;
    const a = config.aws as Record<string, unknown>;
    config.aws = { ...a, ...extra };
    return config;
}

/** A stack file in a temporary directory (the offline plan reads `Pulumi.<stack>.yaml`). */
function stackFile(name: string, text: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "haplane-mistake-")), `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, text);
    return file;
}

describe("config mistakes", function () {
    this.timeout(60_000);

    describe("rejected, naming the key", () => {
        it("a bastion host or user carrying shell syntax (they reach OpenSSH on the machine running Pulumi)", () => {
            const withBastion = (bastion: Record<string, unknown>) => {
                const c = baseConfig();
                c.ssh = { ...(c.ssh as object), bastion };
                return c;
            };
            rejects(withBastion({ host: "bastion$(touch /tmp/x)" }), "haplane:ssh.bastion.host", /host name or IPv4 address/);
            rejects(withBastion({ host: "bastion.example.com", user: "ops;id" }), "haplane:ssh.bastion.user", /POSIX user name/);
            assert.doesNotThrow(() => parseStackConfig(withBastion({ host: "bastion.example.com", user: "jump", port: 2222 })));
            assert.doesNotThrow(() => parseStackConfig(withBastion({ host: "203.0.113.7" })));
        });

        it("a machine type or EC2 key name with shell metacharacters", () => {
            const c = baseConfig();
            c.gce = { ...(c.gce as object), machineType: "e2-standard-4;reboot" };
            rejects(c, "haplane:gce.machineType", /GCE machine type/);
            // The key's old place names the new one.
            const old = baseConfig();
            old.controlPlane = { ...(old.controlPlane as object), machineType: "e2-standard-4" };
            rejects(old, "haplane:controlPlane.machineType", /moved to gce\.machineType/);
            rejects(aws({ keyName: "ops`id`" }), "haplane:aws.keyName", /EC2 key pair name/);
            assert.doesNotThrow(() => parseStackConfig(aws({ keyName: "ops-key_2026@example.com" })));
        });

        it("an on-prem zone that is not a label (racks become topology.kubernetes.io/zone values)", () => {
            const c = onprem();
            (c.controlPlane as { replicas: { zone: string }[] }).replicas[1].zone = "rack b";
            rejects(c, "haplane:controlPlane.replicas[1].zone", /Kubernetes label value/);
            (c.controlPlane as { replicas: { zone: string }[] }).replicas[1].zone = "room-2.rack_B";
            assert.doesNotThrow(() => parseStackConfig(c));
        });

        it("a VIP that is its subnet's network or broadcast address, and a host outside every listed subnet", () => {
            rejects(onprem({ endpoint: { address: "198.18.0.0" }, onprem: { subnets: ["198.18.0.0/24"] } }), "haplane:endpoint.address", /network address of 198\.18\.0\.0\/24/);
            rejects(onprem({ endpoint: { address: "198.18.0.255" }, onprem: { subnets: ["198.18.0.0/24"] } }), "haplane:endpoint.address", /broadcast address/);
            rejects(onprem({ onprem: { subnets: ["198.18.1.0/24"] } }), "haplane:controlPlane.replicas[0].address", /198\.18\.0\.11 \(host h1\) is in none of onprem\.subnets/);
            assert.doesNotThrow(() => parseStackConfig(onprem({ onprem: { subnets: ["198.18.0.0/24"] } })));
        });

        it("endpoint.internal on on-prem (it would be ignored)", () => {
            rejects(onprem({ endpoint: { address: "198.18.0.100", internal: true } }), "haplane:endpoint.internal", /gce, aws/);
        });

        it("a record key with shell syntax is named in quotes, under its record", () => {
            rejects(aws({ vpcCidr: undefined, zones: undefined, vpcId: "vpc-0123456789abcdef0", subnets: { "eu-west-1a;id": "subnet-0123456789abcdef0" } }), "haplane:aws.subnets", /key "eu-west-1a;id" must be a zone/);
        });
    });

    describe("warned at plan time, not rejected", () => {
        it("SSH open to the whole internet", () => {
            const c = parseStackConfig({ ...baseConfig(), adminCidrs: ["203.0.113.0/24", "0.0.0.0/0"] });
            assert.deepEqual(
                configWarnings(c).map((w) => w.key),
                ["haplane:adminCidrs[1]"],
            );
            assert.match(configWarnings(c)[0].message, /0\.0\.0\.0\/0 lets every address on the internet try SSH \(port 22\)/);
            assert.deepEqual(configWarnings(parseStackConfig(baseConfig())), []);
        });

        it("a VIP outside every host subnet (legal only with routing)", () => {
            const c = parseStackConfig(onprem({ endpoint: { address: "198.18.5.100" }, onprem: { subnets: ["198.18.0.0/24"] } }));
            assert.deepEqual(configWarnings(c).map((w) => w.key), ["haplane:endpoint.address"]);
            assert.match(configWarnings(c)[0].message, /outside every host subnet .*routers/);
        });

        it("the offline plan prints warnings on stderr and still plans", async () => {
            const stack = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.onprem.yaml"), "utf8"));
            stack.config["haplane:adminCidrs"] = ["0.0.0.0/0"];
            const warned: string[] = [];
            const original = console.warn;
            console.warn = (...args: unknown[]) => void warned.push(args.join(" "));
            try {
                const p = await planStackFile(stackFile("open", YAML.stringify(stack)));
                assert.ok(p.resources.length > 0, "planned");
            } finally {
                console.warn = original;
            }
            assert.equal(warned.filter((w) => w.includes("haplane:adminCidrs[0]: 0.0.0.0/0 lets every address")).length, 1, warned.join("\n"));
        });
    });

    describe("accepted as written", () => {
        it("a cluster named \"true\" or \"null\" stays a string through the config reader", async () => {
            for (const name of ["true", "null"]) {
                const p = await plan({ ...baseConfig(), clusterName: name });
                assert.ok(p.resources.some((r) => r.type === "gcp:compute/instance:Instance" && String(r.inputs.name).startsWith(`${name}-`)), name);
            }
            // Written unquoted in the stack file, YAML reads a boolean: still the name "true".
            const stack = fs.readFileSync(path.join(root, "Pulumi.onprem.yaml"), "utf8").replace("haplane:clusterName: lab", "haplane:clusterName: true");
            const p = await planStackFile(stackFile("booleanish", stack));
            assert.ok(p.resources.length > 0);
        });

        it("an AMI owner id written without quotes (YAML reads a number and drops the leading zero)", () => {
            const text = fs.readFileSync(path.join(root, "Pulumi.aws.yaml"), "utf8").replace('owners: ["099720109477"]', "owners: [099720109477]");
            assert.ok(text.includes("owners: [099720109477]"));
            const file = readStackFile(stackFile("owners", text));
            const raw = JSON.parse(file.config["haplane:aws"]);
            assert.equal(typeof raw.image.owners[0], "number", "YAML reads it as a number");
            const parsed = parseStackConfig(aws({ image: raw.image }));
            assert.ok(parsed.platform === "aws");
            assert.deepEqual(parsed.aws.image.owners, ["099720109477"]);
            rejects(aws({ image: { owners: [1.5] } }), "haplane:aws.image.owners[0]", /AWS account id: 12 digits/);
        });
    });

    describe("a stack file that is not YAML", () => {
        it("names the file, line, column and the key being written, in one line, nothing on stdout", () => {
            const file = stackFile("broken", "config:\n  haplane:platform: onprem\n  haplane:controlPlane:\n    replicas:\n      - name: \"cp-1\n        zone: rack-a\n");
            assert.throws(() => readStackFile(file), /^Error: haplane:controlPlane: Pulumi\.broken\.yaml line 7, column 1: not valid YAML: Missing closing "quote$/);
            const r = spawnSync("npm", ["run", "--silent", "plan", "--", file], { cwd: root, encoding: "utf8" });
            assert.equal(r.status, 1);
            assert.equal(r.stdout, "");
            assert.equal(r.stderr, 'haplane:controlPlane: Pulumi.broken.yaml line 7, column 1: not valid YAML: Missing closing "quote\n');
        });
    });
});
