// The lab's client of the real Kubernetes API: HTTPS with client certificates (or a token), a
// bounded time per request, and the few calls the lab's health summary and its probe make.
//
// Connections: by default every request opens its own TCP and TLS connection (no keep-alive,
// no TLS session reuse), so that a probe measuring failover through the VIP is balanced anew
// each time instead of riding one connection to one API server. Pass keepAlive: true for
// bulk reads where that does not matter.
import * as https from "https";
import { errorFor, isAlreadyExists, isNotFound, KubeApiError } from "./errors";
import { Kubeconfig, loadKubeconfig } from "./kubeconfig";
import { ConfigMap, Lease, List, Namespace, Node } from "./objects";

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
