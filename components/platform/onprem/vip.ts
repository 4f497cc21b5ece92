// The VIP's pieces on one on-prem host, declared under Vip: the interface that carries it
// (detected unless configured), keepalived floating it (VRRPv3 unicast among the hosts, the
// API server as its track script; a plain address on a single host), and the host's VIP
// handover when it leaves.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { sshConnection } from "../../connection";
import { scriptCommand, scriptText } from "../../render/commands";
import { apiServerTrackScript, priorityFor, renderKeepalivedConf, vridFor } from "../../render/keepalived";
import { sshDeleteHook } from "../../sshHook";
import { NodeArgs } from "../types";
import { OnpremContext } from "./context";
import { hostAddress } from "./host";

export function onpremVipOnNode(ctx: OnpremContext, args: NodeArgs, parent: pulumi.Resource): pulumi.Resource[] {
    const { config, sshPrivateKey } = ctx;
    const name = args.replica.name;
    const address = hostAddress(ctx, name);
    const vip = config.endpoint.address;
    const keepalived = config.onprem.keepalived;
    if (!keepalived.enabled) {
        // The site's load balancer serves the VIP: keepalived stays off (and is turned off).
        return [vrrpCommand(ctx, args, parent, pulumi.output(JSON.stringify({ enabled: false, check: scriptText("check-apiserver"), conf: "" })))];
    }
    const others = ctx.replicas.filter((r) => r.name !== name).map((r) => hostAddress(ctx, r.name));
    const onHost = { parent, dependsOn: args.machine.resources, aliases: [{ parent: args.node }] };

    // No detection when the interface is given.
    const iface = keepalived.interface
        ? pulumi.output(keepalived.interface)
        : new command.remote.Command(
              `${name}-vip-interface`,
              { connection: sshConnection(config, address, sshPrivateKey), create: scriptCommand("detect-interface", [vip]), update: scriptCommand("detect-interface", [vip]) },
              onHost,
          ).stdout;
    const vrrp = vrrpCommand(
        ctx,
        args,
        parent,
        iface.apply((interfaceName) =>
            JSON.stringify({
                enabled: true,
                check: scriptText("check-apiserver"),
                conf: renderKeepalivedConf({
                    nodeName: name,
                    interface: interfaceName.trim(),
                    vip,
                    vrid: keepalived.vrid ?? vridFor(config.clusterName, vip),
                    priority: priorityFor(ctx.replicas.findIndex((r) => r.name === name)),
                    unicastSourceIp: address,
                    unicastPeers: others,
                    advertIntervalSeconds: keepalived.advertIntervalSeconds,
                    trackScript: apiServerTrackScript(config.endpoint.port, ctx.replicas.length >= 2),
                }),
            }),
        ),
    );
    // When this host leaves, the others have already dropped it from their VRRP peers (in this
    // run's updates), so it may hold the VIP too, and neighbours' ARP entries may point at it.
    // Its handover stops its keepalived at the start of the run's deletes, then has the others
    // announce the VIP: a single remaining host holds it as a plain address that keepalived
    // never announces. Depending on the host puts it among a break-glass destroy's dependents.
    const handover = sshDeleteHook(
        `${name}-vip-handover`,
        { config, member: name, action: "VIP handover", hosts: [address, ...others], sshPrivateKey, remoteCommand: scriptCommand("vip-handover", [vip, address]), onUnreachable: "skip" },
        { parent, dependsOn: args.machine.resources },
    );
    return [vrrp, handover];
}

/** keepalived's configuration applied on the host (vip-apply.sh), from `params` JSON. */
function vrrpCommand(ctx: OnpremContext, args: NodeArgs, parent: pulumi.Resource, params: pulumi.Output<string>): command.remote.Command {
    const name = args.replica.name;
    return new command.remote.Command(
        `${name}-keepalived`,
        { connection: sshConnection(ctx.config, hostAddress(ctx, name), ctx.sshPrivateKey), create: scriptCommand("vip-apply"), update: scriptCommand("vip-apply"), stdin: params },
        { parent, dependsOn: args.machine.resources, aliases: [{ parent: args.node }] },
    );
}
