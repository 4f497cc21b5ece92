// etcd from the lab's root namespace for the failover bench: an in-process gRPC client
// (HTTP/2 + mutual TLS, one kept-alive session per member; the etcd build in the lab serves no
// JSON gateway), a fixed-rate writer that spreads puts over the members, and etcdctl for
// leader and health. Lab only.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http2 from "http2";
import * as os from "os";
import * as path from "path";
import { now } from "./probes";

export interface EtcdTls {
    /** A private directory holding ca.crt, client.crt, client.key (for etcdctl). */
    dir: string;
    ca: Buffer;
    cert: Buffer;
    key: Buffer;
}

/** Copies a host's etcd CA and health-check client certificate (from <host>/etc/etcd/pki). */
export function copyEtcdClientCerts(pkiDir: string): EtcdTls {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-bench-etcd-"));
    fs.chmodSync(dir, 0o700);
    const copy = (from: string, to: string) => {
        fs.copyFileSync(path.join(pkiDir, from), path.join(dir, to));
        fs.chmodSync(path.join(dir, to), 0o600);
        return fs.readFileSync(path.join(dir, to));
    };
    return { dir, ca: copy("ca.crt", "ca.crt"), cert: copy("healthcheck-client.crt", "client.crt"), key: copy("healthcheck-client.key", "client.key") };
}

export function removeEtcdClientCerts(tls: EtcdTls | undefined): void {
    if (tls) fs.rmSync(tls.dir, { recursive: true, force: true });
}

// --- protobuf, just enough ------------------------------------------------------------------------

function varint(n: number): Buffer {
    const out: number[] = [];
    while (n > 127) {
        out.push((n & 127) | 128);
        n = Math.floor(n / 128);
    }
    out.push(n);
    return Buffer.from(out);
}

/** A length-delimited protobuf field (wire type 2). */
function bytesField(no: number, value: Buffer): Buffer {
    return Buffer.concat([varint((no << 3) | 2), varint(value.length), value]);
}

/** etcdserverpb.PutRequest {key = 1, value = 2} in a gRPC frame. */
function putFrame(key: string, value: string): Buffer {
    const msg = Buffer.concat([bytesField(1, Buffer.from(key)), bytesField(2, Buffer.from(value))]);
    const frame = Buffer.alloc(5 + msg.length);
    frame.writeUInt32BE(msg.length, 1);
    msg.copy(frame, 5);
    return frame;
}

/** etcdserverpb.DeleteRangeRequest {key = 1} in a gRPC frame. */
function deleteFrame(key: string): Buffer {
    const msg = bytesField(1, Buffer.from(key));
    const frame = Buffer.alloc(5 + msg.length);
    frame.writeUInt32BE(msg.length, 1);
    msg.copy(frame, 5);
    return frame;
}

// --- gRPC over HTTP/2 ----------------------------------------------------------------------------

export interface CallResult {
    ok: boolean;
    /** "timeout", a connection error, or "grpc <code>: <message>". */
    why?: string;
}

export class EtcdGrpc {
    private readonly sessions = new Map<string, http2.ClientHttp2Session>();

    constructor(private readonly tls: EtcdTls) {}

    private session(endpoint: string): http2.ClientHttp2Session {
        const existing = this.sessions.get(endpoint);
        if (existing && !existing.closed && !existing.destroyed) return existing;
        const s = http2.connect(endpoint, { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key });
        s.on("error", () => this.drop(endpoint, s));
        s.on("close", () => this.drop(endpoint, s));
        s.on("goaway", () => this.drop(endpoint, s));
        this.sessions.set(endpoint, s);
        return s;
    }

    /** Forgets (and destroys) the session to endpoint, so that the next call reconnects. */
    drop(endpoint: string, which?: http2.ClientHttp2Session): void {
        const s = this.sessions.get(endpoint);
        if (!s || (which && s !== which)) return;
        this.sessions.delete(endpoint);
        if (!s.destroyed) s.destroy();
    }

    unary(endpoint: string, method: string, frame: Buffer, timeoutMs: number): Promise<CallResult> {
        return new Promise((resolve) => {
            let done = false;
            let req: http2.ClientHttp2Stream | undefined;
            const finish = (r: CallResult) => {
                if (done) return;
                done = true;
                clearTimeout(timer);
                resolve(r);
            };
            const timer = setTimeout(() => {
                finish({ ok: false, why: "timeout" });
                // Only this call is given up: dropping the session would also end other calls
                // on it that may still be answered. A dead session ends with its own error.
                if (req && !req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
            }, timeoutMs);
            try {
                req = this.session(endpoint).request({ ":method": "POST", ":path": method, "content-type": "application/grpc", te: "trailers" });
            } catch (e) {
                finish({ ok: false, why: e instanceof Error ? e.message : String(e) });
                return;
            }
            let status: number | undefined;
            let got = 0;
            const grpc = (h: http2.IncomingHttpHeaders) => {
                const code = h["grpc-status"];
                if (code === undefined) return false;
                finish(code === "0" && status === 200 ? { ok: true } : { ok: false, why: `grpc ${String(code)}: ${String(h["grpc-message"] ?? "")}` });
                return true;
            };
            req.on("response", (h) => {
                status = Number(h[":status"]);
                grpc(h); // trailers-only responses carry the status in the headers
            });
            req.on("data", (c: Buffer) => (got += c.length));
            req.on("trailers", (t) => {
                if (!grpc(t)) finish({ ok: false, why: "no grpc-status" });
            });
            req.on("end", () => finish({ ok: false, why: status === undefined ? "stream ended without a response" : `http ${status}, ${got} bytes, no grpc-status` }));
            req.on("error", (e) => finish({ ok: false, why: (e as NodeJS.ErrnoException).code ?? e.message }));
            req.end(frame);
        });
    }

    put(endpoint: string, key: string, value: string, timeoutMs: number): Promise<CallResult> {
        return this.unary(endpoint, "/etcdserverpb.KV/Put", putFrame(key, value), timeoutMs);
    }

    deleteKey(endpoint: string, key: string, timeoutMs: number): Promise<CallResult> {
        return this.unary(endpoint, "/etcdserverpb.KV/DeleteRange", deleteFrame(key), timeoutMs);
    }

    close(): void {
        for (const endpoint of [...this.sessions.keys()]) this.drop(endpoint);
    }
}

// --- the writer ----------------------------------------------------------------------------------

export interface WriteRecord {
    endpoint: string;
    issued: number;
    end: number;
    ok: boolean;
    why?: string;
}

/**
 * Puts one key every intervalMs, each put on its own (a hanging put does not hold up the next),
 * round-robin over the members, so that every member keeps getting puts whatever happens to
 * the others. Acknowledged = gRPC status OK.
 */
export class EtcdWriter {
    readonly records: WriteRecord[] = [];
    private timer?: NodeJS.Timeout;
    private readonly inFlight = new Set<Promise<void>>();
    private next = 0;
    private seq = 0;

    constructor(
        private readonly client: EtcdGrpc,
        private readonly endpoints: string[],
        readonly key: string,
        readonly opts: { intervalMs: number; timeoutMs: number },
    ) {}

    start(): this {
        const tick = () => {
            const endpoint = this.endpoints[this.next];
            this.next = (this.next + 1) % this.endpoints.length;
            const issued = now();
            const p = this.client.put(endpoint, this.key, String(++this.seq), this.opts.timeoutMs).then((r) => {
                this.records.push({ endpoint, issued, end: now(), ok: r.ok, why: r.why });
            });
            this.inFlight.add(p);
            void p.finally(() => this.inFlight.delete(p));
        };
        tick();
        this.timer = setInterval(tick, this.opts.intervalMs);
        return this;
    }

    async stop(): Promise<void> {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        await Promise.all([...this.inFlight]);
    }

    /** Completion times of acknowledged puts, in order. */
    ackTimes(): number[] {
        return this.records.filter((r) => r.ok).map((r) => r.end).sort((a, b) => a - b);
    }
}

// --- etcdctl ---------------------------------------------------------------------------------------

function etcdctl(tls: EtcdTls, endpoints: string[], args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(
        "etcdctl",
        [
            `--endpoints=${endpoints.join(",")}`,
            `--cacert=${path.join(tls.dir, "ca.crt")}`,
            `--cert=${path.join(tls.dir, "client.crt")}`,
            `--key=${path.join(tls.dir, "client.key")}`,
            "--dial-timeout=2s",
            "--command-timeout=3s",
            ...args,
        ],
        { encoding: "utf8", timeout: 15_000, killSignal: "SIGKILL", env: { ...process.env, ETCDCTL_API: "3" } },
    );
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export interface EndpointStatus {
    endpoint: string;
    id: string;
    isLeader: boolean;
    raftTerm: number;
}

/** `etcdctl endpoint status` (simple output: endpoint, ID, version, db size, is leader, is learner, raft term, ...). */
export function endpointStatus(tls: EtcdTls, endpoints: string[]): EndpointStatus[] {
    const r = etcdctl(tls, endpoints, ["endpoint", "status"]);
    return r.stdout
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(", "))
        .filter((f) => f.length >= 7)
        .map((f) => ({ endpoint: f[0], id: f[1], isLeader: f[4] === "true", raftTerm: Number(f[6]) }));
}

/** `etcdctl endpoint health`: endpoint -> healthy. */
export function endpointHealth(tls: EtcdTls, endpoints: string[]): Record<string, boolean> {
    const r = etcdctl(tls, endpoints, ["endpoint", "health"]);
    const out = `${r.stdout}\n${r.stderr}`;
    const health: Record<string, boolean> = {};
    for (const e of endpoints) health[e] = new RegExp(`^${e.replace(/[.]/g, "\\.")} is healthy`, "m").test(out);
    return health;
}
