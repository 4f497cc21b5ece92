// Optional Cloud DNS A record for the endpoint, with a low TTL.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { dnsName } from "../../planning/apiEndpoint";
import { EndpointAddress } from "../types";
import { GceContext } from "./context";
import { gceSettings } from "./naming";

export function endpointRecord(ctx: GceContext, endpoint: EndpointAddress, parent: pulumi.Resource): gcp.dns.RecordSet | undefined {
    const dns = ctx.config.endpoint.dns;
    if (!dns) return undefined;
    const { project } = gceSettings(ctx);
    return new gcp.dns.RecordSet(
        "api",
        {
            project,
            managedZone: dns.managedZone,
            // Cloud DNS wants the fully qualified form.
            name: `${dnsName(dns.name)}.`,
            type: "A",
            ttl: dns.ttl,
            rrdatas: [endpoint.address],
        },
        { parent },
    );
}
