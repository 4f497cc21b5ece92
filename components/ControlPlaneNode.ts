// One control-plane replica's machine, named after the replica (never a list index).
import * as pulumi from "@pulumi/pulumi";
import { Replica } from "./planning/placement";
import { ClusterContext, EndpointAddress, Machine, Platform } from "./platform/types";

export interface ControlPlaneNodeArgs {
    ctx: ClusterContext;
    platform: Platform;
    replica: Replica;
    endpoint: EndpointAddress;
    /** true while this node carries the endpoint address (one replica). */
    holdsEndpoint: pulumi.Input<boolean>;
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
