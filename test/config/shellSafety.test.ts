// Nothing from config is ever spliced into shell text. For every string key of the schema
// (found by walking it, so a key added later is covered without being named here), a value
// carrying shell syntax is either rejected with a message naming that key, or appears in no
// command, script, environment value, connection or rendered file of the plan. And every
// command line the plans contain keeps such a value one intact argument.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, configKey, parseStackConfig } from "../../components/config/parse";
import { stackConfigSchema } from "../../components/config/schema";
import { scriptLine } from "../../components/render/commands";
import { Plan } from "../../scripts/offline/evaluate";
import { describePath, Step, stringPaths } from "../support/schemaWalk";
import { plan } from "../support/stacks";
import { requireTool } from "../support/tools";

const MARK = "pwned7f3";
/** Shell syntax a value could smuggle: substitution, backticks, separators, a newline, quotes. */
const PAYLOADS = [`$(touch /tmp/${MARK})`, `\`touch /tmp/${MARK}\``, `;touch /tmp/${MARK}`, `|touch /tmp/${MARK}`, `\ntouch /tmp/${MARK}`, `'${MARK}`, `"${MARK}`, `&${MARK}`];

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 ops@example";
const common = {
    clusterName: "prod",
    kubernetesVersion: "1.32.4",
    apiCidrs: ["203.0.113.0/24"],
    adminCidrs: ["203.0.113.10/32"],
    apiServerIdentity: { enabled: true },
    ssh: { user: "ops", port: 22, publicKey: PUBLIC_KEY, bastion: { host: "bastion.example.com", user: "jump", port: 22 }, dialErrorLimit: 3, perDialTimeoutSeconds: 5 },
};
const cpExtras = { diskSizeGb: 50, podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/12" };

/** Valid stacks that between them set every string key the schema has (a test checks that). */
const FIXTURES: Record<string, Record<string, unknown>> = {
    "gce named": {
        ...common,
        platform: "gce",
        gce: { project: "prod-project", region: "europe-west1", network: "default", subnetwork: "nodes", image: "ubuntu-os-cloud/ubuntu-2404-lts-amd64", machineType: "e2-standard-4" },
        controlPlane: { replicas: [{ name: "cp-b", zone: "europe-west1-b" }, { name: "cp-c", zone: "europe-west1-c" }, { name: "cp-d", zone: "europe-west1-d" }], ...cpExtras },
        etcd: { topology: "stacked" },
        endpoint: { port: 6443, internal: false, dns: { managedZone: "example", name: "api.prod.example.com", ttl: 30 } },
        addons: {
            workerNodes: 3,
            profiles: [
                { preset: "custom", namespace: "my-system", deployments: [{ name: "my-controller", container: "manager" }], requests: { cpu: "100m", memory: "64Mi" }, antiAffinity: "required" },
                { preset: "linkerd", namespace: "linkerd", deployments: [{ name: "linkerd-identity" }] },
            ],
        },
    },
    "gce count": {
        ...common,
        platform: "gce",
        gce: { project: "prod-project", region: "europe-west1" },
        controlPlane: { replicas: 3, zones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"] },
    },
    "aws existing vpc": {
        ...common,
        platform: "aws",
        aws: {
            region: "eu-west-1",
            vpcId: "vpc-0123456789abcdef0",
            subnets: { "eu-west-1a": "subnet-0123456789abcdef0", "eu-west-1b": "subnet-0123456789abcdef1", "eu-west-1c": "subnet-0123456789abcdef2" },
            image: { owners: ["099720109477"], name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", architecture: "x86_64" },
            instanceType: "m6i.large",
            keyName: "ops-key",
        },
        controlPlane: { replicas: [{ name: "cp-a", zone: "eu-west-1a" }, { name: "cp-b", zone: "eu-west-1b" }, { name: "cp-c", zone: "eu-west-1c" }] },
        endpoint: { port: 6443, dns: { managedZone: "Z0123456789ABC", name: "api.prod.example.com" } },
    },
    "aws created vpc": {
        ...common,
        platform: "aws",
        aws: { region: "eu-west-1", vpcCidr: "10.42.0.0/16", zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], ami: "ami-0123456789abcdef0" },
        controlPlane: { replicas: [{ name: "cp-a", zone: "eu-west-1a" }, { name: "cp-b", zone: "eu-west-1b" }, { name: "cp-c", zone: "eu-west-1c" }] },
    },
    "onprem external etcd": {
        ...common,
        platform: "onprem",
        controlPlane: {
            replicas: [
                { name: "cp-1", zone: "rack-a", address: "192.0.2.11" },
                { name: "cp-2", zone: "rack-b", address: "192.0.2.12" },
                { name: "cp-3", zone: "rack-c", address: "192.0.2.13" },
            ],
        },
        etcd: {
            topology: "external",
            hosts: [
                { name: "etcd-1", zone: "rack-a", address: "192.0.2.21" },
                { name: "etcd-2", zone: "rack-b", address: "192.0.2.22" },
                { name: "etcd-3", zone: "rack-c", address: "192.0.2.23" },
            ],
        },
        endpoint: { address: "192.0.2.100", port: 6443 },
        kubeadm: { dryRun: false, skipPhases: ["addon/kube-proxy"], imagePullPolicy: "Never" },
        onprem: { packages: "distribution", subnets: ["192.0.2.0/24"], kubelet: { cgroupDriver: "cgroupfs" }, keepalived: { enabled: true, interface: "eth0", vrid: 51, advertIntervalSeconds: 0.2 } },
    },
    "onprem stacked": {
        ...common,
        platform: "onprem",
        controlPlane: { replicas: [{ name: "cp-1", zone: "rack-a", address: "192.0.2.11" }, { name: "cp-2", zone: "rack-b", address: "192.0.2.12" }, { name: "cp-3", zone: "rack-c", address: "192.0.2.13" }] },
        endpoint: { address: "192.0.2.100" },
        onprem: { packages: "preinstalled" },
    },
};

/** Where `path` lands in `config`: its parent and the key there (a list's first element, a record's first key). */
function locate(config: unknown, steps: Step[]): { set(value: string): void; current: unknown } | undefined {
    let node = config as Record<string, unknown> | unknown[];
    for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        const last = i === steps.length - 1;
        let key: string | number;
        if (typeof step === "string") key = step;
        else if ("element" in step) key = 0;
        else {
            const first = Object.keys(node as object)[0];
            if (first === undefined) return undefined;
            if ("recordKey" in step) {
                if (!last) return undefined;
                const record = node as Record<string, unknown>;
                return {
                    current: first,
                    set(value) {
                        const entries = Object.entries(record);
                        for (const k of Object.keys(record)) delete record[k];
                        for (const [k, v] of entries) record[k === first ? value : k] = v;
                    },
                };
            }
            key = first;
        }
        const holder = node as Record<string | number, unknown>;
        if (holder === null || typeof holder !== "object" || !(key in holder)) return undefined;
        if (last) return { current: holder[key], set: (value) => void (holder[key] = value) };
        node = holder[key] as Record<string, unknown>;
    }
    return undefined;
}

/** The config key an error about `steps` in `config` must name (a record's key is named in the message). */
function expectedKey(config: unknown, steps: Step[]): string {
    const parts: (string | number)[] = [];
    let node = config as Record<string, unknown>;
    for (const step of steps) {
        if (typeof step === "string") parts.push(step);
        else if ("element" in step) parts.push(0);
        else if ("recordKey" in step) break;
        else parts.push(Object.keys(node)[0]);
        node = (node as Record<string | number, unknown>)[parts[parts.length - 1]] as Record<string, unknown>;
    }
    return configKey(parts);
}

function variants(current: unknown, payload: string): string[] {
    const valid = typeof current === "string" ? current : "x";
    return [payload, valid + payload, payload + valid];
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Every string value anywhere in a plan's resources, secrets revealed. */
function planStrings(p: Plan): string[] {
    const out: string[] = [];
    const walk = (v: unknown) => {
        if (typeof v === "string") out.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    for (const r of p.resources) walk(r.inputs);
    walk(p.outputs);
    return out;
}

describe("config never reaches a shell as text", function () {
    this.timeout(120_000);
    const paths = stringPaths(stackConfigSchema);

    it("walks the schema to its string keys", () => {
        const names = paths.map(describePath);
        for (const key of ["clusterName", "ssh.bastion.host", "ssh.bastion.user", "controlPlane.replicas[].zone", "aws.subnets{key}", "aws.keyName", "gce.machineType", "aws.image.owners[]"]) {
            assert.ok(names.includes(key), `${key} is found by the walk`);
        }
        assert.ok(paths.length >= 35, `${paths.length} string keys`);
    });

    it("is documented: the README's string grammars name every string key", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("### String grammars"), readme.indexOf("## Security"));
        const missing = paths.map(describePath).filter((key) => {
            if (key.endsWith("{key}")) return !section.includes(`the keys of \`${key.slice(0, -"{key}".length)}\``);
            return !section.includes(`\`${key}\``);
        });
        assert.deepEqual(missing, [], "add these keys to the README's String grammars table");
    });

    it("has a fixture setting every string key (so a new key is tested, not skipped)", () => {
        const uncovered = paths.filter((p) => !Object.values(FIXTURES).some((f) => locate(clone(f), p)));
        assert.deepEqual(uncovered.map(describePath), [], "add the key to a fixture above");
        for (const [name, f] of Object.entries(FIXTURES)) assert.doesNotThrow(() => parseStackConfig(clone(f)), name);
    });

    it("rejects shell syntax in every string key, naming the key — or keeps it out of every command, environment and file", async () => {
        const leaks: string[] = [];
        let rejected = 0;
        let accepted = 0;
        for (const steps of paths) {
            for (const [fixtureName, fixture] of Object.entries(FIXTURES)) {
                if (!locate(clone(fixture), steps)) continue;
                for (const payload of PAYLOADS) {
                    for (const value of variants(locate(clone(fixture), steps)!.current, payload)) {
                        const config = clone(fixture);
                        locate(config, steps)!.set(value);
                        let error: unknown;
                        try {
                            parseStackConfig(config);
                        } catch (e) {
                            error = e;
                        }
                        const what = `${describePath(steps)} = ${JSON.stringify(value)} (${fixtureName})`;
                        if (error) {
                            assert.ok(error instanceof ConfigError, `${what}: ${error}`);
                            const key = expectedKey(clone(fixture), steps);
                            assert.ok(error.key === key || error.key.startsWith(`${key}.`) || error.key.startsWith(`${key}[`), `${what}: the error names ${error.key}, not ${key}: ${error.message}`);
                            assert.doesNotMatch(error.message, /Invalid input|Invalid key/, `${what}: a message that says what is allowed`);
                            assert.ok(!error.message.includes("\n"), `${what}: one line`);
                            rejected++;
                            continue;
                        }
                        accepted++;
                        const p = await plan(config, { revealSecrets: true });
                        if (planStrings(p).some((s) => s.includes(MARK))) leaks.push(what);
                    }
                }
            }
        }
        assert.deepEqual(leaks, [], "accepted values with shell syntax that reach the plan");
        assert.ok(rejected > 0, `${rejected} rejected, ${accepted} accepted`);
    });

    it("keeps a payload one intact argument of every command line in the plans (bash -n, argv read back, shellcheck)", async function () {
        const lines = new Set<string>();
        for (const fixture of Object.values(FIXTURES)) {
            const p = await plan(clone(fixture), { revealSecrets: true });
            for (const r of p.resources.filter((x) => x.type.startsWith("command:"))) {
                const env = (r.inputs.environment ?? {}) as Record<string, string>;
                for (const line of [r.inputs.create, r.inputs.update, r.inputs.delete, env.REMOTE_COMMAND]) if (typeof line === "string") lines.add(line);
            }
        }
        const all = [...lines];
        bashParses(all);
        // Every line is simple commands of quoted words, joined only by the operators haplane
        // writes itself; each simple command is read back alone, so nothing is ever run here.
        const commands = all.flatMap(simpleCommands);
        const scripts = commands.filter((l) => l.startsWith("'sudo' 'bash' '-c' ") || l.startsWith("'bash' '-c' "));
        assert.ok(scripts.length >= 10, `${scripts.length} script lines`);
        // Each script again with a payload in every argument position (and one more argument),
        // through the one quoting helper: bash must read back exactly those arguments.
        const expected: string[][] = [];
        const hostile: string[] = [];
        const parsed = argvOf(scripts);
        for (const [i, argv] of parsed.entries()) {
            const sudo = argv[0] === "sudo";
            const [bash, dashC, text, name, ...args] = sudo ? argv.slice(1) : argv;
            assert.deepEqual([bash, dashC], ["bash", "-c"], scripts[i].slice(0, 80));
            for (let shift = 0; shift < PAYLOADS.length; shift += 3) {
                const payloadArgs = [...args, "extra"].map((_, k) => PAYLOADS[(k + shift) % PAYLOADS.length]);
                hostile.push(scriptLine(text, name, payloadArgs, sudo));
                expected.push([...(sudo ? ["sudo"] : []), "bash", "-c", text, name, ...payloadArgs]);
            }
        }
        bashParses(hostile);
        assert.deepEqual(argvOf(hostile), expected, "every payload arrives as one argument");
        assert.ok(!fs.existsSync(`/tmp/${MARK}`), "no payload ran");
        requireTool(this, "shellcheck");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-lines-"));
        try {
            const file = path.join(dir, "lines.sh");
            fs.writeFileSync(file, ["#!/usr/bin/env bash", ...all, ...hostile].join("\n") + "\n");
            const sc = spawnSync("shellcheck", ["-S", "warning", file], { encoding: "utf8" });
            assert.equal(sc.status, 0, sc.stdout + sc.stderr);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

/** A word as shellQuote writes it: single-quoted pieces joined by escaped quotes. */
const QUOTED_WORD = /^'[^']*'(\\''[^']*')*$/;
/** What may join the simple commands of a line: haplane's own fixed operators. */
const OPERATORS = new Set(["&&", ">&2"]);

/**
 * Splits a command line into its simple commands (quoted words only), asserting that nothing
 * but quoted words and the allowed operators appears: a bare word would be shell text.
 */
function simpleCommands(line: string): string[] {
    if (line === "true") return [];
    const tokens = line.match(/'[^']*'(?:\\''[^']*')*|\S+/g) ?? [];
    const out: string[][] = [[]];
    for (const token of tokens) {
        if (QUOTED_WORD.test(token)) out[out.length - 1].push(token);
        else if (OPERATORS.has(token) || (token === "true" && out[out.length - 1].length === 0)) {
            if (token === "&&") out.push([]);
        } else assert.fail(`a bare word in a command line: ${JSON.stringify(token)} in ${line.slice(0, 120)}`);
    }
    return out.filter((words) => words.length > 0).map((words) => words.join(" "));
}

/** bash -n over every line at once: each must parse as shell (nothing is run). */
function bashParses(lines: string[]): void {
    const r = spawnSync("bash", ["-n"], { input: lines.join("\n") + "\n", encoding: "utf8" });
    assert.equal(r.status, 0, `bash -n: ${r.stderr}`);
}

/** The argv each command line gives its first program, read by bash itself (nothing is run). */
function argvOf(lines: string[]): string[][] {
    const script = ["argv() { printf '%s\\0' \"$@\"; printf '\\036'; }", ...lines.map((l) => `argv ${l}`)].join("\n");
    const r = spawnSync("bash", ["-s"], { input: script, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split("\x1e").slice(0, -1).map((record) => record.split("\0").slice(0, -1));
}
