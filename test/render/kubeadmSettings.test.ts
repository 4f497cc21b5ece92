// Stack settings that reach kubeadm's configuration: leader election timing, skipped init
// phases, the kubelet's cgroup driver; and the rules that guard them.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { renderInitConfig, renderJoinConfig } from "../../components/render/kubeadm";
import { rejects } from "../support/configErrors";
import { baseConfig, find, plan } from "../support/stacks";

const node = { name: "cp-1", zone: "rack-a", internalIp: "10.0.0.11", extraAddresses: [] };
const docs = (config: Record<string, unknown>) => YAML.parseAllDocuments(renderInitConfig(parseStackConfig(config), "203.0.113.5", node)).map((d) => d.toJS());
const argsOf = (component: { extraArgs: { name: string; value: string }[] }) => Object.fromEntries(component.extraArgs.map((a) => [a.name, a.value]));

function onprem(extra: Record<string, unknown>): Record<string, unknown> {
    return {
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.5",
        controlPlane: { replicas: [{ name: "cp-1", zone: "rack-a", address: "10.0.0.11" }] },
        endpoint: { address: "10.0.0.100" },
        apiCidrs: ["10.0.0.0/24"],
        adminCidrs: ["10.0.0.0/24"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
        ...extra,
    };
}

describe("kubeadm settings from the stack", () => {
    it("renders leader election for the controller-manager and scheduler from controlPlane.leaderElection", () => {
        const c = baseConfig();
        c.controlPlane = { ...(c.controlPlane as object), leaderElection: { leaseDurationSeconds: 8, renewDeadlineSeconds: 6, retryPeriodSeconds: 1 } };
        const cluster = docs(c).find((d) => d.kind === "ClusterConfiguration");
        for (const component of [cluster.controllerManager, cluster.scheduler]) {
            assert.deepEqual(argsOf(component), {
                "leader-elect": "true",
                "leader-elect-resource-lock": "leases",
                "leader-elect-lease-duration": "8s",
                "leader-elect-renew-deadline": "6s",
                "leader-elect-retry-period": "1s",
            });
        }
        const defaults = docs(baseConfig()).find((d) => d.kind === "ClusterConfiguration");
        assert.deepEqual(
            [argsOf(defaults.scheduler)["leader-elect-lease-duration"], argsOf(defaults.controllerManager)["leader-elect-renew-deadline"], argsOf(defaults.controllerManager)["leader-elect-retry-period"]],
            ["8s", "6s", "1s"],
            "haplane's measured defaults unless set (not Kubernetes' 15/10/2)",
        );
    });

    it("hands a leader election change to every running member (member.sh update re-renders their controllers)", async () => {
        const three = (le?: Record<string, number>) => {
            const c = onprem({ controlPlane: { replicas: ["cp-1", "cp-2", "cp-3"].map((name, i) => ({ name, zone: `rack-${"abc"[i]}`, address: `10.0.0.${11 + i}` })) } });
            if (le) (c.controlPlane as Record<string, unknown>).leaderElection = le;
            return c;
        };
        const before = await plan(three(), { revealSecrets: true });
        const after = await plan(three({ leaseDurationSeconds: 20, renewDeadlineSeconds: 15, retryPeriodSeconds: 3 }), { revealSecrets: true });
        const stdin = (p: typeof before, name: string) => JSON.parse(String(find(p, "command:remote:Command", `${name}-member`).inputs.stdin));
        for (const name of ["cp-1", "cp-2", "cp-3"]) {
            const was = stdin(before, name);
            const now = stdin(after, name);
            assert.equal(was.leaderElection["leader-elect-lease-duration"], "8s");
            assert.deepEqual(now.leaderElection, {
                "leader-elect": "true",
                "leader-elect-resource-lock": "leases",
                "leader-elect-lease-duration": "20s",
                "leader-elect-renew-deadline": "15s",
                "leader-elect-retry-period": "3s",
            });
            // The configuration kubeadm re-renders the manifests and the stored ClusterConfiguration from.
            // The founder's phases configuration is its init configuration, carried once.
            assert.equal(name === "cp-1", now.phases === undefined, "only joiners carry a separate phases configuration");
            const cluster = YAML.parseAllDocuments(now.phases ?? now.kubeadm).map((d) => d.toJS()).find((d) => d.kind === "ClusterConfiguration");
            assert.equal(argsOf(cluster.controllerManager)["leader-elect-renew-deadline"], "15s");
            assert.equal(argsOf(cluster.scheduler)["leader-elect-retry-period"], "3s");
            assert.deepEqual(cluster.etcd, { local: { dataDir: "/var/lib/etcd" } });
            assert.match(String(find(after, "command:remote:Command", `${name}-member`).inputs.update), /'member' 'update'$/);
        }
    });

    it("refuses leader election timing out of order, naming the key", () => {
        const withTiming = (le: Record<string, number>) => {
            const c = baseConfig();
            c.controlPlane = { ...(c.controlPlane as object), leaderElection: le };
            return c;
        };
        rejects(withTiming({ leaseDurationSeconds: 10, renewDeadlineSeconds: 10 }), "haplane:controlPlane.leaderElection.renewDeadlineSeconds", /less than leaseDurationSeconds \(10\)/);
        rejects(withTiming({ leaseDurationSeconds: 15, renewDeadlineSeconds: 4, retryPeriodSeconds: 4 }), "haplane:controlPlane.leaderElection.retryPeriodSeconds", /less than renewDeadlineSeconds \(4\)/);
        rejects(withTiming({ leaseDurationSeconds: 1 }), "haplane:controlPlane.leaderElection.leaseDurationSeconds", /at least 2/);
    });

    it("skips the kubeadm init phases listed in kubeadm.skipPhases, and only those", () => {
        const init = docs(onprem({ kubeadm: { skipPhases: ["addon/kube-proxy"] } })).find((d) => d.kind === "InitConfiguration");
        assert.deepEqual(init.skipPhases, ["addon/kube-proxy"]);
        assert.equal(docs(onprem({})).find((d) => d.kind === "InitConfiguration").skipPhases, undefined);
        rejects(onprem({ kubeadm: { skipPhases: ["preflight"] } }), "haplane:kubeadm.skipPhases[0]", /must be one of "addon\/kube-proxy", "addon\/coredns"/);
    });

    it("labels each Node with its replica's zone (and region on the clouds) when the kubelet registers", () => {
        const labels = (d: { nodeRegistration: { kubeletExtraArgs: { name: string; value: string }[] } }) =>
            d.nodeRegistration.kubeletExtraArgs.find((a) => a.name === "node-labels")?.value;
        assert.equal(labels(docs(onprem({})).find((d) => d.kind === "InitConfiguration")), "topology.kubernetes.io/zone=rack-a");
        const gceNode = { ...node, zone: "europe-west1-c" };
        const gceInit = YAML.parseAllDocuments(renderInitConfig(parseStackConfig(baseConfig()), "203.0.113.5", gceNode))[0].toJS();
        assert.equal(labels(gceInit), "topology.kubernetes.io/region=europe-west1,topology.kubernetes.io/zone=europe-west1-c");
        const join = YAML.parse(renderJoinConfig(parseStackConfig(onprem({})), "10.0.0.100", { ...node, zone: "rack-c" }, { token: "abcdef.0123456789abcdef", caCertHash: "sha256:00", certificateKey: "00" }));
        assert.equal(labels(join), "topology.kubernetes.io/zone=rack-c");
    });

    it("on-prem, lets the API port's preflight check pass where haproxy shares the port (and nowhere else)", () => {
        const init = docs(onprem({ endpoint: { address: "10.0.0.100", port: 8443 } })).find((d) => d.kind === "InitConfiguration");
        assert.deepEqual(init.nodeRegistration.ignorePreflightErrors, ["Port-8443"]);
        const join = YAML.parse(renderJoinConfig(parseStackConfig(onprem({})), "10.0.0.100", node, { token: "abcdef.0123456789abcdef", caCertHash: "sha256:00", certificateKey: "00" }));
        assert.deepEqual(join.nodeRegistration.ignorePreflightErrors, ["Port-6443"]);
        assert.equal(docs(baseConfig()).find((d) => d.kind === "InitConfiguration").nodeRegistration.ignorePreflightErrors, undefined, "GCE runs no haproxy");
    });

    it("tells kubeadm when it may pull images (kubeadm.imagePullPolicy), on init and join", () => {
        const init = docs(onprem({ kubeadm: { imagePullPolicy: "Never" } })).find((d) => d.kind === "InitConfiguration");
        assert.equal(init.nodeRegistration.imagePullPolicy, "Never");
        const join = YAML.parse(renderJoinConfig(parseStackConfig(onprem({ kubeadm: { imagePullPolicy: "Never" } })), "10.0.0.100", node, { token: "abcdef.0123456789abcdef", caCertHash: "sha256:00", certificateKey: "00" }));
        assert.equal(join.nodeRegistration.imagePullPolicy, "Never");
        assert.equal(docs(onprem({})).find((d) => d.kind === "InitConfiguration").nodeRegistration.imagePullPolicy, undefined);
        rejects(onprem({ kubeadm: { imagePullPolicy: "never" } }), "haplane:kubeadm.imagePullPolicy", /must be one of "IfNotPresent", "Always", "Never"/);
    });

    it("sets the kubelet's cgroup driver where the hosts do not run systemd (onprem.kubelet.cgroupDriver)", () => {
        const kubelet = docs(onprem({ onprem: { kubelet: { cgroupDriver: "cgroupfs" } } })).find((d) => d.kind === "KubeletConfiguration");
        assert.deepEqual(kubelet, { apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver: "cgroupfs" });
        assert.equal(docs(onprem({})).find((d) => d.kind === "KubeletConfiguration"), undefined, "systemd is kubeadm's default: nothing to say");
    });
});
