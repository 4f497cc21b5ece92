// The lab walk's in-cluster HA checks, on the real control plane through the VIP (README,
// "In-cluster HA"): CoreDNS made HA by the stack (three replicas on distinct nodes, its
// PodDisruptionBudget refusing a second eviction with HTTP 429), and the linkerd and
// knative-serving presets patching stand-ins of what they know: every field a preset's patch
// names is set, no other field changes, and the profiled pods are scheduled on distinct nodes.
// The fields are read from the planner's own objects (components/planning), never copied here.
import { strict as assert } from "assert";
import { parseStackConfig } from "../../components/config/parse";
import { haProfiles } from "../../components/planning/haPresets";
import { HA_COMPONENT_LABEL, PlannedObject, profileObjects } from "../../components/planning/inClusterHa";
import { changedFields, evict, getObject, installStandIns, leafFields, podsWith } from "../../scripts/lab/inClusterHa";
import { KubeClient, loadKubeconfig } from "../../scripts/lab/kube";

async function until<T>(ms: number, what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + ms;
    let last: T | undefined;
    let error: unknown;
    while (Date.now() < deadline) {
        try {
            last = await read();
            if (ok(last)) return last;
        } catch (e) {
            error = e;
        }
        await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`${what} within ${ms / 1000} s; last read: ${JSON.stringify(last) ?? String(error)}`);
}

const distinctNodes = (pods: { node?: string }[]) => new Set(pods.map((p) => p.node).filter(Boolean)).size;

/** Where an object of the plan is read from. */
function apiPath(body: PlannedObject["body"]): string {
    const { name, namespace } = body.metadata as { name: string; namespace?: string };
    const paths: Record<string, string> = {
        Deployment: `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
        ConfigMap: `/api/v1/namespaces/${namespace}/configmaps/${name}`,
        Namespace: `/api/v1/namespaces/${name}`,
        MutatingWebhookConfiguration: `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${name}`,
        PodDisruptionBudget: `/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets/${name}`,
    };
    return paths[body.kind];
}

/** CoreDNS: 3 ready replicas on 3 nodes; one eviction allowed, the next refused while it is away. */
export async function checkCoreDnsHa(kubeconfig: string): Promise<string> {
    const client = new KubeClient(loadKubeconfig(kubeconfig), { timeoutMs: 10_000 });
    const settled = async () => {
        const pods = await podsWith(client, "kube-system", HA_COMPONENT_LABEL, "coredns");
        const pdb = (await getObject(client, "/apis/policy/v1/namespaces/kube-system/poddisruptionbudgets/coredns-ha")) as { status?: { disruptionsAllowed?: number; currentHealthy?: number } };
        return { pods, pdb: pdb.status };
    };
    const ready = (v: Awaited<ReturnType<typeof settled>>) => v.pods.length === 3 && v.pods.every((p) => p.ready) && distinctNodes(v.pods) === 3 && v.pdb?.disruptionsAllowed === 1;
    const before = await until(300_000, "CoreDNS runs 3 ready replicas on 3 nodes with one disruption allowed", settled, ready);
    const first = await evict(client, "kube-system", before.pods[0].name);
    const second = await evict(client, "kube-system", before.pods[1].name);
    assert.equal(first.status, 201, `the first eviction is allowed: ${first.message}`);
    assert.equal(second.status, 429, `the second eviction, while the first replica is away, is refused by the budget: ${second.message}`);
    assert.match(second.message, /disruption budget/);
    const after = await until(300_000, "CoreDNS is back to 3 ready replicas on 3 nodes", settled, ready);
    assert.ok(!after.pods.some((p) => p.name === before.pods[0].name), "the evicted replica was replaced");
    return `evicted ${before.pods[0].name} (201), then ${before.pods[1].name} refused (429: ${second.message})`;
}

/** The presets' objects as the stack plans them for these settings. */
export function plannedPresetObjects(settings: Record<string, unknown>, replicas: number): PlannedObject[] {
    const cfg = parseStackConfig(settings);
    return haProfiles(cfg, replicas)
        .filter((p) => p.name !== "coredns")
        .flatMap(profileObjects);
}

/** Reads of every object the presets patch, before the profiles are applied. */
export async function installAndRead(kubeconfig: string, planned: PlannedObject[]): Promise<Map<string, unknown>> {
    installStandIns(kubeconfig);
    const client = new KubeClient(loadKubeconfig(kubeconfig), { timeoutMs: 10_000 });
    const reads = new Map<string, unknown>();
    for (const o of planned.filter((p) => p.patch)) reads.set(o.resourceName + o.body.kind, await getObject(client, apiPath(o.body)));
    return reads;
}

/** After the profiles' `pulumi up`: exactly the named fields changed, to the named values; pods on distinct nodes. */
export async function checkPresets(kubeconfig: string, planned: PlannedObject[], before: Map<string, unknown>): Promise<string[]> {
    const client = new KubeClient(loadKubeconfig(kubeconfig), { timeoutMs: 10_000 });
    const report: string[] = [];
    for (const o of planned) {
        const after = await getObject(client, apiPath(o.body));
        if (!o.patch) {
            assert.equal((after.metadata as { name: string }).name, (o.body.metadata as { name: string }).name, `${o.body.kind} ${o.resourceName} exists`);
            continue;
        }
        const named = leafFields(o.body);
        const changed = changedFields(before.get(o.resourceName + o.body.kind), after);
        const unnamed = changed.filter((f) => !named.has(f));
        assert.deepEqual(unnamed, [], `${o.body.kind} ${o.resourceName}: fields the patch does not name changed`);
        const actual = leafFields(after);
        for (const [field, value] of named) {
            // The provider keeps its own pulumi.com/ annotations to itself.
            if (field.startsWith("metadata.annotations.pulumi.com/") && !actual.has(field)) continue;
            assert.deepEqual(actual.get(field), value, `${o.body.kind} ${o.resourceName}: ${field}`);
        }
        report.push(`${o.body.kind} ${o.resourceName}: ${changed.length} fields changed, all named`);
    }
    for (const o of planned.filter((p) => p.body.kind === "Deployment")) {
        const { name, namespace } = o.body.metadata as { name: string; namespace: string };
        const pods = await until(180_000, `${namespace}/${name}'s 3 replicas are scheduled on 3 distinct nodes`, () => podsWith(client, namespace, HA_COMPONENT_LABEL, name), (ps) => ps.length === 3 && distinctNodes(ps) === 3);
        report.push(`${namespace}/${name}: ${pods.map((p) => p.node).join(", ")}`);
    }
    return report;
}
