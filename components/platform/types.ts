// The one small interface every platform (GCE, AWS, on-prem) implements.
// Components own the domain logic (membership, endpoint decisions, kubeadm); a platform
// only knows how to make its own machines, addresses, firewalls and load balancers.
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/schema";
import { EndpointHolder } from "../planning/endpoint";
import { Replica } from "../planning/placement";

/** What a platform needs from the cluster to build its pieces; `C` is the platform's own config. */
export interface ClusterContext<C extends StackConfig = StackConfig> {
    config: C;
    /** Prefix for cloud resource names: `<clusterName>`. */
    prefix: string;
    /** Every replica, in join order. */
    replicas: Replica[];
    /** For platforms that configure hosts over SSH (a Pulumi secret). */
    sshPrivateKey: pulumi.Output<string>;
}

/** The reserved endpoint address (GCE static address, AWS EIP, on-prem VIP). */
export interface EndpointAddress {
    /** The address clients use. */
    address: pulumi.Output<string>;
    /** Platform handle passed back to the machine and load balancer (e.g. the GCE address self-link). */
    ref: pulumi.Output<string>;
    /** The resources that hold it (for dependsOn). */
    resources: pulumi.Resource[];
}

export interface MachineArgs {
    replica: Replica;
    /**
     * When this resolves to true the endpoint address is attached to this machine; when it
     * resolves to false the machine is declared without it (an in-place update either way).
     */
    holdsEndpoint: pulumi.Input<boolean>;
    endpoint: EndpointAddress;
    /** Files and packages the machine installs at first boot (rendered cloud-init). */
    userData: pulumi.Input<string>;
}

export interface Machine {
    /** Address inside the network: SSH target (through the bastion) and etcd peer address. */
    internalIp: pulumi.Output<string>;
    /** The machine's own public address (never the endpoint), when it has one. */
    externalIp: pulumi.Output<string | undefined>;
    /** Platform handle for load-balancer membership (e.g. GCE instance self-link). */
    ref: pulumi.Output<string>;
    /** The resources that must exist before bootstrap, and be deleted last. */
    resources: pulumi.Resource[];
}

/** A host of an external etcd cluster that is not a control-plane machine (`etcd.hosts`). */
export interface EtcdHostArgs {
    name: string;
    zone: string;
}

/** One node, for the endpoint's and the load balancer's pieces that run on it. */
export interface NodeArgs {
    replica: Replica;
    machine: Machine;
    /**
     * The replica's ControlPlaneNode component: where these pieces were declared before they
     * moved under Vip and LoadBalancer, aliased so that existing stacks keep them.
     */
    node: pulumi.Resource;
}

export interface LoadBalancerArgs {
    endpoint: EndpointAddress;
    /** The backends in join order; `onNode`: the machine and everything on it that serves the endpoint. */
    members: { replica: Replica; machine: Machine; onNode: pulumi.Resource[] }[];
    /** The load balancer may claim the address only after these updates finished. */
    claimAfter: pulumi.Input<pulumi.Resource[]>;
}

export interface LoadBalancerResult {
    /** A stable identifier of the frontend holding the address. */
    frontend: pulumi.Output<string>;
    /** Everything that must exist before joins can reach the founder through the endpoint. */
    ready: pulumi.Resource[];
}

/**
 * A platform, typed on its own stack config. The registry (./index.ts) pairs each stack with
 * the platform of its `platform` key, so a platform only ever sees its own config.
 */
export interface Platform<C extends StackConfig = StackConfig> {
    readonly name: C["platform"];
    /** Firewall rules / security groups shared by all control-plane machines. */
    network(ctx: ClusterContext<C>, endpoint: EndpointAddress, parent: pulumi.Resource): pulumi.Resource[];
    /** The endpoint address, reserved from day one and protected from deletion. */
    endpointAddress(ctx: ClusterContext<C>, parent: pulumi.Resource): EndpointAddress;
    /** Observes who holds the endpoint address now (drives the load balancer -> node handoff). */
    observeEndpointHolder(ctx: ClusterContext<C>): pulumi.Output<EndpointHolder>;
    machine(ctx: ClusterContext<C>, args: MachineArgs, parent: pulumi.Resource): Machine;
    /** Platforms that offer the external etcd topology on hosts of its own. */
    etcdHost?(ctx: ClusterContext<C>, args: EtcdHostArgs, parent: pulumi.Resource): Machine;
    /**
     * The pieces of the endpoint that run on each node (on-prem: keepalived floating the VIP and
     * its handover when the host leaves), declared under Vip. Returns what a join on the node
     * waits for.
     */
    endpointOnNode?(ctx: ClusterContext<C>, node: NodeArgs, parent: pulumi.Resource): pulumi.Resource[];
    /** The frontend, from two replicas. */
    loadBalancer(ctx: ClusterContext<C>, args: LoadBalancerArgs, parent: pulumi.Resource): LoadBalancerResult;
    /**
     * The pieces of the load balancer that run on each node (on-prem: haproxy), declared under
     * LoadBalancer at every replica count, so that they follow the nodes down to one (and turn
     * themselves off there). Returns what a join on the node waits for.
     */
    loadBalancerOnNode?(ctx: ClusterContext<C>, node: NodeArgs, parent: pulumi.Resource): pulumi.Resource[];
    /** Optional DNS record pointing at the endpoint address. */
    dnsRecord(ctx: ClusterContext<C>, endpoint: EndpointAddress, parent: pulumi.Resource): pulumi.Resource | undefined;
}
