// A real Kubernetes control plane from the main program, on the lab hosts, with the real
// Pulumi engine: kubeadm init and join for real, kubelets running the static Pods kubeadm
// writes. The stacked lab stack (kubeadm's etcd: the membership path the clouds run) walks
// 1 -> 3 (CoreDNS made HA, its budget tested with evictions; the linkerd and knative-serving
// presets applied to stand-ins and dropped again) -> 5 -> 3 (two middle replicas removed by name) -> a cut-off replica replaced in its
// failure domain -> 1, with its leader election retuned at 3 (every running member's controllers
// re-rendered, and later joiners taking the stored setting); the external-etcd stack walks
// 1 -> 3 -> 1. After every step:
//   from the real API through the VIP (the admin kubeconfig): /readyz ok; the controller-manager
//   and scheduler leases held by a current replica and renewed recently; live API server
//   identity leases == replicas; Nodes == replicas, each with the control-plane label and its
//   zone as topology.kubernetes.io/zone; every replica's controller-manager and scheduler static
//   Pod running with the stack's leader election lease, and both leases saying so;
//   from the hosts: etcd members == replicas (no learner, no stale member, all healthy), the VIP
//   on exactly one live replica, every haproxy listing exactly the live API backends, each
//   replica's API server certificate naming the VIP, released hosts running none of the
//   control plane;
//   and a probe writing ConfigMaps through the VIP during the step lost no acknowledged write.
// Needs root and the offline toolchain (with its images); skips without root unless CI is set.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ApiHealth, podLeaseFlags, readApiHealth } from "../../scripts/lab/apiHealth";
import { ensureToolchain, labStack, LabStack, writeAdminKubeconfig } from "../../scripts/lab/deploy";
import { LabHealth } from "../../scripts/lab/health";
import { cutOff, LAB_DIR, LabHost, labDown, labSsh, labStatus, labUp } from "../../scripts/lab/hosts";
import { KubeProbeHandle, startKubeProbe, stopKubeProbe } from "../../scripts/lab/kubeProbe";
import { hostCgroups, hostCpuNanos, hostMemory } from "../../scripts/lab/nodeFiles";
import { KubeClient, loadKubeconfig } from "../../scripts/lab/kube";
import { LAB_VIP, labStackSettings, LabTopology, LeaderElectionTiming, rackOf } from "../../scripts/lab/stack";
import { checkCoreDnsHa, checkPresets, installAndRead, plannedPresetObjects } from "./inClusterHa";
import { DEFAULT_LEADER_ELECTION } from "../../components/config/schema";

const VIP_URL = `https://${LAB_VIP}:6443`;
/** A well-formed key for planning only (the stack's own key is the lab's). */
const PLANNING_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 planning@lab";
/** What a released host may still run: the container runtime is the host's own, like its sshd. */
const CONTROL_PLANE_PROCESSES = ["keepalived", "haproxy", "etcd", "kubelet", "kube-apiserver"];

function requireRoot(ctx: Mocha.Context): void {
    if (process.getuid?.() === 0) return;
    if (process.env.HAPLANE_REQUIRE_TOOLS === "1" || process.env.CI) throw new Error("the lab tests need root (CI or HAPLANE_REQUIRE_TOOLS=1)");
    console.log("      (skipped: the lab lifecycle needs root)");
    ctx.skip();
}

/** What the hosts must show once `replicas` are the control plane. */
function assertHosts(h: LabHealth, replicas: LabHost[], all: LabHost[], cut: Set<string>, topology: LabTopology): void {
    const names = replicas.map((r) => r.name).sort();
    const live = all.filter((x) => !cut.has(x.name));
    assert.deepEqual(h.unreachable.sort(), [...cut].sort(), "only cut-off hosts are unreachable");

    const etcd = h.etcd;
    assert.ok(etcd, "an etcd member answers");
    // Stacked: kubeadm's etcd on every replica; external: the lab runs haplane's etcd on the control-plane hosts.
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
            const running = (labStatus().find((x) => x.name === host.name)?.services ?? []).filter((s) => CONTROL_PLANE_PROCESSES.includes(s));
            assert.deepEqual(running, [], `${host.name} is not a replica and runs none of ${CONTROL_PLANE_PROCESSES.join(", ")}`);
            continue;
        }
        const sans = labSsh(host, "openssl x509 -in /etc/kubernetes/pki/apiserver.crt -noout -ext subjectAltName", { timeoutMs: 15_000 });
        assert.equal(sans.status, 0, `read ${host.name}'s API server certificate: ${sans.stderr}`);
        assert.match(sans.stdout, new RegExp(`IP Address:${LAB_VIP.replace(/\./g, "\\.")}(,|\\s|$)`), `${host.name}'s API server certificate names the VIP`);
        assert.match(sans.stdout, new RegExp(`IP Address:${host.address.replace(/\./g, "\\.")}(,|\\s|$)`), `${host.name}'s API server certificate names its own address`);
        if (topology === "external") {
            const urls = replicas.map((r) => `https://${r.address}:2379`).join(",");
            assert.equal(h.apiServerEtcd[host.name], urls, `the API server on ${host.name} uses the current etcd members`);
        }
    }
}

/** What the real API must say once `replicas` are the control plane. */
function assertApi(a: ApiHealth, replicas: LabHost[]): void {
    const names = replicas.map((r) => r.name).sort();
    assert.ok(a.readyz, `/readyz through the VIP: ${a.readyzDetail}`);
    for (const lease of [a.controllerManager, a.scheduler]) {
        assert.ok(lease?.exists, "the leader lease exists");
        assert.ok(lease.holderNode && names.includes(lease.holderNode), `${lease.name} is held by a current replica, not ${lease.holderIdentity}`);
        assert.ok((lease.renewedAgoSeconds ?? Infinity) < (lease.leaseDurationSeconds ?? 15), `${lease.name} was renewed ${lease.renewedAgoSeconds} s ago`);
    }
    const live = a.apiServerLeases.filter((l) => l.live).map((l) => l.hostname ?? l.holderIdentity ?? l.name).sort();
    assert.equal(a.liveApiServers, replicas.length, `live API server identity leases (renewed within 30 s) == replicas: ${live.join(", ")}`);
    assert.deepEqual(live, names, "one live identity lease per replica's API server");
    assert.deepEqual(a.nodes.map((n) => n.name).sort(), names, "Node objects == replicas");
    for (const n of a.nodes) {
        assert.ok(n.controlPlane, `${n.name} carries the control-plane label`);
        const replica = replicas.find((r) => r.name === n.name)!;
        assert.equal(n.zone, rackOf(replica), `${n.name}'s topology.kubernetes.io/zone is its rack`);
    }
}

/** The --leader-elect-lease-duration each replica's controller-manager and scheduler mirror Pod runs with. */
async function leaseFlags(kubeconfig: string, replicas: LabHost[]): Promise<Record<string, string | undefined>> {
    const client = new KubeClient(loadKubeconfig(kubeconfig), { server: VIP_URL, timeoutMs: 5000 });
    try {
        return await podLeaseFlags(client, replicas);
    } finally {
        client.close();
    }
}

/** Every process of the machine whose command is one the lab's nodes run. */
function nodeProcesses(): string[] {
    const names = new Set(["kube-apiserver", "kube-controller", "kube-scheduler", "etcd", "kubelet", "containerd", "containerd-shim", "pause", "keepalived", "haproxy", "sshd"]);
    const found: string[] = [];
    for (const pid of fs.readdirSync("/proc").filter((p) => /^[0-9]+$/.test(p))) {
        try {
            const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
            // sshd of the machine itself runs in its own network namespace: only lab ones count.
            if (!names.has(comm) && !comm.startsWith("containerd-shim")) continue;
            if (comm === "sshd" && fs.statSync(`/proc/${pid}/ns/net`).ino === fs.statSync("/proc/1/ns/net").ino) continue;
            found.push(`${pid} ${comm}`);
        } catch {
            // gone meanwhile
        }
    }
    return found;
}

/** After `lab down` of a real control plane: no namespace, process, mount, cgroup or container state is left. */
async function assertNothingLeft(hosts: LabHost[]): Promise<void> {
    const netns = fs.existsSync("/run/netns") ? fs.readdirSync("/run/netns").filter((n) => /^lab-[0-9]+$/.test(n)) : [];
    assert.deepEqual(netns, [], "no lab network namespace");
    // Ended processes may wait a moment to be reaped.
    const deadline = Date.now() + 10_000;
    while (nodeProcesses().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(nodeProcesses(), [], "no process of a node (control plane, kubelet, containerd and its shims, pause) is left");
    const mounts = fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .map((l) => l.split(" ")[4] ?? "")
        .filter((m) => m === LAB_DIR || m.startsWith(`${LAB_DIR}/`));
    assert.deepEqual(mounts, [], "no mount under the lab's directory");
    assert.deepEqual(hosts.flatMap((h) => hostCgroups(h.name)), [], "no cgroup of a lab host (its pods' included)");
    assert.ok(!fs.existsSync(LAB_DIR), `${LAB_DIR} (the hosts' containerd state with it) is gone`);
}

/** MemTotal - MemAvailable of the whole machine, bytes. */
function machineMemoryInUse(): number {
    const info = fs.readFileSync("/proc/meminfo", "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(info)?.[1] ?? 0) * 1024;
    return kb("MemTotal") - kb("MemAvailable");
}

/**
 * Retries `check` until it passes or `ms` pass: the API converges a little after `pulumi up`
 * (leases, removed servers' identity leases going stale). A read that fails counts as not yet
 * converged too: after a removal, clients may still send VIP traffic to a released host until
 * their ARP entry is refreshed (README, "Known limits"). Returns how long reads failed, and why.
 */
async function eventually<T>(ms: number, read: () => Promise<T>, check: (value: T) => void): Promise<{ readFailureMs: number; readError?: string }> {
    const started = Date.now();
    const deadline = started + ms;
    let lastReadFailure: number | undefined;
    let readError: string | undefined;
    for (;;) {
        let value: T | undefined;
        let failed: unknown;
        try {
            value = await read();
        } catch (e) {
            failed = e;
            lastReadFailure = Date.now();
            readError ??= e instanceof Error ? e.message : String(e);
        }
        try {
            if (failed) throw failed;
            check(value as T);
            return { readFailureMs: lastReadFailure === undefined ? 0 : lastReadFailure - started, readError };
        } catch (e) {
            if (Date.now() > deadline) throw e;
        }
        await new Promise((r) => setTimeout(r, 2000));
    }
}

function walk(topology: LabTopology, hostCount: number, steps: (ctx: Walk) => void): void {
    describe(`lab lifecycle, ${topology} etcd (real control plane, real engine, real hosts)`, function () {
        this.timeout(60 * 60_000);
        // Each step builds on the one before: stop at the first that fails.
        this.bail(true);
        const ctx = new Walk(topology);

        before(async function () {
            requireRoot(this);
            ensureToolchain(() => {});
            await labDown();
            ctx.hosts = await labUp(hostCount);
            ctx.lab = labStack(topology);
            ctx.probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-kube-probe-"));
        });

        after(async function () {
            if (process.getuid?.() !== 0) return;
            if (ctx.figures.length) console.log(`      ${topology}, per step:\n${ctx.figures.map((f) => `        ${f}`).join("\n")}`);
            await labDown();
        });

        steps(ctx);

        it("lab down leaves no namespace, process, mount, cgroup or container behind", async () => {
            await labDown();
            await assertNothingLeft(ctx.hosts);
        });
    });
}

class Walk {
    lab!: LabStack;
    hosts!: LabHost[];
    probeDir!: string;
    kubeconfig?: string;
    readonly cut = new Set<string>();
    readonly figures: string[] = [];
    /** The stack's leader election from now on (haplane's default unless a step retunes it). */
    leaderElection?: LeaderElectionTiming;
    /** The stack's `addons` from now on (its defaults unless a step sets them). */
    addons?: Record<string, unknown>;
    constructor(readonly topology: LabTopology) {}

    /** CPU time of every lab host so far, ns. */
    cpu(): number {
        return this.hosts.reduce((sum, h) => sum + (hostCpuNanos(h.name) ?? 0), 0);
    }

    byName(...numbers: string[]): LabHost[] {
        return numbers.map((n) => this.hosts.find((h) => h.name === `lab-${n}`)!);
    }

    async step(label: string, replicas: LabHost[]): Promise<void> {
        let probe: KubeProbeHandle | undefined;
        if (this.kubeconfig) probe = startKubeProbe(this.probeDir, { kubeconfig: this.kubeconfig, server: VIP_URL, run: `s${this.figures.length}` });
        const started = Date.now();
        const cpuBefore = this.cpu();
        let failure: unknown;
        try {
            this.lab.deploy(replicas, { leaderElection: this.leaderElection, addons: this.addons });
        } catch (e) {
            failure = e;
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        // The lab's budget: CPU of every host's cgroup over the step, and memory now and at the
        // hosts' peaks (the sum of per-host peaks bounds the lab's own peak from above).
        const cores = (this.cpu() - cpuBefore) / 1e9 / ((Date.now() - started) / 1000);
        const mem = this.hosts.map((h) => hostMemory(h.name)).filter((m) => m !== undefined);
        const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
        const budget =
            `lab CPU ${cores.toFixed(2)} cores over the up; hosts' memory (with page cache) ${gib(mem.reduce((a, m) => a + m.usage, 0))} GiB after, ` +
            `per-host peaks sum ${gib(mem.reduce((a, m) => a + m.peak, 0))} GiB; machine memory in use ${gib(machineMemoryInUse())} GiB`;
        if (probe) {
            const r = await stopKubeProbe(probe);
            this.figures.push(
                `${label}: up ${seconds} s; ConfigMap writes through the VIP ${r.writesAcknowledged} acknowledged, ${r.writesFailed} failed` +
                    ` (${Object.entries(r.writeErrors).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}), ${r.writesLost} lost, longest gap ${r.longestWriteGapMs} ms;` +
                    ` /readyz ${r.readsOk} ok, ${r.readsFailed} failed; ${budget}`,
            );
            if (!failure) {
                assert.equal(r.setupError, undefined, "the probe set up its namespace");
                assert.equal(r.verifyError, undefined, "the probe read its writes back");
                assert.equal(r.writesLost, 0, "no acknowledged write is lost");
                assert.ok(r.writesAcknowledged > 0, "the probe wrote during the step");
            }
        } else {
            this.figures.push(`${label}: up ${seconds} s (the probe starts once the API exists); ${budget}`);
        }
        if (failure) throw failure;
        // The stack's kubeconfig output is what every read below uses: it names the VIP.
        this.kubeconfig = writeAdminKubeconfig(this.lab.stack);
        assert.equal(loadKubeconfig(this.kubeconfig).server, VIP_URL, "the kubeconfig output's server");
        const expires = Date.parse(String(this.lab.stack.outputs().kubeconfigExpires));
        assert.ok(expires - Date.now() > 300 * 86_400_000, `the admin credentials expire ${new Date(expires).toISOString()}`);
        // A just-joined API server answers /readyz after a few seconds (haproxy marks it UP two
        // checks later), and a removed one's identity lease goes stale 30 s after its last renewal.
        const converged = Date.now();
        const lease = (this.leaderElection ?? DEFAULT_LEADER_ELECTION).leaseDurationSeconds;
        const { readFailureMs, readError } = await eventually(
            90_000,
            async () => ({
                hosts: this.lab.health(this.hosts),
                api: await readApiHealth(this.kubeconfig!),
                flags: await leaseFlags(this.kubeconfig!, replicas),
            }),
            ({ hosts, api, flags }) => {
                assertHosts(hosts, replicas, this.hosts, this.cut, this.topology);
                assertApi(api, replicas);
                for (const [pod, value] of Object.entries(flags)) assert.equal(value, `${lease}s`, `${pod} runs with the stack's leader election lease`);
                for (const l of [api.controllerManager, api.scheduler]) assert.equal(l?.leaseDurationSeconds, lease, `the ${l?.name} lease says ${lease} s`);
            },
        );
        const unanswered = readError ? ` (reads through the VIP failed for ${(readFailureMs / 1000).toFixed(0)} s after up: ${readError})` : "";
        this.figures[this.figures.length - 1] += `; converged ${((Date.now() - converged) / 1000).toFixed(0)} s after up${unanswered}`;
    }
}

walk("stacked", 6, (ctx) => {
    it("founds a one-replica control plane", async () => ctx.step("1", ctx.byName("1")));
    it("grows to 3", async () => ctx.step("1 -> 3", ctx.byName("1", "2", "3")));
    it("runs CoreDNS highly available from 3 replicas: on 3 nodes, its budget refusing a second eviction (429)", async () => {
        ctx.figures.push(`CoreDNS HA: ${await checkCoreDnsHa(ctx.kubeconfig!)}`);
    });
    it("patches the linkerd and knative-serving presets' Deployments in place: exactly the named fields, replicas on distinct nodes", async () => {
        const addons = { profiles: [{ preset: "linkerd", onControlPlane: true }, { preset: "knative-serving", onControlPlane: true }] };
        const replicas = ctx.byName("1", "2", "3");
        const planned = plannedPresetObjects(labStackSettings(replicas, { publicKey: PLANNING_KEY, addons }), replicas.length);
        const before = await installAndRead(ctx.kubeconfig!, planned);
        ctx.addons = addons;
        await ctx.step("3, in-cluster HA profiles linkerd and knative-serving", replicas);
        for (const line of await checkPresets(ctx.kubeconfig!, planned, before)) ctx.figures.push(`  ${line}`);
        // The following steps run without the profiles (3 -> 1 could not meet their anti-affinity).
        ctx.addons = undefined;
    });
    it("retunes leader election on every running member", async () => {
        ctx.leaderElection = { leaseDurationSeconds: 12, renewDeadlineSeconds: 9, retryPeriodSeconds: 2 };
        await ctx.step("3, leader election 12/9/2 s", ctx.byName("1", "2", "3"));
    });
    it("grows to 5, the joiners taking the stored leader election", async () => ctx.step("3 -> 5", ctx.byName("1", "2", "3", "4", "5")));
    it("removes two middle replicas by name (5 -> 3)", async () => ctx.step("5 -> 3 (lab-2, lab-4 removed)", ctx.byName("1", "3", "5")));
    it("replaces a cut-off replica with a new host in its failure domain", async () => {
        cutOff(ctx.byName("3")[0]);
        ctx.cut.add("lab-3");
        await ctx.step("lab-3 cut off, replaced by lab-6 (rack-c)", ctx.byName("1", "5", "6"));
    });
    it("shrinks to 1", async () => ctx.step("3 -> 1", ctx.byName("1")));
});

walk("external", 3, (ctx) => {
    // CoreDNS is left to kubeadm here: external etcd's 1 -> 3 restarts the only API server
    // (README, "Known limits"), and haplane's CoreDNS update would meet that outage. The
    // stacked walk covers in-cluster HA.
    ctx.addons = { ha: false };
    it("founds a one-replica control plane on external etcd", async () => ctx.step("1", ctx.byName("1")));
    it("grows to 3", async () => ctx.step("1 -> 3", ctx.byName("1", "2", "3")));
    it("shrinks to 1", async () => ctx.step("3 -> 1", ctx.byName("1")));
});
