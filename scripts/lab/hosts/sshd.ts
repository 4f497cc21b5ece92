// Each host's sshd, its PID 1: its configuration and whether it runs.
import * as path from "path";
import { hostDir, LabHost, SSH_PORT } from "./layout";
import { comm, pidAlive, readPid, sameNetns } from "./processes";

export function sshdConfig(h: LabHost): string {
    return [
        `# haplane lab host ${h.name}: written by scripts/lab/hosts`,
        `ListenAddress ${h.address}`,
        `Port ${SSH_PORT}`,
        "HostKey /etc/ssh/ssh_host_ed25519_key",
        "PidFile /run/sshd.pid",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "X11Forwarding no",
        "PrintMotd no",
        "AcceptEnv LANG LC_*",
        "MaxStartups 64:30:128",
        "MaxSessions 64",
        "Subsystem sftp /usr/lib/openssh/sftp-server",
        "",
    ].join("\n");
}

/** The root-namespace PID of the host's sshd while it runs. */
export function runningSshd(h: LabHost): number | undefined {
    const pid = readPid(path.join(hostDir(h.name), "sshd.pid"));
    if (pid === undefined || !pidAlive(pid) || comm(pid) !== "sshd" || !sameNetns(pid, h.name)) return undefined;
    return pid;
}
