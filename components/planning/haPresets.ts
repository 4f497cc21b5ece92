// The presets of the in-cluster HA profile (README, "In-cluster HA" says which releases each
// fits), and every profile a stack applies, CoreDNS's first. Pure.
import { AddonsConfig, coreDnsMode, ProfileConfig } from "../config/addons";
import { HaDeployment, HaProfile, ObjectPatch, Requests } from "./inClusterHa";

interface Preset {
    namespace: string;
    /** Every Deployment the preset knows, with the requests it sets. */
    known: Record<string, HaDeployment["containers"]>;
    /** Those it makes HA when the profile lists none. */
    defaults: (p: ProfileConfig) => string[];
    before: (p: ProfileConfig) => ObjectPatch[];
    after: (p: ProfileConfig) => ObjectPatch[];
}

// Linkerd's HA values (values-ha.yaml of its control-plane chart): 100m CPU and 50Mi for the
// controllers, 10Mi for identity, 100m and 20Mi for each proxy.
const linkerdProxy = { name: "linkerd-proxy", requests: { cpu: "100m", memory: "20Mi" } };
const controller = (name: string, memory = "50Mi") => ({ name, requests: { cpu: "100m", memory } });

const PRESETS: Record<"linkerd" | "knative-serving", Preset> = {
    linkerd: {
        namespace: "linkerd",
        known: {
            "linkerd-destination": [controller("destination"), controller("sp-validator"), linkerdProxy],
            "linkerd-identity": [controller("identity", "10Mi"), linkerdProxy],
            "linkerd-proxy-injector": [controller("proxy-injector"), linkerdProxy],
        },
        defaults: () => ["linkerd-destination", "linkerd-identity", "linkerd-proxy-injector"],
        before: () => [],
        after: (p) => [
            // A pod created while no injector answers must fail rather than run unmeshed.
            {
                apiVersion: "admissionregistration.k8s.io/v1",
                kind: "MutatingWebhookConfiguration",
                name: "linkerd-proxy-injector-webhook-config",
                fields: { webhooks: [{ name: "linkerd-proxy-injector.linkerd.io", failurePolicy: "Fail" }] },
            },
            // ...but kube-system's own pods must never wait for it.
            { apiVersion: "v1", kind: "Namespace", name: "kube-system", fields: {}, labels: { "config.linkerd.io/admission-webhooks": "disabled" } },
        ],
    },
    "knative-serving": {
        namespace: "knative-serving",
        // Knative sets its own requests; activator and webhook are scaled by their HPAs.
        known: Object.fromEntries(
            ["controller", "autoscaler", "autoscaler-hpa", "net-certmanager-controller", "net-istio-controller", "networking-certmanager", "networking-ns-cert", "networking-istio"].map((d) => [d, []]),
        ),
        defaults: (p) => ["controller", "autoscaler", ...(p.istio ? ["net-istio-controller"] : [])],
        // The replicas share the work by bucket once they restart (the Deployments' patch
        // restarts them), so the leader election's buckets come first.
        before: (p) => [
            { apiVersion: "v1", kind: "ConfigMap", name: "config-leader-election", namespace: p.namespace ?? "knative-serving", fields: { data: { buckets: String(p.replicas) } } },
        ],
        after: () => [],
    },
};

/** The Deployments a preset knows (config validation lists them). */
export function presetDeployments(preset: keyof typeof PRESETS): string[] {
    return Object.keys(PRESETS[preset].known);
}

/** kubeadm's own replica count for CoreDNS. */
export const KUBEADM_COREDNS_REPLICAS = 2;

/**
 * CoreDNS as kubeadm installs it, with its own requests (100m, 70Mi) now held by haplane: in HA
 * mode at `replicas` on distinct nodes, else at kubeadm's 2 replicas preferring distinct nodes.
 */
export function coreDnsProfile(mode: "ha" | "kubeadm", replicas: number): HaProfile {
    return {
        name: "coredns",
        namespace: "kube-system",
        replicas: mode === "ha" ? replicas : KUBEADM_COREDNS_REPLICAS,
        antiAffinity: mode === "ha" ? "required" : "preferred",
        // kubeadm's CoreDNS tolerates the control plane already (tolerations are one atomic list).
        onControlPlane: false,
        deployments: [{ name: "coredns", containers: [{ name: "coredns", requests: { cpu: "100m", memory: "70Mi" } }] }],
        before: [],
        after: [],
    };
}

function userProfile(p: ProfileConfig): HaProfile {
    const common = { replicas: p.replicas, antiAffinity: p.antiAffinity, onControlPlane: p.onControlPlane };
    if (p.preset === "custom") {
        const requests: Requests | undefined = p.requests;
        const deployments = p.deployments!.map((d) => ({ name: d.name, containers: requests && d.container ? [{ name: d.container, requests }] : [] }));
        return { name: p.namespace!, namespace: p.namespace!, ...common, deployments, before: [], after: [] };
    }
    const preset = PRESETS[p.preset];
    const names = p.deployments?.map((d) => d.name) ?? preset.defaults(p);
    return {
        name: p.preset,
        namespace: p.namespace ?? preset.namespace,
        ...common,
        deployments: names.map((name) => ({ name, containers: preset.known[name] })),
        before: preset.before(p),
        after: preset.after(p),
    };
}

/**
 * Every profile of a stack: CoreDNS's unless left to kubeadm (in HA mode at min(3, schedulable
 * nodes) replicas: it runs on the control plane and the workers), then the user's.
 */
export function haProfiles(cfg: { addons: AddonsConfig; kubeadm: { dryRun: boolean } }, replicas: number): HaProfile[] {
    const mode = coreDnsMode(cfg, replicas);
    const dns = mode === "untouched" ? [] : [coreDnsProfile(mode, Math.min(3, replicas + cfg.addons.workerNodes))];
    return [...dns, ...cfg.addons.profiles.map(userProfile)];
}
