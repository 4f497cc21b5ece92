// The load balancer's piece on one on-prem host, declared under LoadBalancer: haproxy binding
// <VIP>:port and balancing to every API server, from two hosts on; on a single host it is
// turned off, and the VIP reaches the API server directly.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { sshConnection } from "../../connection";
import { scriptCommand } from "../../render/commands";
import { renderHaproxyCfg } from "../../render/haproxy";
import { NodeArgs } from "../types";
import { OnpremContext } from "./context";
import { hostAddress } from "./host";

export function onpremHaproxyOnNode(ctx: OnpremContext, args: NodeArgs, parent: pulumi.Resource): pulumi.Resource[] {
    const { config } = ctx;
    const name = args.replica.name;
    const port = config.endpoint.port;
    const balanced = ctx.replicas.length >= 2;
    const params = JSON.stringify({
        enabled: balanced,
        cfg: balanced
            ? renderHaproxyCfg({ bindAddress: config.endpoint.address, bindPort: port, backends: ctx.replicas.map((r) => ({ name: r.name, address: hostAddress(ctx, r.name), port })) })
            : "",
    });
    const haproxy = new command.remote.Command(
        `${name}-haproxy`,
        { connection: sshConnection(config, hostAddress(ctx, name), ctx.sshPrivateKey), create: scriptCommand("lb-apply"), update: scriptCommand("lb-apply"), stdin: params },
        { parent, dependsOn: args.machine.resources, aliases: [{ parent: args.node }] },
    );
    return [haproxy];
}
