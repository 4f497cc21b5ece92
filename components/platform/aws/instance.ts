// One EC2 instance per replica in its zone's subnet, with its own Elastic IP (its egress and
// certificate address, stable for its life) that makes way for the endpoint's while it is the
// single replica, or, for an internal endpoint, the endpoint as a secondary private IP.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Machine, MachineArgs } from "../types";
import { AwsContext } from "./context";
import { associationFor, associationInputs } from "./address";
import { awsCluster, declaredNetwork } from "./cluster";
import { awsName, awsSettings, awsTags } from "./naming";
import { allowNodeAddress } from "./securityGroups";

/** The AMI: fixed, or the newest match of aws.image (looked up once per run). */
function machineImage(ctx: AwsContext): pulumi.Output<string> {
    const cluster = awsCluster(ctx);
    const { region, ami, image } = awsSettings(ctx);
    cluster.ami ??= ami
        ? pulumi.output(ami)
        : aws.ec2
              .getAmiOutput({
                  region,
                  owners: image.owners,
                  mostRecent: true,
                  filters: [
                      { name: "name", values: [image.name] },
                      { name: "architecture", values: [image.architecture] },
                      { name: "state", values: ["available"] },
                  ],
              })
              .apply((found) => found.id);
    return cluster.ami;
}

export function controlPlaneInstance(ctx: AwsContext, args: MachineArgs, parent: pulumi.Resource): Machine {
    const { region, instanceType, keyName } = awsSettings(ctx);
    const { network, securityGroups } = declaredNetwork(ctx);
    const { replica } = args;
    const subnet = network.subnets.find((s) => s.zone === replica.zone);
    if (!subnet) throw new Error(`haplane:aws.subnets: no subnet for zone ${replica.zone}, where replica ${replica.name} runs`);
    // Present exactly when the endpoint is internal (the rules say so).
    const internalEndpoint = ctx.config.endpoint.address;
    const holds = pulumi.output(args.holdsEndpoint);

    const instance = new aws.ec2.Instance(
        replica.name,
        {
            region,
            ami: machineImage(ctx),
            instanceType,
            keyName,
            subnetId: subnet.subnetId,
            vpcSecurityGroupIds: [securityGroups.controlPlane.id],
            // Updated in place (Unassign/AssignPrivateIpAddresses). Said even when empty: an
            // omitted Optional+Computed field would keep the address on the node.
            secondaryPrivateIps: internalEndpoint ? holds.apply((h) => (h ? [internalEndpoint] : [])) : undefined,
            userData: args.userData,
            rootBlockDevice: { volumeSize: ctx.config.controlPlane.diskSizeGb, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
            tags: awsTags(ctx, `${ctx.prefix}-${replica.name}`, { "haplane-replica": replica.name }),
        },
        {
            parent,
            // The node installs packages at first boot, through the internet gateway.
            dependsOn: network.ready,
            // A newer image must never replace running members (the AMI forces replacement):
            // replace replicas one at a time to roll one out.
            ignoreChanges: ["ami"],
        },
    );
    if (replica.name === ctx.replicas[0].name) awsCluster(ctx).resolveFounderInstanceId(instance.id);

    let externalIp = pulumi.output<string | undefined>(undefined);
    if (!internalEndpoint) {
        const own = new aws.ec2.Eip(
            `${replica.name}-public`,
            { region, domain: "vpc", ...associationInputs(associationFor(ctx, "own", replica.name), instance.id), tags: awsTags(ctx, awsName(ctx, replica.name)) },
            { parent },
        );
        allowNodeAddress(ctx, replica.name, securityGroups, own.publicIp, parent);
        externalIp = own.publicIp;
    }

    return { internalIp: instance.privateIp, externalIp, ref: instance.id, resources: [instance] };
}
