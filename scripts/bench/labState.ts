// The lab's state as the failover bench needs it, read mostly without SSH so that it is quick:
// links and the VIP with `ip -n`, haproxy through each host's admin socket (the host's /run
// lives under its lab directory), etcd with etcdctl, the API servers and the VIP over
// HTTPS, and keepalived's own view (state, advert interval) from its SIGUSR1 data dump over SSH.
// waitStable() is the bench's "the cluster is settled" gate between trials. Lab only.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ADMIN_SOCKET, BACKEND_NAME } from "../../components/render/haproxy";
import { hostDir, LabHost, labSsh } from "../lab/hosts";
import { LAB_VIP } from "../lab/stack";
import { EtcdTls, endpointHealth, endpointStatus } from "./etcd";
import { haproxyServers, httpsGet, now, sleep } from "./probes";

export const API_PORT = 6443;

export const etcdEndpoint = (h: LabHost): string => `https://${h.address}:2379`;

/** The host's haproxy admin socket as seen from the root namespace. */
export function adminSocket(h: LabHost): string {
    return path.join(hostDir(h.name), ADMIN_SOCKET);
}

function ipJson<T>(netns: string, args: string[]): T | undefined {
    const r = spawnSync("ip", ["-n", netns, "-j", ...args], { encoding: "utf8", timeout: 10_000, killSignal: "SIGKILL" });
    if (r.status !== 0 || !r.stdout.trim()) return undefined;
    return JSON.parse(r.stdout) as T;
}

export function linkState(h: LabHost): "up" | "down" | "absent" {
    const links = ipJson<{ flags: string[] }[]>(h.name, ["link", "show", "dev", "eth0"]);
    if (!links?.length) return "absent";
    return links[0].flags.includes("UP") ? "up" : "down";
}

/** Whether the VIP is on the host's eth0 (works for cut-off hosts too: netlink, not the network). */
export function holdsVip(h: LabHost): boolean {
    const links = ipJson<{ addr_info?: { local: string }[] }[]>(h.name, ["addr", "show", "dev", "eth0"]) ?? [];
    return links.some((l) => (l.addr_info ?? []).some((a) => a.local === LAB_VIP));
}

export function vipHolders(hosts: LabHost[]): string[] {
    return hosts.filter(holdsVip).map((h) => h.name);
}

export interface KeepalivedView {
    state: string;
    advertMs?: number;
    masterDownMs?: number;
}

const KEEPALIVED_DUMP = [
    "f=/tmp/keepalived.data",
    "rm -f $f /tmp/keepalived_parent.data",
    'kill -USR1 "$(cat /run/keepalived.pid)" || exit 3',
    "for _ in $(seq 1 100); do grep -q 'VRRP Sockpool' $f 2>/dev/null && break; sleep 0.02; done",
    "sleep 0.05",
    "cat $f",
    "rm -f $f /tmp/keepalived_parent.data",
].join("; ");

/** keepalived's VRRP instance as it reports itself (SIGUSR1 data dump), over SSH. */
export function keepalivedView(h: LabHost): KeepalivedView | undefined {
    const r = labSsh(h, KEEPALIVED_DUMP, { timeoutMs: 10_000, connectTimeoutSeconds: 3 });
    if (r.status !== 0) return undefined;
    const section = /VRRP Instance = [^\n]*\n([\s\S]*?)(\n-{3,}<|$)/.exec(r.stdout)?.[1];
    if (!section) return undefined;
    const state = /^\s+State = (\S+)/m.exec(section)?.[1];
    if (!state) return undefined;
    const interval = (label: string) => {
        const m = new RegExp(`^\\s+${label} = ([0-9.]+) (milli-sec|sec)`, "m").exec(section);
        return m ? Number(m[1]) * (m[2] === "sec" ? 1000 : 1) : undefined;
    };
    const down = /^\s+Master down timer = ([0-9]+) usecs/m.exec(section);
    return { state, advertMs: interval("Advert interval"), masterDownMs: down ? Number(down[1]) / 1000 : undefined };
}

export interface LabSnapshot {
    links: Record<string, string>;
    vipHolders: string[];
    haproxy: Record<string, Record<string, string> | undefined>;
    keepalived: Record<string, KeepalivedView | undefined>;
    etcdLeader?: string;
    etcdLeaders: number;
    etcdHealthy: Record<string, boolean>;
    apiServers: Record<string, boolean>;
    vipAnswers: boolean;
}

export async function snapshot(hosts: LabHost[], tls: EtcdTls, withKeepalived = true): Promise<LabSnapshot> {
    const links: Record<string, string> = {};
    for (const h of hosts) links[h.name] = linkState(h);
    const haproxy: Record<string, Record<string, string> | undefined> = {};
    const apiServers: Record<string, boolean> = {};
    for (const h of hosts) {
        haproxy[h.name] = await haproxyServers(adminSocket(h), BACKEND_NAME);
        apiServers[h.name] = (await httpsGet(h.address, API_PORT, "/readyz", 1000)).ok;
    }
    const endpoints = hosts.map(etcdEndpoint);
    const status = endpointStatus(tls, endpoints);
    const leaders = status.filter((s) => s.isLeader);
    const byEndpoint = new Map(hosts.map((h) => [etcdEndpoint(h), h.name]));
    const health = endpointHealth(tls, endpoints);
    const etcdHealthy: Record<string, boolean> = {};
    for (const h of hosts) etcdHealthy[h.name] = health[etcdEndpoint(h)] === true;
    const keepalived: Record<string, KeepalivedView | undefined> = {};
    if (withKeepalived) for (const h of hosts) keepalived[h.name] = links[h.name] === "up" ? keepalivedView(h) : undefined;
    return {
        links,
        vipHolders: vipHolders(hosts),
        haproxy,
        keepalived,
        etcdLeader: leaders.length === 1 ? byEndpoint.get(leaders[0].endpoint) : undefined,
        etcdLeaders: leaders.length,
        etcdHealthy,
        apiServers,
        vipAnswers: (await httpsGet(LAB_VIP, API_PORT, "/readyz", 1000)).ok,
    };
}

/** What keeps the lab from being settled; empty when it is. */
export function problems(s: LabSnapshot, hosts: LabHost[], expectAdvertMs: number): string[] {
    const p: string[] = [];
    for (const h of hosts) if (s.links[h.name] !== "up") p.push(`${h.name} link ${s.links[h.name]}`);
    if (s.vipHolders.length !== 1) p.push(`VIP held by ${s.vipHolders.length ? s.vipHolders.join(" and ") : "nobody"}`);
    if (!s.vipAnswers) p.push("VIP does not answer /readyz");
    for (const h of hosts) {
        const servers = s.haproxy[h.name];
        if (!servers) {
            p.push(`haproxy on ${h.name}: no admin socket answer`);
            continue;
        }
        const notUp = hosts.filter((b) => servers[b.name] !== "UP").map((b) => `${b.name} ${servers[b.name] ?? "missing"}`);
        if (notUp.length) p.push(`haproxy on ${h.name}: ${notUp.join(", ")}`);
        if (!s.apiServers[h.name]) p.push(`API server on ${h.name} does not answer`);
        if (!s.etcdHealthy[h.name]) p.push(`etcd on ${h.name} not healthy`);
    }
    if (s.etcdLeaders !== 1) p.push(`etcd reports ${s.etcdLeaders} leaders`);
    const views = Object.entries(s.keepalived);
    if (views.length) {
        const masters = views.filter(([, v]) => v?.state === "MASTER").map(([n]) => n);
        for (const h of hosts) {
            const v = s.keepalived[h.name];
            if (!v) p.push(`keepalived on ${h.name}: no state dump`);
            else if (v.state !== "MASTER" && v.state !== "BACKUP") p.push(`keepalived on ${h.name}: ${v.state}`);
            else if (v.advertMs !== expectAdvertMs) p.push(`keepalived on ${h.name}: advert interval ${v.advertMs} ms, expected ${expectAdvertMs} ms`);
        }
        if (masters.length !== 1) p.push(`keepalived MASTER on ${masters.length ? masters.join(" and ") : "no host"}`);
        else if (s.vipHolders.length === 1 && masters[0] !== s.vipHolders[0]) p.push(`keepalived MASTER ${masters[0]} but VIP on ${s.vipHolders[0]}`);
    }
    return p;
}

/**
 * Waits until the lab is settled twice in a row, at least settleMs apart: every link up, the
 * VIP on exactly one host (keepalived's only MASTER, every other host BACKUP at the expected
 * advert interval), every haproxy with every backend UP, every API server and etcd member
 * healthy with one leader, and the VIP answering. Throws after timeoutMs with what is wrong.
 */
export async function waitStable(
    hosts: LabHost[],
    tls: EtcdTls,
    expectAdvertMs: number,
    opts: { timeoutMs?: number; settleMs?: number } = {},
): Promise<LabSnapshot> {
    const deadline = now() + (opts.timeoutMs ?? 120_000);
    const settleMs = opts.settleMs ?? 1000;
    let firstOk: number | undefined;
    let last: string[] = [];
    for (;;) {
        // keepalived's dump costs an SSH round trip per host: only once the rest is settled.
        const quick = await snapshot(hosts, tls, false);
        let s = quick;
        let p = problems(quick, hosts, expectAdvertMs);
        if (!p.length) {
            s = await snapshot(hosts, tls, true);
            p = problems(s, hosts, expectAdvertMs);
        }
        if (!p.length) {
            if (firstOk === undefined) firstOk = now();
            else if (now() - firstOk >= settleMs) return s;
        } else {
            firstOk = undefined;
            last = p;
        }
        if (now() > deadline) throw new Error(`the lab did not settle within ${Math.round((opts.timeoutMs ?? 120_000) / 1000)} s: ${last.join("; ")}`);
        await sleep(500);
    }
}

/**
 * The lab's cutOff (`ip -n <host> link set eth0 down`), with the `ip` process started ahead
 * (`-batch -`, already in the host's namespace and waiting on stdin): fire() sends the command,
 * so the link goes down within about a millisecond of the call, and not somewhere within a
 * process start of tens of milliseconds.
 */
export async function armLinkDown(h: LabHost): Promise<{ fire(): void; done: Promise<void>; cancel(): void }> {
    const child = spawn("ip", ["-n", h.name, "-batch", "-"], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            if (code === 0) resolve();
            else reject(new Error(`ip -n ${h.name} link set dev eth0 down failed (${code}): ${stderr.trim()}`));
        });
    });
    done.catch(() => undefined); // handled by whoever awaits it
    await new Promise<void>((resolve, reject) => {
        child.once("spawn", () => resolve());
        child.once("error", reject);
    });
    await sleep(100); // let ip enter the namespace and block on stdin
    return {
        fire: () => child.stdin.end("link set dev eth0 down\n"),
        done,
        cancel: () => {
            child.stdin.end();
        },
    };
}

/** The host's API server answers /readyz directly (not through the VIP) within timeoutMs. */
export async function apiServerAnswers(h: LabHost, timeoutMs = 1500): Promise<boolean> {
    for (let i = 0; i < 2; i++) if ((await httpsGet(h.address, API_PORT, "/readyz", timeoutMs)).ok) return true;
    return false;
}

/** The host's eth0 MAC address. */
export function hostMac(h: LabHost): string | undefined {
    return ipJson<{ address?: string }[]>(h.name, ["link", "show", "dev", "eth0"])?.[0]?.address;
}

/** The root namespace's ARP entry for an address (/proc/net/arp: no process to start). */
export function rootArp(address: string): string | undefined {
    for (const line of fs.readFileSync("/proc/net/arp", "utf8").split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f[0] === address) return f[2] === "0x0" ? "incomplete" : f[3];
    }
    return undefined;
}

export function keepalivedLog(h: LabHost): string {
    return path.join(hostDir(h.name), "log", "haplane-lab", "keepalived.log");
}

export function fileSize(file: string): number {
    try {
        return fs.statSync(file).size;
    } catch {
        return 0;
    }
}

/** VRRP state changes keepalived logged after byte offset `from` ("MASTER", "BACKUP", "FAULT"). */
export function keepalivedStatesSince(h: LabHost, from: number): string[] {
    let text = "";
    try {
        const fd = fs.openSync(keepalivedLog(h), "r");
        try {
            const size = fs.fstatSync(fd).size;
            const buf = Buffer.alloc(Math.max(0, size - from));
            fs.readSync(fd, buf, 0, buf.length, from);
            text = buf.toString("utf8");
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return [];
    }
    return [...text.matchAll(/Entering (\w+) STATE/g)].map((m) => m[1]);
}
