// The local lab's hosts: up to seven Linux network namespaces on one bridge, each with its own
// /etc, /var/lib, /run (and /var/log, /root, /tmp) and its own sshd, so that the on-prem
// platform can be deployed on this machine for real, over SSH. Lab only; needs root.
//
//   root namespace: bridge haplane-br0 198.18.0.1/24 (no route anywhere else)
//     veth haplane-l<i>  <->  eth0 198.18.0.(10+i)/24 in network namespace lab-<i>
//   lab-<i>: ip netns exec lab-<i> unshare --mount --uts --pid --fork --mount-proc
//            --propagation private bash host-init.sh ...  ->  sshd -D (PID 1 of the host)
//
// host-init.sh bind-mounts the host's directories from LAB_DIR/hosts/lab-<i>/ over the real
// paths inside that private mount namespace only; nothing is mounted in the root namespace
// and nothing propagates back. A PID namespace per host keeps `pidof haproxy` (keepalived's
// track script) and friends to the host's own processes; when sshd, the host's PID 1, dies,
// the kernel ends every process of the host. Everything the lab creates is named lab-<i>,
// haplane-l<i>, haplane-br0 or lives under LAB_DIR, and links carry the alias "haplane-lab",
// so that labDown() removes exactly that.
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { accepts } from "../tcp";
import { installNodeBoot, removeHostCgroups, toolchainImages, writeNodeEtc } from "./nodeFiles";
import { requirePrerequisites } from "./prerequisites";

export const LAB_DIR = "/var/tmp/haplane-lab";
export const BRIDGE = "haplane-br0";
export const BRIDGE_ADDRESS = "198.18.0.1";
export const PREFIX_LENGTH = 24;
export const MIN_HOSTS = 1;
export const MAX_HOSTS = 7;
export const DEFAULT_HOSTS = 3;
export const SSH_PORT = 22;
/** Services whose processes labStatus() reports. */
export const WATCHED_SERVICES = ["keepalived", "haproxy", "etcd", "containerd", "kubelet", "kube-apiserver"] as const;

const MARK = "haplane-lab"; // alias of every link the lab creates
const SCRIPTS_DIR = __dirname;
const SBIN_DIR = path.join(LAB_DIR, "sbin"); // bind-mounted over /usr/local/sbin inside hosts
const HOSTS_DIR = path.join(LAB_DIR, "hosts");

export interface LabHost {
    name: string;
    index: number;
    address: string;
}

export interface HostStatus extends LabHost {
    /** eth0 inside the host: up, down (cutOff), or absent (no namespace). */
    link: "up" | "down" | "absent";
    sshd: boolean;
    /** Root-namespace PID of the host's sshd (its PID 1), when running. */
    sshdPid?: number;
    /** Which of WATCHED_SERVICES have a process in the host. */
    services: string[];
}

/** An invalid command-line argument; the CLI prints the message and exits 2. */
export class LabUsageError extends Error {}

export function hostName(index: number): string {
    return `lab-${index}`;
}

export function hostAddress(index: number): string {
    return `198.18.0.${10 + index}`;
}

export function labKeyPath(): string {
    return path.join(LAB_DIR, "id_ed25519");
}

export function hostDir(name: string): string {
    return path.join(HOSTS_DIR, name);
}

function vethName(index: number): string {
    return `haplane-l${index}`;
}

function labHost(index: number): LabHost {
    return { name: hostName(index), index, address: hostAddress(index) };
}

/** Parses the N of `up [N]`: a whole number from MIN_HOSTS to MAX_HOSTS, DEFAULT_HOSTS when absent. */
export function parseHostCount(arg: string | number | undefined): number {
    if (arg === undefined) return DEFAULT_HOSTS;
    const text = String(arg).trim();
    const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < MIN_HOSTS || n > MAX_HOSTS) {
        throw new LabUsageError(
            `lab up: N (the number of lab hosts) must be a whole number from ${MIN_HOSTS} to ${MAX_HOSTS}, got ${JSON.stringify(String(arg))}`,
        );
    }
    return n;
}

/** Finds a lab host by name ("lab-2"), index or LabHost. */
export function resolveHost(host: string | number | LabHost): LabHost {
    const index = typeof host === "number" ? host : typeof host === "string" ? Number(/^lab-([0-9]+)$/.exec(host)?.[1]) : host.index;
    if (!Number.isInteger(index) || index < MIN_HOSTS || index > MAX_HOSTS) {
        throw new LabUsageError(`not a lab host: ${JSON.stringify(host)} (lab hosts are lab-${MIN_HOSTS} .. lab-${MAX_HOSTS})`);
    }
    return labHost(index);
}

// --- running commands, bounded ----------------------------------------------------------------

export interface RunResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

function run(cmd: string, args: string[], opts: { timeoutMs?: number; allowFail?: boolean; input?: string } = {}): RunResult {
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: opts.timeoutMs ?? 30_000, killSignal: "SIGKILL", input: opts.input });
    const result = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    if (!opts.allowFail && (r.error || r.status !== 0)) {
        const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
        throw new Error(`${cmd} ${args.join(" ")} failed (${why}): ${result.stderr.trim()}`);
    }
    return result;
}

function ip(args: string[], allowFail = false): RunResult {
    return run("ip", args, { allowFail, timeoutMs: 15_000 });
}

function requireRoot(what: string): void {
    if (process.getuid?.() !== 0) throw new Error(`lab ${what} needs root (network namespaces, veths, bind mounts)`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- links and namespaces ---------------------------------------------------------------------

interface LinkInfo {
    ifname: string;
    flags: string[];
    ifalias?: string;
    master?: string;
}

function linkInfo(name: string, netns?: string): LinkInfo | undefined {
    const r = ip([...(netns ? ["-n", netns] : []), "-j", "link", "show", "dev", name], true);
    if (r.status !== 0) return undefined;
    return (JSON.parse(r.stdout) as LinkInfo[])[0];
}

function hasAddress(dev: string, address: string, netns?: string): boolean {
    const r = ip([...(netns ? ["-n", netns] : []), "-j", "addr", "show", "dev", dev], true);
    if (r.status !== 0) return false;
    const links = JSON.parse(r.stdout) as { addr_info?: { local: string; prefixlen: number }[] }[];
    return links.some((l) => (l.addr_info ?? []).some((a) => a.local === address && a.prefixlen === PREFIX_LENGTH));
}

function netnsNames(): string[] {
    const out = ip(["-j", "netns", "list"]).stdout.trim();
    if (!out) return [];
    return (JSON.parse(out) as { name: string }[]).map((n) => n.name);
}

/** A namespace named like a lab host is the lab's when it has a state directory or the lab's mark. */
function namespaceIsOurs(h: LabHost): boolean {
    return fs.existsSync(hostDir(h.name)) || (linkInfo("eth0", h.name)?.ifalias ?? "").startsWith(MARK);
}

/** The lab's namespaces that exist. */
function labNamespaces(log: (line: string) => void = () => {}): LabHost[] {
    const existing = new Set(netnsNames());
    const ours: LabHost[] = [];
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) {
        const h = labHost(i);
        if (!existing.has(h.name)) continue;
        if (namespaceIsOurs(h)) ours.push(h);
        else log(`leaving network namespace ${h.name} alone: the lab did not create it`);
    }
    return ours;
}

/** Fails, before anything is created, when a name the lab needs is taken by something else. */
function preflight(count: number): void {
    const taken: string[] = [];
    const br = linkInfo(BRIDGE);
    if (br && br.ifalias !== MARK) taken.push(`link ${BRIDGE}`);
    const existing = new Set(netnsNames());
    for (let i = MIN_HOSTS; i <= count; i++) {
        const h = labHost(i);
        if (existing.has(h.name) && !namespaceIsOurs(h)) taken.push(`network namespace ${h.name}`);
        const v = linkInfo(vethName(i));
        if (v && v.ifalias !== MARK) taken.push(`link ${vethName(i)}`);
    }
    if (taken.length) throw new Error(`the lab did not create, and will not take over: ${taken.join(", ")}; remove or rename them first`);
}

function netnsPids(name: string): number[] {
    const r = ip(["netns", "pids", name], true);
    if (r.status !== 0) return [];
    return r.stdout.split(/\s+/).filter(Boolean).map(Number);
}

// --- processes --------------------------------------------------------------------------------

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

function comm(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
        return "";
    }
}

function readPid(file: string): number | undefined {
    try {
        const pid = Number(fs.readFileSync(file, "utf8").trim());
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
        return undefined;
    }
}

function sameNetns(pid: number, name: string): boolean {
    try {
        return fs.statSync(`/proc/${pid}/ns/net`).ino === fs.statSync(`/run/netns/${name}`).ino;
    } catch {
        return false;
    }
}

/** The root-namespace PID of the host's sshd while it runs. */
function runningSshd(h: LabHost): number | undefined {
    const pid = readPid(path.join(hostDir(h.name), "sshd.pid"));
    if (pid === undefined || !pidAlive(pid) || comm(pid) !== "sshd" || !sameNetns(pid, h.name)) return undefined;
    return pid;
}

function childrenOf(parent: number): number[] {
    return fs
        .readdirSync("/proc")
        .filter((d) => /^[0-9]+$/.test(d))
        .map(Number)
        .filter((pid) => procStat(pid)?.ppid === parent);
}

/** SIGTERM, a bounded wait, then SIGKILL; returns the PIDs still alive afterwards. */
async function terminate(pids: number[], graceMs = 5000): Promise<number[]> {
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

// --- files ------------------------------------------------------------------------------------

/** Mount points at or under dir in this (the root) mount namespace, deepest first. */
function mountsUnder(dir: string): string[] {
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
function removeTree(dir: string): void {
    if (!fs.existsSync(dir)) return;
    const mounts = mountsUnder(dir);
    if (mounts.length) throw new Error(`refusing to remove ${dir}: mounted below it: ${mounts.join(", ")}`);
    run("rm", ["-rf", "--one-file-system", "--", dir], { timeoutMs: 120_000 });
}

function mkdirMode(dir: string, mode: number, uid = 0, gid = 0): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, mode);
    fs.chownSync(dir, uid, gid);
}

function ensureKey(): void {
    const key = labKeyPath();
    if (fs.existsSync(key) && fs.existsSync(`${key}.pub`)) return;
    fs.rmSync(key, { force: true });
    fs.rmSync(`${key}.pub`, { force: true });
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "haplane-lab", "-f", key]);
}

function installShims(): void {
    mkdirMode(SBIN_DIR, 0o755);
    const target = path.join(SBIN_DIR, "systemctl");
    // Written in place (same inode): running hosts have it bind-mounted over /usr/bin/systemctl.
    fs.writeFileSync(target, fs.readFileSync(path.join(SCRIPTS_DIR, "systemctl")));
    fs.chmodSync(target, 0o755);
    installNodeBoot(SBIN_DIR);
}

function etcHosts(h: LabHost): string {
    const lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", `${BRIDGE_ADDRESS}\thaplane-lab-bridge`];
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) lines.push(`${hostAddress(i)}\t${hostName(i)}`);
    return `# haplane lab host ${h.name}\n${lines.join("\n")}\n`;
}

function sshdConfig(h: LabHost): string {
    return [
        `# haplane lab host ${h.name}: written by scripts/lab/hosts.ts`,
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

/** The host's /etc: a copy of the real /etc with its own host name, host keys and sshd config. */
function makeEtc(h: LabHost, dir: string): void {
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
    writeNodeEtc(tmp, h.name);
    fs.renameSync(tmp, etc);
}

/** The host's /var/lib: the real one's top-level directories, empty, with their owners and modes. */
function makeVarLib(dir: string): void {
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
function resetVolatile(dir: string): void {
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

function makeRoot(dir: string): void {
    const root = path.join(dir, "root");
    if (!fs.existsSync(root)) {
        mkdirMode(root, 0o700);
        run("cp", ["-a", "/etc/skel/.", root]);
    }
    mkdirMode(path.join(root, ".ssh"), 0o700);
    fs.writeFileSync(path.join(root, ".ssh", "authorized_keys"), fs.readFileSync(`${labKeyPath()}.pub`), { mode: 0o600 });
}

function toolchainBin(): string | undefined {
    const dir = path.join(process.env.HAPLANE_TOOLCHAIN_DIR || path.join(os.homedir(), ".cache", "haplane-toolchain"), "bin");
    return fs.existsSync(dir) ? dir : undefined;
}

// --- up ---------------------------------------------------------------------------------------

function ensureBridge(): void {
    const br = linkInfo(BRIDGE);
    if (br && br.ifalias !== MARK) throw new Error(`a link named ${BRIDGE} exists that the lab did not create (no alias "${MARK}"); remove or rename it first`);
    if (!br) {
        ip(["link", "add", BRIDGE, "type", "bridge"]);
        ip(["link", "set", BRIDGE, "alias", MARK]);
    }
    if (!hasAddress(BRIDGE, BRIDGE_ADDRESS)) ip(["addr", "add", `${BRIDGE_ADDRESS}/${PREFIX_LENGTH}`, "dev", BRIDGE]);
    ip(["link", "set", BRIDGE, "up"]);
}

function ensureNetwork(h: LabHost): void {
    if (!netnsNames().includes(h.name)) ip(["netns", "add", h.name]);
    const veth = vethName(h.index);
    const v = linkInfo(veth);
    if (v && v.ifalias !== MARK) throw new Error(`a link named ${veth} exists that the lab did not create; remove or rename it first`);
    if (!v) {
        if (linkInfo("eth0", h.name)) ip(["-n", h.name, "link", "del", "eth0"]);
        ip(["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", h.name]);
        ip(["link", "set", veth, "alias", MARK]);
        ip(["-n", h.name, "link", "set", "eth0", "alias", `${MARK} ${h.name}`]);
    }
    ip(["link", "set", veth, "master", BRIDGE]);
    ip(["link", "set", veth, "up"]);
    ip(["-n", h.name, "link", "set", "lo", "up"]);
    if (!hasAddress("eth0", h.address, h.name)) ip(["-n", h.name, "addr", "add", `${h.address}/${PREFIX_LENGTH}`, "dev", "eth0"]);
    ip(["-n", h.name, "link", "set", "eth0", "up"]);
}

async function startHost(h: LabHost, dir: string): Promise<number> {
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

/**
 * Creates lab-1 .. lab-N (default 3). Idempotent: running hosts are left untouched, missing
 * or stopped ones are (re)started; hosts beyond N are left alone.
 */
export async function labUp(n?: number | string, log: (line: string) => void = () => {}): Promise<LabHost[]> {
    const count = parseHostCount(n);
    requireRoot("up");
    requirePrerequisites();
    preflight(count);
    mkdirMode(LAB_DIR, 0o700);
    mkdirMode(HOSTS_DIR, 0o700);
    ensureKey();
    installShims();
    ensureBridge();
    const hosts: LabHost[] = [];
    for (let i = MIN_HOSTS; i <= count; i++) {
        const h = labHost(i);
        hosts.push(h);
        const dir = hostDir(h.name);
        if (runningSshd(h) !== undefined) {
            log(`${h.name} ${h.address}: already running, left as it is`);
            continue;
        }
        // The state directory first: from here on labDown() knows the namespace is the lab's.
        mkdirMode(dir, 0o755);
        ensureNetwork(h);
        // Leftovers of a host whose sshd died: end them before a new host boots.
        await terminate(netnsPids(h.name), 2000);
        makeEtc(h, dir);
        makeVarLib(dir);
        mkdirMode(path.join(dir, "log"), 0o755);
        makeRoot(dir);
        const pid = await startHost(h, dir);
        log(`${h.name} ${h.address}: up (sshd pid ${pid})`);
    }
    return hosts;
}

// --- down -------------------------------------------------------------------------------------

/** Removes everything the lab created: processes, namespaces, links, LAB_DIR. Safe to repeat. */
export async function labDown(log: (line: string) => void = () => {}): Promise<void> {
    requireRoot("down");
    const hosts = labNamespaces(log);
    // Every process in a lab namespace, by PID; a few rounds in case something forks meanwhile.
    for (let round = 0; round < 3; round++) {
        const pids = hosts.flatMap((h) => netnsPids(h.name));
        for (const h of hosts) {
            const recorded = readPid(path.join(hostDir(h.name), "anchor.pid"));
            if (recorded !== undefined && sameNetns(recorded, h.name)) pids.push(recorded);
        }
        if (!pids.length) break;
        log(`stopping ${pids.length} process(es) in ${hosts.map((h) => h.name).join(", ")}`);
        const left = await terminate([...new Set(pids)]);
        if (left.length && round === 2) throw new Error(`lab down: processes ${left.join(", ")} did not end`);
    }
    // Nothing of the lab is mounted in this namespace (hosts mount in their own, now gone), but
    // whatever is mounted under LAB_DIR here is the lab's.
    for (const m of mountsUnder(LAB_DIR)) {
        log(`unmounting ${m}`);
        run("umount", ["-l", m], { timeoutMs: 15_000 });
    }
    for (const h of hosts) {
        ip(["netns", "del", h.name], true);
        log(`removed network namespace ${h.name}`);
        const stuck = removeHostCgroups(h.name);
        if (stuck.length) throw new Error(`lab down: cgroups of ${h.name} would not go: ${stuck.join(", ")}`);
    }
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) {
        const v = linkInfo(vethName(i));
        if (v?.ifalias === MARK) ip(["link", "del", vethName(i)], true);
    }
    if (linkInfo(BRIDGE)?.ifalias === MARK) {
        ip(["link", "del", BRIDGE]);
        log(`removed ${BRIDGE}`);
    }
    removeTree(LAB_DIR);
    for (const h of hosts) {
        if (netnsNames().includes(h.name)) throw new Error(`lab down: network namespace ${h.name} is still there`);
    }
}

// --- status, hosts, links ---------------------------------------------------------------------

/** The lab hosts that exist (the lab's namespace or state directory), lab-1 first. */
export function labHosts(): LabHost[] {
    const namespaces = new Set(netnsNames());
    const hosts: LabHost[] = [];
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) {
        const h = labHost(i);
        if (fs.existsSync(hostDir(h.name)) || (namespaces.has(h.name) && namespaceIsOurs(h))) hosts.push(h);
    }
    return hosts;
}

export function labStatus(): HostStatus[] {
    return labHosts().map((h) => {
        const namespace = netnsNames().includes(h.name);
        const eth0 = namespace ? linkInfo("eth0", h.name) : undefined;
        const sshdPid = namespace ? runningSshd(h) : undefined;
        const names = new Set((namespace ? netnsPids(h.name) : []).map(comm));
        return {
            ...h,
            link: !eth0 ? "absent" : eth0.flags.includes("UP") ? "up" : "down",
            sshd: sshdPid !== undefined,
            sshdPid,
            services: WATCHED_SERVICES.filter((s) => names.has(s)),
        };
    });
}

export function formatStatus(status: HostStatus[]): string {
    if (!status.length) return "no lab hosts (npm run lab -- up [N])";
    const rows = [["HOST", "ADDRESS", "LINK", "SSHD", "SERVICES"]];
    for (const s of status) rows.push([s.name, s.address, s.link, s.sshd ? `up (${s.sshdPid})` : "down", s.services.join(" ") || "-"]);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

function setLink(host: string | number | LabHost, state: "up" | "down"): void {
    requireRoot(state === "down" ? "cutOff" : "restore");
    const h = resolveHost(host);
    if (!netnsNames().includes(h.name)) throw new Error(`${h.name} does not exist (npm run lab -- up)`);
    ip(["-n", h.name, "link", "set", "eth0", state]);
}

/** Cuts the host off the lab network: its eth0 goes down (inside its namespace). */
export function cutOff(host: string | number | LabHost): void {
    setLink(host, "down");
}

/** Undoes cutOff(): the host's eth0 comes back up. */
export function restore(host: string | number | LabHost): void {
    setLink(host, "up");
}

// --- SSH ----------------------------------------------------------------------------------------

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
