// An on-prem host as a control-plane machine or a host of haplane's external etcd: prepared
// over SSH and released when it leaves. Its keepalived belongs to the endpoint (vip.ts) and its
// haproxy to the load balancer (haproxy.ts). The release is a bounded local hook that skips a
// dead host, so removing a host never waits on that host.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { sshConnection } from "../../connection";
import { scriptCommand } from "../../render/commands";
import { sshDeleteHook } from "../../sshHook";
import { EtcdHostArgs, Machine, MachineArgs } from "../types";
import { OnpremContext } from "./context";

/** The address of a named on-prem host (validated present by the config rules). */
export function hostAddress(ctx: OnpremContext, name: string, list: "controlPlane.replicas" | "etcd.hosts" = "controlPlane.replicas"): string {
    const hosts = list === "etcd.hosts" ? ctx.config.etcd.hosts : ctx.config.controlPlane.replicas;
    const found = Array.isArray(hosts) ? hosts.find((r) => r.name === name)?.address : undefined;
    if (!found) throw new Error(`haplane:${list}: host ${name} has no address`);
    return found;
}

type HostRole = "control-plane" | "etcd";

/**
 * A host prepared for its roles over SSH, and its release: a bounded local hook that skips a
 * dead host, so removing a host never waits on that host.
 */
function preparedHost(ctx: OnpremContext, name: string, address: string, roles: HostRole[], parent: pulumi.Resource): Machine {
    const { config, sshPrivateKey } = ctx;
    const prepareArgs = [config.onprem.packages, config.kubernetesVersion, roles.join(","), config.kubeadm.dryRun ? "dry-run" : "real"];
    const prepare = new command.remote.Command(
        name,
        { connection: sshConnection(config, address, sshPrivateKey), create: scriptCommand("host-prepare", prepareArgs), update: scriptCommand("host-prepare", prepareArgs) },
        { parent },
    );
    const release = sshDeleteHook(
        `${name}-release`,
        { config, member: name, action: "release", hosts: [address], sshPrivateKey, remoteCommand: scriptCommand("host-release"), onUnreachable: "skip" },
        { parent, dependsOn: [prepare] },
    );
    return { internalIp: pulumi.output(address), externalIp: pulumi.output<string | undefined>(undefined), ref: pulumi.output(name), resources: [prepare, release] };
}

/** A host of haplane's external etcd that is not a control-plane host. */
export function onpremEtcdHost(ctx: OnpremContext, args: EtcdHostArgs, parent: pulumi.Resource): Machine {
    return preparedHost(ctx, args.name, hostAddress(ctx, args.name, "etcd.hosts"), ["etcd"], parent);
}

export function onpremHost(ctx: OnpremContext, args: MachineArgs, parent: pulumi.Resource): Machine {
    const name = args.replica.name;
    // External etcd without hosts of its own runs on the control-plane hosts.
    const colocatedEtcd = ctx.config.etcd.topology === "external" && !ctx.config.etcd.hosts;
    return preparedHost(ctx, name, hostAddress(ctx, name), colocatedEtcd ? ["control-plane", "etcd"] : ["control-plane"], parent);
}
