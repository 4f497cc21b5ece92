// Deploys for the bench: the lab itself, and the lab stack again with another tuning. Each runs
// in a child process (deploy-child.ts) because the lab's deploy is synchronous: only a child can
// be bounded by a timeout and killed.
import { spawn } from "child_process";
import * as path from "path";
import { LabTuning } from "../../lab/stack";
import { fmtMs, now } from "../probes";
import { changed, isDefaultTuning } from "./changed";
import { say } from "./say";
import { DEPLOY_TIMEOUT_MS } from "./settings";

const REPO = path.resolve(__dirname, "..", "..", "..");
const DEPLOY_CHILD = path.join(__dirname, "..", "deploy-child.ts");

export class DeployError extends Error {}

/** Runs deploy-child.ts in its own process group, killed (group and all) after timeoutMs. */
export async function deployChild(args: string[], timeoutMs: number): Promise<void> {
    const started = now();
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", DEPLOY_CHILD, ...args], {
        cwd: REPO,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const code = await new Promise<number | string | null>((resolve) => {
        const timer = setTimeout(() => {
            try {
                if (child.pid) process.kill(-child.pid, "SIGKILL");
            } catch {
                /* gone */
            }
            resolve("timeout");
        }, timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            resolve(e.message);
        });
        child.on("close", (c) => {
            clearTimeout(timer);
            resolve(c);
        });
    });
    const lines = out.trim().split("\n");
    const tail = lines.slice(-25).join("\n");
    if (code !== 0) {
        const errors = [...new Set(lines.filter((l) => /error/i.test(l)).map((l) => l.trim().slice(0, 300)))].slice(0, 12);
        throw new DeployError(
            `deploy (${args.join(" ")}) ${code === "timeout" ? `timed out after ${timeoutMs / 1000} s` : `failed (${String(code)})`}:\n` +
                (errors.length ? errors.map((l) => `  ! ${l}`).join("\n") : tail),
        );
    }
    say(`  ${args.join(" ")}: done in ${fmtMs(now() - started)}`);
    if (args[0] === "lab") say(tail.replace(/^/gm, "  | "));
}

export async function deployTuning(tuning: LabTuning): Promise<void> {
    say(`re-deploying the lab stack (real pulumi up) with ${isDefaultTuning(tuning) ? "the platform's defaults" : JSON.stringify(tuning)} ...`);
    changed.tuning = undefined; // unknown until the deploy finishes
    await deployChild(["tune", JSON.stringify(tuning)], DEPLOY_TIMEOUT_MS);
    changed.tuning = tuning;
}
