// Security groups: the API port from the allowed CIDRs and the load balancer; API and node
// ports, and etcd 2379-2380, only between control-plane instances (group to group); SSH only
// from the admin CIDRs. One rule per resource, so a rule's change never rewrites the group.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { EndpointAddress } from "../types";
import { AwsContext } from "./context";
import { AwsNetwork, AwsSecurityGroups } from "./cluster";
import { awsName, awsSettings, awsTags } from "./naming";

export const ETCD_PORTS = { from: 2379, to: 2380 };
/** kubelet, controller-manager and scheduler secure ports, reached only by peers. */
export const NODE_PORTS = [10250, 10257, 10259];

/** `203.0.113.0/24` -> `203-0-113-0-24`, a stable resource-name fragment. */
const cidrTag = (cidr: string) => cidr.replace(/[./]/g, "-");

type RuleSource = { cidrIpv4: pulumi.Input<string> } | { referencedSecurityGroupId: pulumi.Input<string> };

export function securityGroups(ctx: AwsContext, endpoint: EndpointAddress, network: AwsNetwork, parent: pulumi.Resource): AwsSecurityGroups {
    const { region } = awsSettings(ctx);
    const port = ctx.config.endpoint.port;
    const group = (name: string, description: string) =>
        new aws.ec2.SecurityGroup(name, { region, vpcId: network.vpcId, name: awsName(ctx, name), description, tags: awsTags(ctx, awsName(ctx, name)) }, { parent });
    const controlPlane = group("control-plane", "haplane control-plane instances");
    const loadBalancer = group("api-lb", "haplane API load balancer");

    const ingress = (name: string, sg: aws.ec2.SecurityGroup, from: number, to: number, source: RuleSource, description: string) =>
        new aws.vpc.SecurityGroupIngressRule(name, { region, securityGroupId: sg.id, ipProtocol: "tcp", fromPort: from, toPort: to, description, ...source }, { parent });
    const self = { referencedSecurityGroupId: controlPlane.id };

    for (const cidr of ctx.config.apiCidrs) {
        ingress(`cp-api-${cidrTag(cidr)}`, controlPlane, port, port, { cidrIpv4: cidr }, "Kubernetes API from an allowed CIDR (the single node holds the endpoint)");
        ingress(`lb-api-${cidrTag(cidr)}`, loadBalancer, port, port, { cidrIpv4: cidr }, "Kubernetes API from an allowed CIDR");
    }
    ingress("cp-api-lb", controlPlane, port, port, { referencedSecurityGroupId: loadBalancer.id }, "Kubernetes API and its health checks from the load balancer");
    ingress("lb-api-nodes", loadBalancer, port, port, self, "Kubernetes API from control-plane instances inside the VPC");
    if (!ctx.config.endpoint.internal) {
        // The single node reaching its own Elastic IP comes back from that address.
        ingress("cp-api-endpoint", controlPlane, port, port, { cidrIpv4: endpoint.address.apply((a) => `${a}/32`) }, "Kubernetes API from the node holding the endpoint");
    }
    for (const p of [port, ...NODE_PORTS]) ingress(`cp-peers-${p}`, controlPlane, p, p, self, "API and node ports between control-plane instances");
    ingress("cp-etcd", controlPlane, ETCD_PORTS.from, ETCD_PORTS.to, self, "etcd client and peer traffic, only between control-plane instances");
    for (const cidr of ctx.config.adminCidrs) {
        ingress(`cp-ssh-${cidrTag(cidr)}`, controlPlane, ctx.config.ssh.port, ctx.config.ssh.port, { cidrIpv4: cidr }, "SSH from an admin CIDR");
    }

    // A security group made through the API keeps no default egress rule: say what leaves.
    new aws.vpc.SecurityGroupEgressRule("cp-egress", { region, securityGroupId: controlPlane.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "packages, the endpoint, peers" }, { parent });
    new aws.vpc.SecurityGroupEgressRule(
        "lb-egress",
        { region, securityGroupId: loadBalancer.id, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: controlPlane.id, description: "to the API servers and their health checks" },
        { parent },
    );
    return { controlPlane, loadBalancer };
}

/** A node's own Elastic IP may reach the load balancer (the nodes' traffic to the public endpoint). */
export function allowNodeAddress(ctx: AwsContext, name: string, groups: AwsSecurityGroups, address: pulumi.Output<string>, parent: pulumi.Resource) {
    const { region } = awsSettings(ctx);
    const port = ctx.config.endpoint.port;
    return new aws.vpc.SecurityGroupIngressRule(
        `lb-api-${name}`,
        { region, securityGroupId: groups.loadBalancer.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: address.apply((a) => `${a}/32`), description: `Kubernetes API from ${name}` },
        { parent },
    );
}
