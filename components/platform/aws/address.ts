// The endpoint address: an Elastic IP from day one (protected), or for an internal endpoint a
// fixed private address; the observation of who holds it; and how its association is declared
// (see planning/addressAssociation.ts for why both association fields are spelled out).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { elasticIpAssociation, ElasticIpAssociation, elasticIpHolder, endpointMoves, privateAddressHolder } from "../../planning/addressAssociation";
import { EndpointHolder, endpointMode, planEndpoint } from "../../planning/endpoint";
import { zoneTag } from "../../planning/placement";
import { AWS_ZONES } from "./configRules";
import { EndpointAddress } from "../types";
import { AwsContext } from "./context";
import { awsCluster } from "./cluster";
import { awsName, awsSettings, awsTags } from "./naming";

export function endpointAddressName(ctx: AwsContext): string {
    return awsName(ctx, "api");
}

/** Where a replica's addresses go in this run: the endpoint plan, and whether it moves the endpoint. */
export function associationFor(ctx: AwsContext, role: "endpoint" | "own", replica: string): pulumi.Output<ElasticIpAssociation> {
    const names = ctx.replicas.map((r) => r.name);
    const endpointNode = names[0];
    return observeEndpointHolder(ctx).apply((holder) => {
        const plan = planEndpoint(names, holder);
        const moves = replica === endpointNode && endpointMoves(plan, holder);
        return elasticIpAssociation(role, plan.attachTo === replica, moves);
    });
}

/** An Elastic IP's association inputs: `instance` always said, `networkInterface` only when it moves. */
export function associationInputs(association: pulumi.Output<ElasticIpAssociation>, instanceId: pulumi.Output<string>) {
    return {
        // Returning the id (an Output) only when attached makes the address depend on that
        // instance exactly then: once the load balancer holds it, no node reaches it.
        instance: association.apply((a) => (a.attach ? instanceId : pulumi.output(""))),
        networkInterface: association.apply((a) => (a.clearNetworkInterface ? "" : undefined)),
    };
}

export function reserveEndpointAddress(ctx: AwsContext, parent: pulumi.Resource): EndpointAddress {
    const { region, zones } = awsSettings(ctx);
    // The rules make endpoint.address present exactly when the endpoint is internal.
    const privateAddress = ctx.config.endpoint.address;
    if (privateAddress) {
        // A private address needs no reservation: the first node holds it as a secondary private
        // IP, then the internal NLB's first subnet mapping (privateIpv4Address).
        const address = pulumi.output(privateAddress);
        return { address, ref: address, resources: [] };
    }
    const cluster = awsCluster(ctx);
    const name = endpointAddressName(ctx);
    const eip = new aws.ec2.Eip(
        "api",
        {
            region,
            domain: "vpc",
            ...associationInputs(associationFor(ctx, "endpoint", ctx.replicas[0].name), cluster.founderInstanceId),
            tags: awsTags(ctx, name, { "haplane-endpoint": "api" }),
        },
        // Certificates and every client name this address: never delete it by accident.
        { parent, protect: true },
    );
    // The load balancer's other subnet mappings carry addresses of their own (an NLB mapping in
    // an internet-facing NLB takes an Elastic IP or an AWS-assigned one; owning them shows them
    // in the plan and lets the DNS record list every zone's address).
    if (endpointMode(ctx.replicas.length) === "loadBalancer") {
        for (const zone of zones.slice(1)) {
            const tag = zoneTag(AWS_ZONES, zone);
            cluster.zoneAddresses.set(zone, new aws.ec2.Eip(`api-zone-${tag}`, { region, domain: "vpc", tags: awsTags(ctx, awsName(ctx, "api", tag)) }, { parent }));
        }
    }
    return { address: eip.publicIp, ref: eip.allocationId, resources: [eip] };
}

/** Reads the address from AWS: absent, free, on an instance, or on the load balancer. */
export function observeEndpointHolder(ctx: AwsContext): pulumi.Output<EndpointHolder> {
    const cluster = awsCluster(ctx);
    const privateAddress = ctx.config.endpoint.address;
    cluster.holder ??= privateAddress ? observePrivateAddress(ctx, privateAddress) : observeElasticIp(ctx);
    return cluster.holder;
}

function observeElasticIp(ctx: AwsContext): pulumi.Output<EndpointHolder> {
    const { region } = awsSettings(ctx);
    const filters = [
        { name: "tag:Name", values: [endpointAddressName(ctx)] },
        { name: "tag:haplane-cluster", values: [ctx.config.clusterName] },
    ];
    return aws.ec2.getEipsOutput({ region, filters }).apply((found) => {
        if (found.allocationIds.length === 0) return pulumi.output<EndpointHolder>("absent");
        return aws.ec2.getElasticIpOutput({ region, id: found.allocationIds[0] }).apply(elasticIpHolder);
    });
}

function observePrivateAddress(ctx: AwsContext, address: string): pulumi.Output<EndpointHolder> {
    const { region, vpcId } = awsSettings(ctx);
    // A created VPC is found by its tags; before it exists nothing can hold the address.
    const vpc = vpcId
        ? pulumi.output<string | undefined>(vpcId)
        : aws.ec2.getVpcsOutput({ region, filters: [{ name: "tag:haplane-cluster", values: [ctx.config.clusterName] }] }).apply((v) => v.ids[0]);
    return vpc.apply((id) => {
        if (!id) return pulumi.output<EndpointHolder>("free");
        const filters = [
            { name: "vpc-id", values: [id] },
            { name: "addresses.private-ip-address", values: [address] },
        ];
        return aws.ec2.getNetworkInterfacesOutput({ region, filters }).apply((found) =>
            pulumi.all(found.ids.map((eni) => aws.ec2.getNetworkInterfaceOutput({ region, id: eni }).apply((n) => n.interfaceType))).apply(privateAddressHolder),
        );
    });
}
