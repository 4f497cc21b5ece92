// Regional passthrough network load balancer (backend service, not a target pool: target
// pools only take legacy HTTP health checks). HTTPS /readyz health check on the API port,
// one unmanaged instance group per zone, and a forwarding rule holding the endpoint address.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { zoneTag } from "../../planning/placement";
import { gceProfile } from "./config";
import { LoadBalancerArgs, LoadBalancerResult } from "../types";
import { GceContext } from "./context";
import { gceName, gceSettings } from "./naming";

export function passthroughLoadBalancer(ctx: GceContext, args: LoadBalancerArgs, parent: pulumi.Resource): LoadBalancerResult {
    const { project, region, network, subnetwork } = gceSettings(ctx);
    const port = ctx.config.endpoint.port;
    const scheme = ctx.config.endpoint.internal ? "INTERNAL" : "EXTERNAL";

    const healthCheck = new gcp.compute.RegionHealthCheck(
        "api-readyz",
        {
            project,
            region,
            name: gceName(ctx, "api-readyz"),
            httpsHealthCheck: { port, requestPath: "/readyz" },
            checkIntervalSec: 5,
            timeoutSec: 4,
            healthyThreshold: 2,
            unhealthyThreshold: 2,
        },
        { parent },
    );

    // Instances join their zone's group through a membership resource each, so the group
    // (and the backend service and forwarding rule behind it) never depends on an instance.
    const zones = [...new Set(args.members.map((m) => m.replica.zone))];
    const groups = zones.map((zone) => {
        const tag = zoneTag(gceProfile, zone);
        return new gcp.compute.InstanceGroup(
            `api-${tag}`,
            {
                project,
                zone,
                network: `projects/${project}/global/networks/${network}`,
                name: gceName(ctx, "api", tag),
                namedPorts: [{ name: "apiserver", port }],
            },
            { parent },
        );
    });
    const memberships = args.members.map(
        (m) =>
            new gcp.compute.InstanceGroupMembership(
                `api-${m.replica.name}`,
                { project, zone: m.replica.zone, instanceGroup: groups[zones.indexOf(m.replica.zone)].name, instance: m.machine.ref },
                { parent },
            ),
    );

    const backendService = new gcp.compute.RegionBackendService(
        "api",
        {
            project,
            region,
            name: gceName(ctx, "api"),
            protocol: "TCP",
            loadBalancingScheme: scheme,
            network: scheme === "INTERNAL" ? network : undefined,
            healthChecks: healthCheck.id,
            connectionDrainingTimeoutSec: 30,
            backends: groups.map((g) => ({ group: g.id, balancingMode: "CONNECTION" })),
        },
        { parent },
    );

    const forwardingRule = new gcp.compute.ForwardingRule(
        "api",
        {
            project,
            region,
            name: gceName(ctx, "api"),
            ipAddress: args.endpoint.ref,
            ipProtocol: "TCP",
            ports: [String(port)],
            loadBalancingScheme: scheme,
            backendService: backendService.id,
            network: scheme === "INTERNAL" ? network : undefined,
            subnetwork: scheme === "INTERNAL" ? subnetwork : undefined,
        },
        // Claim the address only after the node that held it has released it.
        { parent, dependsOn: args.claimAfter },
    );

    // Joins need the founder (first member) behind the endpoint; other memberships are left
    // out so that no join depends on another replica's instance.
    return { frontend: forwardingRule.selfLink, ready: [forwardingRule, backendService, ...groups, memberships[0], healthCheck] };
}
