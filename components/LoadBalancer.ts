// The load balancer in front of two or more API servers; it holds the endpoint address. GCE: a
// regional passthrough forwarding rule over per-zone instance groups with an HTTPS /readyz
// health check. AWS: an NLB with a subnet mapping per zone and a /readyz target group. On-prem:
// haproxy on every host binding <VIP>:port, declared here per host at every replica count, so
// that it follows the hosts down to one (where it turns itself off). Joins wait for the
// endpoint to serve the founder.
import * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneNode } from "./ControlPlaneNode";
import { endpointMode } from "./planning/endpoint";
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
    /** Per replica, the endpoint's pieces on its node (Vip.placeOn): the frontend's backends serve once they exist. */
    endpointOnNodes: Map<string, pulumi.Resource[]>;
    /** true unless the load balancer already holds the address (see EndpointPlan.frontendWaitsForNodes). */
    waitForNodes: pulumi.Input<boolean>;
}

export class LoadBalancer extends pulumi.ComponentResource {
    /** Where the frontend holds the address; undefined below two replicas. */
    readonly frontend: pulumi.Output<string | undefined>;
    /** What joins wait for: the endpoint serves the founder (undefined below two replicas). */
    readonly ready?: pulumi.Resource[];
    /** Per replica, the endpoint's and the load balancer's pieces on its node (on-prem: keepalived, haproxy). */
    readonly onNodes: Map<string, pulumi.Resource[]>;

    /** Whether the cluster has a LoadBalancer: from two replicas, or at any count where it has pieces on the nodes. */
    static needed(platform: Platform, replicas: number): boolean {
        return endpointMode(replicas) === "loadBalancer" || platform.loadBalancerOnNode !== undefined;
    }

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:LoadBalancer", name, {}, opts);
        const { ctx, platform, endpoint, nodes } = args;
        const onNode = platform.loadBalancerOnNode?.bind(platform);
        this.onNodes = new Map(
            nodes.map((n) => [
                n.replica.name,
                [...(args.endpointOnNodes.get(n.replica.name) ?? []), ...(onNode ? onNode(ctx, { replica: n.replica, machine: n.machine, node: n }, this) : [])],
            ]),
        );
        if (endpointMode(nodes.length) === "loadBalancer") {
            const result = platform.loadBalancer(
                ctx,
                {
                    endpoint,
                    members: nodes.map((n) => ({
                        replica: n.replica,
                        machine: n.machine,
                        onNode: [...n.machine.resources, ...this.onNodes.get(n.replica.name)!],
                    })),
                    // The node that held the address must have released it (an in-place update
                    // of a resource that stays declared) before the frontend claims it.
                    claimAfter: pulumi.output(args.waitForNodes).apply((wait) => (wait ? nodes.flatMap((n) => n.machine.resources) : [])),
                },
                this,
            );
            this.frontend = result.frontend;
            this.ready = result.ready;
        } else {
            this.frontend = pulumi.output<string | undefined>(undefined);
        }
        this.registerOutputs({ frontend: this.frontend, backends: nodes.map((n) => n.replica.name) });
    }
}
