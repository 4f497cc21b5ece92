// npm run bench:failover [-- --trials N] [--quick] [--only vip,backend,etcd,leader,vip1s]
//
// Failover figures of the on-prem control plane, measured on the local lab's real control
// plane (3 hosts, kubeadm, kubelet, stacked etcd; needs root): deploys the lab if it is not
// deployed, then, N trials each (default 5):
//   1. vip      VIP takeover after the VIP holder's host is cut off (eth0 down)
//   2. backend  one kube-apiserver process killed (SIGKILL; the kubelet restarts it): what
//               haproxy does and how many API requests through the VIP fail
//   3. etcd     etcd write unavailability when the etcd leader's host is cut off
//   4. leader   a new controller-manager and scheduler leader after the leader's host is cut
//               off, with haplane's leader election defaults and with Kubernetes' (15/10/2 s):
//               re-deploys with the latter, runs again, then re-deploys haplane's
//   5. vip1s    as 1 with keepalived's default advert interval (1 s): re-deploys with it, runs
//               1 again, then re-deploys the platform default (0.2 s)
// and prints every sample, min/median/max and a Markdown table of the medians. Every wait is
// bounded; whatever the bench cut off, stopped or re-configured is put back, also on errors and
// on Ctrl-C. An API server that answers nothing is restarted (its static Pod's manifest moved
// out of the kubelet's directory and back).
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BACKEND_NAME } from "../../components/render/haproxy";
import { STACK_DIR } from "../lab/deploy";
import { KILL_API_SERVER, startApiServers, STOP_API_SERVER } from "./apiServer";
import { hostDir, LabHost, labHosts, labSsh, labSshOptions, labStatus, resolveHost, restore, WATCHED_SERVICES } from "../lab/hosts";
import { ADMIN_KUBECONFIG } from "../lab/deploy";
import { loadKubeconfig } from "../lab/kube";
import { LAB_STACK, LAB_VIP, LabTuning, LeaderElectionTiming } from "../lab/stack";
import { DEFAULT_LEADER_ELECTION, KUBERNETES_LEADER_ELECTION } from "../../components/config/schema";
import { LeaderLeaseName, LeaseReader, LeaseView, unaskedHandovers } from "./leaders";
import { benchLeaders } from "./leaderTrials";
import { BENCH_HOSTS } from "./deploy-child";
import { copyEtcdClientCerts, EtcdGrpc, EtcdTls, EtcdWriter, endpointStatus, removeEtcdClientCerts } from "./etcd";
import {
    adminSocket,
    API_PORT,
    armLinkDown,
    etcdEndpoint,
    fileSize,
    holdsVip,
    hostMac,
    keepalivedLog,
    keepalivedStatesSince,
    linkState,
    rootArp,
    apiServerAnswers,
    vipHolders,
    waitStable,
} from "./labState";
import { Attempt, fmtMs, haproxyServers, haproxyStats, httpsGet, now, Poller, runAsync, ServerStat, sleep, summarize, Summary, tcpConnect, waitFor } from "./probes";

const REPO = path.resolve(__dirname, "..", "..");
const PLATFORM_ADVERT_S = 0.2; // the platform's default (components/render/keepalived.ts)
const KEEPALIVED_DEFAULT_ADVERT_S = 1; // keepalived's own default advert_int

// Probing parameters (see printMethods for what they mean).
const VIP_POLL_MS = 10;
const VIP_ATTEMPT_TIMEOUT_MS = 500;
const VIP_OBSERVE_AFTER_MS = 5000;
const TAKEOVER_LIMIT_MS = 20_000;
const ADMIN_POLL_MS = 10;
const TCP_POLL_MS = 10;
const BACKEND_VIP_POLL_MS = 20;
const BACKEND_VIP_TIMEOUT_MS = 2000;
const DOWN_LIMIT_MS = 15_000;
const BACK_UP_LIMIT_MS = 300_000; // the kubelet's restart back-off tops out at 5 min
const ETCD_PUT_EVERY_MS = 10;
const ETCD_PUT_TIMEOUT_MS = 500;
const ETCD_RESUME_LIMIT_MS = 20_000;
const ETCD_KEY = "haplane-bench/failover";
// A killed or cut-off host's containers may sit in the kubelet's restart back-off (up to 5 min).
const SETTLE_TIMEOUT_MS = 360_000;
const REVIVE_AFTER_MS = 60_000;
const DEPLOY_TIMEOUT_MS = 15 * 60_000;
const LAB_DEPLOY_TIMEOUT_MS = 45 * 60_000; // may build the toolchain first

type Item = "vip" | "backend" | "etcd" | "leader" | "vip1s";
const ITEMS: Item[] = ["vip", "backend", "etcd", "leader", "vip1s"];
const MIN_TRIALS = 5;

const say = (line = "") => console.log(line);

class BenchUsageError extends Error {}
class Aborted extends Error {}
class DeployError extends Error {}

// --- command line -------------------------------------------------------------------------------

interface Options {
    trials: number;
    quick: boolean;
    only: Item[];
}

const USAGE = `usage: npm run bench:failover [-- [--trials N] [--quick] [--only ${ITEMS.join(",")}]]
  --trials N   trials per figure (default ${MIN_TRIALS}; at least ${MIN_TRIALS} unless --quick)
  --quick      development: allows fewer trials (default 1 with --quick)
  --only LIST  run only some of the figures (comma-separated: ${ITEMS.join(", ")})`;

export function parseArgs(argv: string[]): Options {
    let trials: number | undefined;
    let quick = false;
    let only: Item[] = [...ITEMS];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = (flag: string) => {
            const eq = a.indexOf("=");
            if (eq >= 0) return a.slice(eq + 1);
            if (i + 1 >= argv.length) throw new BenchUsageError(`${flag} needs a value`);
            return argv[++i];
        };
        if (a === "--quick") quick = true;
        else if (a === "--trials" || a.startsWith("--trials=")) {
            const v = value("--trials");
            if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 100) throw new BenchUsageError(`--trials must be a whole number from 1 to 100, got ${JSON.stringify(v)}`);
            trials = Number(v);
        } else if (a === "--only" || a.startsWith("--only=")) {
            const list = value("--only").split(",").map((s) => s.trim()).filter(Boolean);
            const bad = list.filter((s) => !ITEMS.includes(s as Item));
            if (!list.length || bad.length) throw new BenchUsageError(`--only takes some of ${ITEMS.join(",")}, got ${JSON.stringify(list.join(","))}`);
            only = ITEMS.filter((x) => list.includes(x));
        } else throw new BenchUsageError(`unknown argument ${JSON.stringify(a)}`);
    }
    trials ??= quick ? 1 : MIN_TRIALS;
    if (trials < MIN_TRIALS && !quick) throw new BenchUsageError(`--trials must be at least ${MIN_TRIALS} (medians over fewer mean little); add --quick for development`);
    return { trials, quick, only };
}

// --- what the bench changed, so that it can be put back --------------------------------------------

/** The lab's tuning now: {} is the platform's defaults; undefined while a deploy runs (unknown). */
const changed: { cut: Set<string>; stopped: Set<string>; tuning: LabTuning | undefined; aborted: boolean } = { cut: new Set(), stopped: new Set(), tuning: {}, aborted: false };
const isDefaultTuning = (t: LabTuning | undefined) => t !== undefined && t.advertIntervalSeconds === undefined && t.leaderElection === undefined;

/** Leader handovers nobody asked for, per figure (see unaskedHandovers). */
const unasked: Record<string, string[]> = {};
let leaseReader: LeaseReader | undefined;
const readLeases = async (hosts: LabHost[]) => (leaseReader ? await leaseReader.read(hosts) : undefined);
function noteHandovers(figure: string, before: Record<LeaderLeaseName, LeaseView> | undefined, after: Record<LeaderLeaseName, LeaseView> | undefined, disturbed: string) {
    const moved = unaskedHandovers(before, after, disturbed);
    (unasked[figure] ??= []).push(...moved);
    if (moved.length) say(`  NOTE: leader lease moved although its holder's host was not disturbed (${disturbed} was): ${moved.join(", ")}`);
}

/** Things worth a second look, for the end of the output. */
const notes: string[] = [];

/**
 * Prepares cutting h off (the lab's cutOff: eth0 down in the host's namespace) so that cut()
 * takes effect within about a millisecond; see armLinkDown.
 */
async function armCut(h: LabHost): Promise<{ cut(): number; done(): Promise<void>; cancel(): void }> {
    checkAborted();
    const armed = await armLinkDown(h);
    return {
        cut() {
            checkAborted();
            changed.cut.add(h.name);
            const at = now();
            armed.fire();
            return at;
        },
        async done() {
            await armed.done;
            if (linkState(h) !== "down") throw new Error(`${h.name}'s link is not down after the cut`);
        },
        cancel: () => armed.cancel(),
    };
}

function uncut(h: LabHost): void {
    restore(h);
    changed.cut.delete(h.name);
}

function checkAborted(): void {
    if (changed.aborted) throw new Aborted("interrupted");
}

/** Runs deploy-child.ts in its own process group, killed (group and all) after timeoutMs. */
async function deployChild(args: string[], timeoutMs: number): Promise<void> {
    const started = now();
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "deploy-child.ts"), ...args], {
        cwd: REPO,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const code = await new Promise<number | string | null>((resolve) => {
        const timer = setTimeout(() => {
            try {
                if (child.pid) process.kill(-child.pid, "SIGKILL");
            } catch {
                /* gone */
            }
            resolve("timeout");
        }, timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            resolve(e.message);
        });
        child.on("close", (c) => {
            clearTimeout(timer);
            resolve(c);
        });
    });
    const lines = out.trim().split("\n");
    const tail = lines.slice(-25).join("\n");
    if (code !== 0) {
        const errors = [...new Set(lines.filter((l) => /error/i.test(l)).map((l) => l.trim().slice(0, 300)))].slice(0, 12);
        throw new DeployError(
            `deploy (${args.join(" ")}) ${code === "timeout" ? `timed out after ${timeoutMs / 1000} s` : `failed (${String(code)})`}:\n` +
                (errors.length ? errors.map((l) => `  ! ${l}`).join("\n") : tail),
        );
    }
    say(`  ${args.join(" ")}: done in ${fmtMs(now() - started)}`);
    if (args[0] === "lab") say(tail.replace(/^/gm, "  | "));
}

async function deployTuning(tuning: LabTuning): Promise<void> {
    say(`re-deploying the lab stack (real pulumi up) with ${isDefaultTuning(tuning) ? "the platform's defaults" : JSON.stringify(tuning)} ...`);
    changed.tuning = undefined; // unknown until the deploy finishes
    await deployChild(["tune", JSON.stringify(tuning)], DEPLOY_TIMEOUT_MS);
    changed.tuning = tuning;
}

let cleanedUp = false;
/**
 * An API server that answers nothing for a minute (its static Pod stopped and not restarted, or stuck) would
 * spoil the next trial: restart it the way the backend trial stops it, and say so.
 */
async function reviveApiServers(hosts: LabHost[], context: string): Promise<void> {
    for (const h of hosts) {
        // A real API server is not ready for a while after its host's link came back (its
        // etcd member catches up first): only one silent for a minute is stuck.
        const deadline = now() + REVIVE_AFTER_MS;
        let answers = await apiServerAnswers(h);
        while (!answers && now() < deadline) {
            await sleep(1000);
            answers = await apiServerAnswers(h);
        }
        if (answers) continue;
        notes.push(`${context}: the API server on ${h.name} answered nothing (hung, or not running); restarted it`);
        say(`  NOTE: the API server on ${h.name} does not answer /readyz (hung, or not running): restarting it`);
        changed.stopped.add(h.name);
        labSsh(h, STOP_API_SERVER, { timeoutMs: 30_000 });
        startApiServers([h]);
        changed.stopped.delete(h.name);
    }
}

async function cleanup(tls: EtcdTls | undefined): Promise<void> {
    if (cleanedUp) return;
    cleanedUp = true;
    const problems: string[] = [];
    for (const name of [...changed.cut]) {
        try {
            uncut(resolveHost(name));
            say(`cleanup: restored ${name}'s link`);
        } catch (e) {
            problems.push(`restore ${name}: ${(e as Error).message}`);
        }
    }
    for (const name of [...changed.stopped]) {
        try {
            startApiServers([resolveHost(name)]);
            changed.stopped.delete(name);
            say(`cleanup: restarted the API server on ${name}`);
        } catch (e) {
            problems.push(`restart the API server on ${name}: ${(e as Error).message}`);
        }
    }
    if (!isDefaultTuning(changed.tuning)) {
        try {
            say("cleanup: putting the platform's defaults back");
            await deployTuning({});
        } catch (e) {
            problems.push(`re-deploy with the platform's defaults: ${(e as Error).message}`);
        }
    }
    leaseReader?.close();
    if (tls) {
        const client = new EtcdGrpc(tls);
        for (const h of labHosts().slice(0, BENCH_HOSTS)) {
            if ((await client.deleteKey(etcdEndpoint(h), ETCD_KEY, 3000)).ok) break;
        }
        client.close();
    }
    removeEtcdClientCerts(tls);
    for (const p of problems) say(`cleanup FAILED: ${p}`);
}

// --- the lab ---------------------------------------------------------------------------------------

function renderedAdvert(h: LabHost): string | undefined {
    try {
        return /^\s*advert_int\s+(\S+)/m.exec(fs.readFileSync(path.join(hostDir(h.name), "etc", "keepalived", "keepalived.conf"), "utf8"))?.[1];
    } catch {
        return undefined;
    }
}

/** The lease duration the host's kube-controller-manager static pod runs with (kubeadm's manifest). */
function renderedLeaseDuration(h: LabHost): string | undefined {
    try {
        const manifest = fs.readFileSync(path.join(hostDir(h.name), "etc", "kubernetes", "manifests", "kube-controller-manager.yaml"), "utf8");
        return /--leader-elect-lease-duration=(\S+)/.exec(manifest)?.[1];
    } catch {
        return undefined;
    }
}

/** lab-1..lab-3 deployed with the platform's defaults and every API server running. */
async function ensureLab(): Promise<LabHost[]> {
    const extra = labHosts().filter((h) => h.index > BENCH_HOSTS);
    if (extra.length) {
        throw new Error(`the lab has more than ${BENCH_HOSTS} hosts (${extra.map((h) => h.name).join(", ")}); the bench runs on exactly ${BENCH_HOSTS}: npm run lab -- down first`);
    }
    const status = labStatus();
    const deployed =
        status.length === BENCH_HOSTS &&
        status.every((s) => s.sshd && WATCHED_SERVICES.every((w) => s.services.includes(w))) &&
        fs.existsSync(path.join(STACK_DIR, `Pulumi.${LAB_STACK}.yaml`));
    if (!deployed) {
        say(`the lab is not deployed: npm run lab -- deploy ${BENCH_HOSTS} (about a minute with a cached toolchain) ...`);
        try {
            await deployChild(["lab"], LAB_DEPLOY_TIMEOUT_MS);
        } catch (e) {
            if (!(e instanceof DeployError) || changed.aborted) throw e;
            // pulumi up is re-runnable: a second run continues where the first stopped.
            say(`the lab deploy FAILED, running it once more:\n${e.message}`);
            await deployChild(["lab"], LAB_DEPLOY_TIMEOUT_MS);
        }
    } else {
        say(`the lab is deployed (${status.map((s) => s.name).join(", ")})`);
    }
    const hosts = Array.from({ length: BENCH_HOSTS }, (_, i) => resolveHost(i + 1));
    for (const s of labStatus()) {
        if (s.link === "down") {
            say(`${s.name}'s link is down (left over from an interrupted run?): restoring it`);
            restore(s.name);
        }
    }
    // An API server that runs but answers nothing (see reviveApiServers) would keep
    // the trials waiting; restart those first.
    await reviveApiServers(hosts, "before the first trial");
    startApiServers(hosts); // idempotent: starts a API server only where it is not running
    const lease = `${DEFAULT_LEADER_ELECTION.leaseDurationSeconds}s`;
    if (!hosts.every((h) => renderedAdvert(h) === String(PLATFORM_ADVERT_S) && renderedLeaseDuration(h) === lease)) {
        say(
            `the lab is not at the platform's defaults (advert ${PLATFORM_ADVERT_S} s, lease ${lease}): ` +
                hosts.map((h) => `${h.name} advert ${renderedAdvert(h) ?? "?"}, lease ${renderedLeaseDuration(h) ?? "?"}`).join("; "),
        );
        changed.tuning = undefined;
        await deployTuning({});
    }
    return hosts;
}

const hostByName = (hosts: LabHost[], name: string | undefined): LabHost => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no lab host ${String(name)}`);
    return h;
};

// --- 1 and 4: VIP takeover -------------------------------------------------------------------------

interface VipTrial {
    cutHost: string;
    newHolder: string;
    takeoverMs?: number;
    /** Attempts started after the first success that still failed, and the last one's start. */
    failedAfter: number;
    lastFailedMs?: number;
    /** When each other host's haproxy marked the cut host's backend DOWN. */
    downMarked: Record<string, number | undefined>;
    cutHostKeptVip: boolean;
    /** Stand-ins on the other hosts that did not answer at the end of the trial. */
    hungApiServers: string[];
    /** Where the root namespace's ARP entry for the VIP pointed, and from when (ms after the cut). */
    arp: { ms: number; host: string }[];
    /** VRRP state changes each other host's keepalived logged during the trial. */
    vrrp: Record<string, string[]>;
    /** More than one host entered MASTER. */
    dualMaster: boolean;
    /** Surviving hosts whose keepalived went FAULT during the trial (track script failed). */
    faulted: string[];
}

async function vipTrial(hosts: LabHost[], holder: LabHost): Promise<VipTrial> {
    const macs = new Map<string, string>();
    for (const h of hosts) {
        const mac = hostMac(h);
        if (mac) macs.set(mac, h.name);
    }
    const logFrom = new Map(hosts.map((h) => [h.name, fileSize(keepalivedLog(h))]));
    const arp: { t: number; host: string }[] = [];
    const arpPoller = new Poller(
        async () => {
            const mac = rootArp(LAB_VIP);
            return { t: now(), host: mac === undefined ? "none" : (macs.get(mac) ?? mac) };
        },
        VIP_POLL_MS,
        (r) => {
            if (!arp.length || arp[arp.length - 1].host !== r.host) arp.push(r);
        },
    );
    const armed = await armCut(holder);
    let cutDone = Infinity;
    let firstOk: Attempt | undefined;
    const poller = new Poller(() => httpsGet(LAB_VIP, API_PORT, "/readyz", VIP_ATTEMPT_TIMEOUT_MS), VIP_POLL_MS, (a) => {
        if (a.ok && a.start >= cutDone && !firstOk) firstOk = a;
    }).start();
    const others = hosts.filter((h) => h !== holder);
    const downMarked: Record<string, number | undefined> = {};
    const admin = new Poller(
        async () => {
            const views = await Promise.all(others.map(async (h) => [h.name, (await haproxyServers(adminSocket(h), BACKEND_NAME, 500))?.[holder.name]] as const));
            return { t: now(), views };
        },
        20,
        (r) => {
            if (r.t < cutDone) return;
            for (const [name, status] of r.views) if (status === "DOWN" && downMarked[name] === undefined) downMarked[name] = r.t;
        },
    );
    try {
        await sleep(1000);
        const baseline = poller.results.filter((a) => a.ok).length;
        if (!baseline) throw new Error(`the VIP did not answer /readyz in the second before the cut (${poller.results.length} attempts)`);
        admin.start();
        arpPoller.start();
        const cutAt = armed.cut();
        cutDone = cutAt;
        await armed.done();
        await waitFor(() => firstOk !== undefined || changed.aborted, TAKEOVER_LIMIT_MS);
        checkAborted();
        await sleep(VIP_OBSERVE_AFTER_MS);
        await poller.stop();
        await admin.stop();
        await arpPoller.stop();
        const first = firstOk as Attempt | undefined;
        const vrrp: Record<string, string[]> = {};
        for (const h of others) vrrp[h.name] = keepalivedStatesSince(h, logFrom.get(h.name) ?? 0);
        const after = poller.results.filter((a) => first && a.start > first.start && !a.ok);
        const cutHostKeptVip = holdsVip(holder);
        const newHolder = vipHolders(others).join("+") || "nobody";
        const hungApiServers: string[] = [];
        for (const h of others) if (!(await apiServerAnswers(h))) hungApiServers.push(h.name);
        uncut(holder);
        for (const h of others) downMarked[h.name] = downMarked[h.name] === undefined ? undefined : downMarked[h.name]! - cutAt;
        return {
            cutHost: holder.name,
            newHolder,
            takeoverMs: first ? first.end - cutAt : undefined,
            failedAfter: after.length,
            lastFailedMs: after.length ? Math.max(...after.map((a) => a.start)) - cutAt : undefined,
            downMarked,
            cutHostKeptVip,
            hungApiServers,
            arp: arp.map((x) => ({ ms: x.t - cutAt, host: x.host })),
            vrrp,
            dualMaster: Object.values(vrrp).filter((states) => states.includes("MASTER")).length > 1,
            faulted: Object.entries(vrrp)
                .filter(([, states]) => states.includes("FAULT"))
                .map(([n]) => n),
        };
    } finally {
        armed.cancel();
        await poller.stop();
        await admin.stop();
        await arpPoller.stop();
    }
}

interface VipResult {
    samples: number[];
    /** Trials in which an API server stalled (hung for good, or long enough for a track script to fail). */
    disturbed: number;
    dualMasters: number;
}

async function benchVip(hosts: LabHost[], tls: EtcdTls, trials: number, advertS: number): Promise<VipResult> {
    const samples: number[] = [];
    let disturbed = 0;
    let dualMasters = 0;
    for (let i = 1; i <= trials; i++) {
        checkAborted();
        const before = await waitStable(hosts, tls, advertS * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        const holder = hostByName(hosts, before.vipHolders[0]);
        const masterDown = Object.entries(before.keepalived)
            .filter(([n]) => n !== holder.name)
            .map(([n, v]) => `${n} ${fmtMs(v?.masterDownMs)}`)
            .join(", ");
        const leases = await readLeases(hosts);
        const t = await vipTrial(hosts, holder);
        await reviveApiServers(hosts, `VIP trial ${i} (advert ${advertS} s, ${t.cutHost} cut)`);
        await waitStable(hosts, tls, advertS * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        noteHandovers(`vip ${advertS}`, leases, await readLeases(hosts), t.cutHost);
        const stalled = t.hungApiServers.length > 0 || t.faulted.length > 0;
        if (stalled) disturbed++;
        if (t.dualMaster) dualMasters++;
        if (t.faulted.length) {
            notes.push(
                `VIP trial ${i} (advert ${advertS} s): keepalived on ${t.faulted.join(", ")} went FAULT during the trial (its track script failed: the local API server did not answer /readyz within 2 s)`,
            );
        }
        const arpPath = t.arp.map((x, k) => (k === 0 ? x.host : `${x.host} +${fmtMs(x.ms)}`)).join(" -> ");
        const vrrp = Object.entries(t.vrrp)
            .map(([n, states]) => `${n} ${states.join(">") || "-"}`)
            .join(", ");
        if (t.takeoverMs === undefined) {
            say(
                `  trial ${i}: cut ${t.cutHost}: NO successful /readyz through the VIP within ${fmtMs(TAKEOVER_LIMIT_MS)}` +
                    ` (VIP now on ${t.newHolder}; keepalived states logged: ${vrrp}; root ARP for the VIP: ${arpPath})`,
            );
            notes.push(`VIP trial ${i} (advert ${advertS} s): no successful /readyz within ${fmtMs(TAKEOVER_LIMIT_MS)} of the cut`);
            continue;
        }
        samples.push(t.takeoverMs);
        if (t.dualMaster) {
            notes.push(
                `VIP trial ${i} (advert ${advertS} s): two backups entered MASTER (${vrrp}); root ARP for the VIP: ${arpPath}; first OK after ${fmtMs(t.takeoverMs)}`,
            );
        }
        const marks = Object.entries(t.downMarked).map(([n, ms]) => `${n} ${ms === undefined ? "not yet" : `+${fmtMs(ms)}`}`).join(", ");
        say(
            `  trial ${i}: cut ${t.cutHost} (VIP holder) -> ${t.newHolder} took over; first OK /readyz via the VIP after ${fmtMs(t.takeoverMs)}` +
                ` | attempts failing after that: ${t.failedAfter}${t.lastFailedMs !== undefined ? ` (last started +${fmtMs(t.lastFailedMs)})` : ""}` +
                ` | haproxy marked ${t.cutHost} DOWN: ${marks}` +
                ` | backups' master-down timers: ${masterDown}` +
                ` | keepalived states logged: ${vrrp}` +
                ` | root ARP for the VIP: ${arpPath}` +
                (t.dualMaster ? " | NOTE: two MASTERs" : "") +
                (t.cutHostKeptVip ? ` | NOTE: ${t.cutHost} still had the VIP on its (down) eth0` : "") +
                (t.hungApiServers.length ? ` | NOTE: API server on ${t.hungApiServers.join(", ")} hung during the trial (counts in the failures above)` : "") +
                (t.faulted.length ? ` | NOTE: keepalived FAULT on ${t.faulted.join(", ")} (API server stalled)` : ""),
        );
    }
    return { samples, disturbed, dualMasters };
}

// --- 2: dead API backend ------------------------------------------------------------------------------

interface BackendTrial {
    target: string;
    holder: string;
    /** From the first refused connection to the dead backend (its death, to within TCP_POLL_MS). */
    downMs?: number;
    firstCheckFailedMs?: number;
    /** Last time the holder's haproxy counters showed a connection sent to the dead server. */
    lastSentMs?: number;
    sentAfterDeath: { stot: number; econ: number; wretr: number; wredis: number };
    /** Client view through the VIP: requests after the death, failed ones, the slowest. */
    vipRequests: number;
    vipFailed: number;
    vipSlowest?: number;
    vipMedian?: number;
    deathAfterStopMs: number;
    /** From the death to haproxy's UP again (the kubelet restarted the API server). */
    upAgainMs?: number;
    transitions: string;
}

async function backendTrial(holder: LabHost, target: LabHost): Promise<BackendTrial> {
    type Sample = { t: number; stat?: ServerStat };
    const samples: Sample[] = [];
    let lastStatus: string | undefined;
    const admin = new Poller(
        async (): Promise<Sample> => {
            const stats = await haproxyStats(adminSocket(holder), BACKEND_NAME, 500);
            return { t: now(), stat: stats?.[target.name] };
        },
        ADMIN_POLL_MS,
        (r) => {
            samples.push(r);
            if (r.stat) lastStatus = r.stat.status;
        },
    ).start();
    const tcp = new Poller(() => tcpConnect(target.address, API_PORT, 500), TCP_POLL_MS).start();
    const vip = new Poller(() => httpsGet(LAB_VIP, API_PORT, "/version", BACKEND_VIP_TIMEOUT_MS), BACKEND_VIP_POLL_MS).start();
    try {
        await sleep(1000);
        if (lastStatus !== "UP") throw new Error(`haproxy on ${holder.name} shows ${target.name} as ${lastStatus ?? "nothing"} before the stop`);
        const stopAt = now();
        const r = await runAsync("ssh", [...labSshOptions(5), `root@${target.address}`, KILL_API_SERVER], 30_000);
        if (r.status !== 0) throw new Error(`killing the API server on ${target.name} failed: ${r.stderr.trim()}`);
        const downAt = () => samples.find((x) => x.t > stopAt && x.stat?.status === "DOWN")?.t;
        await waitFor(() => downAt() !== undefined || changed.aborted, DOWN_LIMIT_MS);
        checkAborted();
        // The kubelet restarts the container (sooner or later, by its back-off); the trial
        // lasts until haproxy sends to it again, so that every failure of the episode counts.
        const upAt = () => samples.find((x) => x.t > (downAt() ?? Infinity) && x.stat?.status === "UP")?.t;
        await waitFor(() => upAt() !== undefined || changed.aborted, BACK_UP_LIMIT_MS);
        checkAborted();
        // Requests through the VIP already on their way finish within their timeout.
        await sleep(BACKEND_VIP_TIMEOUT_MS + 500);
        await Promise.all([admin.stop(), tcp.stop(), vip.stop()]);

        const refused = tcp.results.filter((x) => x.start >= stopAt && x.result === "refused").sort((a, b) => a.start - b.start)[0];
        const deathAt = refused?.start ?? stopAt;
        const ordered = samples.filter((x) => x.stat).sort((a, b) => a.t - b.t);
        const down = ordered.find((x) => x.t > stopAt && x.stat!.status === "DOWN");
        const firstFail = ordered.find((x) => x.t > stopAt && x.stat!.status !== "UP");
        // Counters: the last sample before the death is the base; every later increase of
        // sessions, connection errors, retries or redispatches means haproxy sent a connection there.
        const sent = (x: ServerStat) => x.stot + x.econ + x.wretr + x.wredis;
        const base = [...ordered].reverse().find((x) => x.t <= deathAt)?.stat ?? ordered[0]?.stat;
        // Only while it was dead: once UP again haproxy rightly sends to it.
        const revived = upAt() ?? Infinity;
        const whileDead = ordered.filter((x) => x.t < revived);
        let lastSent: number | undefined;
        for (let k = 1; k < whileDead.length; k++) {
            if (whileDead[k].t > deathAt && sent(whileDead[k].stat!) > sent(whileDead[k - 1].stat!)) lastSent = whileDead[k].t;
        }
        const end = whileDead[whileDead.length - 1]?.stat;
        const after = vip.results.filter((a) => a.start >= deathAt);
        const latencies = after.filter((a) => a.ok).map((a) => a.end - a.start);
        let status = [...ordered].reverse().find((x) => x.t <= stopAt)?.stat?.status;
        const transitions: string[] = [];
        for (const x of ordered.filter((y) => y.t > stopAt)) {
            if (x.stat!.status !== status) transitions.push(`${x.stat!.status} +${fmtMs(x.t - deathAt)}`);
            status = x.stat!.status;
        }
        return {
            target: target.name,
            holder: holder.name,
            downMs: down ? down.t - deathAt : undefined,
            firstCheckFailedMs: firstFail ? firstFail.t - deathAt : undefined,
            lastSentMs: lastSent === undefined ? undefined : lastSent - deathAt,
            sentAfterDeath: {
                stot: (end?.stot ?? 0) - (base?.stot ?? 0),
                econ: (end?.econ ?? 0) - (base?.econ ?? 0),
                wretr: (end?.wretr ?? 0) - (base?.wretr ?? 0),
                wredis: (end?.wredis ?? 0) - (base?.wredis ?? 0),
            },
            vipRequests: after.length,
            vipFailed: after.filter((a) => !a.ok).length,
            vipSlowest: latencies.length ? Math.max(...latencies) : undefined,
            vipMedian: summarize(latencies)?.median,
            deathAfterStopMs: deathAt - stopAt,
            upAgainMs: upAt() === undefined ? undefined : upAt()! - deathAt,
            transitions: transitions.join(", "),
        };
    } finally {
        await Promise.all([admin.stop(), tcp.stop(), vip.stop()]);
    }
}

interface BackendResult {
    down: number[];
    /** Requests through the VIP that failed per trial, from the death to haproxy's UP again. */
    failed: number[];
    upAgain: number[];
}

async function benchBackend(hosts: LabHost[], tls: EtcdTls, trials: number): Promise<BackendResult> {
    const result: BackendResult = { down: [], failed: [], upAgain: [] };
    for (let i = 1; i <= trials; i++) {
        checkAborted();
        const before = await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        const holder = hostByName(hosts, before.vipHolders[0]);
        // Not the VIP holder's own backend: its track script would move the VIP (and the haproxy
        // being watched) a few seconds later.
        const candidates = hosts.filter((h) => h !== holder);
        const target = candidates[(i - 1) % candidates.length];
        const leases = await readLeases(hosts);
        const t = await backendTrial(holder, target);
        await reviveApiServers(hosts, `backend trial ${i}`);
        await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        noteHandovers("backend", leases, await readLeases(hosts), target.name);
        if (t.downMs === undefined) {
            say(`  trial ${i}: killed ${t.target}'s API server: haproxy on ${t.holder} did NOT mark it DOWN within ${fmtMs(DOWN_LIMIT_MS)}`);
            continue;
        }
        result.down.push(t.downMs);
        result.failed.push(t.vipFailed);
        if (t.upAgainMs !== undefined) result.upAgain.push(t.upAgainMs);
        const c = t.sentAfterDeath;
        say(
            `  trial ${i}: killed ${t.target}'s kube-apiserver (dead ${fmtMs(t.deathAfterStopMs)} after the kill was sent); haproxy on ${t.holder} (VIP holder): ` +
                `first failed check +${fmtMs(t.firstCheckFailedMs)}, DOWN +${fmtMs(t.downMs)}, UP again +${fmtMs(t.upAgainMs)} [${t.transitions}]` +
                ` | its counters for ${t.target} while dead: ${c.stot} sessions, ${c.econ} connect errors, ${c.wretr} retries, ${c.wredis} redispatches` +
                (t.lastSentMs !== undefined ? `, last +${fmtMs(t.lastSentMs)}` : ", none") +
                ` | ${t.vipRequests} GET /version via the VIP: ${t.vipFailed} failed, median ${fmtMs(t.vipMedian)}, slowest ${fmtMs(t.vipSlowest)}`,
        );
    }
    return result;
}

// --- 3: etcd write unavailability ------------------------------------------------------------------------

interface EtcdTrial {
    leader: string;
    newLeader: string;
    gapMs: number;
    gapFromMs: number;
    resumedMs?: number;
    acks: number;
    failures: number;
    failureKinds: string;
}

async function etcdTrial(hosts: LabHost[], tls: EtcdTls, leader: LabHost): Promise<EtcdTrial> {
    const armed = await armCut(leader);
    const client = new EtcdGrpc(tls);
    const writer = new EtcdWriter(client, hosts.map(etcdEndpoint), ETCD_KEY, { intervalMs: ETCD_PUT_EVERY_MS, timeoutMs: ETCD_PUT_TIMEOUT_MS }).start();
    try {
        await sleep(2000);
        if (!writer.records.some((r) => r.ok)) throw new Error(`no etcd write was acknowledged in the 2 s before the cut (${writer.records.length} tried)`);
        const cutAt = armed.cut();
        await armed.done();
        const resumed = () => writer.records.find((r) => r.ok && r.issued >= cutAt);
        await waitFor(() => resumed() !== undefined || changed.aborted, ETCD_RESUME_LIMIT_MS);
        checkAborted();
        await sleep(2000);
        await writer.stop();
        const acks = writer.ackTimes();
        let gapMs = 0;
        let gapFrom = cutAt;
        for (let k = 1; k < acks.length; k++) {
            if (acks[k] > cutAt && acks[k] - acks[k - 1] > gapMs) {
                gapMs = acks[k] - acks[k - 1];
                gapFrom = acks[k - 1];
            }
        }
        const lastAck = acks[acks.length - 1];
        if (lastAck !== undefined && lastAck <= cutAt) throw new Error("no etcd write was acknowledged after the cut");
        const survivors = hosts.filter((h) => h !== leader);
        const status = endpointStatus(tls, survivors.map(etcdEndpoint));
        const newLeader = survivors.find((h) => status.some((s) => s.isLeader && s.endpoint === etcdEndpoint(h)))?.name ?? "?";
        uncut(leader);
        const failed = writer.records.filter((r) => !r.ok && r.issued >= cutAt - 1000);
        const kinds = new Map<string, number>();
        for (const f of failed) {
            const k = `${hosts.find((h) => etcdEndpoint(h) === f.endpoint)?.name ?? f.endpoint}: ${(f.why ?? "?").slice(0, 60)}`;
            kinds.set(k, (kinds.get(k) ?? 0) + 1);
        }
        const r = resumed();
        return {
            leader: leader.name,
            newLeader,
            gapMs,
            gapFromMs: gapFrom - cutAt,
            resumedMs: r ? r.end - cutAt : undefined,
            acks: acks.length,
            failures: failed.length,
            failureKinds: [...kinds].map(([k, n]) => `${n}x ${k}`).join("; "),
        };
    } finally {
        armed.cancel();
        await writer.stop();
        client.close();
    }
}

async function benchEtcd(hosts: LabHost[], tls: EtcdTls, trials: number): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 1; i <= trials; i++) {
        checkAborted();
        const before = await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        // The leader per `etcdctl endpoint status`, asked again right before the cut.
        const status = endpointStatus(tls, hosts.map(etcdEndpoint));
        const leaderEndpoint = status.find((s) => s.isLeader)?.endpoint;
        const leader = hosts.find((h) => etcdEndpoint(h) === leaderEndpoint) ?? hostByName(hosts, before.etcdLeader);
        const leases = await readLeases(hosts);
        const t = await etcdTrial(hosts, tls, leader);
        await reviveApiServers(hosts, `etcd trial ${i} (${t.leader} cut)`);
        await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        noteHandovers("etcd", leases, await readLeases(hosts), t.leader);
        samples.push(t.gapMs);
        say(
            `  trial ${i}: cut ${t.leader} (etcd leader) -> new leader ${t.newLeader}; longest gap between acknowledged writes ${fmtMs(t.gapMs)}` +
                ` (from ${t.gapFromMs < 0 ? "-" : "+"}${fmtMs(Math.abs(t.gapFromMs))} relative to the cut); first put issued after the cut acknowledged at +${fmtMs(t.resumedMs)}` +
                ` | ${t.acks} acks, ${t.failures} failed puts${t.failureKinds ? ` (${t.failureKinds})` : ""}`,
        );
    }
    return samples;
}

// --- output -------------------------------------------------------------------------------------------

function printMethods(opts: Options): void {
    say("How each figure is measured (all from the lab's root namespace, clock: this process's monotonic clock):");
    if (opts.only.includes("vip") || opts.only.includes("vip1s")) {
        say(
            `  VIP takeover: settle; then an HTTPS GET /readyz to ${LAB_VIP}:${API_PORT} on a fresh connection is started every ${VIP_POLL_MS} ms` +
                ` (each given up after ${VIP_ATTEMPT_TIMEOUT_MS} ms); the VIP holder's eth0 is set down (as cutOff does, by an \`ip -n <host> -batch -\`` +
                " started beforehand, so the cut lands within about 1 ms of the clock reading); the figure is the time from the cut to the end" +
                ` of the first successful attempt started after it. Then ${fmtMs(VIP_OBSERVE_AFTER_MS)} more` +
                " of polling (failures after the first success = attempts haproxy still sent to the cut host's backend), restore, settle.",
        );
    }
    if (opts.only.includes("backend")) {
        say(
            `  Killed API server: on a host that does not hold the VIP, \`pkill -KILL -x kube-apiserver\` (over SSH, in the host's PID namespace); its death is the first refused` +
                ` TCP connect to <host>:${API_PORT} (probed every ${TCP_POLL_MS} ms). haproxy on the VIP holder is read through its admin socket` +
                ` (/run/haproxy/admin.sock, \`show stat\`, every ${ADMIN_POLL_MS} ms): from the death to that haproxy showing the server DOWN, and to UP again` +
                " once the kubelet has restarted the container; its counters (sessions, connect errors, retries, redispatches) show what it still sent" +
                ` there while dead. Meanwhile GET /version through the VIP every ${BACKEND_VIP_POLL_MS} ms (fresh connections, ${BACKEND_VIP_TIMEOUT_MS} ms limit);` +
                " the figure is how many of them failed between the death and UP again (+2.5 s).",
        );
    }
    if (opts.only.includes("etcd")) {
        say(
            `  etcd writes: an in-process gRPC client (HTTP/2, mutual TLS with a host's healthcheck-client certificate, one kept-alive connection per member)` +
                ` starts a Put of one key every ${ETCD_PUT_EVERY_MS} ms, each independent, round-robin over the 3 members, each given up after` +
                ` ${ETCD_PUT_TIMEOUT_MS} ms (the stream is cancelled; the connection stays). The leader (etcdctl endpoint status) has its host` +
                " cut off 2 s in; the figure is the longest gap between consecutive acknowledged puts that ends after the cut. Restore, settle.",
        );
    }
    if (opts.only.includes("leader")) {
        say(
            "  Leader takeover: the host holding the kube-controller-manager (or, taking turns, the kube-scheduler) lease is cut off; both leases are read" +
                " every 100 ms from a surviving host's own API server (not the VIP). The figure is the new holder's acquireTime minus the cut's wall-clock time" +
                " (both this machine's clock); a trial gives a sample to each lease the cut host held. Runs with haplane's defaults" +
                ` (${timingText(DEFAULT_LEADER_ELECTION)}) and, after a real pulumi up, Kubernetes' (${timingText(KUBERNETES_LEADER_ELECTION)}). The leases'` +
                " leaseDurationSeconds are checked against the stack first. In every other figure, a lease that changed holder although its holder's host" +
                " was not the one disturbed counts as an unasked handover.",
        );
    }
    say(
        "  Settled (before every trial): every link up; the VIP on exactly one host, keepalived MASTER there and BACKUP elsewhere at the expected" +
            " advert interval (keepalived's own data dump); every haproxy has every backend UP; every API server answers; etcd: one leader, every member healthy; the VIP answers." +
            " Twice in a row, 1 s apart.",
    );
}

const timingText = (t: LeaderElectionTiming) => `lease ${t.leaseDurationSeconds} s, renew deadline ${t.renewDeadlineSeconds} s, retry ${t.retryPeriodSeconds} s`;

interface Row {
    figure: string;
    /** The setting the figure depends on (keepalived's advert interval, leader election timing). */
    advert: string;
    /** A time figure (ms) ... */
    s?: Summary;
    /** ... or a count. */
    count?: Summary;
    remark?: string;
}

function handoverRemark(figure: string): string {
    const moved = unasked[figure] ?? [];
    return leaseReader ? `unasked leader handovers: ${moved.length}${moved.length ? ` (${moved.join("; ")})` : ""}` : "";
}

function summaryLine(label: string, samples: number[]): Summary | undefined {
    const s = summarize(samples);
    say(
        s
            ? `  => ${label}: median ${fmtMs(s.median)}, min ${fmtMs(s.min)}, max ${fmtMs(s.max)} (n=${s.n}; samples ${samples.map((x) => fmtMs(x)).join(", ")})`
            : `  => ${label}: no samples`,
    );
    return s;
}

function vipRemark(r: VipResult): string {
    const parts: string[] = [];
    if (r.dualMasters) parts.push(`two MASTERs in ${r.dualMasters}`);
    if (r.disturbed) parts.push(`API server stalled in ${r.disturbed}`);
    return parts.length ? `${parts.join("; ")} of the trials (see notes)` : "";
}

function table(rows: Row[], trials: number): string {
    const lines = ["| figure | setting | trials | median | min | max | remarks |", "|---|---|---|---|---|---|---|"];
    for (const r of rows) {
        const v = r.s ?? r.count;
        const f = (x: number | undefined) => (r.count ? String(x ?? "-") : fmtMs(x));
        lines.push(`| ${r.figure} | ${r.advert} | ${v ? v.n : 0}/${trials} | ${f(v?.median)} | ${f(v?.min)} | ${f(v?.max)} | ${r.remark ?? ""} |`);
    }
    return lines.join("\n");
}

// --- main ------------------------------------------------------------------------------------------------

export async function main(argv: string[]): Promise<number> {
    let opts: Options;
    try {
        if (argv.includes("--help") || argv.includes("-h")) {
            say(USAGE);
            return 0;
        }
        opts = parseArgs(argv);
    } catch (e) {
        console.error(`bench:failover: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    if (process.getuid?.() !== 0) {
        console.error("bench:failover needs root (it deploys and drives the local lab: network namespaces, links)");
        return 1;
    }
    const started = Date.now();
    say(`haplane failover bench: ${BENCH_HOSTS} lab hosts, ${opts.trials} trial(s) per figure${opts.quick ? " (--quick: development numbers)" : ""}, figures: ${opts.only.join(", ")}`);
    let tls: EtcdTls | undefined;
    const onSignal = (sig: string) => {
        if (changed.aborted) return;
        changed.aborted = true;
        say(`\n${sig}: stopping and putting the lab back ...`);
        void cleanup(tls).finally(() => process.exit(130));
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));

    const rows: Row[] = [];
    try {
        const hosts = await ensureLab();
        leaseReader = new LeaseReader(loadKubeconfig(ADMIN_KUBECONFIG), hosts);
        // kubeadm's stacked etcd keeps its certificates in /etc/kubernetes/pki/etcd, haplane's
        // external etcd in /etc/etcd/pki (the same file names).
        const stacked = path.join(hostDir(hosts[0].name), "etc", "kubernetes", "pki", "etcd");
        tls = copyEtcdClientCerts(fs.existsSync(path.join(stacked, "healthcheck-client.crt")) ? stacked : path.join(hostDir(hosts[0].name), "etc", "etcd", "pki"));
        say("waiting for the lab to settle ...");
        const s = await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        say(`settled: VIP on ${s.vipHolders[0]}, etcd leader ${s.etcdLeader}, keepalived advert ${PLATFORM_ADVERT_S} s`);
        say();
        printMethods(opts);

        if (opts.only.includes("vip")) {
            say(`\n[1] VIP takeover after the VIP holder's host is cut off (keepalived advert ${PLATFORM_ADVERT_S} s, platform default)`);
            const r = await benchVip(hosts, tls, opts.trials, PLATFORM_ADVERT_S);
            rows.push({ figure: "VIP takeover, holder's host cut off (first OK HTTPS /readyz via VIP:6443)", advert: `${PLATFORM_ADVERT_S} s`, s: summaryLine("VIP takeover", r.samples), remark: [vipRemark(r), handoverRemark(`vip ${PLATFORM_ADVERT_S}`)].filter(Boolean).join("; ") });
        }
        if (opts.only.includes("backend")) {
            say("\n[2] one kube-apiserver process killed (host up; the kubelet restarts it)");
            const r = await benchBackend(hosts, tls, opts.trials);
            rows.push({ figure: "kube-apiserver killed -> DOWN in haproxy on the VIP holder (admin socket show stat)", advert: "-", s: summaryLine("kill -> DOWN", r.down) });
            rows.push({ figure: "kube-apiserver killed -> UP again in haproxy (the kubelet restarted it)", advert: "-", s: summaryLine("kill -> UP again", r.upAgain) });
            const failed = summarize(r.failed);
            say(`  => requests through the VIP that failed per trial: ${r.failed.join(", ") || "none"}${failed ? ` (median ${failed.median})` : ""}`);
            rows.push({ figure: "kube-apiserver killed: GET /version through the VIP that failed (count per trial, every 20 ms)", advert: "-", count: failed, remark: handoverRemark("backend") });
        }
        if (opts.only.includes("etcd")) {
            say("\n[3] etcd write unavailability when the leader's host is cut off");
            const samples = await benchEtcd(hosts, tls, opts.trials);
            rows.push({ figure: "etcd: longest gap between acknowledged writes, leader's host cut off", advert: "-", s: summaryLine("etcd write gap", samples), remark: handoverRemark("etcd") });
        }
        if (opts.only.includes("leader")) {
            const ctx = {
                reader: leaseReader!,
                hosts,
                armCut,
                uncut,
                settle: async () => void (await waitStable(hosts, tls!, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS })),
                checkAborted,
                say,
                notes,
            };
            for (const [label, timing] of [
                ["haplane's defaults", DEFAULT_LEADER_ELECTION],
                ["Kubernetes' defaults", KUBERNETES_LEADER_ELECTION],
            ] as const) {
                say(`\n[4] new controller-manager and scheduler leaders after the leader's host is cut off, ${label} (${timingText(timing)})`);
                if (timing !== DEFAULT_LEADER_ELECTION) await deployTuning({ leaderElection: { ...timing } });
                const samples = await benchLeaders(ctx, timing, opts.trials, label);
                const short = `${timing.leaseDurationSeconds}/${timing.renewDeadlineSeconds}/${timing.retryPeriodSeconds} s`;
                rows.push({ figure: `new kube-controller-manager leader, leader's host cut off (${label})`, advert: short, s: summaryLine("controller-manager takeover", samples["kube-controller-manager"]) });
                rows.push({ figure: `new kube-scheduler leader, leader's host cut off (${label})`, advert: short, s: summaryLine("scheduler takeover", samples["kube-scheduler"]) });
            }
            await deployTuning({});
            await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
            say("  leader election is back at haplane's defaults and the lab is settled");
        }
        if (opts.only.includes("vip1s")) {
            say(`\n[5] VIP takeover with keepalived's default advert interval (${KEEPALIVED_DEFAULT_ADVERT_S} s)`);
            await deployTuning({ advertIntervalSeconds: KEEPALIVED_DEFAULT_ADVERT_S });
            const r = await benchVip(hosts, tls, opts.trials, KEEPALIVED_DEFAULT_ADVERT_S);
            rows.push({ figure: "VIP takeover, holder's host cut off (first OK HTTPS /readyz via VIP:6443)", advert: `${KEEPALIVED_DEFAULT_ADVERT_S} s`, s: summaryLine("VIP takeover", r.samples), remark: [vipRemark(r), handoverRemark(`vip ${KEEPALIVED_DEFAULT_ADVERT_S}`)].filter(Boolean).join("; ") });
            await deployTuning({});
            await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
            say(`  keepalived is back at ${PLATFORM_ADVERT_S} s and the lab is settled`);
        }
    } catch (e) {
        if (changed.aborted) return 130;
        console.error(`\nbench:failover: ${e instanceof Error ? e.message : String(e)}`);
        await cleanup(tls);
        return 1;
    }
    await cleanup(tls);
    say("\nSummary (medians; the lab's real control plane: kubeadm, kubelet, stacked etcd):\n");
    say(table(rows, opts.trials));
    if (notes.length) say(`\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
    say(`\nwall time: ${fmtMs(Date.now() - started)}`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
