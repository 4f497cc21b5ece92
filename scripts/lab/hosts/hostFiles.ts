// Each host's own directories under LAB_DIR/hosts/lab-<i> (its /etc, /var/lib, /run, /root, ...),
// the lab's SSH key, and the shims that host-init.sh puts over /usr/local/sbin.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { installNodeBoot, writeNodeEtc } from "../nodeFiles";
import { run } from "./exec";
import { mkdirMode, removeTree } from "./files";
import { BRIDGE_ADDRESS, hostAddress, hostName, LabHost, labKeyPath, MAX_HOSTS, MIN_HOSTS, SBIN_DIR, SCRIPTS_DIR } from "./layout";
import { sshdConfig } from "./sshd";

/** The systemctl shim's sourced parts, next to it in scripts/lab and in SBIN_DIR. */
const SYSTEMCTL_PARTS = "systemctl.d";

export function ensureKey(): void {
    const key = labKeyPath();
    if (fs.existsSync(key) && fs.existsSync(`${key}.pub`)) return;
    fs.rmSync(key, { force: true });
    fs.rmSync(`${key}.pub`, { force: true });
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "haplane-lab", "-f", key]);
}

/** Copies a file over target in place (same inode): running hosts have SBIN_DIR bind-mounted. */
function writeInPlace(source: string, target: string, mode: number): void {
    fs.writeFileSync(target, fs.readFileSync(source));
    fs.chmodSync(target, mode);
}

export function installShims(): void {
    mkdirMode(SBIN_DIR, 0o755);
    // The parts first, so that a running host never has a systemctl newer than its parts.
    const partsSource = path.join(SCRIPTS_DIR, SYSTEMCTL_PARTS);
    const partsTarget = path.join(SBIN_DIR, SYSTEMCTL_PARTS);
    mkdirMode(partsTarget, 0o755);
    for (const part of fs.readdirSync(partsSource).filter((f) => f.endsWith(".sh"))) {
        writeInPlace(path.join(partsSource, part), path.join(partsTarget, part), 0o644);
    }
    // Running hosts also have the file itself bind-mounted over /usr/bin/systemctl.
    writeInPlace(path.join(SCRIPTS_DIR, "systemctl"), path.join(SBIN_DIR, "systemctl"), 0o755);
    installNodeBoot(SBIN_DIR);
}

function etcHosts(h: LabHost): string {
    const lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", `${BRIDGE_ADDRESS}\thaplane-lab-bridge`];
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) lines.push(`${hostAddress(i)}\t${hostName(i)}`);
    return `# haplane lab host ${h.name}\n${lines.join("\n")}\n`;
}

/** The host's /etc: a copy of the real /etc with its own host name, host keys and sshd config. */
export function makeEtc(h: LabHost, dir: string): void {
    const etc = path.join(dir, "etc");
    if (fs.existsSync(etc)) return;
    const tmp = `${etc}.new`;
    removeTree(tmp);
    run("cp", ["-a", "/etc", tmp], { timeoutMs: 120_000 });
    for (const f of fs.readdirSync(path.join(tmp, "ssh"))) {
        if (f.startsWith("ssh_host_")) fs.rmSync(path.join(tmp, "ssh", f));
    }
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `root@${h.name}`, "-f", path.join(tmp, "ssh", "ssh_host_ed25519_key")]);
    fs.writeFileSync(path.join(tmp, "ssh", "sshd_config"), sshdConfig(h));
    fs.writeFileSync(path.join(tmp, "hostname"), `${h.name}\n`);
    fs.writeFileSync(path.join(tmp, "hosts"), etcHosts(h));
    fs.rmSync(path.join(tmp, "machine-id"), { force: true });
    fs.writeFileSync(path.join(tmp, "machine-id"), `${crypto.randomBytes(16).toString("hex")}\n`, { mode: 0o444 });
    const keepalived = path.join(tmp, "default", "keepalived");
    if (fs.existsSync(keepalived)) {
        // No syslog in a lab host: keepalived logs to stdout, which the systemctl shim keeps in
        // /var/log/haplane-lab/keepalived.log.
        fs.writeFileSync(keepalived, '# haplane lab host: log to the console (/var/log/haplane-lab/keepalived.log)\nDAEMON_ARGS="--log-console --log-detail"\n');
    }
    writeNodeEtc(tmp, h);
    fs.renameSync(tmp, etc);
}

/** The host's /var/lib: the real one's top-level directories, empty, with their owners and modes. */
export function makeVarLib(dir: string): void {
    const varLib = path.join(dir, "var-lib");
    if (fs.existsSync(varLib)) return;
    const tmp = `${varLib}.new`;
    removeTree(tmp);
    mkdirMode(tmp, 0o755);
    for (const entry of fs.readdirSync("/var/lib", { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const st = fs.statSync(path.join("/var/lib", entry.name));
        mkdirMode(path.join(tmp, entry.name), st.mode & 0o7777, st.uid, st.gid);
    }
    mkdirMode(path.join(tmp, "dpkg"), 0o755); // mount point for the real one, read-only
    mkdirMode(path.join(tmp, "haplane-lab"), 0o755);
    fs.renameSync(tmp, varLib);
}

function userIds(name: string): { uid: number; gid: number } | undefined {
    const line = fs
        .readFileSync("/etc/passwd", "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${name}:`));
    if (!line) return undefined;
    const f = line.split(":");
    return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** What a boot would give the host: empty /run, /tmp, /var/tmp (with what sshd etc. expect). */
export function resetVolatile(dir: string): void {
    for (const d of ["run", "tmp", "var-tmp"]) removeTree(path.join(dir, d));
    const runDir = path.join(dir, "run");
    mkdirMode(runDir, 0o755);
    mkdirMode(path.join(runDir, "sshd"), 0o755); // sshd's privilege separation directory
    mkdirMode(path.join(runDir, "lock"), 0o1777);
    mkdirMode(path.join(runDir, "user"), 0o755);
    mkdirMode(path.join(runDir, "haplane-lab"), 0o755);
    const haproxy = userIds("haproxy");
    if (haproxy) mkdirMode(path.join(runDir, "haproxy"), 0o2775, haproxy.uid, haproxy.gid);
    mkdirMode(path.join(dir, "tmp"), 0o1777);
    mkdirMode(path.join(dir, "var-tmp"), 0o1777);
}

/** The host's /root: /etc/skel once, and the lab key as root's only authorized key. */
export function makeRoot(dir: string): void {
    const root = path.join(dir, "root");
    if (!fs.existsSync(root)) {
        mkdirMode(root, 0o700);
        run("cp", ["-a", "/etc/skel/.", root]);
    }
    mkdirMode(path.join(root, ".ssh"), 0o700);
    fs.writeFileSync(path.join(root, ".ssh", "authorized_keys"), fs.readFileSync(`${labKeyPath()}.pub`), { mode: 0o600 });
}
