// Boots one lab host: host-init.sh as PID 1 of the host's namespaces, until its sshd accepts.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { accepts } from "../../tcp";
import { toolchainImages } from "../nodeFiles";
import { sleep } from "./exec";
import { resetVolatile } from "./hostFiles";
import { LabHost, SBIN_DIR, SCRIPTS_DIR, SSH_PORT } from "./layout";
import { childrenOf, comm, pidAlive, terminate } from "./processes";

/** The toolchain's binaries, which host-init.sh puts over /usr/local/bin, when they are built. */
function toolchainBin(): string | undefined {
    const dir = path.join(process.env.HAPLANE_TOOLCHAIN_DIR || path.join(os.homedir(), ".cache", "haplane-toolchain"), "bin");
    return fs.existsSync(dir) ? dir : undefined;
}

/** Starts the host from its state directory; resolves with its sshd's root-namespace PID. */
export async function startHost(h: LabHost, dir: string): Promise<number> {
    resetVolatile(dir);
    const logFile = path.join(dir, "log", "sshd.log");
    const out = fs.openSync(logFile, "a");
    const args = ["netns", "exec", h.name, "/usr/bin/unshare", "--mount", "--uts", "--pid", "--fork", "--mount-proc", "--propagation", "private", "--"];
    // With the toolchain's images the host boots as a Kubernetes node (containerd, images).
    const images = toolchainImages();
    args.push("/bin/bash", path.join(SCRIPTS_DIR, "host-init.sh"), dir, h.name, SBIN_DIR, toolchainBin() ?? "", images ?? "");
    const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8", HOME: "/root" };
    const anchor = spawn("ip", args, { detached: true, stdio: ["ignore", out, out], env, cwd: "/" });
    anchor.unref();
    fs.closeSync(out);
    const anchorPid = anchor.pid;
    if (anchorPid === undefined) throw new Error(`could not start ${h.name}`);
    fs.writeFileSync(path.join(dir, "anchor.pid"), `${anchorPid}\n`);

    // A node imports its images at first boot (about a minute on 2 cores).
    const bootSeconds = images ? 240 : 15;
    const deadline = Date.now() + bootSeconds * 1000;
    let sshd: number | undefined;
    for (;;) {
        sshd ??= childrenOf(anchorPid).find((pid) => comm(pid) === "sshd");
        if (sshd !== undefined && (await accepts(h.address, SSH_PORT))) break;
        if (!pidAlive(anchorPid) || Date.now() > deadline) {
            const log = fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
            await terminate([anchorPid, ...(sshd ? [sshd] : [])], 1000);
            throw new Error(`${h.name}: sshd did not come up on ${h.address}:${SSH_PORT} within ${bootSeconds} s; ${logFile}:\n${log}`);
        }
        await sleep(100);
    }
    fs.writeFileSync(path.join(dir, "sshd.pid"), `${sshd}\n`);
    return sshd;
}
