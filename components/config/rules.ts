// The membership rules of DESIGN.md, as plain checks over the control-plane config. Pure.
import { maxMembersPerZone, placeReplicas, regionOfZone, ReplicaSpec, zonesNeeded } from "../planning/placement";
import { placeInSubnet } from "../planning/subnets";

export interface RuleProblem {
    /** Path below the config namespace, e.g. ["controlPlane", "replicas"]. */
    path: (string | number)[];
    message: string;
}

interface ControlPlaneShape {
    replicas: ReplicaSpec;
    zones?: string[];
}

/** Where a member list lives in the config, and what its members are called in messages. */
interface MemberKeys {
    replicas: string[];
    zones: string[];
    noun: string;
}
const CONTROL_PLANE_KEYS: MemberKeys = { replicas: ["controlPlane", "replicas"], zones: ["controlPlane", "zones"], noun: "replicas" };

export function checkMembershipRules(cp: ControlPlaneShape, platform: string, region: string | undefined, keys: MemberKeys = CONTROL_PLANE_KEYS): RuleProblem[] {
    const problems: RuleProblem[] = [];
    const replicasPath = keys.replicas;
    const noun = keys.noun;
    if (typeof cp.replicas === "number" && (!cp.zones || cp.zones.length === 0)) {
        return [{ path: keys.zones, message: "is required when controlPlane.replicas is a count: list the zones to spread the replicas over" }];
    }
    if (Array.isArray(cp.replicas) && cp.zones) {
        return [{ path: keys.zones, message: "must not be set when controlPlane.replicas lists named replicas (each names its own zone)" }];
    }
    const replicas = placeReplicas(platform, cp.replicas, cp.zones);
    const n = replicas.length;

    if (n % 2 === 0) {
        problems.push({
            path: replicasPath,
            message:
                `${n} ${noun} is not allowed: the etcd member count must be odd (1, 3, 5 or 7), ` +
                `because ${n} members need a quorum of ${n / 2 + 1} yet survive no more failures than ${n - 1} members do`,
        });
        return problems;
    }
    if (n > 7) {
        problems.push({ path: replicasPath, message: `${n} ${noun} is too many: at most 7 etcd members` });
        return problems;
    }

    if (platform !== "onprem" && region) {
        const zonesPath = Array.isArray(cp.replicas) ? replicasPath : keys.zones;
        for (const r of replicas) {
            const zoneRegion = regionOfZone(platform, r.zone);
            if (!zoneRegion) {
                problems.push({ path: zonesPath, message: `'${r.zone}' is not a ${platform} zone name` });
                return problems;
            }
            if (zoneRegion !== region) {
                problems.push({ path: zonesPath, message: `zone '${r.zone}' is in region ${zoneRegion}, but every zone must be in the stack's region ${region}` });
                return problems;
            }
        }
    }

    const seen = new Set<string>();
    for (const r of replicas) {
        if (seen.has(r.name)) {
            problems.push({ path: replicasPath, message: `name '${r.name}' is used twice: names must be unique (they are the replicas' identity)` });
            return problems;
        }
        seen.add(r.name);
    }

    if (n > 1) {
        const limit = maxMembersPerZone(n);
        const counts = new Map<string, number>();
        for (const r of replicas) counts.set(r.zone, (counts.get(r.zone) ?? 0) + 1);
        for (const [zone, count] of counts) {
            if (count > limit) {
                problems.push({
                    path: Array.isArray(cp.replicas) ? replicasPath : keys.zones,
                    message:
                        `zone '${zone}' would hold ${count} of ${n} etcd members, but no zone may hold more than ${limit} ` +
                        `so that losing one zone keeps quorum: spread ${n} ${noun} over at least ${zonesNeeded(n)} zones`,
                });
                return problems;
            }
        }
    }
    return problems;
}

interface OnpremShape {
    controlPlane: { replicas: ReplicaSpec };
    endpoint: { address?: string; internal?: boolean };
    onprem?: { subnets?: string[] };
}

/** With `onprem.subnets` listed, every host address lies in one of them (a typo otherwise). */
function checkHostSubnets(hosts: { name: string; address?: string }[], path: (string | number)[], subnets: string[] | undefined): RuleProblem[] {
    if (!subnets) return [];
    for (const [i, h] of hosts.entries()) {
        if (h.address && subnets.every((s) => placeInSubnet(s, h.address!) === "outside")) {
            return [{ path: [...path, i, "address"], message: `${h.address} (host ${h.name}) is in none of onprem.subnets (${subnets.join(", ")})` }];
        }
        for (const s of subnets) {
            const place = placeInSubnet(s, h.address ?? "0.0.0.0");
            if (h.address && (place === "network" || place === "broadcast")) {
                return [{ path: [...path, i, "address"], message: `${h.address} (host ${h.name}) is the ${place} address of ${s}, not a host address` }];
            }
        }
    }
    return [];
}

/** Addressed on-prem hosts: every one has its own address, and none is the VIP. */
function checkHostAddresses(hosts: { name: string; address?: string }[], path: string[], taken: Map<string, string>, vip?: string): RuleProblem[] {
    for (const [i, h] of hosts.entries()) {
        if (!h.address) return [{ path: [...path, i, "address"], message: `is required on platform onprem: the address of host ${h.name}` }];
        if (taken.has(h.address)) return [{ path: [...path, i, "address"], message: `${h.address} is also the address of ${taken.get(h.address)}: every host needs its own` }];
        if (h.address === vip) return [{ path: [...path, i, "address"], message: `${h.address} is the endpoint VIP (endpoint.address); a host needs its own address` }];
        taken.set(h.address, h.name);
    }
    return [];
}

interface EtcdHostsShape extends OnpremShape {
    controlPlane: { replicas: ReplicaSpec };
    etcd: { hosts?: { name: string; zone: string; address?: string }[] };
}

/**
 * etcd on its own hosts: the membership rules of etcd (odd, at most 7, spread over failure
 * domains) and host rules (own address, a name no control-plane host uses, since names are
 * resource identities). Co-locating etcd with the control plane is spelled by omitting the list.
 */
export function checkEtcdHostRules(cfg: EtcdHostsShape): RuleProblem[] {
    const hosts = cfg.etcd.hosts ?? [];
    const path = ["etcd", "hosts"];
    const membership = checkMembershipRules({ replicas: hosts }, "onprem", undefined, { replicas: path, zones: path, noun: "etcd hosts" });
    if (membership.length) return membership;
    const outside = checkHostSubnets(hosts, path, cfg.onprem?.subnets);
    if (outside.length) return outside;
    const controlPlane = Array.isArray(cfg.controlPlane.replicas) ? cfg.controlPlane.replicas : [];
    const cpNames = new Set(controlPlane.map((r) => r.name));
    for (const [i, h] of hosts.entries()) {
        if (cpNames.has(h.name)) {
            return [{ path: [...path, i, "name"], message: `'${h.name}' is also a control-plane host; to run etcd on the control-plane hosts, omit etcd.hosts` }];
        }
    }
    const taken = new Map(controlPlane.map((r) => [(r as { address?: string }).address ?? "", r.name] as [string, string]));
    return checkHostAddresses(hosts, path, taken, cfg.endpoint.address);
}

/** On-prem hosts are named and addressed explicitly, and the VIP is none of them. */
export function checkOnpremRules(cfg: OnpremShape): RuleProblem[] {
    const replicasPath = ["controlPlane", "replicas"];
    if (!Array.isArray(cfg.controlPlane.replicas)) {
        return [{ path: replicasPath, message: "must list the hosts as {name, zone, address} on platform onprem (a count cannot name hosts)" }];
    }
    if (cfg.endpoint.internal) {
        return [{ path: ["endpoint", "internal"], message: "is for the clouds (gce, aws) only: on onprem the endpoint is the VIP endpoint.address, internal or not as your network makes it" }];
    }
    const seen = new Map<string, string>();
    const problems = checkHostAddresses(cfg.controlPlane.replicas, replicasPath, seen);
    if (problems.length) return problems;
    const outside = checkHostSubnets(cfg.controlPlane.replicas, replicasPath, cfg.onprem?.subnets);
    if (outside.length) return outside;
    const vip = cfg.endpoint.address;
    if (!vip) return [{ path: ["endpoint", "address"], message: "is required on platform onprem: the virtual IP clients use (kept by keepalived)" }];
    if (seen.has(vip)) {
        return [{ path: ["endpoint", "address"], message: `${vip} is the address of host ${seen.get(vip)}; the VIP must be a free address` }];
    }
    for (const subnet of cfg.onprem?.subnets ?? []) {
        const place = placeInSubnet(subnet, vip);
        if (place === "network" || place === "broadcast") {
            return [{ path: ["endpoint", "address"], message: `${vip} is the ${place} address of ${subnet} (onprem.subnets); the VIP must be a host address` }];
        }
    }
    return [];
}
