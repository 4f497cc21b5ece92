// One Compute Engine instance per replica, in the replica's zone, with its own static
// internal and external addresses (so certificate SANs never change), and the endpoint
// address attached only while it is the single replica.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { Machine, MachineArgs } from "../types";
import { GceContext } from "./context";
import { controlPlaneTag, gceName, gceSettings } from "./naming";

export function controlPlaneInstance(ctx: GceContext, args: MachineArgs, parent: pulumi.Resource): Machine {
    const { project, region, network, subnetwork, image } = gceSettings(ctx);
    const { replica } = args;
    const cp = ctx.config.controlPlane;
    const internalEndpoint = ctx.config.endpoint.internal;

    const internalAddress = new gcp.compute.Address(
        `${replica.name}-internal`,
        { project, region, subnetwork, addressType: "INTERNAL", name: gceName(ctx, replica.name, "int") },
        { parent },
    );
    const externalAddress = new gcp.compute.Address(
        `${replica.name}-external`,
        { project, region, addressType: "EXTERNAL", networkTier: "PREMIUM", name: gceName(ctx, replica.name, "ext") },
        { parent },
    );
    const holds = pulumi.output(args.holdsEndpoint);

    const instance = new gcp.compute.Instance(
        replica.name,
        {
            project,
            zone: replica.zone,
            name: gceName(ctx, replica.name),
            machineType: ctx.config.gce.machineType,
            tags: [controlPlaneTag(ctx)],
            bootDisk: { autoDelete: true, initializeParams: { image, size: cp.diskSizeGb, type: "pd-balanced" } },
            networkInterfaces: [
                {
                    network,
                    subnetwork,
                    networkIp: internalAddress.address,
                    // natIp and aliasIpRanges both update in place: the endpoint moves on and
                    // off this instance without replacing it.
                    accessConfigs: [
                        {
                            natIp: internalEndpoint
                                ? externalAddress.address
                                : pulumi.all([holds, args.endpoint.address, externalAddress.address]).apply(([h, endpoint, own]) => (h ? endpoint : own)),
                        },
                    ],
                    aliasIpRanges: internalEndpoint
                        ? pulumi.all([holds, args.endpoint.address]).apply(([h, endpoint]) => (h ? [{ ipCidrRange: `${endpoint}/32` }] : []))
                        : undefined,
                },
            ],
            metadata: { "user-data": args.userData, "enable-oslogin": "FALSE", "block-project-ssh-keys": "TRUE" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
            scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE" },
            labels: { "haplane-cluster": ctx.config.clusterName, "haplane-replica": replica.name },
        },
        { parent, dependsOn: args.endpoint.resources },
    );

    return {
        internalIp: internalAddress.address,
        externalIp: externalAddress.address,
        ref: instance.selfLink,
        resources: [instance],
    };
}
