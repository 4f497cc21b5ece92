// The membership rules (README, "Config reference"), as plain checks over the placed replicas,
// and the rules both clouds share. Pure.
import { maxMembersPerZone, Replica, ReplicaSpec, ZoneNames, zonesNeeded } from "../planning/placement";

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
export interface MemberKeys {
    replicas: string[];
    zones: string[];
    noun: string;
}
const CONTROL_PLANE_KEYS: MemberKeys = { replicas: ["controlPlane", "replicas"], zones: ["controlPlane", "zones"], noun: "replicas" };

/** A count is spread over `zones`; a list names its own zones. */
export function checkReplicaSpec(cp: ControlPlaneShape, keys: MemberKeys = CONTROL_PLANE_KEYS): RuleProblem[] {
    if (typeof cp.replicas === "number" && (!cp.zones || cp.zones.length === 0)) {
        return [{ path: keys.zones, message: "is required when controlPlane.replicas is a count: list the zones to spread the replicas over" }];
    }
    if (Array.isArray(cp.replicas) && cp.zones) {
        return [{ path: keys.zones, message: "must not be set when controlPlane.replicas lists named replicas (each names its own zone)" }];
    }
    return [];
}

/** The platform's zone names, and the region every zone must be in (where it has regions). */
export interface ZoneRules extends ZoneNames {
    readonly name: string;
    region?: string;
}

/**
 * The etcd membership rules over placed members: an odd count of at most 7, unique names,
 * zones of the stack's region, and no zone holding so many that losing it loses quorum.
 * `listed` says whether the members were named (problems then point at the list itself).
 */
export function checkMembershipRules(replicas: Replica[], listed: boolean, zones: ZoneRules, keys: MemberKeys = CONTROL_PLANE_KEYS): RuleProblem[] {
    const problems: RuleProblem[] = [];
    const replicasPath = keys.replicas;
    const noun = keys.noun;
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

    const zonesPath = listed ? replicasPath : keys.zones;
    if (zones.region) {
        for (const r of replicas) {
            const zoneRegion = zones.regionOfZone(r.zone);
            if (!zoneRegion) {
                problems.push({ path: zonesPath, message: `'${r.zone}' is not a ${zones.name} zone name` });
                return problems;
            }
            if (zoneRegion !== zones.region) {
                problems.push({ path: zonesPath, message: `zone '${r.zone}' is in region ${zoneRegion}, but every zone must be in the stack's region ${zones.region}` });
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
                    path: zonesPath,
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

interface CloudShape {
    platform: string;
    etcd: { topology: string };
    kubeadm: { dryRun: boolean };
    endpoint: { address?: string };
}

/**
 * What the clouds refuse: haplane's own etcd and kubeadm dry-runs are for on-prem hosts, and a
 * cloud reserves its endpoint address itself (an internal AWS endpoint names its address, so
 * AWS checks that key with its network).
 */
export function checkCloudRules(cfg: CloudShape, options: { endpointAddress: "refused" | "own rules" }): RuleProblem[] {
    if (cfg.etcd.topology === "external") {
        return [{ path: ["etcd", "topology"], message: `'external' is offered on platform onprem only; on ${cfg.platform} etcd is stacked on the control-plane nodes` }];
    }
    if (cfg.kubeadm.dryRun) {
        return [{ path: ["kubeadm", "dryRun"], message: `is for on-prem labs only; on ${cfg.platform} kubeadm must run for real` }];
    }
    if (cfg.endpoint.address && options.endpointAddress === "refused") {
        return [{ path: ["endpoint", "address"], message: `is for platform onprem only; on ${cfg.platform} the endpoint address is reserved by the cloud` }];
    }
    return [];
}
