// The external etcd topology's files: each member's etcd configuration (YAML through the YAML
// library, read by `etcd --config-file`), its systemd unit, and the kubeadm configuration from
// which kubeadm's etcd certificate phases issue the member's certificates, as Kubernetes' "HA
// etcd with kubeadm" guide does. Pure.
import * as YAML from "yaml";
import { checkAddress, checkInteger, checkName } from "./configText";
import { renderSystemdUnit } from "./systemdUnit";
import { renderYamlDocuments } from "./yamlDocuments";

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
/** Plain-HTTP /health and /metrics, on loopback only (checks on the host itself). */
export const ETCD_METRICS_PORT = 2381;

/** Files on an etcd host. The CA key is never among them: it lives in the stack's secrets. */
export const ETCD_PATHS = {
    config: "/etc/etcd/haplane.yaml",
    unit: "/etc/systemd/system/etcd.service",
    dataDir: "/var/lib/etcd/haplane",
    pki: "/etc/etcd/pki",
    caCert: "/etc/etcd/pki/ca.crt",
    serverCert: "/etc/etcd/pki/server.crt",
    serverKey: "/etc/etcd/pki/server.key",
    peerCert: "/etc/etcd/pki/peer.crt",
    peerKey: "/etc/etcd/pki/peer.key",
    /** etcdctl's client certificate on the host (membership scripts, health checks). */
    clientCert: "/etc/etcd/pki/healthcheck-client.crt",
    clientKey: "/etc/etcd/pki/healthcheck-client.key",
} as const;

/** Where kubeadm expects the external etcd client files on a control-plane node. */
/**
 * Where etcd-certs.sh lets kubeadm write while issuing certificates (tmpfs, removed after
 * each run, one run at a time). kubeadm's phases take it only from the configuration.
 */
export const ETCD_CERTS_WORK_DIR = "/run/haplane-etcd-certs";

export const APISERVER_ETCD_PATHS = {
    caCert: "/etc/kubernetes/pki/etcd/ca.crt",
    cert: "/etc/kubernetes/pki/apiserver-etcd-client.crt",
    key: "/etc/kubernetes/pki/apiserver-etcd-client.key",
} as const;

export interface EtcdMember {
    name: string;
    address: string;
}

export interface EtcdTiming {
    heartbeatIntervalMs: number;
    electionTimeoutMs: number;
}

export const DEFAULT_ETCD_TIMING: EtcdTiming = { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 };

const host = (address: string) => (checkAddress("etcd member address", address) === 6 ? `[${address}]` : address);
export const peerUrl = (m: EtcdMember) => `https://${host(m.address)}:${ETCD_PEER_PORT}`;
export const clientUrl = (m: EtcdMember) => `https://${host(m.address)}:${ETCD_CLIENT_PORT}`;

/** etcd's `name=peerURL,...` notation. */
export function initialCluster(members: EtcdMember[]): string {
    return members.map((m) => `${checkName("etcd member name", m.name)}=${peerUrl(m)}`).join(",");
}

/**
 * Client URLs of the members in an initial-cluster list: haplane's members serve clients on
 * the peer URL's host at the client port. A learner can ask these (not itself) about membership.
 */
export function clientUrlsOf(initialClusterList: string): string[] {
    return initialClusterList
        .split(",")
        .map((entry) => /^[^=]+=https:\/\/(.+):(\d+)$/.exec(entry.trim()))
        .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) === ETCD_PEER_PORT)
        .map((m) => `https://${m[1]}:${ETCD_CLIENT_PORT}`);
}

export interface EtcdConfigArgs {
    clusterName: string;
    member: EtcdMember;
    /**
     * The membership etcd starts with: the founder alone (`new`), or, for a member that joins
     * later, the list `etcdctl member add` printed (`existing`). Read on first start only.
     */
    initialCluster: string;
    initialClusterState: "new" | "existing";
    timing: EtcdTiming;
}

function transportSecurity(cert: string, key: string) {
    return { "cert-file": cert, "key-file": key, "client-cert-auth": true, "trusted-ca-file": ETCD_PATHS.caCert, "auto-tls": false };
}

export function etcdConfig(args: EtcdConfigArgs) {
    const { member, timing } = args;
    checkName("etcd member name", member.name);
    checkInteger("etcd heartbeat interval (ms)", timing.heartbeatIntervalMs, 10, 10000);
    checkInteger("etcd election timeout (ms)", timing.electionTimeoutMs, 5 * timing.heartbeatIntervalMs, 50000);
    return {
        name: member.name,
        "data-dir": ETCD_PATHS.dataDir,
        "listen-peer-urls": peerUrl(member),
        "listen-client-urls": [clientUrl(member), `https://127.0.0.1:${ETCD_CLIENT_PORT}`].join(","),
        "listen-metrics-urls": `http://127.0.0.1:${ETCD_METRICS_PORT}`,
        "initial-advertise-peer-urls": peerUrl(member),
        "advertise-client-urls": clientUrl(member),
        "initial-cluster": args.initialCluster,
        "initial-cluster-state": args.initialClusterState,
        "initial-cluster-token": `${checkName("cluster name", args.clusterName)}-etcd`,
        // Refuse a membership change that would leave the cluster without quorum.
        "strict-reconfig-check": true,
        // A member cut off and coming back does not depose a healthy leader.
        "pre-vote": true,
        "heartbeat-interval": timing.heartbeatIntervalMs,
        "election-timeout": timing.electionTimeoutMs,
        "snapshot-count": 10000,
        "auto-compaction-mode": "periodic",
        "auto-compaction-retention": "8h",
        "enable-v2": false,
        logger: "zap",
        "log-outputs": ["stderr"],
        "client-transport-security": transportSecurity(ETCD_PATHS.serverCert, ETCD_PATHS.serverKey),
        "peer-transport-security": transportSecurity(ETCD_PATHS.peerCert, ETCD_PATHS.peerKey),
    };
}

export function renderEtcdConfig(args: EtcdConfigArgs): string {
    return YAML.stringify(etcdConfig(args));
}

/** haplane's own unit, in /etc so it takes precedence over the distribution's. */
export function renderEtcdUnit(clusterName: string): string {
    return renderSystemdUnit([
        [
            "Unit",
            [
                ["Description", `etcd member of cluster ${checkName("cluster name", clusterName)}, run by haplane`],
                ["Wants", "network-online.target"],
                ["After", "network-online.target"],
            ],
        ],
        [
            "Service",
            [
                ["Type", "notify"],
                ["User", "etcd"],
                // env finds etcd wherever the distribution (or an air-gapped site) put it.
                ["ExecStart", `/usr/bin/env etcd --config-file ${ETCD_PATHS.config}`],
                // A removed member exits with an error: restarting it would only fail again.
                ["Restart", "on-abnormal"],
                ["RestartSec", "5"],
                ["LimitNOFILE", "65536"],
            ],
        ],
        ["Install", [["WantedBy", "multi-user.target"]]],
    ]);
}

const KUBEADM_API = "kubeadm.k8s.io/v1beta4";

/**
 * The kubeadm configuration for `kubeadm init phase certs etcd-*` of one member: kubeadm puts
 * the node name, its advertise address and loopback into the server and peer certificates.
 */
export function renderEtcdCertConfig(clusterName: string, kubernetesVersion: string, member: EtcdMember): string {
    checkAddress("etcd member address", member.address);
    return renderYamlDocuments([
        {
            apiVersion: KUBEADM_API,
            kind: "InitConfiguration",
            localAPIEndpoint: { advertiseAddress: member.address },
            nodeRegistration: { name: checkName("etcd member name", member.name) },
        },
        {
            apiVersion: KUBEADM_API,
            kind: "ClusterConfiguration",
            clusterName,
            // Stated so kubeadm never asks the internet for a version.
            kubernetesVersion: `v${kubernetesVersion}`,
            certificatesDir: ETCD_CERTS_WORK_DIR,
            etcd: { local: { serverCertSANs: [member.address], peerCertSANs: [member.address] } },
        },
    ]);
}
