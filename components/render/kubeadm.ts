// kubeadm configuration (v1beta4), rendered through the YAML library. Pure.
import { profileOf, StackConfig } from "../config/schema";
import { apiEndpoint } from "../planning/apiEndpoint";
import { APISERVER_ETCD_PATHS } from "./etcd";
import { renderYamlDocuments } from "./yamlDocuments";

export interface KubeadmNode {
    name: string;
    /** The replica's zone (rack or room on-prem): the Node's topology.kubernetes.io/zone. */
    zone: string;
    /** Address the API server and etcd advertise to peers. */
    internalIp: string;
    /** Other addresses of this node that clients may use (its own public address). */
    extraAddresses: string[];
}

export interface JoinTicket {
    token: string;
    caCertHash: string;
    certificateKey: string;
}

const API_VERSION = "kubeadm.k8s.io/v1beta4";

/** Subject alternative names of a node's API server certificate: the endpoint's names and the node's own addresses. */
export function apiServerSans(config: StackConfig, endpointAddress: string, node: KubeadmNode): string[] {
    const names = [...apiEndpoint(config.endpoint, endpointAddress).certificateNames, node.internalIp, ...node.extraAddresses];
    return [...new Set(names.filter((n) => n.length > 0))];
}

function args(values: Record<string, string>): { name: string; value: string }[] {
    return Object.entries(values).map(([name, value]) => ({ name, value }));
}

/**
 * Leader election through Leases, spelled out rather than left to defaults
 * (controlPlane.leaderElection); member.sh also compares a running member's manifests with these.
 */
export function leaderElectionArgs(config: StackConfig): Record<string, string> {
    const le = config.controlPlane.leaderElection;
    return {
        "leader-elect": "true",
        "leader-elect-resource-lock": "leases",
        "leader-elect-lease-duration": `${le.leaseDurationSeconds}s`,
        "leader-elect-renew-deadline": `${le.renewDeadlineSeconds}s`,
        "leader-elect-retry-period": `${le.retryPeriodSeconds}s`,
    };
}

function apiServerArgs(config: StackConfig): Record<string, string> {
    // Only the gate: kube-apiserver 1.31+ has no lease timing flags (fixed at 3600 s / 10 s;
    // the schema accepts only those values).
    const flags: Record<string, string> = { "feature-gates": `APIServerIdentity=${config.apiServerIdentity.enabled}` };
    if (profileOf(config).kubeadm(config).nodeLocalBalancer) {
        // SO_REUSEPORT on the API server's *:port lets haproxy bind <VIP>:port on the same
        // node; the kernel hands VIP traffic to the more specific haproxy listener.
        flags["permit-port-sharing"] = "true";
    }
    return flags;
}

/**
 * Where the API servers find etcd: kubeadm's own etcd on every control-plane node (stacked),
 * or an external cluster's client URLs, reached with the client certificate kubeadm expects.
 */
function etcdSection(externalEtcd: string[] | undefined) {
    if (!externalEtcd) return { local: { dataDir: "/var/lib/etcd" } };
    if (externalEtcd.length === 0) throw new Error("external etcd needs at least one client URL");
    return { external: { endpoints: externalEtcd, caFile: APISERVER_ETCD_PATHS.caCert, certFile: APISERVER_ETCD_PATHS.cert, keyFile: APISERVER_ETCD_PATHS.key } };
}

export function clusterConfiguration(config: StackConfig, endpointAddress: string, node: KubeadmNode, externalEtcd?: string[]) {
    return {
        apiVersion: API_VERSION,
        kind: "ClusterConfiguration",
        clusterName: config.clusterName,
        kubernetesVersion: `v${config.kubernetesVersion}`,
        controlPlaneEndpoint: apiEndpoint(config.endpoint, endpointAddress).hostPort,
        networking: { podSubnet: config.controlPlane.podSubnet, serviceSubnet: config.controlPlane.serviceSubnet },
        apiServer: { certSANs: apiServerSans(config, endpointAddress, node), extraArgs: args(apiServerArgs(config)) },
        controllerManager: { extraArgs: args(leaderElectionArgs(config)) },
        scheduler: { extraArgs: args(leaderElectionArgs(config)) },
        etcd: etcdSection(externalEtcd),
    };
}

/**
 * The Node's failure domain, as labels the kubelet sets when it registers (the NodeRestriction
 * admission plugin lets a kubelet set these two itself): zone spreading then means something.
 */
function topologyLabels(config: StackConfig, node: KubeadmNode): string {
    const region = profileOf(config).regionOfZone(node.zone);
    return [...(region ? [`topology.kubernetes.io/region=${region}`] : []), `topology.kubernetes.io/zone=${node.zone}`].join(",");
}

function nodeRegistration(config: StackConfig, node: KubeadmNode) {
    const pull = config.kubeadm.imagePullPolicy;
    return {
        name: node.name,
        kubeletExtraArgs: args({ "node-ip": node.internalIp, "node-labels": topologyLabels(config, node) }),
        // kubeadm's own default is IfNotPresent: said only when it differs.
        ...(pull !== "IfNotPresent" ? { imagePullPolicy: pull } : {}),
        // On-prem, haproxy on every host already listens on <VIP>:port when a node joins, and
        // kubeadm's preflight probes the port with a plain bind of *:port, which that refuses.
        // The API server itself shares the port (--permit-port-sharing, SO_REUSEPORT).
        ...(profileOf(config).kubeadm(config).nodeLocalBalancer ? { ignorePreflightErrors: [`Port-${config.endpoint.port}`] } : {}),
    };
}

/**
 * InitConfiguration + ClusterConfiguration: `kubeadm init` on the founding replica, and on
 * every replica the configuration of later `kubeadm init phase` runs (external etcd moves).
 */
export function renderInitConfig(config: StackConfig, endpointAddress: string, node: KubeadmNode, externalEtcd?: string[]): string {
    const skipPhases = config.kubeadm.skipPhases;
    return renderYamlDocuments([
        {
            apiVersion: API_VERSION,
            kind: "InitConfiguration",
            localAPIEndpoint: { advertiseAddress: node.internalIp, bindPort: config.endpoint.port },
            nodeRegistration: nodeRegistration(config, node),
            ...(skipPhases.length ? { skipPhases } : {}),
        },
        clusterConfiguration(config, endpointAddress, node, externalEtcd),
        ...kubeletConfiguration(config),
    ]);
}

/**
 * The kubelet's configuration, where it differs from kubeadm's defaults: kubeadm uploads it
 * at init and every joining node's kubelet takes it from there.
 */
function kubeletConfiguration(config: StackConfig): object[] {
    const cgroupDriver = profileOf(config).kubeadm(config).cgroupDriver;
    if (cgroupDriver === "systemd") return [];
    return [{ apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver }];
}

/**
 * JoinConfiguration for a replica joining as a control-plane member. It carries the
 * ticket's token and certificate key, so callers must keep the result a Pulumi secret.
 */
export function renderJoinConfig(config: StackConfig, endpointAddress: string, node: KubeadmNode, ticket: JoinTicket): string {
    return renderYamlDocuments([
        {
            apiVersion: API_VERSION,
            kind: "JoinConfiguration",
            discovery: {
                bootstrapToken: {
                    apiServerEndpoint: apiEndpoint(config.endpoint, endpointAddress).hostPort,
                    token: ticket.token,
                    caCertHashes: [ticket.caCertHash],
                },
            },
            controlPlane: {
                localAPIEndpoint: { advertiseAddress: node.internalIp, bindPort: config.endpoint.port },
                certificateKey: ticket.certificateKey,
            },
            nodeRegistration: nodeRegistration(config, node),
        },
    ]);
}
