// The stack configuration: a union of one stack shape per platform, discriminated by
// `platform`, each validated by the shared rules and its platform's own. Pure: no Pulumi
// imports, so the same rules run in the program, in the offline plan and in unit tests. Every
// key lives in the `haplane:` namespace; error messages name the full key (e.g.
// `haplane:controlPlane.replicas`).
//
// A platform's stack shape and profile live in components/platform/<name>/config.ts; adding a
// platform adds it to STACKS and PROFILES here.
import { z } from "zod";
import { awsProfile, awsStack } from "../platform/aws/config";
import { gceProfile, gceStack } from "../platform/gce/config";
import { onpremProfile, onpremStack } from "../platform/onprem/config";
import { placeReplicas, Replica } from "../planning/placement";
import { PlatformProfile } from "./profile";
import { checkAddonRules } from "./addons";
import { checkMembershipRules, checkReplicaSpec, RuleProblem } from "./rules";

export { DEFAULT_LEADER_ELECTION, KUBERNETES_LEADER_ELECTION } from "./sections";

const STACKS = [gceStack, awsStack, onpremStack] as const;

export const PLATFORMS = STACKS.map((s) => s.shape.platform.value);

type PlatformStack = z.output<(typeof STACKS)[number]>;

const PROFILES: { [P in PlatformStack["platform"]]: PlatformProfile<Extract<PlatformStack, { platform: P }> & Placed> } = {
    gce: gceProfile,
    aws: awsProfile,
    onprem: onpremProfile,
};

interface Placed {
    /** The control-plane replicas in join order, placed in zones (computed once, here). */
    placement: Replica[];
}

/** The profile of a validated stack's platform. */
export function profileOf(cfg: StackConfig): PlatformProfile<StackConfig> {
    return PROFILES[cfg.platform] as PlatformProfile<StackConfig>;
}

/** Rules that hold on every platform, in the order their first problem is reported. */
function sharedRules(cfg: PlatformStack): RuleProblem[] {
    if (cfg.etcd.electionTimeoutMs < 5 * cfg.etcd.heartbeatIntervalMs) {
        return [
            {
                path: ["etcd", "electionTimeoutMs"],
                message: `must be at least 5 times etcd.heartbeatIntervalMs (${5 * cfg.etcd.heartbeatIntervalMs} ms): etcd refuses shorter election timeouts`,
            },
        ];
    }
    if (cfg.etcd.hosts && cfg.etcd.topology !== "external") {
        return [{ path: ["etcd", "hosts"], message: "is for etcd.topology 'external' only; with 'stacked' etcd runs on the control-plane hosts" }];
    }
    return [];
}

export const stackConfigSchema = z.discriminatedUnion("platform", STACKS).transform((cfg, ctx): PlatformStack & Placed => {
    const profile = PROFILES[cfg.platform] as PlatformProfile<PlatformStack>;
    const report = (problems: RuleProblem[]) => {
        for (const problem of problems) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
        return problems.length > 0;
    };
    if (report(sharedRules(cfg)) || report(profile.check(cfg)) || report(checkReplicaSpec(cfg.controlPlane))) return z.NEVER;
    const placement = placeReplicas(profile, cfg.controlPlane.replicas, cfg.controlPlane.zones);
    const zones = { name: profile.name, regionOfZone: profile.regionOfZone, region: profile.region(cfg) };
    if (report(checkMembershipRules(placement, Array.isArray(cfg.controlPlane.replicas), zones)) || report(profile.checkPlaced(cfg, placement))) return z.NEVER;
    if (report(checkAddonRules(cfg, placement.length))) return z.NEVER;
    return { ...cfg, placement };
});

/** The raw shape a user writes (defaults not yet applied). */
export type StackConfigInput = z.input<typeof stackConfigSchema>;
/** The validated configuration with defaults applied and the replicas placed. */
export type StackConfig = z.output<typeof stackConfigSchema>;
export type GceStackConfig = Extract<StackConfig, { platform: "gce" }>;
export type AwsStackConfig = Extract<StackConfig, { platform: "aws" }>;
export type OnpremStackConfig = Extract<StackConfig, { platform: "onprem" }>;
export type ControlPlaneConfig = StackConfig["controlPlane"];
