// The lab stack's settings are a valid on-prem stack for every replica set the lab test walks.
import { strict as assert } from "assert";
import { parseStackConfig } from "../../components/config/parse";
import { hostAddress, hostName } from "../../scripts/lab/hosts";
import { LAB_VIP, labStackSettings, rackOf } from "../../scripts/lab/stack";
import { DEFAULT_LEADER_ELECTION, KUBERNETES_LEADER_ELECTION } from "../../components/config/schema";
import { unaskedHandovers } from "../../scripts/bench/leaders";

const host = (i: number) => ({ name: hostName(i), index: i, address: hostAddress(i) });
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 lab";

describe("lab stack settings", () => {
    it("spread hosts over three racks by index", () => {
        assert.deepEqual([1, 2, 3, 4, 5, 6].map((i) => rackOf(host(i))), ["rack-a", "rack-b", "rack-c", "rack-a", "rack-b", "rack-c"]);
    });
    for (const set of [[1], [1, 2, 3], [1, 2, 3, 4, 5], [1, 3, 5], [1, 5, 6]]) {
        it(`make a valid stack of ${set.map((i) => hostName(i)).join(", ")}`, () => {
            const cfg = parseStackConfig(labStackSettings(set.map(host), { publicKey: PUBLIC_KEY }));
            assert.equal(cfg.etcd.topology, "stacked", "the membership path the clouds run");
            assert.equal(cfg.kubeadm.dryRun, false, "kubeadm runs for real");
            assert.equal(cfg.kubeadm.imagePullPolicy, "Never", "the images are preloaded");
            assert.deepEqual(cfg.kubeadm.skipPhases, ["addon/kube-proxy"]);
            assert.equal((cfg.platform === "onprem" ? cfg.onprem : undefined)?.kubelet.cgroupDriver, "cgroupfs", "no systemd on lab hosts");
            assert.equal(cfg.endpoint.address, LAB_VIP);
            assert.equal((cfg.platform === "onprem" ? cfg.onprem : undefined)?.packages, "preinstalled", "lab hosts share the machine's packages");
        });
    }
    it("take the external topology for the second lab stack", () => {
        const cfg = parseStackConfig(labStackSettings([1, 2, 3].map(host), { publicKey: PUBLIC_KEY, topology: "external" }));
        assert.equal(cfg.etcd.topology, "external");
    });
    it("pass keepalived's advert interval through (the failover bench compares 0.2 s with 1 s)", () => {
        const cfg = parseStackConfig(labStackSettings([host(1)], { publicKey: PUBLIC_KEY, advertIntervalSeconds: 1 }));
        assert.equal((cfg.platform === "onprem" ? cfg.onprem : undefined)?.keepalived.advertIntervalSeconds, 1);
    });
    it("pass leader election through, and leave it at haplane's defaults otherwise (the bench compares them with Kubernetes')", () => {
        const tuned = parseStackConfig(labStackSettings([host(1)], { publicKey: PUBLIC_KEY, leaderElection: { ...KUBERNETES_LEADER_ELECTION } }));
        assert.deepEqual(tuned.controlPlane.leaderElection, KUBERNETES_LEADER_ELECTION);
        assert.deepEqual(parseStackConfig(labStackSettings([host(1)], { publicKey: PUBLIC_KEY })).controlPlane.leaderElection, DEFAULT_LEADER_ELECTION);
    });
});

describe("failover bench: leader handovers nobody asked for", () => {
    const lease = (node: string, transitions: number) => ({ holder: `${node}_0f3c`, node, transitions });
    const leases = (cm: [string, number], sched: [string, number]) => ({ "kube-controller-manager": lease(...cm), "kube-scheduler": lease(...sched) });
    it("count a lease that moved off a host nobody disturbed", () => {
        const before = leases(["lab-1", 0], ["lab-2", 3]);
        assert.deepEqual(unaskedHandovers(before, leases(["lab-1", 0], ["lab-3", 4]), "lab-1"), ["kube-scheduler lab-2 -> lab-3"]);
    });
    it("do not count the cut host's own leases, nor leases that stayed", () => {
        const before = leases(["lab-1", 0], ["lab-1", 0]);
        assert.deepEqual(unaskedHandovers(before, leases(["lab-2", 1], ["lab-3", 1]), "lab-1"), []);
        assert.deepEqual(unaskedHandovers(before, before, "lab-2"), []);
    });
    it("count a leader that lost and retook its lease (a new identity on the same host)", () => {
        const before = leases(["lab-1", 0], ["lab-2", 0]);
        const after = { ...before, "kube-controller-manager": { holder: "lab-1_a7d1", node: "lab-1", transitions: 1 } };
        assert.deepEqual(unaskedHandovers(before, after, "lab-3"), ["kube-controller-manager lab-1 -> lab-1"]);
    });
});
