// A local command whose delete runs a command on hosts over SSH (render/scripts/leave.sh):
// delete-time actions (a member's removal on its sponsor, an on-prem host's release, its VIP
// handover: on the host, then on the other replicas) that must not depend on any machine resource but their
// own, and must stay bounded when a host is dead.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";
import { localScriptPath, scriptLine } from "./render/commands";
import { renderSshConfig } from "./render/sshConfig";

export interface SshDeleteHookArgs {
    config: StackConfig;
    /** Replica the action is about (for messages). */
    member: string;
    /** What the action is, for messages. */
    action: "removal" | "release" | "VIP handover";
    /** Hosts the command runs on, in turn (a removal and a release name one). */
    hosts: pulumi.Input<string>[];
    sshPrivateKey: pulumi.Output<string>;
    /** The command line to run there on delete. */
    remoteCommand: string;
    /** `skip`: an unreachable host is not an error (nothing to clean on a dead host). */
    onUnreachable?: "fail" | "skip";
}

export function sshDeleteHook(name: string, args: SshDeleteHookArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    const ssh = args.config.ssh;
    const script = fs.readFileSync(localScriptPath("leave"), "utf8");
    // The bastion reaches OpenSSH as configuration (ProxyJump to an alias), never as shell text.
    const clientConfig = renderSshConfig({
        user: ssh.user,
        port: ssh.port,
        connectTimeoutSeconds: ssh.perDialTimeoutSeconds,
        connectionAttempts: ssh.dialErrorLimit,
        bastion: ssh.bastion && { host: ssh.bastion.host, port: ssh.bastion.port, user: ssh.bastion.user ?? ssh.user },
    });
    return new command.local.Command(
        name,
        {
            create: scriptLine(script, "leave", ["arm"], false),
            update: scriptLine(script, "leave", ["arm"], false),
            delete: scriptLine(script, "leave", ["remove"], false),
            environment: {
                MEMBER: args.member,
                ACTION: args.action,
                HOSTS: pulumi.all(args.hosts).apply((hosts) => hosts.join("\n")),
                SSH_KEY: args.sshPrivateKey,
                SSH_CONFIG: clientConfig,
                CONNECT_TIMEOUT: String(ssh.perDialTimeoutSeconds),
                CONNECT_ATTEMPTS: String(ssh.dialErrorLimit),
                REMOTE_COMMAND: args.remoteCommand,
                ON_UNREACHABLE: args.onUnreachable ?? "fail",
            },
        },
        { additionalSecretOutputs: ["stdout", "stderr"], ...opts },
    );
}
