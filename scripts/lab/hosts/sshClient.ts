// Reaching lab hosts over SSH as root with the lab key.
import { run, RunResult } from "./exec";
import { LabHost, labKeyPath, resolveHost } from "./layout";

/** ssh options for reaching lab hosts with the lab key (no user config, no known_hosts). */
export function labSshOptions(connectTimeoutSeconds = 5): string[] {
    return [
        "-F", "/dev/null",
        "-i", labKeyPath(),
        "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR",
        "-o", `ConnectTimeout=${connectTimeoutSeconds}`,
    ];
}

/** Runs a shell command as root on a lab host over SSH, bounded by timeoutMs. */
export function labSsh(
    host: string | number | LabHost,
    command: string,
    opts: { timeoutMs?: number; input?: string; connectTimeoutSeconds?: number } = {},
): RunResult {
    const h = resolveHost(host);
    const args = [...labSshOptions(opts.connectTimeoutSeconds), `root@${h.address}`, command];
    return run("ssh", args, { allowFail: true, timeoutMs: opts.timeoutMs ?? 30_000, input: opts.input });
}
