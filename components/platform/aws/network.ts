// The VPC: the stack's own (aws.vpcId + one subnet per zone), or one haplane creates with a
// public subnet per zone. Subnets are public because a single node receives the endpoint's
// Elastic IP directly, and an internet-facing NLB's subnets need the internet gateway route.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AWS_ZONES, createdSubnetCidr } from "./configRules";
import { zoneTag } from "../../planning/placement";
import { AwsContext } from "./context";
import { AwsNetwork } from "./cluster";
import { awsName, awsSettings, awsTags } from "./naming";

export function declareNetwork(ctx: AwsContext, parent: pulumi.Resource): AwsNetwork {
    const settings = awsSettings(ctx);
    if (settings.vpcId && settings.subnets) {
        const subnets = settings.subnets;
        return {
            vpcId: pulumi.output(settings.vpcId),
            subnets: settings.zones.map((zone) => ({ zone, subnetId: pulumi.output(subnets[zone]) })),
            ready: [],
        };
    }
    return createdNetwork(ctx, parent);
}

function createdNetwork(ctx: AwsContext, parent: pulumi.Resource): AwsNetwork {
    const { region, vpcCidr, zones } = awsSettings(ctx);
    const vpc = new aws.ec2.Vpc(
        "vpc",
        { region, cidrBlock: vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: awsTags(ctx, awsName(ctx, "vpc")) },
        { parent },
    );
    const gateway = new aws.ec2.InternetGateway("igw", { region, vpcId: vpc.id, tags: awsTags(ctx, awsName(ctx, "igw")) }, { parent });
    const routes = new aws.ec2.RouteTable(
        "public",
        { region, vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }], tags: awsTags(ctx, awsName(ctx, "public")) },
        { parent },
    );
    const ready: pulumi.Resource[] = [gateway, routes];
    const subnets = zones.map((zone) => {
        const tag = zoneTag(AWS_ZONES, zone);
        const subnet = new aws.ec2.Subnet(
            `subnet-${tag}`,
            {
                region,
                vpcId: vpc.id,
                availabilityZone: zone,
                cidrBlock: createdSubnetCidr(vpcCidr, zone),
                // Nodes reach the package mirrors at first boot before any Elastic IP is theirs.
                mapPublicIpOnLaunch: true,
                tags: awsTags(ctx, awsName(ctx, tag)),
            },
            { parent },
        );
        ready.push(new aws.ec2.RouteTableAssociation(`subnet-${tag}`, { region, subnetId: subnet.id, routeTableId: routes.id }, { parent }));
        return { zone, subnetId: subnet.id };
    });
    return { vpcId: vpc.id, subnets, ready };
}
