// The lab's half of the in-cluster HA checks (README, "In-cluster HA"): stand-ins for the
// systems the presets patch (Deployments with the presets' names and containers, running the
// preloaded pause image, the Linkerd injector's webhook configuration, Knative's leader-election
// ConfigMap), installed with server-side apply under an installer's field manager as a chart
// would; and the reads the checks make: a Deployment's pods and their nodes, a
// PodDisruptionBudget, an eviction's answer, and which fields of an object changed. Lab only.
import { spawnSync } from "child_process";
import * as YAML from "yaml";
import { KubeClient } from "./kube";

/** The field manager of the stand-ins' "installer". */
export const INSTALLER = "lab-installer";
const PAUSE = "registry.k8s.io/pause:3.10";

interface StandIn {
    namespace: string;
    name: string;
    containers: string[];
}

/** Stand-ins with each preset's Deployments (names and containers as the systems ship them). */
export const STAND_INS: StandIn[] = [
    { namespace: "linkerd", name: "linkerd-destination", containers: ["destination", "sp-validator", "linkerd-proxy"] },
    { namespace: "linkerd", name: "linkerd-identity", containers: ["identity", "linkerd-proxy"] },
    { namespace: "linkerd", name: "linkerd-proxy-injector", containers: ["proxy-injector", "linkerd-proxy"] },
    { namespace: "knative-serving", name: "controller", containers: ["controller"] },
    { namespace: "knative-serving", name: "autoscaler", containers: ["autoscaler"] },
];

function standInObjects(): object[] {
    const namespaces = [...new Set(STAND_INS.map((s) => s.namespace))].map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } }));
    const deployments = STAND_INS.map((s) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: s.name, namespace: s.namespace, labels: { app: s.name } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: s.name } },
            template: {
                metadata: { labels: { app: s.name } },
                spec: {
                    containers: s.containers.map((name) => ({ name, image: PAUSE, imagePullPolicy: "Never", resources: { requests: { cpu: "10m", memory: "8Mi" } } })),
                },
            },
        },
    }));
    return [
        ...namespaces,
        ...deployments,
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "config-leader-election", namespace: "knative-serving" },
            data: { "lease-duration": "60s", "renew-deadline": "40s", "retry-period": "10s", buckets: "1" },
        },
        {
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "MutatingWebhookConfiguration",
            metadata: { name: "linkerd-proxy-injector-webhook-config" },
            webhooks: [
                {
                    name: "linkerd-proxy-injector.linkerd.io",
                    // Nothing serves it: it selects only namespaces that no namespace is, so a
                    // strict failure policy blocks no pod of the lab.
                    namespaceSelector: { matchLabels: { "lab.haplane.dev/stand-in-webhook": "never" } },
                    clientConfig: { service: { name: "linkerd-proxy-injector", namespace: "linkerd", path: "/" } },
                    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
                    failurePolicy: "Ignore",
                    sideEffects: "None",
                    admissionReviewVersions: ["v1"],
                },
            ],
        },
    ];
}

/** Installs the stand-ins with `kubectl apply --server-side` (the toolchain's kubectl). */
export function installStandIns(kubeconfig: string): void {
    const manifest = standInObjects().map((o) => YAML.stringify(o)).join("---\n");
    const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", `--field-manager=${INSTALLER}`, "-f", "-"], { input: manifest, encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`installing the stand-ins failed: ${r.stderr || r.error?.message}`);
}

export async function getObject(client: KubeClient, path: string): Promise<Record<string, unknown>> {
    return client.json<Record<string, unknown>>("GET", path);
}

/** Pods of a namespace with a label, and the node each is on (undefined while unscheduled). */
export async function podsWith(client: KubeClient, namespace: string, label: string, value: string): Promise<{ name: string; node?: string; ready: boolean }[]> {
    const list = await client.json<{ items: { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { conditions?: { type: string; status: string }[] } }[] }>(
        "GET",
        `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(`${label}=${value}`)}`,
    );
    return list.items
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => ({ name: p.metadata.name, node: p.spec.nodeName, ready: (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") }));
}

/** Asks the eviction API to evict a pod; its HTTP status (201 evicted, 429 refused by a budget). */
export async function evict(client: KubeClient, namespace: string, pod: string): Promise<{ status: number; message: string }> {
    const r = await client.request("POST", `/api/v1/namespaces/${namespace}/pods/${pod}/eviction`, {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: pod, namespace },
    });
    let message = "";
    try {
        message = (JSON.parse(r.body) as { message?: string }).message ?? "";
    } catch {
        message = r.body.slice(0, 200);
    }
    return { status: r.status, message };
}

/** What the server itself keeps changing; never a field a patch names. */
const SERVER_KEPT = [/^status(\.|$)/, /^metadata\.(managedFields|resourceVersion|generation|uid|creationTimestamp)(\.|\[|$)/, /^metadata\.annotations\.deployment\.kubernetes\.io\/revision$/];

/**
 * Leaf fields of an object, as paths. A list of objects with names is keyed by name (as server-
 * side apply merges containers), any other list by index.
 */
export function leafFields(value: unknown, prefix = ""): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const walk = (v: unknown, at: string) => {
        if (Array.isArray(v)) {
            if (v.length === 0) out.set(at, []);
            const named = v.every((x) => x && typeof x === "object" && typeof (x as { name?: unknown }).name === "string");
            v.forEach((x, i) => walk(x, `${at}[${named ? (x as { name: string }).name : i}]`));
        } else if (v && typeof v === "object") {
            const entries = Object.entries(v);
            if (entries.length === 0) out.set(at, {});
            for (const [k, x] of entries) walk(x, at ? `${at}.${k}` : k);
        } else {
            out.set(at, v);
        }
    };
    walk(value, prefix);
    return out;
}

/** The leaf fields whose value differs between two reads of an object (server-kept ones left out). */
export function changedFields(before: unknown, after: unknown): string[] {
    const a = leafFields(before);
    const b = leafFields(after);
    const paths = new Set([...a.keys(), ...b.keys()]);
    return [...paths].filter((p) => !SERVER_KEPT.some((re) => re.test(p)) && JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p))).sort();
}
