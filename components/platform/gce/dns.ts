// Optional Cloud DNS A record for the endpoint, with a low TTL.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { ClusterContext, EndpointAddress } from "../types";
import { gceSettings } from "./naming";

export function endpointRecord(ctx: ClusterContext, endpoint: EndpointAddress, parent: pulumi.Resource): gcp.dns.RecordSet | undefined {
    const dns = ctx.config.endpoint.dns;
    if (!dns) return undefined;
    const { project } = gceSettings(ctx);
    return new gcp.dns.RecordSet(
        "api",
        {
            project,
            managedZone: dns.managedZone,
            name: dns.name.endsWith(".") ? dns.name : `${dns.name}.`,
            type: "A",
            ttl: dns.ttl,
            rrdatas: [endpoint.address],
        },
        { parent },
    );
}
