// What the AWS adapter's pieces share within one cluster: the Platform interface hands each
// call the same AwsContext, and the pieces (address, network, machines, load balancer)
// need each other's handles without widening that interface.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { EndpointHolder } from "../../planning/endpoint";
import { AwsContext } from "./context";

export interface AwsNetwork {
    vpcId: pulumi.Output<string>;
    /** Subnet of each network zone, in network order (the first carries the endpoint). */
    subnets: { zone: string; subnetId: pulumi.Output<string> }[];
    /** Resources that must exist before an address in the VPC works (e.g. the internet gateway). */
    ready: pulumi.Resource[];
}

export interface AwsSecurityGroups {
    controlPlane: aws.ec2.SecurityGroup;
    loadBalancer: aws.ec2.SecurityGroup;
}

export interface AwsCluster {
    /** The first replica's instance id, resolved when its machine is declared. */
    founderInstanceId: pulumi.Output<string>;
    resolveFounderInstanceId: (id: pulumi.Output<string>) => void;
    holder?: pulumi.Output<EndpointHolder>;
    /** Elastic IPs of the other zones' subnet mappings (external endpoint, two or more replicas). */
    zoneAddresses: Map<string, aws.ec2.Eip>;
    network?: AwsNetwork;
    securityGroups?: AwsSecurityGroups;
    ami?: pulumi.Output<string>;
}

const clusters = new WeakMap<AwsContext, AwsCluster>();

export function awsCluster(ctx: AwsContext): AwsCluster {
    let cluster = clusters.get(ctx);
    if (!cluster) {
        const [founderInstanceId, resolveFounderInstanceId] = pulumi.deferredOutput<string>();
        cluster = { founderInstanceId, resolveFounderInstanceId, zoneAddresses: new Map() };
        clusters.set(ctx, cluster);
    }
    return cluster;
}

/** The network and security groups, which `network()` declares before any machine. */
export function declaredNetwork(ctx: AwsContext): { network: AwsNetwork; securityGroups: AwsSecurityGroups } {
    const cluster = awsCluster(ctx);
    if (!cluster.network || !cluster.securityGroups) throw new Error("aws platform: network() must be declared before machines and the load balancer");
    return { network: cluster.network, securityGroups: cluster.securityGroups };
}
