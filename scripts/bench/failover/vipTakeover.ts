// Figures 1 and 5, VIP takeover: how long until the VIP answers again when its holder's host is
// cut off, at the platform's advert interval (1) and at keepalived's own default (5).
import { BACKEND_NAME } from "../../../components/render/haproxy";
import { LabHost } from "../../lab/hosts";
import { LAB_VIP } from "../../lab/stack";
import { EtcdTls } from "../etcd";
import { adminSocket, API_PORT, apiServerAnswers, fileSize, holdsVip, hostMac, keepalivedLog, keepalivedStatesSince, rootArp, vipHolders, waitStable } from "../labState";
import { Attempt, fmtMs, haproxyServers, httpsGet, now, Poller, sleep, waitFor } from "../probes";
import { armCut, changed, checkAborted, uncut } from "./changed";
import { deployTuning } from "./deploy";
import { hostByName, reviveApiServers } from "./lab";
import { Row } from "./markdown";
import { handoverRemark, noteHandovers, notes, readLeases } from "./notes";
import { say } from "./say";
import { KEEPALIVED_DEFAULT_ADVERT_S, PLATFORM_ADVERT_S, SETTLE_TIMEOUT_MS, TAKEOVER_LIMIT_MS, VIP_ATTEMPT_TIMEOUT_MS, VIP_OBSERVE_AFTER_MS, VIP_POLL_MS } from "./settings";
import { summaryLine } from "./stats";

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

function vipRemark(r: VipResult): string {
    const parts: string[] = [];
    if (r.dualMasters) parts.push(`two MASTERs in ${r.dualMasters}`);
    if (r.disturbed) parts.push(`API server stalled in ${r.disturbed}`);
    return parts.length ? `${parts.join("; ")} of the trials (see notes)` : "";
}

const vipRow = (r: VipResult, advertS: number): Row => ({
    figure: "VIP takeover, holder's host cut off (first OK HTTPS /readyz via VIP:6443)",
    advert: `${advertS} s`,
    s: summaryLine("VIP takeover", r.samples),
    remark: [vipRemark(r), handoverRemark(`vip ${advertS}`)].filter(Boolean).join("; "),
});

export async function vipFigure(hosts: LabHost[], tls: EtcdTls, trials: number): Promise<Row[]> {
    say(`\n[1] VIP takeover after the VIP holder's host is cut off (keepalived advert ${PLATFORM_ADVERT_S} s, platform default)`);
    const r = await benchVip(hosts, tls, trials, PLATFORM_ADVERT_S);
    return [vipRow(r, PLATFORM_ADVERT_S)];
}

/** Re-deploys with keepalived's default advert interval for the trials, then the platform's again. */
export async function vip1sFigure(hosts: LabHost[], tls: EtcdTls, trials: number): Promise<Row[]> {
    say(`\n[5] VIP takeover with keepalived's default advert interval (${KEEPALIVED_DEFAULT_ADVERT_S} s)`);
    await deployTuning({ advertIntervalSeconds: KEEPALIVED_DEFAULT_ADVERT_S });
    const r = await benchVip(hosts, tls, trials, KEEPALIVED_DEFAULT_ADVERT_S);
    const row = vipRow(r, KEEPALIVED_DEFAULT_ADVERT_S);
    await deployTuning({});
    await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
    say(`  keepalived is back at ${PLATFORM_ADVERT_S} s and the lab is settled`);
    return [row];
}
