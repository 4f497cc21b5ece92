// What the shared config rules, placement and rendering need to know about a platform, without
// loading it: each platform's config.ts exports one profile, and schema.ts looks them up by the
// stack's `platform`. Pure.
import { Replica, ZoneNames } from "../planning/placement";
import { RuleProblem } from "./rules";

/** How kubeadm's configuration differs by platform. */
export interface KubeadmTraits {
    /**
     * A load balancer on every node binds <endpoint>:port (on-prem haproxy): the API server
     * shares its port (SO_REUSEPORT) and kubeadm's preflight must not insist on a free port.
     */
    nodeLocalBalancer: boolean;
    /** The kubelet's cgroup driver (kubeadm's default is systemd). */
    cgroupDriver: "systemd" | "cgroupfs";
}

export interface PlatformProfile<C> extends ZoneNames {
    /** The stack's `platform` value. */
    readonly name: string;
    /** The region every zone must be in, where the platform has regions. */
    region(cfg: C): string | undefined;
    /** Platform rules that come before the membership rules (the first problem is reported). */
    check(cfg: C): RuleProblem[];
    /** Platform rules over the placed replicas, once the membership rules hold. */
    checkPlaced(cfg: C, replicas: Replica[]): RuleProblem[];
    /** Legal but risky settings, said at plan time. */
    warnings(cfg: C): RuleProblem[];
    kubeadm(cfg: C): KubeadmTraits;
}

type ProfileDefaults = "checkPlaced" | "warnings" | "kubeadm";

/** A profile with the usual answers where a platform has nothing to add: no later rules, no warnings, kubeadm's defaults. */
export function platformProfile<C>(profile: Omit<PlatformProfile<C>, ProfileDefaults> & Partial<Pick<PlatformProfile<C>, ProfileDefaults>>): PlatformProfile<C> {
    return {
        checkPlaced: () => [],
        warnings: () => [],
        kubeadm: () => ({ nodeLocalBalancer: false, cgroupDriver: "systemd" }),
        ...profile,
    };
}
