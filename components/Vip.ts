// The API endpoint address: reserved from day one, protected, and moved between the single
// node and the load balancer without ever being claimed twice (see planning/endpoint.ts).
import * as pulumi from "@pulumi/pulumi";
import { EndpointPlan, planEndpoint } from "./planning/endpoint";
import { ClusterContext, EndpointAddress, Platform } from "./platform/types";

export interface VipArgs {
    ctx: ClusterContext;
    platform: Platform;
}

export class Vip extends pulumi.ComponentResource {
    readonly endpoint: EndpointAddress;
    readonly address: pulumi.Output<string>;
    /** Where the address lives after this run, and whether a second run is needed. */
    readonly plan: pulumi.Output<EndpointPlan>;
    readonly dnsName: pulumi.Output<string | undefined>;

    constructor(name: string, args: VipArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:Vip", name, {}, opts);
        const { ctx, platform } = args;
        this.endpoint = platform.endpointAddress(ctx, this);
        this.address = this.endpoint.address;
        const names = ctx.replicas.map((r) => r.name);
        this.plan = platform.observeEndpointHolder(ctx).apply((holder) => planEndpoint(names, holder));
        platform.dnsRecord(ctx, this.endpoint, this);
        this.dnsName = pulumi.output(ctx.config.endpoint.dns?.name.replace(/\.$/, ""));
        this.registerOutputs({ address: this.address, plan: this.plan, dnsName: this.dnsName });
    }
}
