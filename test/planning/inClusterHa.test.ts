// What the in-cluster HA profiles apply: CoreDNS at min(3, schedulable nodes), the presets'
// Deployments, requests, webhook policy, namespace label and leader-election buckets, and the
// rules every profiled Deployment gets (its label, anti-affinity, budget, rollout).
import { strict as assert } from "assert";
import { parseStackConfig } from "../../components/config/parse";
import { haProfiles } from "../../components/planning/haPresets";
import { FIELD_MANAGER, HA_COMPONENT_LABEL, PlannedObject, profileObjects } from "../../components/planning/inClusterHa";
import { namedReplicas, withReplicas } from "../support/stacks";

const profilesFor = (addons: Record<string, unknown>, replicas = 3) => {
    const names = ["a", "b", "c", "d", "e"].slice(0, replicas);
    return haProfiles(parseStackConfig({ ...withReplicas(namedReplicas(names)), addons }), replicas);
};
type Body = PlannedObject["body"] & { spec: any };
const objectsOf = (addons: Record<string, unknown>, replicas = 3) => profilesFor(addons, replicas).flatMap(profileObjects);
const get = (objects: PlannedObject[], kind: string, name: string) => {
    const o = objects.find((x) => x.body.kind === kind && (x.body.metadata as { name: string }).name === name);
    assert.ok(o, `${kind} ${name} among ${objects.map((x) => `${x.body.kind} ${(x.body.metadata as { name: string }).name}`).join(", ")}`);
    return o;
};

describe("in-cluster HA objects", () => {
    it("makes CoreDNS HA at min(3, schedulable nodes), with kubeadm's requests held by haplane", () => {
        // Below three replicas: kubeadm's shape (2 replicas, preferring distinct nodes), held by
        // haplane so that a shrink from HA mode is an update, not a delete while members leave.
        const one = (get(objectsOf({}, 1), "Deployment", "coredns").body as Body).spec;
        assert.equal(one.replicas, 2);
        assert.equal(one.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution, undefined);
        assert.ok(get(objectsOf({}, 1), "PodDisruptionBudget", "coredns-ha"));
        const dns = get(objectsOf({}), "Deployment", "coredns");
        const spec = (dns.body as Body).spec;
        assert.equal(dns.patch, true);
        assert.equal((dns.body.metadata as { namespace: string }).namespace, "kube-system");
        assert.equal(spec.replicas, 3);
        assert.deepEqual(spec.template.spec.containers, [{ name: "coredns", resources: { requests: { cpu: "100m", memory: "70Mi" } } }]);
        assert.equal(spec.template.spec.tolerations, undefined, "kubeadm's tolerations stay kubeadm's");
        assert.equal((get(objectsOf({ ha: true }, 1), "Deployment", "coredns").body as Body).spec.replicas, 1);
        assert.equal((get(objectsOf({ ha: true, workerNodes: 1 }, 1), "Deployment", "coredns").body as Body).spec.replicas, 2);
        assert.equal((get(objectsOf({}, 5), "Deployment", "coredns").body as Body).spec.replicas, 3);
        assert.deepEqual(profilesFor({ ha: false }), []);
    });

    it("gives every profiled Deployment its label, per-node anti-affinity, a zone preference, a one-at-a-time rollout and a budget selecting it", () => {
        const objects = objectsOf({ workerNodes: 3, profiles: [{ preset: "custom", namespace: "my-system", deployments: [{ name: "my-controller", container: "manager" }], requests: { cpu: "200m", memory: "64Mi" } }] });
        const d = get(objects, "Deployment", "my-controller");
        const spec = (d.body as Body).spec;
        assert.deepEqual(d.body.metadata, { name: "my-controller", namespace: "my-system", annotations: { "pulumi.com/patchFieldManager": FIELD_MANAGER, "pulumi.com/patchForce": "true" } });
        assert.equal(spec.template.metadata.labels[HA_COMPONENT_LABEL], "my-controller");
        const anti = spec.template.spec.affinity.podAntiAffinity;
        const selector = { matchLabels: { [HA_COMPONENT_LABEL]: "my-controller" } };
        assert.deepEqual(anti.requiredDuringSchedulingIgnoredDuringExecution, [{ labelSelector: selector, topologyKey: "kubernetes.io/hostname" }]);
        assert.deepEqual(anti.preferredDuringSchedulingIgnoredDuringExecution, [{ weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: "topology.kubernetes.io/zone" } }]);
        assert.deepEqual(spec.strategy, { rollingUpdate: { maxUnavailable: 1 } });
        assert.deepEqual(spec.template.spec.containers, [{ name: "manager", resources: { requests: { cpu: "200m", memory: "64Mi" } } }]);
        const pdb = get(objects, "PodDisruptionBudget", "my-controller-ha");
        assert.equal(pdb.patch, false);
        assert.deepEqual((pdb.body as Body).spec, { maxUnavailable: 1, selector });
    });

    it("relaxes to preferred anti-affinity per node, and tolerates the control plane when allowed", () => {
        const objects = objectsOf({ profiles: [{ preset: "linkerd", antiAffinity: "preferred", onControlPlane: true, deployments: [{ name: "linkerd-identity" }] }] });
        const spec = (get(objects, "Deployment", "linkerd-identity").body as Body).spec;
        const anti = spec.template.spec.affinity.podAntiAffinity;
        assert.equal(anti.requiredDuringSchedulingIgnoredDuringExecution, undefined);
        assert.deepEqual(anti.preferredDuringSchedulingIgnoredDuringExecution.map((t: any) => [t.weight, t.podAffinityTerm.topologyKey]), [[100, "kubernetes.io/hostname"], [50, "topology.kubernetes.io/zone"]]);
        assert.deepEqual(spec.template.spec.tolerations, [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }]);
    });

    it("linkerd: its three controllers at 3 replicas with its HA requests, the injector failing closed, kube-system exempt — after the Deployments", () => {
        const objects = objectsOf({ workerNodes: 3, profiles: [{ preset: "linkerd" }] }).filter((o) => (o.body.metadata as { namespace?: string }).namespace !== "kube-system" || o.body.kind === "Namespace");
        const deployments = objects.filter((o) => o.body.kind === "Deployment").map((o) => (o.body.metadata as { name: string }).name);
        assert.deepEqual(deployments, ["linkerd-destination", "linkerd-identity", "linkerd-proxy-injector"]);
        const identity = (get(objects, "Deployment", "linkerd-identity").body as Body).spec;
        assert.equal(identity.replicas, 3);
        assert.deepEqual(identity.template.spec.containers, [
            { name: "identity", resources: { requests: { cpu: "100m", memory: "10Mi" } } },
            { name: "linkerd-proxy", resources: { requests: { cpu: "100m", memory: "20Mi" } } },
        ]);
        const webhook = get(objects, "MutatingWebhookConfiguration", "linkerd-proxy-injector-webhook-config");
        assert.deepEqual(webhook.body.webhooks, [{ name: "linkerd-proxy-injector.linkerd.io", failurePolicy: "Fail" }]);
        assert.equal(webhook.stage, "after");
        const ns = get(objects, "Namespace", "kube-system");
        assert.deepEqual((ns.body.metadata as { labels: unknown }).labels, { "config.linkerd.io/admission-webhooks": "disabled" });
        assert.equal((ns.body.metadata as { namespace?: string }).namespace, undefined);
        const stages = objects.map((o) => o.stage);
        assert.deepEqual(stages, [...stages].sort((a, b) => ["before", "deployments", "budgets", "after"].indexOf(a) - ["before", "deployments", "budgets", "after"].indexOf(b)), "applied stage by stage");
    });

    it("knative-serving: the leader election's buckets first, then controller and autoscaler (and Istio's controller when asked), with Knative's own requests", () => {
        const objects = objectsOf({ workerNodes: 3, profiles: [{ preset: "knative-serving", istio: true }] }).filter((o) => (o.body.metadata as { namespace?: string }).namespace === "knative-serving");
        const cm = get(objects, "ConfigMap", "config-leader-election");
        assert.equal(cm.stage, "before");
        assert.deepEqual(cm.body.data, { buckets: "3" });
        assert.deepEqual(objects.filter((o) => o.body.kind === "Deployment").map((o) => (o.body.metadata as { name: string }).name), ["controller", "autoscaler", "net-istio-controller"]);
        assert.equal((get(objects, "Deployment", "controller").body as Body).spec.template.spec.containers, undefined, "no requests of haplane's");
        const listed = objectsOf({ workerNodes: 3, profiles: [{ preset: "knative-serving", namespace: "serving", deployments: [{ name: "autoscaler-hpa" }] }] }).filter((o) => o.body.kind === "Deployment" && (o.body.metadata as { namespace: string }).namespace === "serving");
        assert.deepEqual(listed.map((o) => (o.body.metadata as { name: string }).name), ["autoscaler-hpa"]);
    });
});
