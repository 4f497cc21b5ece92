// A tiny client of the real Kubernetes API for the lab: a kubeconfig as kubeadm writes it
// (admin.conf: the cluster CA and a client certificate as base64 data), HTTPS with client
// certificate authentication, a bounded time per request, and the few calls the lab's health
// summary and its probe make. No dependency beyond Node and `yaml`.
//
// Connections: by default every request opens its own TCP and TLS connection (no keep-alive,
// no TLS session reuse), so that a probe measuring failover through the VIP is balanced anew
// each time instead of riding one connection to one API server. Pass keepAlive: true for
// bulk reads where that does not matter.
//
// Errors carry the method, the path, the HTTP status and the API's Status.message; never the
// kubeconfig's contents (keys, certificates, tokens) nor request headers.
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { parse as parseYaml } from "yaml";

// --- kubeconfig --------------------------------------------------------------------------------

export interface Kubeconfig {
    /** Where it was read from, for messages. */
    source: string;
    contextName: string;
    clusterName: string;
    userName: string;
    /** The API server's URL, e.g. https://198.18.0.100:6443. */
    server: string;
    /** PEM of the cluster CA; undefined means the system's CAs. */
    ca?: Buffer;
    /** PEM client certificate and key (kubeadm's admin.conf). */
    cert?: Buffer;
    key?: Buffer;
    token?: string;
    /** tls-server-name: the name the server certificate is checked against instead of the URL's host. */
    tlsServerName?: string;
    insecureSkipTlsVerify?: boolean;
}

type Named<T> = { name?: string } & T;

function pickNamed<T>(list: unknown, name: string, what: string, source: string): T {
    const items = Array.isArray(list) ? (list as Named<Record<string, unknown>>[]) : [];
    const found = items.find((x) => x && x.name === name);
    if (!found) throw new Error(`kubeconfig ${source}: no ${what} named "${name}"`);
    const inner = found[what];
    if (!inner || typeof inner !== "object") throw new Error(`kubeconfig ${source}: ${what} "${name}" has no ${what} section`);
    return inner as T;
}

/** Reads a `*-data` field (base64) or its file form (relative to the kubeconfig's directory). */
function material(section: Record<string, unknown>, key: string, baseDir: string, source: string): Buffer | undefined {
    const data = section[`${key}-data`];
    if (typeof data === "string" && data.trim()) {
        const buf = Buffer.from(data.trim(), "base64");
        if (!buf.length) throw new Error(`kubeconfig ${source}: ${key}-data is not base64`);
        return buf;
    }
    const file = section[key];
    if (typeof file === "string" && file.trim()) {
        const p = path.isAbsolute(file) ? file : path.join(baseDir, file);
        try {
            return fs.readFileSync(p);
        } catch (e) {
            throw new Error(`kubeconfig ${source}: cannot read ${key} file ${p}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
        }
    }
    return undefined;
}

/** Parses kubeconfig text; `context` defaults to current-context (or the only context). */
export function parseKubeconfig(text: string, options: { source?: string; context?: string; baseDir?: string } = {}): Kubeconfig {
    const source = options.source ?? "(text)";
    let doc: Record<string, unknown>;
    try {
        doc = parseYaml(text) as Record<string, unknown>;
    } catch (e) {
        // The YAML library's message may quote the offending line, which could hold key material.
        throw new Error(`kubeconfig ${source}: not valid YAML`);
    }
    if (!doc || typeof doc !== "object") throw new Error(`kubeconfig ${source}: not a mapping`);
    const contexts = Array.isArray(doc.contexts) ? (doc.contexts as Named<object>[]) : [];
    let contextName = options.context ?? (typeof doc["current-context"] === "string" ? (doc["current-context"] as string) : "");
    if (!contextName && contexts.length === 1 && contexts[0].name) contextName = contexts[0].name;
    if (!contextName) throw new Error(`kubeconfig ${source}: no current-context`);
    const ctx = pickNamed<{ cluster?: string; user?: string }>(doc.contexts, contextName, "context", source);
    if (!ctx.cluster) throw new Error(`kubeconfig ${source}: context "${contextName}" names no cluster`);
    if (!ctx.user) throw new Error(`kubeconfig ${source}: context "${contextName}" names no user`);
    const cluster = pickNamed<Record<string, unknown>>(doc.clusters, ctx.cluster, "cluster", source);
    const user = pickNamed<Record<string, unknown>>(doc.users, ctx.user, "user", source);
    const server = cluster.server;
    if (typeof server !== "string" || !/^https:\/\//.test(server)) throw new Error(`kubeconfig ${source}: cluster "${ctx.cluster}" has no https server`);
    const baseDir = options.baseDir ?? process.cwd();
    const cfg: Kubeconfig = {
        source,
        contextName,
        clusterName: ctx.cluster,
        userName: ctx.user,
        server: server.replace(/\/+$/, ""),
        ca: material(cluster, "certificate-authority", baseDir, source),
        cert: material(user, "client-certificate", baseDir, source),
        key: material(user, "client-key", baseDir, source),
        token: typeof user.token === "string" && user.token ? user.token : undefined,
        tlsServerName: typeof cluster["tls-server-name"] === "string" ? (cluster["tls-server-name"] as string) : undefined,
        insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    };
    if (!!cfg.cert !== !!cfg.key) throw new Error(`kubeconfig ${source}: user "${ctx.user}" has a client certificate without its key (or the other way round)`);
    if (!cfg.cert && !cfg.token) throw new Error(`kubeconfig ${source}: user "${ctx.user}" has neither a client certificate nor a token`);
    return cfg;
}

export function loadKubeconfig(file: string, options: { context?: string } = {}): Kubeconfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new Error(`kubeconfig ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    return parseKubeconfig(text, { source: file, context: options.context, baseDir: path.dirname(path.resolve(file)) });
}

// --- API objects (only the fields the lab uses) ------------------------------------------------

export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
}

export interface ListMeta {
    resourceVersion?: string;
    continue?: string;
    remainingItemCount?: number;
}

export interface Lease {
    metadata: ObjectMeta;
    spec: {
        holderIdentity?: string;
        /** RFC3339 with microseconds, e.g. 2026-12-02T20:57:42.930813Z. */
        renewTime?: string;
        acquireTime?: string;
        leaseDurationSeconds?: number;
        leaseTransitions?: number;
    };
}

export interface NodeCondition {
    type: string;
    status: "True" | "False" | "Unknown";
    reason?: string;
    message?: string;
    lastHeartbeatTime?: string;
    lastTransitionTime?: string;
}

export interface Node {
    metadata: ObjectMeta;
    status?: {
        conditions?: NodeCondition[];
        addresses?: { type: string; address: string }[];
        nodeInfo?: { kubeletVersion?: string };
    };
}

export interface ConfigMap {
    metadata: ObjectMeta;
    data?: Record<string, string>;
}

export interface Namespace {
    metadata: ObjectMeta;
    status?: { phase?: string };
}

/** The API's error body (kind: Status). */
export interface Status {
    kind?: string;
    status?: string;
    message?: string;
    reason?: string;
    code?: number;
}

interface List<T> {
    metadata?: ListMeta;
    items?: T[];
}

// --- errors ------------------------------------------------------------------------------------

/**
 * A request that failed: `status` is the HTTP status (0 when no response came: `code` then says
 * why, e.g. ECONNREFUSED or TIMEOUT); `reason` and the message come from the API's Status.
 */
export class KubeApiError extends Error {
    constructor(
        readonly method: string,
        readonly path: string,
        readonly status: number,
        readonly apiMessage: string,
        readonly reason?: string,
        readonly code?: string,
    ) {
        super(status ? `${method} ${path}: HTTP ${status}${reason ? ` ${reason}` : ""}: ${apiMessage}` : `${method} ${path}: ${code ?? "error"}: ${apiMessage}`);
        this.name = "KubeApiError";
    }
}

/** 409 AlreadyExists on a create: the object was there before this request. */
export class AlreadyExistsError extends KubeApiError {
    readonly alreadyExists = true;
    constructor(method: string, p: string, apiMessage: string) {
        super(method, p, 409, apiMessage, "AlreadyExists");
        this.name = "AlreadyExistsError";
    }
}

export const isAlreadyExists = (e: unknown): e is AlreadyExistsError => e instanceof AlreadyExistsError;
export const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.status === 404;

function statusOf(body: string): Status | undefined {
    try {
        const s = JSON.parse(body) as Status;
        return s && typeof s === "object" ? s : undefined;
    } catch {
        return undefined;
    }
}

function errorFor(method: string, p: string, status: number, body: string): KubeApiError {
    const s = statusOf(body);
    // A non-JSON body (a proxy's page, a plain-text healthz) is cut short: it is for diagnosis only.
    const message = s?.message ?? body.trim().slice(0, 200);
    if (status === 409 && s?.reason === "AlreadyExists") return new AlreadyExistsError(method, p, message);
    return new KubeApiError(method, p, status, message, s?.reason);
}

// --- client ------------------------------------------------------------------------------------

export interface KubeClientOptions {
    /** Overrides the kubeconfig's server URL (e.g. one API server, or the VIP). */
    server?: string;
    /** Whole-request bound (connect, TLS, response), ms; default 10 s. */
    timeoutMs?: number;
    /** Reuse connections; default false: every request opens its own connection. */
    keepAlive?: boolean;
}

export interface RawResponse {
    status: number;
    body: string;
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : "";
}

export class KubeClient {
    readonly server: string;
    readonly timeoutMs: number;
    private readonly url: URL;
    private readonly tls: https.AgentOptions;
    private readonly agent?: https.Agent;

    constructor(
        private readonly config: Kubeconfig,
        options: KubeClientOptions = {},
    ) {
        this.server = (options.server ?? config.server).replace(/\/+$/, "");
        this.url = new URL(this.server);
        if (this.url.protocol !== "https:") throw new Error(`API server URL must be https: ${this.server}`);
        this.timeoutMs = options.timeoutMs ?? 10_000;
        this.tls = {
            ca: config.ca,
            cert: config.cert,
            key: config.key,
            servername: config.tlsServerName,
            rejectUnauthorized: !config.insecureSkipTlsVerify,
        };
        if (options.keepAlive) this.agent = new https.Agent({ ...this.tls, keepAlive: true, maxSockets: 4 });
    }

    static fromKubeconfig(file: string, options: KubeClientOptions & { context?: string } = {}): KubeClient {
        return new KubeClient(loadKubeconfig(file, { context: options.context }), options);
    }

    /** Closes kept-alive connections (nothing to do without keepAlive). */
    close(): void {
        this.agent?.destroy();
    }

    /**
     * One request. Resolves with any HTTP status; rejects (KubeApiError, status 0) only when no
     * response came in time.
     */
    request(method: string, p: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<RawResponse> {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const headers: Record<string, string | number> = { Accept: "application/json", "User-Agent": "haplane-lab" };
        if (payload) {
            headers["Content-Type"] = "application/json";
            headers["Content-Length"] = payload.length;
        }
        if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
        const basePath = this.url.pathname.replace(/\/+$/, "");
        return new Promise((resolve, reject) => {
            let done = false;
            const fail = (code: string, message: string) => {
                if (done) return;
                done = true;
                clearTimeout(timer);
                req.destroy();
                reject(new KubeApiError(method, p, 0, message, undefined, code));
            };
            const req = https.request(
                {
                    ...(this.agent ? {} : this.tls),
                    protocol: "https:",
                    hostname: this.url.hostname.replace(/^\[|\]$/g, ""),
                    port: this.url.port || 443,
                    path: basePath + p,
                    method,
                    headers,
                    // agent: false is a fresh connection (and no TLS session reuse) per request.
                    agent: this.agent ?? false,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        if (done) return;
                        done = true;
                        clearTimeout(timer);
                        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
                    });
                    res.on("error", (e) => fail((e as NodeJS.ErrnoException).code ?? "ERESPONSE", e.message));
                    res.on("aborted", () => fail("ECONNRESET", "response aborted"));
                },
            );
            const timer = setTimeout(() => fail("TIMEOUT", `no response within ${timeoutMs} ms`), timeoutMs);
            req.on("error", (e) => fail((e as NodeJS.ErrnoException).code ?? "EREQUEST", e.message));
            req.end(payload);
        });
    }

    getRaw(p: string, timeoutMs?: number): Promise<RawResponse> {
        return this.request("GET", p, undefined, timeoutMs);
    }

    /** A request whose 2xx body is JSON; any other status throws KubeApiError. */
    async json<T>(method: string, p: string, body?: unknown, timeoutMs?: number): Promise<T> {
        const r = await this.request(method, p, body, timeoutMs);
        if (r.status < 200 || r.status > 299) throw errorFor(method, p, r.status, r.body);
        try {
            return JSON.parse(r.body) as T;
        } catch {
            throw new KubeApiError(method, p, r.status, "response is not JSON");
        }
    }

    /** GET /readyz: true iff HTTP 200 with body "ok"; false on anything else, a network error or a timeout. */
    async readyz(timeoutMs?: number): Promise<boolean> {
        return (await this.readyzDetail(timeoutMs)).ok;
    }

    /** /readyz with what it answered, for messages: "ok", "HTTP 500: ...", "ECONNREFUSED", ... */
    async readyzDetail(timeoutMs?: number): Promise<{ ok: boolean; detail: string }> {
        try {
            const r = await this.getRaw("/readyz", timeoutMs);
            const text = r.body.trim();
            if (r.status === 200 && text === "ok") return { ok: true, detail: "ok" };
            return { ok: false, detail: `HTTP ${r.status}: ${text.split("\n").filter((l) => l.startsWith("[-]")).join(", ") || text.slice(0, 120)}` };
        } catch (e) {
            return { ok: false, detail: e instanceof KubeApiError ? (e.code ?? e.message) : String(e) };
        }
    }

    /** Follows continue tokens until the list is complete. */
    private async listAll<T>(base: string, params: Record<string, string | number | undefined>, limit: number): Promise<T[]> {
        const items: T[] = [];
        let cont: string | undefined;
        for (;;) {
            const page = await this.json<List<T>>("GET", base + query({ ...params, limit, continue: cont }));
            items.push(...(page.items ?? []));
            cont = page.metadata?.continue || undefined;
            if (!cont) return items;
        }
    }

    listLeases(namespace: string, options: { labelSelector?: string; limit?: number } = {}): Promise<Lease[]> {
        return this.listAll<Lease>(`/apis/coordination.k8s.io/v1/namespaces/${enc(namespace)}/leases`, { labelSelector: options.labelSelector }, options.limit ?? 500);
    }

    /** The lease, or undefined when there is none (404). */
    async getLease(namespace: string, name: string): Promise<Lease | undefined> {
        try {
            return await this.json<Lease>("GET", `/apis/coordination.k8s.io/v1/namespaces/${enc(namespace)}/leases/${enc(name)}`);
        } catch (e) {
            if (isNotFound(e)) return undefined;
            throw e;
        }
    }

    listNodes(options: { labelSelector?: string; limit?: number } = {}): Promise<Node[]> {
        return this.listAll<Node>("/api/v1/nodes", { labelSelector: options.labelSelector }, options.limit ?? 500);
    }

    /** POST a ConfigMap; 201 resolves, 409 throws AlreadyExistsError, anything else KubeApiError. */
    async createConfigMap(namespace: string, name: string, data: Record<string, string>, labels?: Record<string, string>, timeoutMs?: number): Promise<ConfigMap> {
        const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, ...(labels ? { labels } : {}) }, data };
        const p = `/api/v1/namespaces/${enc(namespace)}/configmaps`;
        const r = await this.request("POST", p, body, timeoutMs);
        if (r.status !== 201) throw errorFor("POST", p, r.status, r.body);
        return JSON.parse(r.body) as ConfigMap;
    }

    /** Every ConfigMap matching labelSelector, `limit` per page (continue tokens followed). */
    listConfigMaps(namespace: string, labelSelector?: string, options: { limit?: number } = {}): Promise<ConfigMap[]> {
        return this.listAll<ConfigMap>(`/api/v1/namespaces/${enc(namespace)}/configmaps`, { labelSelector }, options.limit ?? 500);
    }

    /** DELETE the collection of ConfigMaps matching labelSelector (which must not be empty). */
    async deleteConfigMaps(namespace: string, labelSelector: string): Promise<void> {
        if (!labelSelector.trim()) throw new Error("deleteConfigMaps: refusing an empty label selector (it would delete every ConfigMap)");
        await this.json("DELETE", `/api/v1/namespaces/${enc(namespace)}/configmaps${query({ labelSelector })}`);
    }

    /** POST a Namespace; 409 throws AlreadyExistsError. */
    createNamespace(name: string, labels?: Record<string, string>): Promise<Namespace> {
        return this.json<Namespace>("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name, ...(labels ? { labels } : {}) } });
    }

    /**
     * The namespace exists (created, or there already) and is not being deleted. A namespace in
     * Terminating is waited for (up to waitMs) and created again.
     */
    async ensureNamespace(name: string, labels?: Record<string, string>, waitMs = 60_000): Promise<"created" | "existed"> {
        const deadline = Date.now() + waitMs;
        for (;;) {
            try {
                await this.createNamespace(name, labels);
                return "created";
            } catch (e) {
                if (!isAlreadyExists(e)) throw e;
            }
            const ns = await this.getNamespace(name);
            if (ns && ns.status?.phase !== "Terminating") return "existed";
            if (Date.now() > deadline) throw new Error(`namespace ${name} is still terminating after ${waitMs} ms`);
            await new Promise((r) => setTimeout(r, 500));
        }
    }

    async getNamespace(name: string): Promise<Namespace | undefined> {
        try {
            return await this.json<Namespace>("GET", `/api/v1/namespaces/${enc(name)}`);
        } catch (e) {
            if (isNotFound(e)) return undefined;
            throw e;
        }
    }

    /** DELETE a namespace (returns at once; it terminates in the background). Absent is fine. */
    async deleteNamespace(name: string): Promise<void> {
        try {
            await this.json("DELETE", `/api/v1/namespaces/${enc(name)}`);
        } catch (e) {
            if (!isNotFound(e)) throw e;
        }
    }
}

// --- time ----------------------------------------------------------------------------------------

/**
 * Milliseconds since the epoch of a Kubernetes Time or MicroTime (RFC3339, optional fraction
 * of up to 9 digits, Z or an offset), keeping the microseconds; undefined if not parseable.
 */
export function parseKubeTime(s: string | undefined): number | undefined {
    if (!s) return undefined;
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s.trim());
    if (!m) return undefined;
    const whole = Date.parse(`${m[1]}${m[3]}`);
    if (Number.isNaN(whole)) return undefined;
    return whole + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}
