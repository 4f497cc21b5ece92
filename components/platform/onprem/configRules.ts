// The rules of on-prem hosts: named and addressed explicitly, each its own address, the VIP none
// of them, within onprem.subnets when listed; and haplane's etcd on hosts of its own. Pure.
import { checkMembershipRules, RuleProblem } from "../../config/rules";
import { placeReplicas, ReplicaSpec } from "../../planning/placement";
import { placeInSubnet } from "../../planning/subnets";

/** On-prem failure domains (racks, rooms) belong to no region. */
export const ONPREM_ZONES = { name: "onprem", regionOfZone: (): string | undefined => undefined };

interface OnpremShape {
    controlPlane: { replicas: ReplicaSpec };
    endpoint: { address: string; internal?: boolean };
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
    const membership = checkMembershipRules(placeReplicas(ONPREM_ZONES, hosts), true, ONPREM_ZONES, { replicas: path, zones: path, noun: "etcd hosts" });
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
