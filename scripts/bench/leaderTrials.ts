// Failover bench, figure "leader": how long the controller-manager and the scheduler are
// without a leader when the leader's host is cut off, for one leader election timing. Each
// trial cuts the host holding one of the two leases (taking turns, so both get samples) and
// measures every lease that host held.
import { LabHost } from "../lab/hosts";
import { LeaderElectionTiming } from "../lab/stack";
import { Handover, LEADER_LEASES, LeaderLeaseName, LeaseReader, waitControllers, watchHandover } from "./leaders";
import { fmtMs, now, sleep } from "./probes";

export interface LeaderBenchContext {
    reader: LeaseReader;
    hosts: LabHost[];
    /** Cuts the host off when fire() is called; returns the monotonic time of the cut. */
    armCut(h: LabHost): Promise<{ cut(): number; done(): Promise<void>; cancel(): void }>;
    uncut(h: LabHost): void;
    /** The bench's own settling (links, VIP, haproxy, etcd, API servers). */
    settle(): Promise<void>;
    checkAborted(): void;
    say(line: string): void;
    notes: string[];
}

const CONTROLLERS_SETTLE_MS = 90_000;
/** The kubelet looks at its manifest directory every 20 s, then restarts what changed. */
const TIMING_APPLIED_MS = 120_000;

/** Waits until both leases are renewed with the stack's lease duration (their leaders run the new flags). */
async function waitTiming(ctx: LeaderBenchContext, timing: LeaderElectionTiming): Promise<void> {
    const deadline = now() + TIMING_APPLIED_MS;
    for (;;) {
        const leases = await ctx.reader.read(ctx.hosts);
        const flags = (await ctx.reader.leaseFlags(ctx.hosts, ctx.hosts)) ?? {};
        const wrong = [
            ...LEADER_LEASES.filter((l) => leases?.[l].durationSeconds !== timing.leaseDurationSeconds).map((l) => `the ${l} lease says leaseDurationSeconds ${String(leases?.[l].durationSeconds)}`),
            ...Object.entries(flags)
                .filter(([, v]) => v !== `${timing.leaseDurationSeconds}s`)
                .map(([pod, v]) => `${pod} runs --leader-elect-lease-duration=${String(v)}`),
        ];
        if (!wrong.length && Object.keys(flags).length === 2 * ctx.hosts.length) {
            // Every static pod re-rendered; wait for the restarted ones to run.
            const lagging = await waitControllers(ctx.reader, ctx.hosts, CONTROLLERS_SETTLE_MS);
            if (lagging) ctx.notes.push(`after the leader election change: ${lagging}`);
            return;
        }
        if (now() > deadline) {
            throw new Error(
                `${wrong.join(", ") || "the mirror Pods could not be read"} ${fmtMs(TIMING_APPLIED_MS)} after the deploy,` +
                    ` but the stack sets ${timing.leaseDurationSeconds} s: the setting did not reach the running controllers`,
            );
        }
        await sleep(1000);
    }
}

export type LeaderSamples = Record<LeaderLeaseName, number[]>;

export async function benchLeaders(ctx: LeaderBenchContext, timing: LeaderElectionTiming, trials: number, label: string): Promise<LeaderSamples> {
    const samples: LeaderSamples = { "kube-controller-manager": [], "kube-scheduler": [] };
    const limitMs = (timing.leaseDurationSeconds + 3 * timing.retryPeriodSeconds + 30) * 1000;
    const applied = now();
    await waitTiming(ctx, timing);
    ctx.say(`  both leases run with lease ${timing.leaseDurationSeconds} s (${fmtMs(now() - applied)} after the deploy)`);
    // Each lease gets `trials` samples; a trial that cuts a host holding both gives one to each.
    for (let i = 1; LEADER_LEASES.some((l) => samples[l].length < trials) && i <= 3 * trials; i++) {
        ctx.checkAborted();
        await ctx.settle();
        const lagging = await waitControllers(ctx.reader, ctx.hosts, CONTROLLERS_SETTLE_MS);
        if (lagging) ctx.notes.push(`leader trial ${i} (${label}): ${lagging}`);
        // Let the restored host's controllers settle into followers, then read who leads.
        await sleep(2000);
        const before = await ctx.reader.read(ctx.hosts);
        if (!before) throw new Error("no API server answered the lease reads");
        const stale = LEADER_LEASES.filter((l) => before[l].durationSeconds !== timing.leaseDurationSeconds);
        if (stale.length) throw new Error(`${stale.join(" and ")}: a leader with another lease duration than ${timing.leaseDurationSeconds} s`);
        const wanted = LEADER_LEASES.find((l) => samples[l].length < trials)!;
        const holder = ctx.hosts.find((h) => h.name === before[wanted].node);
        if (!holder) throw new Error(`the ${wanted} lease is held by ${String(before[wanted].holder)}, not by a lab host`);
        const survivors = ctx.hosts.filter((h) => h !== holder);
        const armed = await ctx.armCut(holder);
        let result: { handovers: Handover[]; missing: LeaderLeaseName[] };
        try {
            const wallMs = Date.now();
            const at = armed.cut();
            await armed.done();
            result = await watchHandover(ctx.reader, survivors, holder.name, before, { wallMs, at }, limitMs);
        } finally {
            armed.cancel();
            ctx.uncut(holder);
        }
        for (const h of result.handovers) samples[h.lease].push(h.acquiredMs);
        const parts = result.handovers.map(
            (h) =>
                `${h.lease} -> ${h.to}: acquired +${fmtMs(h.acquiredMs)} (first seen +${fmtMs(h.observedMs)}` +
                (h.afterExpiryMs !== undefined ? `; ${fmtMs(h.afterExpiryMs)} after the old lease expired` : "") +
                ")",
        );
        for (const l of result.missing) {
            parts.push(`${l}: NO new holder within ${fmtMs(limitMs)}`);
            ctx.notes.push(`leader trial ${i} (${label}): ${l} had no new holder within ${fmtMs(limitMs)} of cutting ${holder.name}`);
        }
        ctx.say(`  trial ${i}: cut ${holder.name} (held ${LEADER_LEASES.filter((l) => before[l].node === holder.name).join(" and ")}) | ${parts.join(" | ")}`);
    }
    const started = now();
    await ctx.settle();
    ctx.say(`  settled again in ${fmtMs(now() - started)}`);
    return samples;
}
