// Firewall rules: the API from allowed CIDRs and health checkers, etcd only between
// control-plane nodes, SSH only from admin CIDRs.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { EndpointAddress } from "../types";
import { GceContext } from "./context";
import { controlPlaneTag, gceName, gceSettings } from "./naming";

/** Google's health-check probers for passthrough load balancers. */
export const HEALTH_CHECK_RANGES = {
    external: ["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"],
    internal: ["35.191.0.0/16", "130.211.0.0/22"],
};

export const ETCD_PORTS = "2379-2380";
/** kubelet, controller-manager and scheduler secure ports, reached only by peers. */
export const NODE_PORTS = ["10250", "10257", "10259"];

export function firewallRules(ctx: GceContext, endpoint: EndpointAddress, parent: pulumi.Resource): gcp.compute.Firewall[] {
    const { project, network } = gceSettings(ctx);
    const tag = controlPlaneTag(ctx);
    const port = String(ctx.config.endpoint.port);
    const checkers = ctx.config.endpoint.internal ? HEALTH_CHECK_RANGES.internal : HEALTH_CHECK_RANGES.external;
    const rule = (name: string, args: Omit<gcp.compute.FirewallArgs, "project" | "network" | "name" | "targetTags" | "direction">) =>
        new gcp.compute.Firewall(name, { project, network, name: gceName(ctx, name), direction: "INGRESS", targetTags: [tag], ...args }, { parent });
    return [
        rule("api", {
            description: "Kubernetes API from the allowed CIDRs and the load balancer's health checkers",
            allows: [{ protocol: "tcp", ports: [port] }],
            sourceRanges: [...new Set([...ctx.config.apiCidrs, ...checkers])],
        }),
        rule("api-peers", {
            description: "Kubernetes API and node ports between control-plane nodes, and a node reaching the endpoint it holds",
            allows: [{ protocol: "tcp", ports: [port, ...NODE_PORTS] }],
            sourceTags: [tag],
            sourceRanges: [endpoint.address.apply((a) => `${a}/32`)],
        }),
        rule("etcd", {
            description: "etcd client and peer traffic, only between control-plane nodes",
            allows: [{ protocol: "tcp", ports: [ETCD_PORTS] }],
            sourceTags: [tag],
        }),
        rule("ssh", {
            description: "SSH from the admin CIDRs only",
            allows: [{ protocol: "tcp", ports: ["22"] }],
            sourceRanges: ctx.config.adminCidrs,
        }),
    ];
}
