// The endpoint address: a reserved regional static address, protected against deletion,
// and the observation of who holds it (drives the load balancer -> node handoff).
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { EndpointHolder } from "../../planning/endpoint";
import { EndpointAddress } from "../types";
import { GceContext } from "./context";
import { gceName, gceSettings } from "./naming";

export function endpointAddressName(ctx: GceContext): string {
    return gceName(ctx, "api");
}

export function reserveEndpointAddress(ctx: GceContext, parent: pulumi.Resource): EndpointAddress {
    const { project, region, subnetwork } = gceSettings(ctx);
    const internal = ctx.config.endpoint.internal;
    const address = new gcp.compute.Address(
        "api",
        {
            project,
            region,
            name: endpointAddressName(ctx),
            description: `Kubernetes API endpoint of ${ctx.config.clusterName}`,
            addressType: internal ? "INTERNAL" : "EXTERNAL",
            subnetwork: internal ? subnetwork : undefined,
            networkTier: internal ? undefined : "PREMIUM",
        },
        // Certificates and every client name this address: never delete it by accident.
        { parent, protect: true },
    );
    return { address: address.address, ref: address.address, resources: [address] };
}

/** Reads the address from the cloud: absent, free, on an instance, or on a forwarding rule. */
export function observeEndpointHolder(ctx: GceContext): pulumi.Output<EndpointHolder> {
    const { project, region } = gceSettings(ctx);
    const name = endpointAddressName(ctx);
    return gcp.compute.getAddressesOutput({ project, region, filter: `name = "${name}"` }).apply((found) => {
        const match = found.addresses.find((a) => a.name === name);
        if (!match) return pulumi.output<EndpointHolder>("absent");
        if (match.status !== "IN_USE") return pulumi.output<EndpointHolder>("free");
        return gcp.compute
            .getAddressOutput({ project, region, name })
            .apply((a): EndpointHolder => (/\/forwardingRules\//.test(a.users) ? "loadBalancer" : "node"));
    });
}
