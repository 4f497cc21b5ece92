// Names and tags of AWS resources: `<cluster>-<what>`, and tags that say whose they are.
import { DEFAULT_VPC_CIDR, networkZones } from "./configRules";
import { AwsContext } from "./context";

/** Load balancer and target group names allow 32 characters; the cluster name at most 20. */
export function awsName(ctx: AwsContext, ...parts: string[]): string {
    return [ctx.prefix, ...parts].join("-").slice(0, 32);
}

export function awsTags(ctx: AwsContext, name: string, extra: Record<string, string> = {}): Record<string, string> {
    return { Name: name, "haplane-cluster": ctx.config.clusterName, ...extra };
}

export function awsSettings(ctx: AwsContext) {
    const aws = ctx.config.aws;
    const zones = networkZones(aws, ctx.replicas.map((r) => r.zone));
    return { ...aws, vpcCidr: aws.vpcCidr ?? DEFAULT_VPC_CIDR, zones, endpointZone: zones[0] };
}
