// The `addons` section: CoreDNS HA on by default from three replicas, the profiles' rules, and
// Linkerd's three-node caveat refused with a way to relax it; every error names its key.
import { strict as assert } from "assert";
import { coreDnsMode } from "../../components/config/addons";
import { parseStackConfig } from "../../components/config/parse";
import { rejects } from "../support/configErrors";
import { baseConfig, dryRunOnprem, namedReplicas, withReplicas } from "../support/stacks";

const withAddons = (addons: Record<string, unknown>, replicas = 3) => ({ ...withReplicas(namedReplicas(["a", "b", "c", "d", "e"].slice(0, replicas))), addons });

describe("addons config", () => {
    it("makes CoreDNS HA by default from three replicas, holds kubeadm's shape below, leaves it alone when off or dry-run", () => {
        const three = parseStackConfig(baseConfig());
        assert.equal(coreDnsMode(three, 3), "ha");
        assert.equal(coreDnsMode(three, 5), "ha");
        assert.equal(coreDnsMode(three, 1), "kubeadm");
        assert.equal(coreDnsMode({ ...three, kubeadm: { ...three.kubeadm, dryRun: true } }, 3), "untouched");
        assert.equal(coreDnsMode({ ...three, addons: { ...three.addons, ha: false } }, 3), "untouched");
        assert.equal(coreDnsMode({ ...three, addons: { ...three.addons, ha: true } }, 1), "ha");
        assert.deepEqual(three.addons, { workerNodes: 0, profiles: [] });
    });

    it("refuses required anti-affinity the schedulable nodes cannot meet, and says how to relax it", () => {
        rejects(withAddons({ profiles: [{ preset: "linkerd" }] }), "haplane:addons.profiles[0].replicas", /3 replicas with required anti-affinity need 3 schedulable nodes, but the cluster has 0/, /addons\.workerNodes/, /onControlPlane: true/, /antiAffinity: preferred/);
        rejects(withAddons({ workerNodes: 2, profiles: [{ preset: "linkerd" }] }), "haplane:addons.profiles[0].replicas", /has 2/);
        rejects(withAddons({ profiles: [{ preset: "linkerd", onControlPlane: true }] }, 1), "haplane:addons.profiles[0].replicas", /has 1: 1 control-plane node\(s\) and 0 worker/);
        // Each way out is accepted.
        for (const relaxed of [{ workerNodes: 3, profiles: [{ preset: "linkerd" }] }, { profiles: [{ preset: "linkerd", onControlPlane: true }] }, { profiles: [{ preset: "linkerd", antiAffinity: "preferred" }] }, { workerNodes: 2, profiles: [{ preset: "linkerd", replicas: 2 }] }]) {
            assert.doesNotThrow(() => parseStackConfig(withAddons(relaxed)), JSON.stringify(relaxed));
        }
    });

    it("needs a namespace and Deployments for a custom profile, and a container for its requests", () => {
        const ok = { workerNodes: 3 };
        rejects(withAddons({ ...ok, profiles: [{ preset: "custom", deployments: [{ name: "x" }] }] }), "haplane:addons.profiles[0].namespace", /required for preset 'custom'/);
        rejects(withAddons({ ...ok, profiles: [{ preset: "custom", namespace: "my-system" }] }), "haplane:addons.profiles[0].deployments", /required for preset 'custom'/);
        rejects(
            withAddons({ ...ok, profiles: [{ preset: "custom", namespace: "my-system", deployments: [{ name: "x", container: "c" }, { name: "y" }], requests: { cpu: "100m", memory: "64Mi" } }] }),
            "haplane:addons.profiles[0].deployments[1].container",
            /required with requests/,
        );
        rejects(withAddons({ ...ok, profiles: [{ preset: "custom", namespace: "my-system", deployments: [] }] }), "haplane:addons.profiles[0].deployments", /at least one Deployment/);
    });

    it("keeps presets to what they know", () => {
        const ok = { workerNodes: 3 };
        rejects(withAddons({ ...ok, profiles: [{ preset: "linkerd", deployments: [{ name: "linkerd-web" }] }] }), "haplane:addons.profiles[0].deployments[0].name", /one of preset 'linkerd''s Deployments: linkerd-destination, linkerd-identity, linkerd-proxy-injector/);
        rejects(withAddons({ ...ok, profiles: [{ preset: "linkerd", requests: { cpu: "1", memory: "1Gi" } }] }), "haplane:addons.profiles[0].requests", /for preset 'custom' only/);
        rejects(withAddons({ ...ok, profiles: [{ preset: "linkerd", istio: true }] }), "haplane:addons.profiles[0].istio", /knative-serving/);
        rejects(withAddons({ ...ok, profiles: [{ preset: "linkerd", deployments: [{ name: "linkerd-identity", container: "identity" }] }] }), "haplane:addons.profiles[0].deployments", /take no container/);
        rejects(withAddons({ ...ok, profiles: [{ preset: "knative-serving" }, { preset: "custom", namespace: "knative-serving", deployments: [{ name: "x" }] }] }), "haplane:addons.profiles[1].namespace", /already has a profile/);
        rejects(withAddons({ ...ok, profiles: [{ preset: "istio" }] }), "haplane:addons.profiles[0].preset", /"linkerd", "knative-serving", "custom"/);
    });

    it("checks quantities, replica counts and names by their grammar", () => {
        const custom = (extra: Record<string, unknown>) => withAddons({ workerNodes: 3, profiles: [{ preset: "custom", namespace: "my-system", deployments: [{ name: "x", container: "c" }], ...extra }] });
        rejects(custom({ requests: { cpu: "lots", memory: "64Mi" } }), "haplane:addons.profiles[0].requests.cpu", /CPU quantity/);
        rejects(custom({ requests: { cpu: "100m", memory: "64MB" } }), "haplane:addons.profiles[0].requests.memory", /memory quantity/);
        rejects(custom({ replicas: 1 }), "haplane:addons.profiles[0].replicas", /at least 2/);
        rejects(custom({ namespace: "My_System" }), "haplane:addons.profiles[0].namespace", /Kubernetes object name/);
        rejects(withAddons({ workerNodes: -1 }), "haplane:addons.workerNodes");
    });

    it("refuses in-cluster objects when kubeadm only dry-runs (no API server, no kubeconfig)", () => {
        const onprem = dryRunOnprem();
        rejects({ ...onprem, addons: { ha: true } }, "haplane:addons.ha", /needs a real control plane/);
        rejects({ ...onprem, addons: { workerNodes: 3, profiles: [{ preset: "linkerd" }] } }, "haplane:addons.profiles", /needs a real control plane/);
        assert.doesNotThrow(() => parseStackConfig(onprem));
    });
});
