// Stand-in hosts: one sshd per loopback address, so that membership commands run over real
// SSH and a host can be cut off by stopping its sshd. Loopback only; nothing else is reached.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { accepts } from "../../../scripts/tcp";

export const SSH_PORT = 2222;

export class StandinHosts {
    private readonly processes = new Map<string, ChildProcess>();
    readonly clientKey: string;
    readonly clientPublicKey: string;

    constructor(readonly dir: string, readonly addresses: Record<string, string>) {
        fs.mkdirSync(dir, { recursive: true });
        fs.mkdirSync("/run/sshd", { recursive: true }); // sshd's privilege separation folder
        this.clientKey = path.join(dir, "client_ed25519");
        for (const key of [this.clientKey, path.join(dir, "host_ed25519")]) {
            if (!fs.existsSync(key)) run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
        }
        this.clientPublicKey = fs.readFileSync(`${this.clientKey}.pub`, "utf8").trim();
        fs.writeFileSync(path.join(dir, "authorized_keys"), `${this.clientPublicKey}\n`, { mode: 0o600 });
    }

    private config(name: string): string {
        const file = path.join(this.dir, `sshd-${name}.conf`);
        const lines = [
            `Port ${SSH_PORT}`,
            `ListenAddress ${this.addresses[name]}`,
            `HostKey ${path.join(this.dir, "host_ed25519")}`,
            `PidFile ${path.join(this.dir, `sshd-${name}.pid`)}`,
            `AuthorizedKeysFile ${path.join(this.dir, "authorized_keys")}`,
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "LogLevel ERROR",
        ];
        fs.writeFileSync(file, lines.join("\n") + "\n");
        return file;
    }

    async start(name: string): Promise<void> {
        if (this.processes.has(name)) return;
        const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", this.config(name)], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        this.processes.set(name, child);
        const deadline = Date.now() + 10000;
        while (!(await accepts(this.addresses[name], SSH_PORT))) {
            if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd for ${name} did not start: ${stderr}`);
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    /** Cuts the host off: its sshd stops, so connections to it are refused. */
    async stop(name: string): Promise<void> {
        const child = this.processes.get(name);
        if (!child) return;
        this.processes.delete(name);
        child.kill("SIGTERM");
        const deadline = Date.now() + 5000;
        while ((await accepts(this.addresses[name], SSH_PORT)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    }

    async startAll(): Promise<void> {
        for (const name of Object.keys(this.addresses)) await this.start(name);
    }

    async stopAll(): Promise<void> {
        for (const name of [...this.processes.keys()]) await this.stop(name);
    }
}

function run(cmd: string, args: string[]) {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
}

