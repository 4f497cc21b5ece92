// The API endpoint address: reserved from day one, protected, and moved between the single
// node and the load balancer without ever being claimed twice (see planning/endpoint.ts).
// GCE: a static address (external, or internal) and its Cloud DNS record. AWS: an Elastic IP
// (or an internal endpoint's fixed private address) and its Route53 record. On-prem: the VIP
// of endpoint.address, floated by keepalived on every host (declared here, per host, once the
// hosts exist: placeOn) with each host's VIP handover when it leaves; its DNS is the site's.
import * as pulumi from "@pulumi/pulumi";
import { dnsName } from "./planning/apiEndpoint";
import { EndpointPlan, planEndpoint } from "./planning/endpoint";
import type { ControlPlaneNode } from "./ControlPlaneNode";
import { ClusterContext, EndpointAddress, Platform } from "./platform/types";

export interface VipArgs {
    /** The cluster's config and replicas, as the platform sees them. */
    ctx: ClusterContext;
    /** Reserves the address, observes who holds it and declares its DNS record. */
    platform: Platform;
}

export class Vip extends pulumi.ComponentResource {
    readonly endpoint: EndpointAddress;
    readonly address: pulumi.Output<string>;
    /** Where the address lives after this run, and whether a second run is needed. */
    readonly plan: pulumi.Output<EndpointPlan>;
    readonly dnsName: pulumi.Output<string | undefined>;
    private readonly args: VipArgs;

    constructor(name: string, args: VipArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:Vip", name, {}, opts);
        this.args = args;
        const { ctx, platform } = args;
        this.endpoint = platform.endpointAddress(ctx, this);
        this.address = this.endpoint.address;
        const names = ctx.replicas.map((r) => r.name);
        this.plan = platform.observeEndpointHolder(ctx).apply((holder) => planEndpoint(names, holder));
        platform.dnsRecord(ctx, this.endpoint, this);
        const dns = ctx.config.endpoint.dns;
        this.dnsName = pulumi.output(dns ? dnsName(dns.name) : undefined);
        this.registerOutputs({ address: this.address, plan: this.plan, dnsName: this.dnsName });
    }

    /**
     * Declares the endpoint's pieces on each node (on-prem: keepalived and the host's VIP
     * handover), once the nodes exist: the nodes need the reserved address first. Returns, per
     * replica, what its join waits for on its node.
     */
    placeOn(nodes: ControlPlaneNode[]): Map<string, pulumi.Resource[]> {
        const { ctx, platform } = this.args;
        const onNode = platform.endpointOnNode?.bind(platform);
        return new Map(nodes.map((n) => [n.replica.name, onNode ? onNode(ctx, { replica: n.replica, machine: n.machine, node: n }, this) : []]));
    }
}
