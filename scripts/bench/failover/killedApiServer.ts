// Figure 2, a killed API server: one kube-apiserver process is killed (its host stays up and the
// kubelet restarts it); what haproxy on the VIP holder does, and how many requests through the
// VIP fail meanwhile.
import { BACKEND_NAME } from "../../../components/render/haproxy";
import { LabHost, labSshOptions } from "../../lab/hosts";
import { LAB_VIP } from "../../lab/stack";
import { KILL_API_SERVER } from "../apiServer";
import { EtcdTls } from "../etcd";
import { adminSocket, API_PORT, waitStable } from "../labState";
import { fmtMs, haproxyStats, httpsGet, now, Poller, runAsync, ServerStat, sleep, summarize, tcpConnect, waitFor } from "../probes";
import { changed, checkAborted } from "./changed";
import { hostByName, reviveApiServers } from "./lab";
import { Row } from "./markdown";
import { handoverRemark, noteHandovers, readLeases } from "./notes";
import { say } from "./say";
import { ADMIN_POLL_MS, BACK_UP_LIMIT_MS, BACKEND_VIP_POLL_MS, BACKEND_VIP_TIMEOUT_MS, DOWN_LIMIT_MS, PLATFORM_ADVERT_S, SETTLE_TIMEOUT_MS, TCP_POLL_MS } from "./settings";
import { summaryLine } from "./stats";

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

export async function backendFigure(hosts: LabHost[], tls: EtcdTls, trials: number): Promise<Row[]> {
    say("\n[2] one kube-apiserver process killed (host up; the kubelet restarts it)");
    const r = await benchBackend(hosts, tls, trials);
    const rows: Row[] = [
        { figure: "kube-apiserver killed -> DOWN in haproxy on the VIP holder (admin socket show stat)", advert: "-", s: summaryLine("kill -> DOWN", r.down) },
        { figure: "kube-apiserver killed -> UP again in haproxy (the kubelet restarted it)", advert: "-", s: summaryLine("kill -> UP again", r.upAgain) },
    ];
    const failed = summarize(r.failed);
    say(`  => requests through the VIP that failed per trial: ${r.failed.join(", ") || "none"}${failed ? ` (median ${failed.median})` : ""}`);
    rows.push({ figure: "kube-apiserver killed: GET /version through the VIP that failed (count per trial, every 20 ms)", advert: "-", count: failed, remark: handoverRemark("backend") });
    return rows;
}
