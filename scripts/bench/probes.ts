// Probes for the failover bench (lab only): bounded HTTPS and TCP attempts, a fixed-rate
// poller that starts attempts independently of earlier ones finishing, haproxy's runtime API
// read in-process, and small statistics. Times are performance.now() milliseconds (monotonic).
import { spawn } from "child_process";
import * as https from "https";
import * as net from "net";
import { performance } from "perf_hooks";

export const now = (): number => performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Attempt {
    start: number;
    end: number;
    ok: boolean;
    status?: number;
    body?: string;
    error?: string;
}

/** One HTTPS GET on a fresh connection (no keep-alive), given up after timeoutMs. */
export function httpsGet(host: string, port: number, path: string, timeoutMs: number): Promise<Attempt> {
    const start = now();
    return new Promise((resolve) => {
        let done = false;
        const finish = (a: Omit<Attempt, "start" | "end">) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            resolve({ start, end: now(), ...a });
        };
        const req = https.request({ host, port, path, method: "GET", rejectUnauthorized: false, agent: false }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
                const body = Buffer.concat(chunks).toString("utf8");
                finish({ ok: res.statusCode === 200, status: res.statusCode, body });
                req.destroy();
            });
            res.on("error", (e) => finish({ ok: false, error: e.message }));
        });
        const timer = setTimeout(() => {
            finish({ ok: false, error: "timeout" });
            req.destroy();
        }, timeoutMs);
        req.on("error", (e) => finish({ ok: false, error: (e as NodeJS.ErrnoException).code ?? e.message }));
        req.end();
    });
}

export type TcpResult = "open" | "refused" | "timeout" | "error";

/** One TCP connect, closed at once; refused is what a dead listener on a live host gives. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<{ start: number; end: number; result: TcpResult }> {
    const start = now();
    return new Promise((resolve) => {
        let done = false;
        const socket = net.connect({ host, port });
        const finish = (result: TcpResult) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            socket.destroy();
            resolve({ start, end: now(), result });
        };
        const timer = setTimeout(() => finish("timeout"), timeoutMs);
        socket.once("connect", () => finish("open"));
        socket.once("error", (e: NodeJS.ErrnoException) => finish(e.code === "ECONNREFUSED" ? "refused" : "error"));
    });
}

/**
 * Starts fn() every intervalMs, each attempt on its own (a hanging attempt does not delay the
 * next one). fn must bound itself; stop() waits for the attempts in flight.
 */
export class Poller<T> {
    readonly results: T[] = [];
    private timer?: NodeJS.Timeout;
    private inFlight = new Set<Promise<void>>();

    constructor(
        private readonly fn: () => Promise<T>,
        private readonly intervalMs: number,
        private readonly onResult?: (r: T) => void,
    ) {}

    start(): this {
        const tick = () => {
            const p = this.fn().then(
                (r) => {
                    this.results.push(r);
                    this.onResult?.(r);
                },
                () => undefined,
            );
            this.inFlight.add(p);
            void p.finally(() => this.inFlight.delete(p));
        };
        tick();
        this.timer = setInterval(tick, this.intervalMs);
        return this;
    }

    async stop(): Promise<void> {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        await Promise.all([...this.inFlight]);
    }
}

/** Resolves when pred() holds (checked every stepMs) or false after timeoutMs. */
export async function waitFor(pred: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
    const deadline = now() + timeoutMs;
    while (!pred()) {
        if (now() > deadline) return false;
        await sleep(stepMs);
    }
    return true;
}

// --- haproxy's runtime API ----------------------------------------------------------------------

export interface ServerStat {
    /** UP, "UP 1/2" (a check failed), DOWN, "DOWN 1/2", MAINT, ... */
    status: string;
    /** Sessions sent to the server, connection errors, retries, redispatches away from it. */
    stot: number;
    econ: number;
    wretr: number;
    wredis: number;
}

/** `show stat` on a haproxy admin socket: server name -> its stats, for one backend. */
export function haproxyStats(socketPath: string, backend: string, timeoutMs = 1000): Promise<Record<string, ServerStat> | undefined> {
    return new Promise((resolve) => {
        let done = false;
        const chunks: Buffer[] = [];
        const socket = net.connect({ path: socketPath });
        const finish = (v: Record<string, ServerStat> | undefined) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            socket.destroy();
            resolve(v);
        };
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        socket.once("connect", () => socket.write("show stat\n"));
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.once("error", () => finish(undefined));
        socket.once("end", () => {
            const servers: Record<string, ServerStat> = {};
            for (const line of Buffer.concat(chunks).toString("utf8").split("\n")) {
                // show stat CSV: pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,
                // ereq,econ,eresp,wretr,wredis,status,...
                const f = line.split(",");
                if (f[0] !== backend || f[1] === "BACKEND" || f[1] === "FRONTEND" || f.length < 18) continue;
                const n = (i: number) => Number(f[i]) || 0;
                servers[f[1]] = { status: f[17], stot: n(7), econ: n(13), wretr: n(15), wredis: n(16) };
            }
            finish(servers);
        });
    });
}

/** Server name -> status (UP, "UP 1/2", DOWN, ...) of one backend. */
export async function haproxyServers(socketPath: string, backend: string, timeoutMs = 1000): Promise<Record<string, string> | undefined> {
    const stats = await haproxyStats(socketPath, backend, timeoutMs);
    if (!stats) return undefined;
    return Object.fromEntries(Object.entries(stats).map(([name, s]) => [name, s.status]));
}

// --- processes ---------------------------------------------------------------------------------

/** Runs a command without blocking the event loop (pollers keep their pace); killed after timeoutMs. */
export function runAsync(cmd: string, args: string[], timeoutMs: number, input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            resolve({ status: null, stdout, stderr: stderr + e.message });
        });
        child.on("close", (status) => {
            clearTimeout(timer);
            resolve({ status, stdout, stderr });
        });
        child.stdin.end(input ?? "");
    });
}

// --- statistics --------------------------------------------------------------------------------

export interface Summary {
    n: number;
    median: number;
    min: number;
    max: number;
}

export function summarize(samples: number[]): Summary | undefined {
    if (!samples.length) return undefined;
    const s = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    return { n: s.length, median, min: s[0], max: s[s.length - 1] };
}

/** Milliseconds as "652 ms" or "3.21 s". */
export function fmtMs(ms: number | undefined): string {
    if (ms === undefined || !Number.isFinite(ms)) return "-";
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
