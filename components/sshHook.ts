// A local command whose delete runs a command on a host over SSH (render/scripts/leave.sh):
// delete-time actions (a member's removal on its sponsor, an on-prem host's release) that must
// not depend on any machine resource but their own, and must stay bounded when a host is dead.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";
import { localScriptPath, scriptLine } from "./render/commands";

export interface SshDeleteHookArgs {
    config: StackConfig;
    /** Replica the action is about (for messages). */
    member: string;
    /** Host the command runs on. */
    host: pulumi.Input<string>;
    sshPrivateKey: pulumi.Output<string>;
    /** The command line to run there on delete. */
    remoteCommand: string;
    /** `skip`: an unreachable host is not an error (nothing to clean on a dead host). */
    onUnreachable?: "fail" | "skip";
}

export function sshDeleteHook(name: string, args: SshDeleteHookArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    const ssh = args.config.ssh;
    const script = fs.readFileSync(localScriptPath("leave"), "utf8");
    const bastion = ssh.bastion ? `${ssh.bastion.user ?? ssh.user}@${ssh.bastion.host}:${ssh.bastion.port}` : "";
    return new command.local.Command(
        name,
        {
            create: scriptLine(script, "leave", ["arm"], false),
            update: scriptLine(script, "leave", ["arm"], false),
            delete: scriptLine(script, "leave", ["remove"], false),
            environment: {
                MEMBER: args.member,
                SPONSOR: args.host,
                SSH_USER: ssh.user,
                SSH_PORT: String(ssh.port),
                SSH_KEY: args.sshPrivateKey,
                SSH_BASTION: bastion,
                CONNECT_TIMEOUT: String(ssh.perDialTimeoutSeconds),
                CONNECT_ATTEMPTS: String(ssh.dialErrorLimit),
                REMOTE_COMMAND: args.remoteCommand,
                ON_UNREACHABLE: args.onUnreachable ?? "fail",
            },
        },
        { additionalSecretOutputs: ["stdout", "stderr"], ...opts },
    );
}
