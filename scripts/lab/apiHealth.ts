// What the real Kubernetes API says about the control plane, read through the endpoint (the
// VIP): /readyz, who leads kube-controller-manager and kube-scheduler (their leases in
// kube-system), which API servers are alive (their identity leases), and the Nodes. Used by
// `lab deploy`'s summary and asserted by the lab test; complements ./health.ts, which reads
// the hosts themselves over SSH.
//
// Every read is its own request (fresh connection by default); one that fails is recorded in
// `errors` and leaves its part empty, so a half-reachable control plane still gives a report.
import { KubeApiError, KubeClient, Lease, loadKubeconfig, Node, parseKubeTime } from "./kube";

export const CONTROLLER_MANAGER_LEASE = "kube-controller-manager";
export const SCHEDULER_LEASE = "kube-scheduler";
export const APISERVER_IDENTITY_SELECTOR = "apiserver.kubernetes.io/identity=kube-apiserver";
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";
export const ZONE_LABEL = "topology.kubernetes.io/zone";
/** kube-apiserver renews its identity lease every 10 s; one renewed within this many seconds is live. */
export const LIVE_WITHIN_SECONDS = 30;

export interface LeaderLease {
    name: string;
    /** False when the lease does not exist (the component never ran or has not elected yet). */
    exists: boolean;
    holderIdentity?: string;
    /** The node the holder runs on: kubeadm's components identify as `<hostname>_<uuid>`. */
    holderNode?: string;
    renewTime?: string;
    /** Seconds since renewTime, by the local clock. */
    renewedAgoSeconds?: number;
    leaseDurationSeconds?: number;
    leaseTransitions?: number;
}

export interface ApiServerLease {
    /** apiserver-<hash>. */
    name: string;
    holderIdentity?: string;
    /** The kubernetes.io/hostname label kube-apiserver puts on its identity lease. */
    hostname?: string;
    renewTime?: string;
    renewedAgoSeconds?: number;
    /** Renewed within LIVE_WITHIN_SECONDS (or options.liveWithinSeconds). */
    live: boolean;
}

export interface NodeView {
    name: string;
    controlPlane: boolean;
    zone?: string;
    ready: boolean;
    /** The Ready condition's status ("True", "False", "Unknown") or "missing". */
    readyStatus: string;
    readyReason?: string;
}

export interface ApiHealth {
    /** The URL read from (the VIP, unless overridden). */
    server: string;
    /** When it was read (ISO). */
    readAt: string;
    readyz: boolean;
    /** "ok", or what /readyz answered instead (status and failing checks, or the network error). */
    readyzDetail: string;
    controllerManager?: LeaderLease;
    scheduler?: LeaderLease;
    apiServerLeases: ApiServerLease[];
    /** How many identity leases are live. */
    liveApiServers: number;
    nodes: NodeView[];
    /** Reads that failed, one line each (no secrets: method, path, status, the API's message). */
    errors: string[];
}

export interface ApiHealthOptions {
    /** Read from this URL instead of the kubeconfig's server (e.g. https://198.18.0.100:6443). */
    server?: string;
    /** Per request, ms; default 5 s. */
    timeoutMs?: number;
    liveWithinSeconds?: number;
    /** The local clock, ms since the epoch (tests). */
    now?: () => number;
}

/** `<hostname>_<uuid>` (kubeadm's controller-manager and scheduler) -> hostname; an identity without `_` is its own name. */
export function holderNode(identity: string | undefined): string | undefined {
    if (!identity) return undefined;
    const i = identity.lastIndexOf("_");
    if (i < 0) return identity;
    return i > 0 ? identity.slice(0, i) : undefined;
}

/** Seconds from renewTime to nowMs (negative if the server's clock is ahead). */
export function ageSeconds(time: string | undefined, nowMs: number): number | undefined {
    const t = parseKubeTime(time);
    return t === undefined ? undefined : (nowMs - t) / 1000;
}

export function leaderLease(name: string, lease: Lease | undefined, nowMs: number): LeaderLease {
    if (!lease) return { name, exists: false };
    const s = lease.spec ?? {};
    return {
        name,
        exists: true,
        holderIdentity: s.holderIdentity || undefined,
        holderNode: holderNode(s.holderIdentity),
        renewTime: s.renewTime,
        renewedAgoSeconds: ageSeconds(s.renewTime, nowMs),
        leaseDurationSeconds: s.leaseDurationSeconds,
        leaseTransitions: s.leaseTransitions,
    };
}

export function apiServerLease(lease: Lease, nowMs: number, liveWithinSeconds = LIVE_WITHIN_SECONDS): ApiServerLease {
    const age = ageSeconds(lease.spec?.renewTime, nowMs);
    return {
        name: lease.metadata.name,
        holderIdentity: lease.spec?.holderIdentity,
        hostname: lease.metadata.labels?.["kubernetes.io/hostname"],
        renewTime: lease.spec?.renewTime,
        renewedAgoSeconds: age,
        live: age !== undefined && age <= liveWithinSeconds,
    };
}

export function nodeView(node: Node): NodeView {
    const labels = node.metadata.labels ?? {};
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    return {
        name: node.metadata.name,
        controlPlane: CONTROL_PLANE_LABEL in labels,
        zone: labels[ZONE_LABEL] || undefined,
        ready: ready?.status === "True",
        readyStatus: ready?.status ?? "missing",
        readyReason: ready?.reason,
    };
}

const describe = (e: unknown): string => (e instanceof KubeApiError ? e.message : e instanceof Error ? e.message : String(e));

export async function readApiHealth(kubeconfigPath: string, options: ApiHealthOptions = {}): Promise<ApiHealth> {
    const client = new KubeClient(loadKubeconfig(kubeconfigPath), { server: options.server, timeoutMs: options.timeoutMs ?? 5000, keepAlive: false });
    const now = options.now ?? Date.now;
    /** { value } when the read succeeded (value may be undefined: a lease that does not exist); undefined when it failed. */
    // Errors in the order of the reads, whatever order they fail in.
    const failures: (string | undefined)[] = [];
    const attempt = async <T>(slot: number, fn: () => Promise<T>): Promise<{ value: T } | undefined> => {
        try {
            return { value: await fn() };
        } catch (e) {
            failures[slot] = describe(e);
            return undefined;
        }
    };
    const [ready, cm, sched, identities, nodes] = await Promise.all([
        client.readyzDetail(),
        attempt(0, () => client.getLease("kube-system", CONTROLLER_MANAGER_LEASE)),
        attempt(1, () => client.getLease("kube-system", SCHEDULER_LEASE)),
        attempt(2, () => client.listLeases("kube-system", { labelSelector: APISERVER_IDENTITY_SELECTOR })),
        attempt(3, () => client.listNodes()),
    ]);
    // Ages against the clock when the answers are in (they are at most timeoutMs old).
    const t = now();
    const h: ApiHealth = {
        server: client.server,
        readAt: new Date(t).toISOString(),
        readyz: ready.ok,
        readyzDetail: ready.detail,
        // A lease read that failed leaves the field undefined; a lease that is absent says exists: false.
        controllerManager: cm && leaderLease(CONTROLLER_MANAGER_LEASE, cm.value, t),
        scheduler: sched && leaderLease(SCHEDULER_LEASE, sched.value, t),
        apiServerLeases: (identities?.value ?? []).map((l) => apiServerLease(l, t, options.liveWithinSeconds)).sort((a, b) => (a.hostname ?? a.name).localeCompare(b.hostname ?? b.name)),
        liveApiServers: 0,
        nodes: (nodes?.value ?? []).map(nodeView).sort((a, b) => a.name.localeCompare(b.name)),
        errors: failures.filter((f): f is string => f !== undefined),
    };
    h.liveApiServers = h.apiServerLeases.filter((l) => l.live).length;
    return h;
}

const secs = (s: number | undefined) => (s === undefined ? "?" : `${s.toFixed(1)} s`);

function leaseLine(label: string, l: LeaderLease | undefined): string {
    if (!l) return `${label} lease: not read`;
    if (!l.exists) return `${label} lease: none`;
    if (!l.holderIdentity) return `${label} lease: no holder (renewed ${secs(l.renewedAgoSeconds)} ago)`;
    const stale = l.leaseDurationSeconds !== undefined && l.renewedAgoSeconds !== undefined && l.renewedAgoSeconds > l.leaseDurationSeconds ? ", expired" : "";
    return `${label} lease: ${l.holderNode ?? l.holderIdentity} (renewed ${secs(l.renewedAgoSeconds)} ago${stale})`;
}

/** A few lines for people: what `lab deploy` prints about the API. */
export function formatApiHealth(h: ApiHealth): string {
    const lines = [`readyz via ${h.server}: ${h.readyz ? "ok" : `not ready (${h.readyzDetail})`}`];
    lines.push(leaseLine("controller-manager", h.controllerManager));
    lines.push(leaseLine("scheduler", h.scheduler));
    const liveHosts = h.apiServerLeases.filter((l) => l.live).map((l) => l.hostname ?? l.name);
    lines.push(`API server identity leases live: ${h.liveApiServers} of ${h.apiServerLeases.length}${liveHosts.length ? ` (${liveHosts.join(", ")})` : ""}`);
    const nodes = h.nodes.map((n) => {
        const notes = [n.zone ?? "no zone", ...(n.controlPlane ? [] : ["not control-plane"]), ...(n.ready ? [] : [`Ready=${n.readyStatus}${n.readyReason ? ` ${n.readyReason}` : ""}`])];
        return `${n.name} (${notes.join(", ")})`;
    });
    lines.push(`nodes: ${nodes.length ? nodes.join(", ") : "none"}`);
    for (const e of h.errors) lines.push(`error: ${e}`);
    return lines.join("\n");
}

/** `<component>-<host>` -> the lease duration flag its mirror Pod's command carries. */
export async function podLeaseFlags(client: KubeClient, hosts: { name: string }[]): Promise<Record<string, string | undefined>> {
    const flags: Record<string, string | undefined> = {};
    for (const h of hosts) {
        for (const component of ["kube-controller-manager", "kube-scheduler"]) {
            const pod = await client.json<{ spec: { containers: { command?: string[] }[] } }>("GET", `/api/v1/namespaces/kube-system/pods/${component}-${h.name}`);
            const flag = pod.spec.containers[0]?.command?.find((c) => c.startsWith("--leader-elect-lease-duration="));
            flags[`${component}-${h.name}`] = flag?.slice(flag.indexOf("=") + 1);
        }
    }
    return flags;
}
