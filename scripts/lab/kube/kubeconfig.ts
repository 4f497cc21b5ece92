// Kubeconfig files as kubeadm writes them (admin.conf): the server, the cluster CA and the user's credentials.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

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
