// AWS stack configurations for tests, beside the GCE ones in stacks.ts.
import { EndpointHolder } from "../../components/planning/endpoint";
import { Plan } from "../../scripts/offline/evaluate";
import { baseConfig, plan } from "./stacks";

export const AWS_ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

export function awsConfig(replicas: unknown = awsReplicas(["a", "b", "c"])): Record<string, unknown> {
    const config = baseConfig();
    delete config.gce;
    config.platform = "aws";
    config.aws = { region: "eu-west-1", zones: AWS_ZONES };
    config.controlPlane = { replicas };
    config.endpoint = { port: 6443, dns: { managedZone: "Z0123456789ABCDEFGHIJ", name: "api.prod.example.com", ttl: 30 } };
    return config;
}

/** Named replicas spread round-robin over AWS_ZONES. */
export function awsReplicas(names: string[]) {
    return names.map((name, i) => ({ name, zone: AWS_ZONES[i % AWS_ZONES.length] }));
}

/** The same cluster with an internal endpoint at a private address of the first zone's subnet. */
export function awsInternalConfig(names: string[]): Record<string, unknown> {
    const config = awsConfig(awsReplicas(names));
    config.endpoint = { port: 6443, internal: true, address: "10.0.0.10" };
    return config;
}

export const AWS = {
    eip: "aws:ec2/eip:Eip",
    instance: "aws:ec2/instance:Instance",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    registration: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    listener: "aws:lb/listener:Listener",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    record: "aws:route53/record:Record",
    subnet: "aws:ec2/subnet:Subnet",
    vpc: "aws:ec2/vpc:Vpc",
};

const plans = new Map<string, Promise<Plan>>();

/** A plan of `config` as seen with `endpointHolder`, evaluated once per test run (plans are read-only). */
export function awsPlan(config: Record<string, unknown>, endpointHolder: EndpointHolder = "absent"): Promise<Plan> {
    const key = JSON.stringify([config, endpointHolder]);
    if (!plans.has(key)) plans.set(key, plan(config, { endpointHolder }));
    return plans.get(key)!;
}
