// The lab's view of processes (from /proc in the root namespace) and how it ends them.
import * as fs from "fs";
import { sleep } from "./exec";

function procStat(pid: number): { state: string; ppid: number; start: string } | undefined {
    let stat: string;
    try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
        return undefined;
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: f[0], ppid: Number(f[1]), start: f[19] };
}

/** The process exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
    const s = procStat(pid);
    return s !== undefined && s.state !== "Z" && s.state !== "X";
}

export function comm(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
        return "";
    }
}

export function readPid(file: string): number | undefined {
    try {
        const pid = Number(fs.readFileSync(file, "utf8").trim());
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
        return undefined;
    }
}

/** The process runs in the named network namespace (so a recorded PID is still the host's). */
export function sameNetns(pid: number, name: string): boolean {
    try {
        return fs.statSync(`/proc/${pid}/ns/net`).ino === fs.statSync(`/run/netns/${name}`).ino;
    } catch {
        return false;
    }
}

export function childrenOf(parent: number): number[] {
    return fs
        .readdirSync("/proc")
        .filter((d) => /^[0-9]+$/.test(d))
        .map(Number)
        .filter((pid) => procStat(pid)?.ppid === parent);
}

/** SIGTERM, a bounded wait, then SIGKILL; returns the PIDs still alive afterwards. */
export async function terminate(pids: number[], graceMs = 5000): Promise<number[]> {
    const signal = (sig: NodeJS.Signals, list: number[]) => {
        for (const pid of list) {
            try {
                process.kill(pid, sig);
            } catch {
                /* gone already */
            }
        }
    };
    const waitGone = async (list: number[], ms: number) => {
        const deadline = Date.now() + ms;
        let left = list.filter(pidAlive);
        while (left.length && Date.now() < deadline) {
            await sleep(100);
            left = left.filter(pidAlive);
        }
        return left;
    };
    signal("SIGTERM", pids);
    const left = await waitGone(pids, graceMs);
    signal("SIGKILL", left);
    return waitGone(left, 3000);
}
