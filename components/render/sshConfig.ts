// The OpenSSH client configuration of delete-time actions (render/scripts/leave.sh), rendered
// through the config emitter. leave.sh passes it with `ssh -F`, so the bastion reaches OpenSSH
// as configuration, never inside a ProxyCommand (which OpenSSH runs through /bin/sh): the jump
// is `ProxyJump haplane-bastion`, an alias this file defines, and OpenSSH hands the same `-F`
// file to the jump's own ssh, so both hops use the same key and options. Pure.
import { block, checkInteger, comment, directive, envReference, renderSections } from "./configText";

/** The alias of the bastion in the rendered file (the name OpenSSH's ProxyJump uses). */
export const BASTION_ALIAS = "haplane-bastion";
/** leave.sh writes the private key to a file of its own and names it in this variable. */
export const KEY_FILE_VARIABLE = "HAPLANE_SSH_KEY_FILE";

export interface SshClientSettings {
    user: string;
    port: number;
    connectTimeoutSeconds: number;
    connectionAttempts: number;
    bastion?: { host: string; port: number; user: string };
}

export function renderSshConfig(s: SshClientSettings): string {
    const hop = [
        directive("IdentityFile", envReference(KEY_FILE_VARIABLE)),
        directive("IdentitiesOnly", "yes"),
        directive("BatchMode", "yes"),
        // Nodes are reached by address and their host keys are new with every machine.
        directive("StrictHostKeyChecking", "no"),
        directive("UserKnownHostsFile", "/dev/null"),
        directive("LogLevel", "ERROR"),
        directive("ConnectTimeout", checkInteger("ssh connect timeout", s.connectTimeoutSeconds, 1, 3600)),
        directive("ConnectionAttempts", checkInteger("ssh connection attempts", s.connectionAttempts, 1, 100)),
        directive("ServerAliveInterval", 10),
        directive("ServerAliveCountMax", 3),
    ];
    const b = s.bastion;
    return renderSections(
        [
            comment("haplane: SSH client settings of a removal or release (leave.sh)"),
            // ssh_config takes the first value it finds for a keyword, so the bastion's own
            // block comes first and says it is not reached through itself.
            b &&
                block(
                    ["Host", BASTION_ALIAS],
                    [directive("HostName", b.host), directive("User", b.user), directive("Port", checkInteger("ssh bastion port", b.port, 1, 65535)), directive("ProxyJump", "none")],
                ),
            block(
                ["Host", "*"],
                [
                    directive("User", s.user),
                    directive("Port", checkInteger("ssh port", s.port, 1, 65535)),
                    b && directive("ProxyJump", BASTION_ALIAS),
                    ...hop,
                ].filter((e): e is ReturnType<typeof directive> => !!e),
            ),
        ],
        { envReferences: true },
    );
}
