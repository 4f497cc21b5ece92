// The load balancer in front of two or more API servers; it holds the endpoint address. GCE: a
// regional passthrough forwarding rule over per-zone instance groups with an HTTPS /readyz
// health check. AWS: an NLB with a subnet mapping per zone and a /readyz target group. On-prem:
// haproxy on every host binding <VIP>:port (configured per host by the on-prem platform, so
// that it also follows the hosts down to one); joins wait for the founder's.
import * as pulumi from "@pulumi/pulumi";
import { ControlPlaneNode } from "./ControlPlaneNode";
import { ClusterContext, EndpointAddress, Platform } from "./platform/types";

export interface LoadBalancerArgs {
    /** The cluster's config, replicas and SSH key, as the platform sees them. */
    ctx: ClusterContext;
    /** Makes the frontend and its backends. */
    platform: Platform;
    /** The endpoint address the frontend claims. */
    endpoint: EndpointAddress;
    /** The backends, in join order. */
    nodes: ControlPlaneNode[];
    /** true unless the load balancer already holds the address (see EndpointPlan.frontendWaitsForNodes). */
    waitForNodes: pulumi.Input<boolean>;
}

export class LoadBalancer extends pulumi.ComponentResource {
    readonly frontend: pulumi.Output<string>;
    /** What joins wait for: the endpoint serves the founder. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:LoadBalancer", name, {}, opts);
        const result = args.platform.loadBalancer(
            args.ctx,
            {
                endpoint: args.endpoint,
                members: args.nodes.map((n) => ({ replica: n.replica, machine: n.machine })),
                // The node that held the address must have released it (an in-place update
                // of a resource that stays declared) before the frontend claims it.
                claimAfter: pulumi.output(args.waitForNodes).apply((wait) => (wait ? args.nodes.flatMap((n) => n.machine.resources) : [])),
            },
            this,
        );
        this.frontend = result.frontend;
        this.ready = result.ready;
        this.registerOutputs({ frontend: this.frontend, backends: args.nodes.map((n) => n.replica.name) });
    }
}
