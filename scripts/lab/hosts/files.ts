// File operations the lab trusts with its trees: directories with modes, removal that never crosses a mount.
import * as fs from "fs";
import { run } from "./exec";

/** Mount points at or under dir in this (the root) mount namespace, deepest first. */
export function mountsUnder(dir: string): string[] {
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
    return fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => unescape(line.split(" ")[4]))
        .filter((m) => m === dir || m.startsWith(dir + "/"))
        .sort((a, b) => b.length - a.length);
}

/** rm -rf that refuses to run while anything is mounted below and never crosses a file system. */
export function removeTree(dir: string): void {
    if (!fs.existsSync(dir)) return;
    const mounts = mountsUnder(dir);
    if (mounts.length) throw new Error(`refusing to remove ${dir}: mounted below it: ${mounts.join(", ")}`);
    run("rm", ["-rf", "--one-file-system", "--", dir], { timeoutMs: 120_000 });
}

export function mkdirMode(dir: string, mode: number, uid = 0, gid = 0): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, mode);
    fs.chownSync(dir, uid, gid);
}
