// The control plane an offline plan declares: replicas, etcd members in join order, and who
// holds the endpoint address. Read from the plan's outputs and from the resources the
// components declare (names as in components/: `<name>-member`, `<name>-etcd`, ...). Pure.
import type { Plan, PlannedResource } from "../offline/evaluate";

export const TYPES = {
    node: "haplane:index:ControlPlaneNode",
    etcd: "haplane:index:EtcdCluster",
    externalEtcd: "haplane:index:ExternalEtcdCluster",
    vip: "haplane:index:Vip",
    loadBalancer: "haplane:index:LoadBalancer",
    cluster: "haplane:index:HaControlPlane",
    instance: "gcp:compute/instance:Instance",
    forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
};

/** Types of the reserved endpoint address resource (a child of the Vip component). */
const ENDPOINT_ADDRESS_TYPES = ["gcp:compute/address:Address"];

export interface Replica {
    name: string;
    zone: string;
}

export type Holder = { kind: "node"; node: string } | { kind: "loadBalancer" } | { kind: "none" };

export interface ControlPlaneView {
    platform: "gce" | "onprem" | "none";
    /** Join order. */
    replicas: Replica[];
    etcd: { topology: "stacked" | "external"; members: string[] };
    endpoint: { address?: string; mode?: string; holder: Holder; addressUrn?: string };
}

/** `urn:pulumi:s::p::a$b::name` -> {type: "b", name}. */
export function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    return { type: (parts[2] ?? "").split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

const childOf = (r: { parent: string | null }, type: string) => r.parent !== null && urnParts(r.parent).type === type;

/** Members named `<name><suffix>` under `container`, in the order of their `after` chain (each depends on the previous). */
function chainOrder(plan: Plan, container: string, suffix: string): string[] {
    const members = plan.resources.filter((r) => childOf(r, container) && r.name.endsWith(suffix) && r.name.length > suffix.length);
    const byUrn = new Map(members.map((m) => [m.urn, m]));
    const prev = new Map<string, PlannedResource | undefined>(members.map((m) => [m.urn, m.dependsOn.map((d) => byUrn.get(d)).find((x) => x && x !== m)]));
    const order: PlannedResource[] = [];
    let next = members.filter((m) => !prev.get(m.urn));
    while (next.length === 1 && order.length < members.length) {
        order.push(next[0]);
        next = members.filter((m) => prev.get(m.urn) === next[0]);
    }
    // Not a single chain (hand-made plans): keep the order the plan lists them in.
    const chain = order.length === members.length ? order : members;
    return chain.map((m) => m.name.slice(0, -suffix.length));
}

function replicasOf(plan: Plan): Replica[] {
    const out = plan.outputs.replicas;
    if (Array.isArray(out) && out.every((r) => r && typeof r.name === "string")) {
        return out.map((r: { name: string; zone?: unknown }) => ({ name: r.name, zone: typeof r.zone === "string" ? r.zone : "?" }));
    }
    return plan.resources.filter((r) => r.type === TYPES.node).map((r) => ({ name: r.name, zone: "?" }));
}

function holderOf(plan: Plan, platform: ControlPlaneView["platform"], address: string | undefined, mode: unknown, replicas: Replica[]): Holder {
    if (platform === "onprem") {
        // keepalived floats the VIP; from two hosts on, haproxy on every host balances.
        if (mode === "loadBalancer") return { kind: "loadBalancer" };
        return replicas.length ? { kind: "node", node: replicas[0].name } : { kind: "none" };
    }
    if (!address) return { kind: "none" };
    if (plan.resources.some((r) => r.type === TYPES.forwardingRule && r.inputs.ipAddress === address)) return { kind: "loadBalancer" };
    const onNode = plan.resources.find((r) => {
        if (r.type !== TYPES.instance) return false;
        const nics = (r.inputs.networkInterfaces ?? []) as { accessConfigs?: { natIp?: string }[]; aliasIpRanges?: { ipCidrRange?: string }[] }[];
        return nics.some((n) => (n.accessConfigs ?? []).some((a) => a.natIp === address) || (n.aliasIpRanges ?? []).some((a) => a.ipCidrRange === `${address}/32`));
    });
    return onNode ? { kind: "node", node: onNode.name } : { kind: "none" };
}

export function controlPlaneOf(plan: Plan): ControlPlaneView {
    const platform = plan.resources.some((r) => r.type.startsWith("gcp:")) ? "gce" : plan.resources.some((r) => r.type === TYPES.node) ? "onprem" : "none";
    const replicas = replicasOf(plan);
    const external = plan.resources.some((r) => r.type === TYPES.externalEtcd);
    const members = external ? chainOrder(plan, TYPES.externalEtcd, "-etcd") : chainOrder(plan, TYPES.etcd, "-member");
    const address = typeof plan.outputs.endpointAddress === "string" ? plan.outputs.endpointAddress : undefined;
    const mode = typeof plan.outputs.endpointMode === "string" ? plan.outputs.endpointMode : undefined;
    const addressResource = plan.resources.find((r) => childOf(r, TYPES.vip) && ENDPOINT_ADDRESS_TYPES.includes(r.type));
    return {
        platform,
        replicas,
        etcd: { topology: external ? "external" : "stacked", members },
        endpoint: { address, mode, holder: holderOf(plan, platform, address, mode, replicas), addressUrn: addressResource?.urn },
    };
}

/** Names of the resources components declare per replica or etcd member, after `<name>`. */
const OWN_SUFFIXES = ["", "-internal", "-external", "-release", "-member", "-ticket", "-removal", "-etcd", "-etcd-add", "-etcd-certs", "-etcd-removal"];
/** The same, by the component that declares them. On-prem: keepalived and the VIP handover under Vip, haproxy under LoadBalancer. */
const OWNERS: Record<string, string[]> = {
    [TYPES.node]: OWN_SUFFIXES,
    [TYPES.etcd]: OWN_SUFFIXES,
    [TYPES.externalEtcd]: OWN_SUFFIXES,
    [TYPES.cluster]: OWN_SUFFIXES,
    [TYPES.vip]: ["-vip-interface", "-keepalived", "-vip-handover"],
    [TYPES.loadBalancer]: ["-haproxy"],
};

/** true when `r` belongs to the replica or etcd host `name`: its machine, host set-up or membership. */
export function belongsTo(r: { name: string; parent: string | null }, name: string): boolean {
    if (r.parent === null) return false;
    const parent = urnParts(r.parent);
    if (parent.type === TYPES.node) return parent.name === name;
    return (OWNERS[parent.type] ?? []).some((s) => r.name === `${name}${s}`);
}
