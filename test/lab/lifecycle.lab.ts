// The on-prem platform for real, on the lab hosts, with the real Pulumi engine: the lab stack
// walks 1 -> 3 -> 5 -> 3 (two middle replicas removed by name) -> a cut-off replica replaced
// in its failure domain -> 1. After every step the hosts themselves must show: etcd members ==
// replicas (no learner, no stale member, all healthy), the VIP on exactly one live host, every
// haproxy listing exactly the live API backends, released hosts running nothing of ours, and
// every API server pointed at the current etcd members. During every step a probe on the
// bridge writes to etcd and reads the endpoint; no acknowledged write may be lost.
// Needs root and the offline toolchain; skips without root unless CI is set.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureToolchain, labStack, LabStack, startStandins } from "../../scripts/lab/deploy";
import { LabHealth } from "../../scripts/lab/health";
import { cutOff, LabHost, labDown, labSsh, labStatus, labUp } from "../../scripts/lab/hosts";
import type { ProbeResult } from "../../scripts/lab/probe";
import { LAB_VIP } from "../../scripts/lab/stack";

const REPO = path.resolve(__dirname, "..", "..");

function requireRoot(ctx: Mocha.Context): void {
    if (process.getuid?.() === 0) return;
    if (process.env.HAPLANE_REQUIRE_TOOLS === "1" || process.env.CI) throw new Error("the lab tests need root (CI or HAPLANE_REQUIRE_TOOLS=1)");
    console.log("      (skipped: the lab lifecycle needs root)");
    ctx.skip();
}

const clientUrl = (h: LabHost) => `https://${h.address}:2379`;

class Probe {
    private child?: ChildProcess;
    /** Replicas of the previous step: the probe writes only to members that exist before and after. */
    started?: LabHost[];
    constructor(readonly dir: string) {}

    /** Copies an etcd client certificate from a member host. */
    credentials(from: LabHost): void {
        for (const [remote, local] of [
            ["ca.crt", "ca.crt"],
            ["healthcheck-client.crt", "client.crt"],
            ["healthcheck-client.key", "client.key"],
        ]) {
            const r = labSsh(from, `cat /etc/etcd/pki/${remote}`);
            assert.equal(r.status, 0, `copy ${remote} from ${from.name}: ${r.stderr}`);
            fs.writeFileSync(path.join(this.dir, local), r.stdout, { mode: 0o600 });
        }
    }

    target(members: LabHost[]): void {
        fs.writeFileSync(path.join(this.dir, "endpoints.json"), JSON.stringify({ etcd: members.map(clientUrl), vip: `https://${LAB_VIP}:6443` }));
    }

    start(): void {
        fs.rmSync(path.join(this.dir, "result.json"), { force: true });
        this.child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO, "scripts/lab/probe.ts"), this.dir], {
            cwd: REPO,
            stdio: ["ignore", "inherit", "inherit"],
        });
    }

    async stop(): Promise<ProbeResult> {
        const child = this.child!;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
        this.child = undefined;
        return JSON.parse(fs.readFileSync(path.join(this.dir, "result.json"), "utf8")) as ProbeResult;
    }
}

/** Everything the hosts must show once `replicas` are the control plane. */
function assertConverged(h: LabHealth, replicas: LabHost[], all: LabHost[], cut: Set<string>): void {
    const names = replicas.map((r) => r.name).sort();
    const live = all.filter((x) => !cut.has(x.name));
    assert.deepEqual(h.unreachable.sort(), [...cut].sort(), "only cut-off hosts are unreachable");

    const etcd = h.etcd;
    assert.ok(etcd, "an etcd member answers");
    assert.deepEqual(etcd.members.map((m) => m.name).sort(), names, "etcd members are exactly the replicas (none stale, none missing)");
    assert.deepEqual(etcd.members.filter((m) => m.learner || !m.started).map((m) => m.name), [], "no learner or unstarted member");
    assert.deepEqual(Object.entries(etcd.health).filter(([, ok]) => !ok).map(([url]) => url), [], "every member is healthy");
    assert.ok(etcd.leader && names.includes(etcd.leader), `the leader (${etcd.leader}) is a replica`);

    assert.equal(h.vipHolders.length, 1, `the VIP is held by exactly one live host, not ${JSON.stringify(h.vipHolders)}`);
    assert.ok(names.includes(h.vipHolders[0]), `the VIP holder ${h.vipHolders[0]} is a replica`);

    for (const host of live) {
        const lb = h.haproxy[host.name];
        if (replicas.length >= 2 && names.includes(host.name)) {
            assert.ok(lb.running, `haproxy runs on ${host.name}`);
            assert.deepEqual(Object.keys(lb.servers).sort(), names, `haproxy on ${host.name} lists exactly the live API backends`);
            assert.deepEqual(Object.entries(lb.servers).filter(([, s]) => s !== "UP").map(([n, s]) => `${n} ${s}`), [], `every backend is UP on ${host.name}`);
        } else {
            assert.ok(!lb.running, `no haproxy on ${host.name} (${names.includes(host.name) ? "a single replica" : "not a replica"})`);
        }
        if (!names.includes(host.name)) {
            const running = labStatus().find((x) => x.name === host.name)?.services ?? [];
            assert.deepEqual(running, [], `${host.name} is not a replica and runs none of keepalived, haproxy, etcd`);
        } else {
            assert.equal(h.apiServerEtcd[host.name], replicas.map(clientUrl).join(","), `the API server on ${host.name} uses the current etcd members`);
        }
    }
}

describe("lab lifecycle (real engine, real hosts)", function () {
    this.timeout(60 * 60_000);
    // Each step builds on the one before: stop at the first that fails.
    this.bail(true);
    let lab: LabStack;
    let hosts: LabHost[];
    let probe: Probe;
    const cut = new Set<string>();
    const byName = (...names: string[]) => names.map((n) => hosts.find((h) => h.name === `lab-${n}`)!);
    const figures: string[] = [];

    before(async function () {
        requireRoot(this);
        ensureToolchain(() => {});
        await labDown();
        hosts = await labUp(6);
        startStandins(hosts);
        lab = labStack();
        probe = new Probe(fs.mkdtempSync(path.join(os.tmpdir(), "haplane-probe-")));
    });

    after(async function () {
        if (process.getuid?.() !== 0) return;
        if (figures.length) console.log(`      probe per step:\n${figures.map((f) => `        ${f}`).join("\n")}`);
        await labDown();
    });

    async function step(label: string, replicas: LabHost[]): Promise<void> {
        const previous = probe.started;
        if (previous) {
            probe.target(replicas.filter((r) => previous.some((p) => p.name === r.name)));
            probe.start();
        }
        const started = Date.now();
        let failure: unknown;
        try {
            lab.deploy(replicas);
        } catch (e) {
            failure = e;
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        if (previous) {
            const result = await probe.stop();
            figures.push(
                `${label}: up ${seconds} s; etcd writes ${result.writesAcknowledged} acknowledged, ${result.writesFailed} failed, ` +
                    `${result.writesLost} lost, longest gap ${result.longestWriteGapMs} ms; endpoint reads ${result.readsOk} ok, ${result.readsFailed} failed`,
            );
            if (!failure) {
                assert.equal(result.verifyError, undefined, "the probe read its writes back");
                assert.equal(result.writesLost, 0, "no acknowledged etcd write is lost");
                assert.ok(result.writesAcknowledged > 0, "the probe wrote during the step");
            }
        } else {
            figures.push(`${label}: up ${seconds} s (probe starts once etcd exists)`);
        }
        if (failure) throw failure;
        assertConverged(lab.health(hosts), replicas, hosts, cut);
        probe.started = replicas;
    }

    it("founds a one-replica control plane", async () => step("1", byName("1")));
    it("grows to 3", async () => {
        probe.credentials(byName("1")[0]);
        await step("1 -> 3", byName("1", "2", "3"));
    });
    it("grows to 5", async () => step("3 -> 5", byName("1", "2", "3", "4", "5")));
    it("removes two middle replicas by name (5 -> 3)", async () => step("5 -> 3 (lab-2, lab-4 removed)", byName("1", "3", "5")));
    it("replaces a cut-off replica with a new host in its failure domain", async () => {
        cutOff(byName("3")[0]);
        cut.add("lab-3");
        await step("lab-3 cut off, replaced by lab-6 (rack-c)", byName("1", "5", "6"));
    });
    it("shrinks to 1", async () => step("3 -> 1", byName("1")));
});
