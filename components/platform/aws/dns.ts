// Optional Route53 A record for the endpoint, with a low TTL. With the load balancer it lists
// every zone's address, so clients move on when one zone's NLB node is gone. (Route53 is global.)
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { dnsName } from "../../planning/apiEndpoint";
import { EndpointAddress } from "../types";
import { AwsContext } from "./context";
import { awsCluster } from "./cluster";

export function endpointRecord(ctx: AwsContext, endpoint: EndpointAddress, parent: pulumi.Resource): aws.route53.Record | undefined {
    const dns = ctx.config.endpoint.dns;
    if (!dns) return undefined;
    const zoneAddresses = [...awsCluster(ctx).zoneAddresses.values()].map((eip) => eip.publicIp);
    return new aws.route53.Record(
        "api",
        { zoneId: dns.managedZone, name: dnsName(dns.name), type: "A", ttl: dns.ttl, records: [endpoint.address, ...zoneAddresses] },
        { parent },
    );
}
