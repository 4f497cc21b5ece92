// The controller-manager's and scheduler's leader leases, read from the lab's real API servers
// for the failover bench: who holds them, and how long a new leader takes to hold one after
// the old leader's host is cut off. Reads go to one API server directly (the first surviving
// host that answers), not through the VIP, whose own takeover would blur the figure.
import { holderNode, CONTROLLER_MANAGER_LEASE, podLeaseFlags, SCHEDULER_LEASE } from "../lab/apiHealth";
import { LabHost } from "../lab/hosts";
import { KubeClient, Kubeconfig, Lease, parseKubeTime } from "../lab/kube";
import { now, sleep } from "./probes";

export const LEADER_LEASES = [CONTROLLER_MANAGER_LEASE, SCHEDULER_LEASE] as const;
export type LeaderLeaseName = (typeof LEADER_LEASES)[number];

const READ_TIMEOUT_MS = 1000;

export interface LeaseView {
    holder?: string;
    /** The node the holder runs on (kubeadm's components identify as `<hostname>_<uuid>`). */
    node?: string;
    acquiredAtMs?: number;
    renewedAtMs?: number;
    durationSeconds?: number;
    transitions?: number;
}

function view(lease: Lease | undefined): LeaseView {
    const s = lease?.spec ?? {};
    return {
        holder: s.holderIdentity || undefined,
        node: holderNode(s.holderIdentity || undefined),
        acquiredAtMs: parseKubeTime(s.acquireTime),
        renewedAtMs: parseKubeTime(s.renewTime),
        durationSeconds: s.leaseDurationSeconds,
        transitions: s.leaseTransitions,
    };
}

/** One client per host, each talking to that host's own API server. */
export class LeaseReader {
    private readonly clients: Map<string, KubeClient>;

    constructor(kubeconfig: Kubeconfig, hosts: LabHost[]) {
        this.clients = new Map(hosts.map((h) => [h.name, new KubeClient(kubeconfig, { server: `https://${h.address}:6443`, timeoutMs: READ_TIMEOUT_MS })]));
    }

    /** Both leases from the first of `from` whose API server answers both reads; undefined if none does. */
    async read(from: LabHost[]): Promise<Record<LeaderLeaseName, LeaseView> | undefined> {
        for (const h of from) {
            const client = this.clients.get(h.name);
            if (!client) continue;
            try {
                const [cm, sched] = await Promise.all(LEADER_LEASES.map((name) => client.getLease("kube-system", name)));
                return { [CONTROLLER_MANAGER_LEASE]: view(cm), [SCHEDULER_LEASE]: view(sched) } as Record<LeaderLeaseName, LeaseView>;
            } catch {
                // next host
            }
        }
        return undefined;
    }

    /** `--leader-elect-lease-duration` of each host's controller-manager and scheduler mirror Pod (their manifests as the kubelet runs them). */
    async leaseFlags(from: LabHost[], hosts: LabHost[]): Promise<Record<string, string | undefined> | undefined> {
        for (const h of from) {
            const client = this.clients.get(h.name);
            if (!client) continue;
            try {
                return await podLeaseFlags(client, hosts);
            } catch {
                // next host
            }
        }
        return undefined;
    }

    /** Running and ready containers of a static pod (kube-controller-manager-<host>), per host. */
    async runningOn(from: LabHost[], component: "kube-controller-manager" | "kube-scheduler", hosts: LabHost[]): Promise<string[] | undefined> {
        for (const h of from) {
            const client = this.clients.get(h.name);
            if (!client) continue;
            try {
                const pods = await Promise.all(
                    hosts.map((x) =>
                        client
                            .json<{ status?: { containerStatuses?: { ready?: boolean; state?: { running?: unknown } }[] } }>("GET", `/api/v1/namespaces/kube-system/pods/${component}-${x.name}`)
                            .catch(() => undefined),
                    ),
                );
                return hosts.filter((_, i) => pods[i]?.status?.containerStatuses?.some((c) => c.ready && c.state?.running)).map((x) => x.name);
            } catch {
                // next host
            }
        }
        return undefined;
    }

    close(): void {
        for (const c of this.clients.values()) c.close();
    }
}

/**
 * Waits until every host runs a ready controller-manager and scheduler (a cut host's may sit
 * in the kubelet's restart back-off for a while after its link is back); after timeoutMs it
 * settles for two of each, which is enough for the next handover, and says so.
 */
export async function waitControllers(reader: LeaseReader, hosts: LabHost[], timeoutMs: number): Promise<string | undefined> {
    const deadline = now() + timeoutMs;
    let last = "";
    for (;;) {
        const cm = await reader.runningOn(hosts, "kube-controller-manager", hosts);
        const sched = await reader.runningOn(hosts, "kube-scheduler", hosts);
        if (cm?.length === hosts.length && sched?.length === hosts.length) return undefined;
        last = `controller-manager on ${cm?.join(", ") || "none"}, scheduler on ${sched?.join(", ") || "none"}`;
        if (now() > deadline) {
            if ((cm?.length ?? 0) >= 2 && (sched?.length ?? 0) >= 2) return `not every host runs both after ${Math.round(timeoutMs / 1000)} s (${last})`;
            if (now() > deadline + timeoutMs) throw new Error(`fewer than two controller-managers or schedulers run: ${last}`);
        }
        await sleep(1000);
    }
}

export interface Handover {
    lease: LeaderLeaseName;
    from: string;
    to: string;
    /** From the cut to the new holder's acquireTime (both read off this machine's clock). */
    acquiredMs: number;
    /** From the cut to the first read that showed the new holder. */
    observedMs: number;
    /** From the old holder's last renewal to the new holder's acquireTime, minus the lease duration. */
    afterExpiryMs?: number;
}

/**
 * Polls both leases every pollMs from the survivors until each lease the cut host held
 * (`held`) has a new holder on another host, or limitMs after the cut. `cutWallMs` and
 * `cutAt` are the cut's wall clock and monotonic times.
 */
export async function watchHandover(
    reader: LeaseReader,
    survivors: LabHost[],
    cutHost: string,
    before: Record<LeaderLeaseName, LeaseView>,
    cut: { wallMs: number; at: number },
    limitMs: number,
    pollMs = 100,
): Promise<{ handovers: Handover[]; missing: LeaderLeaseName[] }> {
    const held = LEADER_LEASES.filter((l) => before[l].node === cutHost);
    const found = new Map<LeaderLeaseName, Handover>();
    // The cut host's last renewal: it may have renewed between `before` and the cut.
    const lastRenewal = new Map(held.map((l) => [l, before[l].renewedAtMs]));
    while (found.size < held.length && now() - cut.at < limitMs) {
        const leases = await reader.read(survivors);
        const t = now();
        for (const l of held) {
            const v = leases?.[l];
            if (v?.node === cutHost && v.renewedAtMs !== undefined) lastRenewal.set(l, Math.max(v.renewedAtMs, lastRenewal.get(l) ?? 0));
            if (found.has(l) || !v?.node || v.node === cutHost || v.acquiredAtMs === undefined) continue;
            const renewed = lastRenewal.get(l);
            const duration = before[l].durationSeconds;
            found.set(l, {
                lease: l,
                from: cutHost,
                to: v.node,
                acquiredMs: v.acquiredAtMs - cut.wallMs,
                observedMs: t - cut.at,
                afterExpiryMs: renewed !== undefined && duration !== undefined ? v.acquiredAtMs - (renewed + duration * 1000) : undefined,
            });
        }
        await sleep(pollMs);
    }
    return { handovers: [...found.values()], missing: held.filter((l) => !found.has(l)) };
}

/**
 * Leases whose holder moved between two reads although the move was not asked for: its holder's
 * host was not the one cut off (or whose API server was killed). Such a handover restarts
 * controllers for nothing, the cost of too short a renew deadline.
 */
export function unaskedHandovers(
    before: Record<LeaderLeaseName, LeaseView> | undefined,
    after: Record<LeaderLeaseName, LeaseView> | undefined,
    disturbed: string,
): string[] {
    if (!before || !after) return [];
    return LEADER_LEASES.filter((l) => before[l].node !== disturbed && (before[l].holder !== after[l].holder || before[l].transitions !== after[l].transitions)).map(
        (l) => `${l} ${before[l].node ?? "none"} -> ${after[l].node ?? "none"}`,
    );
}
