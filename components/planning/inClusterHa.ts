// What an HA profile applies inside the cluster (README, "In-cluster HA"): each Deployment
// patched in place with server-side apply under haplane's field manager (replicas, a label of
// haplane's own that the anti-affinity and the PodDisruptionBudget select on, anti-affinity
// required or preferred per node and preferred per zone, requests, the control plane's
// toleration), a PodDisruptionBudget per Deployment, and the system's own settings (a preset's
// ConfigMap before the Deployments, its webhook and namespace settings after them). Pure: the
// objects are plain data; components/InClusterHa.ts declares them.

/** The field manager of every patch haplane applies. */
export const FIELD_MANAGER = "haplane";
/** The pod label that ties a Deployment's pods to its anti-affinity and PodDisruptionBudget. */
export const HA_COMPONENT_LABEL = "ha.haplane.dev/component";
export const HOSTNAME_KEY = "kubernetes.io/hostname";
export const ZONE_KEY = "topology.kubernetes.io/zone";
export const CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";

export interface Requests {
    cpu: string;
    memory: string;
}

export interface HaDeployment {
    name: string;
    /** Containers of the Deployment that get resource requests (each must exist in it). */
    containers: { name: string; requests: Requests }[];
}

/** A patch of an object that exists: only the fields it names are applied. */
export interface ObjectPatch {
    apiVersion: string;
    kind: "ConfigMap" | "Namespace" | "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";
    name: string;
    namespace?: string;
    /** The fields set, beside metadata (e.g. `{data: {...}}`, `{webhooks: [...]}`). */
    fields: Record<string, unknown>;
    /** Labels set on the object. */
    labels?: Record<string, string>;
}

export interface HaProfile {
    /** Names its resources: `coredns`, a preset's name, or the namespace of a custom profile. */
    name: string;
    namespace: string;
    replicas: number;
    antiAffinity: "required" | "preferred";
    onControlPlane: boolean;
    deployments: HaDeployment[];
    /** Applied before the Deployments (their configuration, read at their restart). */
    before: ObjectPatch[];
    /** Applied once the Deployments are patched. */
    after: ObjectPatch[];
}

/** One object of the plan: `patch` objects exist already, the others haplane creates. */
export interface PlannedObject {
    /** The Pulumi resource's name. */
    resourceName: string;
    stage: "before" | "deployments" | "budgets" | "after";
    patch: boolean;
    /** The object as applied (apiVersion, kind, metadata, and its fields). */
    body: { apiVersion: string; kind: string; metadata: Record<string, unknown>; [field: string]: unknown };
}

/** Metadata of a patch: haplane's field manager, and forced, as kubeadm or an installer owns the fields first. */
function patchMetadata(name: string, namespace: string | undefined, labels?: Record<string, string>): Record<string, unknown> {
    return {
        name,
        ...(namespace ? { namespace } : {}),
        ...(labels ? { labels } : {}),
        annotations: { "pulumi.com/patchFieldManager": FIELD_MANAGER, "pulumi.com/patchForce": "true" },
    };
}

function podAntiAffinity(profile: HaProfile, component: string): Record<string, unknown> {
    const term = (topologyKey: string) => ({ labelSelector: { matchLabels: { [HA_COMPONENT_LABEL]: component } }, topologyKey });
    const perZone = { weight: 100, podAffinityTerm: term(ZONE_KEY) };
    return profile.antiAffinity === "required"
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term(HOSTNAME_KEY)], preferredDuringSchedulingIgnoredDuringExecution: [perZone] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term(HOSTNAME_KEY) }, { weight: 50, podAffinityTerm: term(ZONE_KEY) }] };
}

export function deploymentPatch(profile: HaProfile, d: HaDeployment): PlannedObject["body"] {
    // The label's value is the Deployment's name: unique in its namespace.
    const component = d.name;
    const podSpec: Record<string, unknown> = { affinity: { podAntiAffinity: podAntiAffinity(profile, component) } };
    if (profile.onControlPlane) podSpec.tolerations = [{ key: CONTROL_PLANE_TAINT, operator: "Exists", effect: "NoSchedule" }];
    if (d.containers.length > 0) podSpec.containers = d.containers.map((c) => ({ name: c.name, resources: { requests: { ...c.requests } } }));
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: patchMetadata(d.name, profile.namespace),
        spec: {
            replicas: profile.replicas,
            // With required anti-affinity and as many nodes as replicas, a surge pod has nowhere
            // to go: a rollout must be able to take one old replica away first.
            strategy: { rollingUpdate: { maxUnavailable: 1 } },
            template: { metadata: { labels: { [HA_COMPONENT_LABEL]: component } }, spec: podSpec },
        },
    };
}

/** At most one replica of a Deployment away at a time, by eviction (drains, upgrades). */
export function podDisruptionBudget(profile: HaProfile, d: HaDeployment): PlannedObject["body"] {
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: `${d.name}-ha`, namespace: profile.namespace, labels: { "app.kubernetes.io/managed-by": FIELD_MANAGER } },
        spec: { maxUnavailable: 1, selector: { matchLabels: { [HA_COMPONENT_LABEL]: d.name } } },
    };
}

function patchBody(p: ObjectPatch): PlannedObject["body"] {
    return { apiVersion: p.apiVersion, kind: p.kind, metadata: patchMetadata(p.name, p.namespace, p.labels), ...p.fields };
}

// The resource type tells the kinds apart: a Deployment and its budget share a name.
const resourceNameOf = (profile: HaProfile, _kind: string, name: string) => `${profile.name}-${name}`;

/** Every object of a profile, in the order they are applied (stage by stage). */
export function profileObjects(profile: HaProfile): PlannedObject[] {
    return [
        ...profile.before.map((p) => ({ resourceName: resourceNameOf(profile, p.kind, p.name), stage: "before" as const, patch: true, body: patchBody(p) })),
        ...profile.deployments.map((d) => ({ resourceName: resourceNameOf(profile, "Deployment", d.name), stage: "deployments" as const, patch: true, body: deploymentPatch(profile, d) })),
        ...profile.deployments.map((d) => ({ resourceName: resourceNameOf(profile, "PodDisruptionBudget", d.name), stage: "budgets" as const, patch: false, body: podDisruptionBudget(profile, d) })),
        ...profile.after.map((p) => ({ resourceName: resourceNameOf(profile, p.kind, p.name), stage: "after" as const, patch: true, body: patchBody(p) })),
    ];
}
