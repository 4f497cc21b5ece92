// SSH connection to a node's own address (never the floating endpoint): a Command's delete
// runs with the connection stored at create time, so it must stay valid for the node's life.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";

export function sshConnection(
    config: StackConfig,
    host: pulumi.Input<string>,
    privateKey: pulumi.Output<string>,
): command.types.input.remote.ConnectionArgs {
    const ssh = config.ssh;
    const bounded = { dialErrorLimit: ssh.dialErrorLimit, perDialTimeout: ssh.perDialTimeoutSeconds };
    return {
        host,
        port: ssh.port,
        user: ssh.user,
        privateKey,
        ...bounded,
        proxy: ssh.bastion
            ? { host: ssh.bastion.host, port: ssh.bastion.port, user: ssh.bastion.user ?? ssh.user, privateKey, ...bounded }
            : undefined,
    };
}
