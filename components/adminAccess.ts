// The stack's admin access (HaControlPlane's kubeconfig, clusterCaCertificate and
// kubeconfigExpires): kubeadm's admin kubeconfig read from the first replica once it is a
// member, with its server set to the cluster's endpoint. Read again whenever the first
// replica changes; the kubeconfig stays a Pulumi secret from the node's stdout on.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";
import { sshConnection } from "./connection";
import { ControlPlaneNode } from "./ControlPlaneNode";
import { MembershipCommands } from "./render/commands";
import { adminAccess } from "./render/kubeconfig";

export interface AdminAccessArgs {
    /** SSH settings for reaching the node. */
    config: StackConfig;
    /** The replica to read from (the first in join order). */
    node: ControlPlaneNode;
    /** Its init or join: kubeadm has written the admin kubeconfig once it exists. */
    member: pulumi.Resource;
    /** SSH private key for the nodes (a Pulumi secret). */
    sshPrivateKey: pulumi.Output<string>;
    /** What prints the admin kubeconfig on a member. */
    run: MembershipCommands;
    /** The endpoint's URL, the kubeconfig's server. */
    serverUrl: pulumi.Output<string>;
    parent: pulumi.Resource;
}

export interface AdminAccessOutputs {
    /** A Pulumi secret. */
    kubeconfig: pulumi.Output<string>;
    caCertificate: pulumi.Output<string>;
    /** ISO 8601. */
    expires: pulumi.Output<string>;
}

export function readAdminAccess(args: AdminAccessArgs): AdminAccessOutputs {
    const name = args.node.replica.name;
    const read = new command.remote.Command(
        "admin-kubeconfig",
        {
            connection: sshConnection(args.config, args.node.internalIp, args.sshPrivateKey),
            create: args.run.adminKubeconfig(name),
            update: args.run.adminKubeconfig(name),
            logging: "none",
        },
        { parent: args.parent, dependsOn: [args.member], additionalSecretOutputs: ["stdout", "stderr"] },
    );
    const access = pulumi
        .all([read.stdout, args.serverUrl])
        .apply(([conf, url]) => adminAccess(conf, url, `${name}'s /etc/kubernetes/admin.conf`));
    return {
        kubeconfig: pulumi.secret(access.apply((a) => a.kubeconfig)),
        // Neither is secret: the CA certificate is what every client is given.
        caCertificate: pulumi.unsecret(access.apply((a) => a.caCertificate)),
        expires: pulumi.unsecret(access.apply((a) => a.expires)),
    };
}
