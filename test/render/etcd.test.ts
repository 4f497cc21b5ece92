// The external etcd renderers: etcd's configuration, its systemd unit, kubeadm's cert config.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { ConfigTextError } from "../../components/render/configText";
import { DEFAULT_ETCD_TIMING, initialCluster, renderEtcdCertConfig, renderEtcdConfig, renderEtcdUnit } from "../../components/render/etcd";
import { renderSystemdUnit } from "../../components/render/systemdUnit";

const member = { name: "cp-1", address: "198.18.0.11" };

describe("etcd renderers", () => {
    it("renders a member that starts a new cluster, with mutual TLS and quorum-safe reconfiguration", () => {
        const cfg = YAML.parse(renderEtcdConfig({ clusterName: "lab", member, initialCluster: initialCluster([member]), initialClusterState: "new", timing: DEFAULT_ETCD_TIMING }));
        assert.equal(cfg.name, "cp-1");
        assert.equal(cfg["initial-cluster"], "cp-1=https://198.18.0.11:2380");
        assert.equal(cfg["listen-client-urls"], "https://198.18.0.11:2379,https://127.0.0.1:2379");
        assert.equal(cfg["listen-metrics-urls"], "http://127.0.0.1:2381", "plain HTTP only on loopback");
        assert.equal(cfg["strict-reconfig-check"], true);
        assert.equal(cfg["pre-vote"], true);
        assert.equal(cfg["initial-cluster-token"], "lab-etcd");
        assert.deepEqual(cfg["peer-transport-security"], {
            "cert-file": "/etc/etcd/pki/peer.crt",
            "key-file": "/etc/etcd/pki/peer.key",
            "client-cert-auth": true,
            "trusted-ca-file": "/etc/etcd/pki/ca.crt",
            "auto-tls": false,
        });
        assert.equal(cfg["client-transport-security"]["client-cert-auth"], true);
    });
    it("lists members as name=peer URL, brackets IPv6, and refuses names that would break the list", () => {
        assert.equal(initialCluster([member, { name: "cp-2", address: "fd00::2" }]), "cp-1=https://198.18.0.11:2380,cp-2=https://[fd00::2]:2380");
        assert.throws(() => initialCluster([{ name: "a=b", address: "198.18.0.1" }]), ConfigTextError);
        assert.throws(() => initialCluster([{ name: "a", address: "198.18.0" }]), /not an IPv4 or IPv6 address/);
    });
    it("refuses an election timeout shorter than five heartbeats", () => {
        const args = { clusterName: "lab", member, initialCluster: "", initialClusterState: "new" as const };
        assert.throws(() => renderEtcdConfig({ ...args, timing: { heartbeatIntervalMs: 100, electionTimeoutMs: 400 } }), /election timeout.*500 to 50000/);
        assert.ok(renderEtcdConfig({ ...args, timing: { heartbeatIntervalMs: 100, electionTimeoutMs: 500 } }));
    });
    it("renders haplane's unit, which etcd reads its configuration through", () => {
        const unit = renderEtcdUnit("lab");
        assert.match(unit, /^\[Unit\]\nDescription=etcd member of cluster lab, run by haplane\n/);
        assert.match(unit, /\nExecStart=\/usr\/bin\/env etcd --config-file \/etc\/etcd\/haplane.yaml\n/);
        assert.match(unit, /\nType=notify\n/);
        assert.match(unit, /\n\[Install\]\nWantedBy=multi-user.target\n$/);
    });
    it("refuses unit values that could add lines, sections or specifiers", () => {
        for (const bad of ["a\nExecStartPre=/bin/rm", "%H", "x;y", " padded"]) {
            assert.throws(() => renderSystemdUnit([["Service", [["ExecStart", bad]]]]), ConfigTextError, JSON.stringify(bad));
        }
        assert.throws(() => renderSystemdUnit([["Service]\n[Unit", []]]), ConfigTextError);
    });
    it("asks kubeadm's etcd phases for the member's name and address", () => {
        const [init, cluster] = YAML.parseAllDocuments(renderEtcdCertConfig("lab", "1.32.5", member)).map((d) => d.toJSON());
        assert.equal(init.kind, "InitConfiguration");
        assert.equal(init.nodeRegistration.name, "cp-1");
        assert.equal(init.localAPIEndpoint.advertiseAddress, "198.18.0.11");
        assert.equal(cluster.kubernetesVersion, "v1.32.5", "stated, so kubeadm never looks a version up online");
        assert.deepEqual(cluster.etcd.local.serverCertSANs, ["198.18.0.11"]);
    });
});
