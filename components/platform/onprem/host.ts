// An on-prem host as a control-plane machine: prepared over SSH, carrying its keepalived
// (VIP) and haproxy (two or more nodes) configuration, and released when it leaves; or as a
// host of haplane's external etcd. Only the release and the VIP handover have delete actions,
// and they are bounded local hooks that skip a dead host, so removing a host never waits on it.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { sshConnection } from "../../connection";
import { renderHaproxyCfg } from "../../render/haproxy";
import { apiServerTrackScript, priorityFor, renderKeepalivedConf, vridFor } from "../../render/keepalived";
import { scriptCommand, scriptText } from "../../render/commands";
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
 * dead host, so removing a host never waits on that host. `deletedAfterRelease`: steps whose
 * delete must run once the host is released.
 */
function preparedHost(ctx: OnpremContext, name: string, address: string, roles: HostRole[], parent: pulumi.Resource, deletedAfterRelease: pulumi.Resource[] = []) {
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
        { parent, dependsOn: [prepare, ...deletedAfterRelease] },
    );
    return { prepare, release };
}

/** A host of haplane's external etcd that is not a control-plane host. */
export function onpremEtcdHost(ctx: OnpremContext, args: EtcdHostArgs, parent: pulumi.Resource): Machine {
    const address = hostAddress(ctx, args.name, "etcd.hosts");
    const { prepare, release } = preparedHost(ctx, args.name, address, ["etcd"], parent);
    return { internalIp: pulumi.output(address), externalIp: pulumi.output<string | undefined>(undefined), ref: pulumi.output(args.name), resources: [prepare, release] };
}

export function onpremHost(ctx: OnpremContext, args: MachineArgs, parent: pulumi.Resource): Machine {
    const { config, sshPrivateKey } = ctx;
    const name = args.replica.name;
    const address = hostAddress(ctx, name);
    const connection = sshConnection(config, address, sshPrivateKey);
    const vip = config.endpoint.address;
    const port = config.endpoint.port;
    const keepalived = config.onprem.keepalived;
    const balanced = ctx.replicas.length >= 2;
    // External etcd without hosts of its own runs on the control-plane hosts.
    const colocatedEtcd = config.etcd.topology === "external" && !config.etcd.hosts;
    const others = ctx.replicas.filter((r) => r.name !== name).map((r) => hostAddress(ctx, r.name));
    // When this host leaves, the survivors have already dropped it from their VRRP peers (in
    // this run's updates), so it may have claimed the VIP too, and neighbours' ARP entries may
    // point at it after its release. Once it is released, the remaining replicas announce the
    // VIP: a single one holds it as a plain address that keepalived never announces.
    const handover = keepalived.enabled
        ? [
              sshDeleteHook(
                  `${name}-vip-handover`,
                  { config, member: name, action: "VIP handover", hosts: others, sshPrivateKey, remoteCommand: scriptCommand("vip-announce", [vip]), onUnreachable: "skip" },
                  { parent },
              ),
          ]
        : [];
    const { prepare, release } = preparedHost(ctx, name, address, colocatedEtcd ? ["control-plane", "etcd"] : ["control-plane"], parent, handover);

    // No detection when the interface is given, or when keepalived is off.
    const iface = keepalived.interface || !keepalived.enabled
        ? pulumi.output(keepalived.interface ?? "")
        : new command.remote.Command(
              `${name}-vip-interface`,
              { connection, create: scriptCommand("detect-interface", [vip]), update: scriptCommand("detect-interface", [vip]) },
              { parent, dependsOn: [prepare] },
          ).stdout;
    const index = ctx.replicas.findIndex((r) => r.name === name);
    const vipConfig = iface.apply((interfaceName) =>
        JSON.stringify({
            enabled: keepalived.enabled,
            check: scriptText("check-apiserver"),
            conf: keepalived.enabled
                ? renderKeepalivedConf({
                      nodeName: name,
                      interface: interfaceName.trim(),
                      vip,
                      vrid: keepalived.vrid ?? vridFor(config.clusterName, vip),
                      priority: priorityFor(index),
                      unicastSourceIp: address,
                      unicastPeers: others,
                      advertIntervalSeconds: keepalived.advertIntervalSeconds,
                      trackScript: apiServerTrackScript(port, balanced),
                  })
                : "",
        }),
    );
    const vrrp = new command.remote.Command(
        `${name}-keepalived`,
        { connection, create: scriptCommand("vip-apply"), update: scriptCommand("vip-apply"), stdin: vipConfig },
        { parent, dependsOn: [prepare] },
    );

    const lbConfig = JSON.stringify({
        enabled: balanced,
        cfg: balanced
            ? renderHaproxyCfg({ bindAddress: vip, bindPort: port, backends: ctx.replicas.map((r) => ({ name: r.name, address: hostAddress(ctx, r.name), port })) })
            : "",
    });
    const haproxy = new command.remote.Command(
        `${name}-haproxy`,
        { connection, create: scriptCommand("lb-apply"), update: scriptCommand("lb-apply"), stdin: lbConfig },
        { parent, dependsOn: [prepare] },
    );

    return {
        internalIp: pulumi.output(address),
        externalIp: pulumi.output<string | undefined>(undefined),
        ref: pulumi.output(name),
        resources: [prepare, release, ...handover, vrrp, haproxy],
    };
}
