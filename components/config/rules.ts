// The membership rules of DESIGN.md, as plain checks over the control-plane config. Pure.
import { maxMembersPerZone, placeReplicas, regionOfZone, ReplicaSpec, zonesNeeded } from "../planning/placement";

export interface RuleProblem {
    /** Path below the config namespace, e.g. ["controlPlane", "replicas"]. */
    path: (string | number)[];
    message: string;
}

interface ControlPlaneShape {
    replicas: ReplicaSpec;
    zones?: string[];
}

export function checkMembershipRules(cp: ControlPlaneShape, platform: string, region: string | undefined): RuleProblem[] {
    const problems: RuleProblem[] = [];
    const replicasPath = ["controlPlane", "replicas"];
    if (typeof cp.replicas === "number" && (!cp.zones || cp.zones.length === 0)) {
        return [{ path: ["controlPlane", "zones"], message: "is required when controlPlane.replicas is a count: list the zones to spread the replicas over" }];
    }
    if (Array.isArray(cp.replicas) && cp.zones) {
        return [{ path: ["controlPlane", "zones"], message: "must not be set when controlPlane.replicas lists named replicas (each names its own zone)" }];
    }
    const replicas = placeReplicas(platform, cp.replicas, cp.zones);
    const n = replicas.length;

    if (n % 2 === 0) {
        problems.push({
            path: replicasPath,
            message:
                `${n} replicas is not allowed: the etcd member count must be odd (1, 3, 5 or 7), ` +
                `because ${n} members need a quorum of ${n / 2 + 1} yet survive no more failures than ${n - 1} members do`,
        });
        return problems;
    }
    if (n > 7) {
        problems.push({ path: replicasPath, message: `${n} replicas is too many: at most 7 etcd members` });
        return problems;
    }

    if (platform !== "onprem" && region) {
        const zonesPath = Array.isArray(cp.replicas) ? replicasPath : ["controlPlane", "zones"];
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
            problems.push({ path: replicasPath, message: `replica name '${r.name}' is used twice: names must be unique (they are the replicas' identity)` });
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
                    path: Array.isArray(cp.replicas) ? replicasPath : ["controlPlane", "zones"],
                    message:
                        `zone '${zone}' would hold ${count} of ${n} etcd members, but no zone may hold more than ${limit} ` +
                        `so that losing one zone keeps quorum: spread ${n} replicas over at least ${zonesNeeded(n)} zones`,
                });
                return problems;
            }
        }
    }
    return problems;
}

interface OnpremShape {
    controlPlane: { replicas: ReplicaSpec };
    endpoint: { address?: string };
}

/** On-prem hosts are named and addressed explicitly, and the VIP is none of them. */
export function checkOnpremRules(cfg: OnpremShape): RuleProblem[] {
    const replicasPath = ["controlPlane", "replicas"];
    if (!Array.isArray(cfg.controlPlane.replicas)) {
        return [{ path: replicasPath, message: "must list the hosts as {name, zone, address} on platform onprem (a count cannot name hosts)" }];
    }
    const seen = new Map<string, string>();
    for (const [i, r] of cfg.controlPlane.replicas.entries()) {
        const address = (r as { address?: string }).address;
        if (!address) return [{ path: [...replicasPath, i, "address"], message: `is required on platform onprem: the address of host ${r.name}` }];
        if (seen.has(address)) return [{ path: [...replicasPath, i, "address"], message: `${address} is also the address of ${seen.get(address)}: every host needs its own` }];
        seen.set(address, r.name);
    }
    if (!cfg.endpoint.address) return [{ path: ["endpoint", "address"], message: "is required on platform onprem: the virtual IP clients use (kept by keepalived)" }];
    if (seen.has(cfg.endpoint.address)) {
        return [{ path: ["endpoint", "address"], message: `${cfg.endpoint.address} is the address of host ${seen.get(cfg.endpoint.address)}; the VIP must be a free address` }];
    }
    return [];
}
