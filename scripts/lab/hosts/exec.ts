// Running the lab's external commands (ip, cp, ssh-keygen, ssh, ...), each bounded in time.
import { spawnSync } from "child_process";

export interface RunResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs cmd; throws with its stderr on a failure or a timeout unless allowFail. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; allowFail?: boolean; input?: string } = {}): RunResult {
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: opts.timeoutMs ?? 30_000, killSignal: "SIGKILL", input: opts.input });
    const result = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    if (!opts.allowFail && (r.error || r.status !== 0)) {
        const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
        throw new Error(`${cmd} ${args.join(" ")} failed (${why}): ${result.stderr.trim()}`);
    }
    return result;
}

export function ip(args: string[], allowFail = false): RunResult {
    return run("ip", args, { allowFail, timeoutMs: 15_000 });
}

export function requireRoot(what: string): void {
    if (process.getuid?.() !== 0) throw new Error(`lab ${what} needs root (network namespaces, veths, bind mounts)`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
