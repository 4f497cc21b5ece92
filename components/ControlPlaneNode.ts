// One control-plane replica's machine, named after the replica (never a list index). GCE: an
// instance in its zone with its own address. AWS: an instance in its zone's subnet with its own
// Elastic IP (or, internal, the endpoint as a secondary private IP while it is the single
// replica). On-prem: a host prepared over SSH, with its keepalived and haproxy configuration,
// released when it leaves.
import * as pulumi from "@pulumi/pulumi";
import { Replica } from "./planning/placement";
import { ClusterContext, EndpointAddress, Machine, Platform } from "./platform/types";

export interface ControlPlaneNodeArgs {
    /** The cluster's config, replicas and SSH key, as the platform sees them. */
    ctx: ClusterContext;
    /** Makes the machine. */
    platform: Platform;
    /** This node's replica: its name (the resource identity) and zone. */
    replica: Replica;
    /** The reserved endpoint address, which the machine may carry (see holdsEndpoint). */
    endpoint: EndpointAddress;
    /** true while this node carries the endpoint address (one replica). */
    holdsEndpoint: pulumi.Input<boolean>;
    /** First-boot configuration of a cloud machine (rendered cloud-init); on-prem hosts ignore it. */
    userData: pulumi.Input<string>;
}

export class ControlPlaneNode extends pulumi.ComponentResource {
    readonly replica: Replica;
    readonly machine: Machine;
    readonly internalIp: pulumi.Output<string>;
    readonly externalIp: pulumi.Output<string | undefined>;

    constructor(name: string, args: ControlPlaneNodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:ControlPlaneNode", name, {}, opts);
        this.replica = args.replica;
        this.machine = args.platform.machine(
            args.ctx,
            { replica: args.replica, holdsEndpoint: args.holdsEndpoint, endpoint: args.endpoint, userData: args.userData },
            this,
        );
        this.internalIp = this.machine.internalIp;
        this.externalIp = this.machine.externalIp;
        this.registerOutputs({ zone: args.replica.zone, internalIp: this.internalIp, externalIp: this.externalIp });
    }
}
