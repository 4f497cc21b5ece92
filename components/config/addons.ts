// The `addons` section: what haplane applies inside the cluster once its API serves (README,
// "In-cluster HA"). Pure: no Pulumi imports.
import { z } from "zod";
import { presetDeployments } from "../planning/haPresets";
import { grammarString } from "./grammar";
import { RuleProblem } from "./rules";

const k8sName = grammarString("k8sName");

/** Resource requests set on one container of each of a profile's Deployments. */
const requests = z.strictObject({
    cpu: grammarString("cpuQuantity"),
    memory: grammarString("memoryQuantity"),
});

const deployment = z.strictObject({
    name: k8sName,
    /** The container that gets `requests` (a container of that name must exist in the Deployment). */
    container: k8sName.optional(),
});

export const PRESETS = ["linkerd", "knative-serving"] as const;

/**
 * An HA profile for a system the user installed: its Deployments patched in place (replicas,
 * anti-affinity, requests) and a PodDisruptionBudget each. A preset knows the system's
 * namespace, Deployments and extra settings; `custom` lists its own.
 */
const profile = z.strictObject({
    preset: z.enum([...PRESETS, "custom"]),
    /** Default: the preset's (`linkerd`, `knative-serving`); required for `custom`. */
    namespace: k8sName.optional(),
    /** `custom`: the Deployments to make HA; presets: a subset of theirs (those installed). */
    deployments: z.array(deployment).min(1, "must list at least one Deployment").optional(),
    replicas: z.number().int().min(2, "must be at least 2: one replica is not highly available").max(7, "must be at most 7").default(3),
    /**
     * Replicas on distinct nodes: `required` (a replica that cannot get a node of its own stays
     * Pending) or `preferred` (the relaxed form, for clusters with fewer nodes than replicas).
     */
    antiAffinity: z.enum(["required", "preferred"]).default("required"),
    /** Let the pods run on the control-plane nodes (tolerate their NoSchedule taint). */
    onControlPlane: z.boolean().default(false),
    /** Requests for each Deployment's `container` (`custom`; presets carry their own). */
    requests: requests.optional(),
    /** knative-serving: Istio is installed, so `networking-istio` is scaled too. */
    istio: z.boolean().optional(),
});

export const addons = z.strictObject({
    /**
     * CoreDNS in HA mode. Default: from 3 replicas on, and held at kubeadm's shape below;
     * false leaves CoreDNS to kubeadm (off with kubeadm.dryRun).
     */
    ha: z.boolean().optional(),
    /** Nodes beyond the control plane that run ordinary pods (haplane does not create them). */
    workerNodes: z.number().int().min(0).max(5000).default(0),
    profiles: z.array(profile).default([]),
});

export type AddonsConfig = z.output<typeof addons>;
export type ProfileConfig = AddonsConfig["profiles"][number];

interface AddonsShape {
    addons: AddonsConfig;
    kubeadm: { dryRun: boolean };
}

/**
 * What haplane does with kubeadm's CoreDNS: `ha` (HA mode: `addons.ha`, or from 3 replicas),
 * `kubeadm` (below 3 replicas by default: held at kubeadm's own shape, 2 replicas preferring
 * distinct nodes, so that a shrink from HA mode updates CoreDNS in the run's updates rather than
 * deleting haplane's patch while members leave), `untouched` (`addons.ha: false`, or no API
 * server with kubeadm.dryRun).
 */
export function coreDnsMode(cfg: AddonsShape, replicas: number): "ha" | "kubeadm" | "untouched" {
    if (cfg.kubeadm.dryRun || cfg.addons.ha === false) return "untouched";
    return cfg.addons.ha === true || replicas >= 3 ? "ha" : "kubeadm";
}

/** Nodes a profile's pods may run on: the workers, and the control plane when allowed. */
export function schedulableNodes(addonsCfg: AddonsConfig, replicas: number, onControlPlane: boolean): number {
    return addonsCfg.workerNodes + (onControlPlane ? replicas : 0);
}

/** The rules over `addons` once the replica count is known, first problem first. */
export function checkAddonRules(cfg: AddonsShape, replicas: number): RuleProblem[] {
    const a = cfg.addons;
    if (cfg.kubeadm.dryRun && (a.ha === true || a.profiles.length > 0)) {
        const key = a.ha === true ? "ha" : "profiles";
        return [{ path: ["addons", key], message: "needs a real control plane: with kubeadm.dryRun no API server runs and no admin kubeconfig exists" }];
    }
    const namespaces = new Set<string>();
    for (const [i, p] of a.profiles.entries()) {
        const at = (...rest: (string | number)[]) => ["addons", "profiles", i, ...rest];
        const problem = checkProfile(p, a, replicas);
        if (problem) return [{ path: at(...problem.key), message: problem.message }];
        const ns = p.namespace ?? p.preset;
        if (namespaces.has(ns)) return [{ path: at("namespace"), message: `'${ns}' already has a profile: one profile per namespace` }];
        namespaces.add(ns);
    }
    return [];
}

function checkProfile(p: ProfileConfig, a: AddonsConfig, replicas: number): { key: (string | number)[]; message: string } | undefined {
    if (p.preset === "custom") {
        if (!p.namespace) return { key: ["namespace"], message: "is required for preset 'custom': the namespace of the Deployments" };
        if (!p.deployments) return { key: ["deployments"], message: "is required for preset 'custom': the Deployments to make highly available" };
        if (p.requests) {
            const i = p.deployments.findIndex((d) => !d.container);
            if (i >= 0) return { key: ["deployments", i, "container"], message: "is required with requests: the container that gets them" };
        }
    } else {
        const known = presetDeployments(p.preset);
        const i = p.deployments?.findIndex((d) => !known.includes(d.name)) ?? -1;
        if (i >= 0) return { key: ["deployments", i, "name"], message: `must be one of preset '${p.preset}''s Deployments: ${known.join(", ")} (preset 'custom' takes any)` };
        if (p.deployments?.some((d) => d.container)) return { key: ["deployments"], message: `take no container with preset '${p.preset}': it sets the requests of its Deployments' own containers` };
        if (p.requests) return { key: ["requests"], message: `is for preset 'custom' only; preset '${p.preset}' sets its own requests` };
        if (p.istio !== undefined && p.preset !== "knative-serving") return { key: ["istio"], message: "is for preset 'knative-serving' only" };
    }
    const nodes = schedulableNodes(a, replicas, p.onControlPlane);
    if (p.antiAffinity === "required" && p.replicas > nodes) {
        const where = p.onControlPlane ? `${replicas} control-plane node(s) and ${a.workerNodes} worker(s)` : `${a.workerNodes} worker node(s) (addons.workerNodes; control-plane nodes only with onControlPlane: true)`;
        return {
            key: ["replicas"],
            message:
                `${p.replicas} replicas with required anti-affinity need ${p.replicas} schedulable nodes, but the cluster has ${nodes}: ${where}. ` +
                "Add nodes (addons.workerNodes), allow the control plane (onControlPlane: true), lower replicas, or relax to antiAffinity: preferred",
        };
    }
    return undefined;
}
