// Figure 3, etcd writes: the longest time without an acknowledged write when the etcd leader's
// host is cut off, with puts started every few milliseconds by the bench's own gRPC client.
import { LabHost } from "../../lab/hosts";
import { EtcdGrpc, EtcdTls, EtcdWriter, endpointStatus } from "../etcd";
import { etcdEndpoint, waitStable } from "../labState";
import { fmtMs, sleep, waitFor } from "../probes";
import { armCut, changed, checkAborted, uncut } from "./changed";
import { hostByName, reviveApiServers } from "./lab";
import { Row } from "./markdown";
import { handoverRemark, noteHandovers, readLeases } from "./notes";
import { say } from "./say";
import { ETCD_KEY, ETCD_PUT_EVERY_MS, ETCD_PUT_TIMEOUT_MS, ETCD_RESUME_LIMIT_MS, PLATFORM_ADVERT_S, SETTLE_TIMEOUT_MS } from "./settings";
import { summaryLine } from "./stats";

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

export async function etcdFigure(hosts: LabHost[], tls: EtcdTls, trials: number): Promise<Row[]> {
    say("\n[3] etcd write unavailability when the leader's host is cut off");
    const samples = await benchEtcd(hosts, tls, trials);
    return [{ figure: "etcd: longest gap between acknowledged writes, leader's host cut off", advert: "-", s: summaryLine("etcd write gap", samples), remark: handoverRemark("etcd") }];
}
