// The in-cluster HA objects as declared: through the cluster's Kubernetes provider (from the
// secret kubeconfig, after /readyz through the endpoint), stage after stage, and only when
// something uses the provider.
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { haplaneProgram } from "../components/program";
import { find, namedReplicas, ofType, plan, withReplicas } from "./support/stacks";

const K = { provider: "pulumi:providers:kubernetes", deployment: "kubernetes:apps/v1:DeploymentPatch", pdb: "kubernetes:policy/v1:PodDisruptionBudget", configMap: "kubernetes:core/v1:ConfigMapPatch", webhook: "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfigurationPatch", namespace: "kubernetes:core/v1:NamespacePatch", command: "command:local:Command" };

describe("in-cluster HA resources", () => {
    it("go through the cluster's provider, which takes the secret kubeconfig and waits for /readyz through the endpoint", async () => {
        const p = await plan(withReplicas(namedReplicas(["a", "b", "c"])));
        const provider = find(p, K.provider, "cluster");
        assert.equal(provider.inputs.kubeconfig, "[secret]");
        assert.equal(String(provider.inputs.enableServerSideApply), "true");
        const wait = find(p, K.command, "api-ready");
        assert.ok(provider.dependsOn.includes(wait.urn));
        assert.match(String(wait.inputs.create), /readyz/);
        assert.equal((wait.inputs.environment as Record<string, string>).API_URL, "https://api.prod.example.com:6443");
        assert.match((wait.inputs.environment as Record<string, string>).CA_PEM, /BEGIN CERTIFICATE/);
        for (const r of [find(p, K.deployment, "coredns-coredns"), find(p, K.pdb, "coredns-coredns")]) assert.ok(r.options.provider?.startsWith(`${provider.urn}::`), `${r.name} uses the cluster's provider`);
    });

    it("are declared stage after stage, and never depend on a replica (a break-glass destroy of one does not reach them)", async () => {
        const p = await plan({ ...withReplicas(namedReplicas(["a", "b", "c"])), addons: { workerNodes: 3, profiles: [{ preset: "linkerd" }, { preset: "knative-serving" }] } });
        const cm = find(p, K.configMap, "knative-serving-config-leader-election");
        for (const d of ["controller", "autoscaler"]) assert.deepEqual(find(p, K.deployment, `knative-serving-${d}`).dependsOn, [cm.urn], d);
        const deployments = ["linkerd-destination", "linkerd-identity", "linkerd-proxy-injector"].map((d) => find(p, K.deployment, `linkerd-${d}`).urn).sort();
        const budgets = ["linkerd-destination", "linkerd-identity", "linkerd-proxy-injector"].map((d) => find(p, K.pdb, `linkerd-${d}`));
        for (const b of budgets) assert.deepEqual([...b.dependsOn].sort(), deployments);
        assert.deepEqual([...find(p, K.webhook, "linkerd-linkerd-proxy-injector-webhook-config").dependsOn].sort(), budgets.map((b) => b.urn).sort());
        assert.ok(find(p, K.namespace, "linkerd-kube-system"));
        for (const r of p.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.ok(!r.dependsOn.some((u) => /Command::[abc]-(member|ticket)$|::[abc]$/.test(u)), `${r.name} depends on no replica`);
        }
    });

    it("serve the program's own Kubernetes resources through HaControlPlane.provider, declared on first use", async () => {
        const program = () => haplaneProgram((cluster) => void new k8s.core.v1.Namespace("apps", {}, { provider: cluster.provider }));
        const p = await plan({ ...withReplicas(namedReplicas(["a"])), addons: { ha: false } }, { program });
        const provider = find(p, K.provider, "cluster");
        assert.ok(find(p, "kubernetes:core/v1:Namespace", "apps").options.provider?.startsWith(`${provider.urn}::`));
        assert.ok(provider.dependsOn.includes(find(p, K.command, "api-ready").urn), "after /readyz through the endpoint");
    });

    it("leave the provider out when nothing uses it (addons.ha false and no profiles)", async () => {
        for (const p of [await plan({ ...withReplicas(namedReplicas(["a"])), addons: { ha: false } }), await plan({ ...withReplicas(namedReplicas(["a", "b", "c"])), addons: { ha: false } })]) {
            assert.deepEqual(ofType(p, K.provider), []);
            assert.equal(p.resources.filter((r) => r.name === "api-ready").length, 0);
            assert.equal(p.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
        }
    });
});
