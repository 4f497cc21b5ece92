// What a member's node script (member.sh) reads on stdin, one shape per step, each value carried
// once. Pure: rendered from the stack config and the node's resolved addresses.
import { StackConfig } from "../config/schema";
import { apiServerSans, JoinTicket, KubeadmNode, leaderElectionArgs, renderInitConfig, renderJoinConfig } from "../render/kubeadm";

/** The API servers' view of haplane's external etcd; `client` is secret. */
export interface EtcdClientParameters {
    endpoints: string[];
    client: { caCert: string; cert: string; key: string };
}

interface MemberStdinBase {
    name: string;
    /**
     * The names this node's API server certificate must carry (the endpoint's, the node's own
     * addresses): `member.sh` re-issues the certificate from the phases configuration when one
     * is missing (kubeadm join takes certSANs from the founder's stored configuration).
     */
    sans: string[];
    /** The controller-manager's and scheduler's `--leader-elect-*` flags, compared with their running manifests. */
    leaderElection: Record<string, string>;
    /** `kubeadm.dryRun`: every kubeadm step with `--dry-run`. */
    dryRun?: true;
    /** External etcd: its client URLs, and the API server's client files (secret). */
    etcdEndpoints?: string[];
    etcdClient?: EtcdClientParameters["client"];
}

/** `member.sh init` on the founder. */
export interface FounderStdin extends MemberStdinBase {
    /** InitConfiguration + ClusterConfiguration: `kubeadm init`, and later phases on this node. */
    kubeadm: string;
}

/** `member.sh join` on a joining replica (and `update` later). */
export interface JoinerStdin extends MemberStdinBase {
    /** JoinConfiguration with the ticket's token and certificate key: secret, removed from the node after use. */
    kubeadm: string;
    /** This node's InitConfiguration + ClusterConfiguration, for later kubeadm phases. */
    phases: string;
}

export interface MemberFacts {
    config: StackConfig;
    endpointAddress: string;
    node: KubeadmNode;
    etcd?: EtcdClientParameters;
}

function base({ config, endpointAddress, node, etcd }: MemberFacts): MemberStdinBase {
    return {
        name: node.name,
        sans: apiServerSans(config, endpointAddress, node),
        leaderElection: leaderElectionArgs(config),
        ...(config.kubeadm.dryRun ? { dryRun: true as const } : {}),
        ...(etcd ? { etcdEndpoints: etcd.endpoints, etcdClient: etcd.client } : {}),
    };
}

export function founderStdin(facts: MemberFacts): FounderStdin {
    return { ...base(facts), kubeadm: renderInitConfig(facts.config, facts.endpointAddress, facts.node, facts.etcd?.endpoints) };
}

export function joinerStdin(facts: MemberFacts, ticket: JoinTicket): JoinerStdin {
    const { config, endpointAddress, node, etcd } = facts;
    return { ...base(facts), kubeadm: renderJoinConfig(config, endpointAddress, node, ticket), phases: renderInitConfig(config, endpointAddress, node, etcd?.endpoints) };
}
