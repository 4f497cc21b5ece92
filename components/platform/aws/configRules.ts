// AWS rules over the stack config: the network covers every replica's zone in the stack's
// region, and an internal endpoint's address can live on the first node. Pure.
import { RuleProblem } from "../../config/rules";
import { Replica, zoneTag } from "../../planning/placement";
import { assignableInSubnet, zoneSubnetCidr } from "../../planning/subnets";

/** `eu-west-1a` is in `eu-west-1`. */
export const AWS_ZONES = { name: "aws", regionOfZone: (zone: string) => /^([a-z]{2}(-gov)?-[a-z]+-\d)[a-z]$/.exec(zone)?.[1] };

export interface AwsNetworkShape {
    region: string;
    vpcId?: string;
    subnets?: Record<string, string>;
    vpcCidr?: string;
    zones?: string[];
}

interface AwsShape {
    endpoint: { internal: boolean; address?: string; dns?: { managedZone: string } };
    aws: AwsNetworkShape;
}

/** The VPC haplane creates when no `aws.vpcId` is given. */
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";

/**
 * The availability zones of the network, in order: the keys of `aws.subnets`, or for a
 * created VPC `aws.zones`, else the replicas' zones in join order. The load balancer maps every
 * one of them (NLB subnet mappings can be added but not removed in place), and the first one
 * carries the endpoint address.
 */
export function networkZones(aws: AwsNetworkShape, replicaZones: string[]): string[] {
    if (aws.subnets) return Object.keys(aws.subnets);
    if (aws.zones) return aws.zones;
    return [...new Set(replicaZones)];
}

/**
 * The subnet haplane creates in `zone`: numbered by the zone's letter (a -> 0, b -> 1, ...), so
 * that adding or removing a zone never renumbers, and so never replaces, another zone's subnet.
 */
export function createdSubnetCidr(vpcCidr: string, zone: string): string {
    return zoneSubnetCidr(vpcCidr, zoneTag(AWS_ZONES, zone).charCodeAt(0) - "a".charCodeAt(0));
}

export function checkAwsRules(cfg: AwsShape, replicas: Replica[]): RuleProblem[] {
    const aws = cfg.aws;
    if (aws.vpcId && !aws.subnets) return [{ path: ["aws", "subnets"], message: "is required with aws.vpcId: one subnet id per availability zone, e.g. {eu-west-1a: subnet-0abc}" }];
    if (aws.subnets && !aws.vpcId) return [{ path: ["aws", "vpcId"], message: "is required with aws.subnets: the VPC the subnets belong to" }];
    if (aws.vpcId && aws.vpcCidr) return [{ path: ["aws", "vpcCidr"], message: "is for a VPC haplane creates; remove it or aws.vpcId" }];
    if (aws.vpcId && aws.zones) return [{ path: ["aws", "zones"], message: "is for a VPC haplane creates; with aws.vpcId the zones are the keys of aws.subnets" }];

    const zonesPath = aws.subnets ? ["aws", "subnets"] : ["aws", "zones"];
    const zones = networkZones(aws, replicas.map((r) => r.zone));
    for (const zone of zones) {
        const region = AWS_ZONES.regionOfZone(zone);
        if (region !== aws.region) {
            const where = region ? `is in region ${region}` : "is not an AWS availability zone name";
            return [{ path: zonesPath, message: `zone '${zone}' ${where}, but every zone must be in the stack's region ${aws.region}` }];
        }
        if (!aws.vpcId && !/^[a-p]$/.test(zoneTag(AWS_ZONES, zone))) {
            return [{ path: zonesPath, message: `zone '${zone}': haplane numbers created subnets by the zone letter a-p; bring your own VPC (aws.vpcId) for this zone` }];
        }
    }
    for (const r of replicas) {
        if (!zones.includes(r.zone)) {
            return [{ path: zonesPath, message: `has no subnet for zone ${r.zone}, where replica ${r.name} runs` }];
        }
    }

    if (cfg.endpoint.dns && !/^Z[A-Z0-9]{1,32}$/.test(cfg.endpoint.dns.managedZone)) {
        return [{ path: ["endpoint", "dns", "managedZone"], message: "must be the Route53 hosted zone id on aws, such as Z0123456789ABCDEFGHIJ" }];
    }
    return checkEndpointAddress(cfg, zones, replicas);
}

/** An internal endpoint is a fixed private address in the first zone's subnet. */
function checkEndpointAddress(cfg: AwsShape, zones: string[], replicas: Replica[]): RuleProblem[] {
    const path = ["endpoint", "address"];
    const address = cfg.endpoint.address;
    if (!cfg.endpoint.internal) {
        return address ? [{ path, message: "is for an internal endpoint on aws (endpoint.internal: true); a public endpoint is an Elastic IP haplane allocates" }] : [];
    }
    if (!address) {
        return [{ path, message: `is required on aws with endpoint.internal: a free private address in the subnet of ${zones[0]} (the first zone), where the first node and then the load balancer hold it` }];
    }
    if (!cfg.aws.vpcId) {
        const subnet = createdSubnetCidr(cfg.aws.vpcCidr ?? DEFAULT_VPC_CIDR, zones[0]);
        if (!assignableInSubnet(subnet, address)) {
            return [{ path, message: `${address} is not an assignable address of ${subnet}, the subnet haplane creates in ${zones[0]} (the first zone)` }];
        }
    }
    if (replicas.length === 1 && replicas[0].zone !== zones[0]) {
        return [{ path: ["controlPlane", "replicas"], message: `a single replica must run in ${zones[0]}, the zone of the internal endpoint address ${address}` }];
    }
    return [];
}
