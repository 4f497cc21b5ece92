// Optional Route53 A record for the endpoint, with a low TTL. With the load balancer it lists
// every zone's address, so clients move on when one zone's NLB node is gone. (Route53 is global.)
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ClusterContext, EndpointAddress } from "../types";
import { awsCluster } from "./cluster";

export function endpointRecord(ctx: ClusterContext, endpoint: EndpointAddress, parent: pulumi.Resource): aws.route53.Record | undefined {
    const dns = ctx.config.endpoint.dns;
    if (!dns) return undefined;
    const zoneAddresses = [...awsCluster(ctx).zoneAddresses.values()].map((eip) => eip.publicIp);
    return new aws.route53.Record(
        "api",
        { zoneId: dns.managedZone, name: dns.name.replace(/\.$/, ""), type: "A", ttl: dns.ttl, records: [endpoint.address, ...zoneAddresses] },
        { parent },
    );
}
