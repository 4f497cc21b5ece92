// Network load balancer: a subnet mapping per network zone (the first carries the endpoint
// address, the others their own Elastic IPs), cross-zone load balancing, and a target group
// that checks HTTPS /readyz as fast as AWS allows, with every replica registered.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { LoadBalancerArgs, LoadBalancerResult } from "../types";
import { AwsContext } from "./context";
import { awsCluster, declaredNetwork } from "./cluster";
import { awsName, awsSettings, awsTags } from "./naming";

/**
 * NLB target group health checks (node_modules/@pulumi/aws/types/input.d.ts,
 * TargetGroupHealthCheck): interval 5-300 s, healthy and unhealthy thresholds 2-10, timeout
 * 2-120 s (kept below the interval). A dead API server leaves rotation after about 10 s.
 */
export const READYZ_CHECK = { protocol: "HTTPS", path: "/readyz", port: "traffic-port", interval: 5, timeout: 4, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" };

export function networkLoadBalancer(ctx: AwsContext, args: LoadBalancerArgs, parent: pulumi.Resource): LoadBalancerResult {
    const { region } = awsSettings(ctx);
    const { network, securityGroups } = declaredNetwork(ctx);
    const zoneAddresses = awsCluster(ctx).zoneAddresses;
    const port = ctx.config.endpoint.port;
    const internal = ctx.config.endpoint.internal;
    const name = awsName(ctx, "api");

    const targetGroup = new aws.lb.TargetGroup(
        "api",
        {
            region,
            name,
            port,
            protocol: "TCP",
            vpcId: network.vpcId,
            targetType: "instance",
            // The NLB's own address as source lets a node reach the endpoint when the NLB picks
            // that same node (no hairpin), and lets node rules name the NLB's security group.
            preserveClientIp: "false",
            deregistrationDelay: 30,
            healthCheck: READYZ_CHECK,
            tags: awsTags(ctx, name),
        },
        { parent },
    );
    // Instances join through a registration each, so the target group (and the NLB behind it)
    // never depends on an instance.
    const registrations = args.members.map(
        (m) => new aws.lb.TargetGroupAttachment(`api-${m.replica.name}`, { region, targetGroupArn: targetGroup.arn, targetId: m.machine.ref, port }, { parent }),
    );

    const loadBalancer = new aws.lb.LoadBalancer(
        "api",
        {
            region,
            name,
            loadBalancerType: "network",
            internal,
            // Security groups can only be given when an NLB is created.
            securityGroups: [securityGroups.loadBalancer.id],
            enableCrossZoneLoadBalancing: true,
            subnetMappings: network.subnets.map((s, i) => ({
                subnetId: s.subnetId,
                allocationId: internal ? undefined : i === 0 ? args.endpoint.ref : zoneAddresses.get(s.zone)!.allocationId,
                privateIpv4Address: internal && i === 0 ? args.endpoint.ref : undefined,
            })),
            tags: awsTags(ctx, name),
        },
        {
            parent,
            // Claim the address only after the node that held it has released it.
            dependsOn: args.claimAfter,
            // A replacement (a zone removed from the network) needs the same addresses: the old
            // NLB must let them go first.
            deleteBeforeReplace: true,
        },
    );

    const listener = new aws.lb.Listener(
        "api",
        { region, loadBalancerArn: loadBalancer.arn, port, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }], tags: awsTags(ctx, name) },
        { parent },
    );

    // Joins need the founder (first member) behind the endpoint; other registrations are left
    // out so that no join depends on another replica's instance.
    return { frontend: loadBalancer.arn, ready: [listener, loadBalancer, targetGroup, registrations[0]] };
}
