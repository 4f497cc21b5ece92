// The lab's Kubernetes API client, its health read and its write probe, against a stub API on
// 127.0.0.1 with TLS and client-certificate authentication (a CA, a server and a client
// certificate made with openssl at test time): kubeconfig parsing, that the client certificate
// is presented, /readyz, lease ages and live identity leases, holder identity -> node,
// pagination by continue tokens, a 409 on create told apart, the summary lines, and a probe run
// that notices a lost acknowledged write.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { TLSSocket } from "tls";
import { ApiHealth, formatApiHealth, holderNode, readApiHealth } from "../../scripts/lab/apiHealth";
import { AlreadyExistsError, isAlreadyExists, KubeApiError, KubeClient, loadKubeconfig, parseKubeconfig, parseKubeTime } from "../../scripts/lab/kube";
import { runKubeProbe } from "../../scripts/lab/kubeProbe";
import { requireTool } from "../support/tools";

interface Pki {
    ca: string;
    serverCert: string;
    serverKey: string;
    clientCert: string;
    clientKey: string;
}

function makePki(dir: string): Pki {
    const run = (...args: string[]) => {
        const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
        assert.equal(r.status, 0, `openssl ${args[0]}: ${r.stderr}`);
    };
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run("req", "-x509", ...ec, "-days", "1", "-subj", "/CN=test-kubernetes-ca", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.crt");
    const leaf = (name: string, subj: string, ext: string) => {
        fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
        run("req", ...ec, "-subj", subj, "-keyout", `${name}.key`, "-out", `${name}.csr`);
        run("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", `${name}.ext`, "-out", `${name}.crt`);
    };
    leaf("server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    leaf("client", "/O=system:masters/CN=kubernetes-admin", "extendedKeyUsage=clientAuth\n");
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    return { ca: read("ca.crt"), serverCert: read("server.crt"), serverKey: read("server.key"), clientCert: read("client.crt"), clientKey: read("client.key") };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** admin.conf as kubeadm writes it, with a second context that is not the current one. */
function kubeconfigYaml(pki: Pki, server: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- cluster:",
        "    certificate-authority-data: " + b64("not the right CA"),
        "    server: https://192.0.2.1:6443",
        "  name: other",
        "- cluster:",
        `    certificate-authority-data: ${b64(pki.ca)}`,
        `    server: ${server}`,
        "  name: lab",
        "contexts:",
        "- context:",
        "    cluster: other",
        "    user: other-admin",
        "  name: other-admin@other",
        "- context:",
        "    cluster: lab",
        "    user: kubernetes-admin",
        "  name: kubernetes-admin@lab",
        "current-context: kubernetes-admin@lab",
        "preferences: {}",
        "users:",
        "- name: other-admin",
        "  user:",
        "    token: not-used",
        "- name: kubernetes-admin",
        "  user:",
        `    client-certificate-data: ${b64(pki.clientCert)}`,
        `    client-key-data: ${b64(pki.clientKey)}`,
        "",
    ].join("\n");
}

// --- the stub API ----------------------------------------------------------------------------

const NOW = Date.parse("2026-12-02T21:00:00Z");

const lease = (name: string, holder: string, renewTime: string, duration: number, labels?: Record<string, string>) => ({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace: "kube-system", ...(labels ? { labels } : {}) },
    spec: { holderIdentity: holder, leaseDurationSeconds: duration, renewTime, acquireTime: "2026-12-02T20:51:19.840465Z", leaseTransitions: 1 },
});

const identity = (hash: string, host: string, renewTime: string) =>
    lease(`apiserver-${hash}`, `apiserver-${hash}_2d88b460-7a5a-4873-8179-22555481e0dd`, renewTime, 3600, { "apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": host });

const node = (name: string, zone: string | undefined, ready: "True" | "False" | "Unknown", controlPlane = true) => ({
    metadata: {
        name,
        labels: { "kubernetes.io/hostname": name, ...(controlPlane ? { "node-role.kubernetes.io/control-plane": "" } : {}), ...(zone ? { "topology.kubernetes.io/zone": zone } : {}) },
    },
    status: {
        conditions: [
            { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory" },
            { type: "Ready", status: ready, reason: ready === "True" ? "KubeletReady" : "NodeStatusUnknown" },
        ],
    },
});

interface Seen {
    method: string;
    url: string;
    clientCn?: string;
    remotePort?: number;
}

class StubApi {
    server!: https.Server;
    url = "";
    seen: Seen[] = [];
    readyz = { status: 200, body: "ok" };
    configMaps = new Map<string, { metadata: { name: string; namespace: string; labels?: Record<string, string> }; data?: Record<string, string> }>();
    namespaces = new Set<string>(["default", "kube-system"]);
    /** Creates answered 201 but dropped (a cluster that loses acknowledged writes). */
    loseCreates = new Set<number>();
    creates = 0;
    hang = false;

    constructor(private readonly pki: Pki) {}

    async start(): Promise<void> {
        this.server = https.createServer({ key: this.pki.serverKey, cert: this.pki.serverCert, ca: this.pki.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => this.handle(req, res));
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
        this.url = `https://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    }

    stop(): Promise<void> {
        this.server.closeAllConnections();
        return new Promise((r) => this.server.close(() => r()));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const socket = req.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        const cn = socket.authorized && peer && peer.subject ? (peer.subject.CN as string) : undefined;
        this.seen.push({ method: req.method ?? "", url: req.url ?? "", clientCn: cn, remotePort: socket.remotePort });
        const send = (code: number, body: unknown) => {
            const text = typeof body === "string" ? body : JSON.stringify(body);
            res.writeHead(code, { "Content-Type": typeof body === "string" ? "text/plain" : "application/json" });
            res.end(text);
        };
        const status = (code: number, reason: string, message: string) => send(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
        if (this.hang) return;
        if (!cn) return status(401, "Unauthorized", "Unauthorized");
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const u = new URL(req.url ?? "/", "https://stub");
            const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
            const p = u.pathname;
            let m: RegExpExecArray | null;
            if (p === "/readyz") return send(this.readyz.status, this.readyz.body);
            if (p === "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager")
                return send(200, lease("kube-controller-manager", "lab-2_835d09f0-603c-4068-9fad-7dcaee1aeb6a", "2026-12-02T20:59:58.750000Z", 15));
            if (p === "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler")
                return send(200, lease("kube-scheduler", "lab-3_6a331560-0d99-48bb-9dad-48b04e55cd77", "2026-12-02T20:59:40.000001Z", 15));
            if (p === "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases") {
                assert.equal(u.searchParams.get("labelSelector"), "apiserver.kubernetes.io/identity=kube-apiserver");
                return send(200, {
                    kind: "LeaseList",
                    metadata: {},
                    items: [identity("aaa", "lab-1", "2026-12-02T20:59:52.500000Z"), identity("bbb", "lab-3", "2026-12-02T20:58:00.000000Z"), identity("ccc", "lab-2", "2026-12-02T20:59:31.000000Z")],
                });
            }
            if (p === "/api/v1/nodes") return send(200, { kind: "NodeList", metadata: {}, items: [node("lab-2", "rack-b", "True"), node("lab-1", "rack-a", "True"), node("lab-3", undefined, "Unknown")] });
            if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p)) && req.method === "GET") {
                return this.namespaces.has(m[1]) ? send(200, { metadata: { name: m[1] }, status: { phase: "Active" } }) : status(404, "NotFound", `namespaces "${m[1]}" not found`);
            }
            if (p === "/api/v1/namespaces" && req.method === "POST") {
                const name = body.metadata.name as string;
                if (this.namespaces.has(name)) return status(409, "AlreadyExists", `namespaces "${name}" already exists`);
                this.namespaces.add(name);
                return send(201, body);
            }
            if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps$/.exec(p))) {
                const ns = m[1];
                if (req.method === "POST") {
                    if (ns === "forbidden") return status(403, "Forbidden", `configmaps is forbidden: User "x" cannot create resource "configmaps" in the namespace "forbidden"`);
                    const key = `${ns}/${body.metadata.name}`;
                    if (this.configMaps.has(key)) return status(409, "AlreadyExists", `configmaps "${body.metadata.name}" already exists`);
                    if (!this.loseCreates.has(this.creates++)) this.configMaps.set(key, { ...body, metadata: { ...body.metadata, namespace: ns } });
                    return send(201, body);
                }
                const selector = u.searchParams.get("labelSelector") ?? "";
                const [lk, lv] = selector.split("=");
                const all = [...this.configMaps.values()].filter((cm) => cm.metadata.namespace === ns && (!selector || cm.metadata.labels?.[lk] === lv));
                if (req.method === "DELETE") {
                    for (const cm of all) this.configMaps.delete(`${ns}/${cm.metadata.name}`);
                    return send(200, { kind: "ConfigMapList", metadata: {}, items: all });
                }
                const limit = Number(u.searchParams.get("limit") ?? "0") || all.length;
                const from = u.searchParams.get("continue") ? Number(Buffer.from(u.searchParams.get("continue")!, "base64").toString()) : 0;
                const items = all.slice(from, from + limit);
                const more = from + limit < all.length;
                return send(200, { kind: "ConfigMapList", metadata: more ? { continue: b64(String(from + limit)), remainingItemCount: all.length - from - limit } : {}, items });
            }
            status(404, "NotFound", "the server could not find the requested resource");
        });
    }
}

// --- tests -------------------------------------------------------------------------------------

describe("lab Kubernetes API client", function () {
    let dir: string;
    let pki: Pki;
    let stub: StubApi;
    let kubeconfig: string;

    before(function () {
        requireTool(this, "openssl");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-kube-"));
        pki = makePki(dir);
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));
    beforeEach(async () => {
        stub = new StubApi(pki);
        await stub.start();
        kubeconfig = path.join(dir, "admin.conf");
        fs.writeFileSync(kubeconfig, kubeconfigYaml(pki, stub.url), { mode: 0o600 });
    });
    afterEach(() => stub.stop());

    describe("kubeconfig", () => {
        it("takes the current context's cluster and user, with the base64 data decoded", () => {
            const cfg = loadKubeconfig(kubeconfig);
            assert.equal(cfg.contextName, "kubernetes-admin@lab");
            assert.equal(cfg.clusterName, "lab");
            assert.equal(cfg.userName, "kubernetes-admin");
            assert.equal(cfg.server, stub.url);
            assert.equal(cfg.ca?.toString(), pki.ca);
            assert.equal(cfg.cert?.toString(), pki.clientCert);
            assert.equal(cfg.key?.toString(), pki.clientKey);
            assert.equal(cfg.token, undefined);
        });

        it("takes another context when asked, and the file forms relative to the kubeconfig", () => {
            const other = parseKubeconfig(kubeconfigYaml(pki, stub.url), { context: "other-admin@other" });
            assert.equal(other.server, "https://192.0.2.1:6443");
            assert.equal(other.token, "not-used");
            fs.writeFileSync(path.join(dir, "ca-file.crt"), pki.ca);
            const text = kubeconfigYaml(pki, stub.url).replace(/certificate-authority-data: \S+\n    server: https:\/\/127/, "certificate-authority: ca-file.crt\n    server: https://127");
            assert.equal(parseKubeconfig(text, { baseDir: dir }).ca?.toString(), pki.ca);
        });

        it("says what is missing without quoting key material", () => {
            const text = kubeconfigYaml(pki, stub.url).replace("current-context: kubernetes-admin@lab", "current-context: nobody@lab");
            assert.throws(() => parseKubeconfig(text, { source: "admin.conf" }), /kubeconfig admin.conf: no context named "nobody@lab"/);
            const noKey = kubeconfigYaml(pki, stub.url).replace(/ {4}client-key-data: \S+\n/, "");
            assert.throws(
                () => parseKubeconfig(noKey),
                (e: Error) => /client certificate without its key/.test(e.message) && !e.message.includes(b64(pki.clientCert).slice(0, 40)),
            );
            assert.throws(() => parseKubeconfig("clusters: [\n  {"), (e: Error) => e.message === "kubeconfig (text): not valid YAML");
        });
    });

    describe("requests", () => {
        it("present the client certificate and verify the server against the cluster CA", async () => {
            const client = KubeClient.fromKubeconfig(kubeconfig);
            assert.equal(await client.readyz(), true);
            assert.equal(stub.seen[0].clientCn, "kubernetes-admin", "the stub saw the admin's client certificate");
            // The same server checked against the wrong CA fails TLS, and says so without secrets.
            const wrongCa = new KubeClient({ ...loadKubeconfig(kubeconfig), ca: Buffer.from(pki.clientCert) });
            await assert.rejects(wrongCa.getRaw("/readyz"), (e: KubeApiError) => e.status === 0 && !!e.code && !e.message.includes("PRIVATE KEY"));
            // Without a client certificate the API refuses: status and the API's message.
            const anonymous = new KubeClient({ ...loadKubeconfig(kubeconfig), cert: undefined, key: undefined });
            await assert.rejects(anonymous.listNodes(), (e: KubeApiError) => e.status === 401 && e.reason === "Unauthorized" && /GET \/api\/v1\/nodes\?limit=500: HTTP 401 Unauthorized: Unauthorized/.test(e.message));
        });

        it("open a fresh connection per request unless keepAlive, and honour a server override", async () => {
            const cfg = loadKubeconfig(kubeconfig);
            const fresh = new KubeClient({ ...cfg, server: "https://192.0.2.1:6443" }, { server: stub.url });
            await fresh.getRaw("/readyz");
            await fresh.getRaw("/readyz");
            const kept = new KubeClient(cfg, { keepAlive: true });
            await kept.getRaw("/readyz");
            await kept.getRaw("/readyz");
            kept.close();
            const ports = stub.seen.map((s) => s.remotePort);
            assert.notEqual(ports[0], ports[1], "each request on its own connection");
            assert.equal(ports[2], ports[3], "keepAlive reuses the connection");
        });

        it("readyz: true only for 200 \"ok\"; false for a failing check, a refused connection or a timeout", async () => {
            const client = new KubeClient(loadKubeconfig(kubeconfig), { timeoutMs: 150 });
            assert.equal(await client.readyz(), true);
            stub.readyz = { status: 500, body: "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n" };
            assert.equal(await client.readyz(), false);
            assert.deepEqual(await client.readyzDetail(), { ok: false, detail: "HTTP 500: [-]etcd failed: reason withheld" });
            stub.readyz = { status: 200, body: "not ok" };
            assert.equal(await client.readyz(), false);
            // A port nobody listens on.
            const closed = net.createServer();
            await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
            const port = (closed.address() as net.AddressInfo).port;
            await new Promise((r) => closed.close(r));
            assert.deepEqual(await new KubeClient(loadKubeconfig(kubeconfig), { server: `https://127.0.0.1:${port}` }).readyzDetail(), { ok: false, detail: "ECONNREFUSED" });
            stub.hang = true;
            const t = Date.now();
            assert.deepEqual(await client.readyzDetail(), { ok: false, detail: "TIMEOUT" });
            assert.ok(Date.now() - t < 1000, "the timeout bounds the request");
        });

        it("list ConfigMaps page by page, following continue tokens", async () => {
            const client = KubeClient.fromKubeconfig(kubeconfig);
            await client.ensureNamespace("p");
            for (let i = 0; i < 7; i++) await client.createConfigMap("p", `cm-${i}`, { seq: String(i) }, { run: i === 3 ? "other" : "a" });
            stub.seen = [];
            const items = await client.listConfigMaps("p", "run=a", { limit: 2 });
            assert.deepEqual(items.map((c) => c.data?.seq), ["0", "1", "2", "4", "5", "6"]);
            const lists = stub.seen.map((s) => new URL(s.url, "https://x").searchParams);
            assert.equal(lists.length, 3, "three pages of two");
            assert.deepEqual(lists.map((q) => q.get("labelSelector")), ["run=a", "run=a", "run=a"]);
            assert.deepEqual(lists.map((q) => q.get("limit")), ["2", "2", "2"]);
            assert.deepEqual(lists.map((q) => q.get("continue")), [null, b64("2"), b64("4")]);
            await client.deleteConfigMaps("p", "run=a");
            assert.deepEqual((await client.listConfigMaps("p")).map((c) => c.metadata.name), ["cm-3"]);
            await assert.rejects(client.deleteConfigMaps("p", " "), /empty label selector/);
        });

        it("report a 409 on create as AlreadyExists, apart from other failures", async () => {
            const client = KubeClient.fromKubeconfig(kubeconfig);
            assert.equal(await client.ensureNamespace("p"), "created");
            assert.equal(await client.ensureNamespace("p"), "existed");
            await client.createConfigMap("p", "x", { seq: "1" });
            await assert.rejects(client.createConfigMap("p", "x", { seq: "1" }), (e: unknown) => {
                assert.ok(e instanceof AlreadyExistsError && isAlreadyExists(e));
                assert.equal(e.status, 409);
                assert.equal(e.message, 'POST /api/v1/namespaces/p/configmaps: HTTP 409 AlreadyExists: configmaps "x" already exists');
                return true;
            });
            await assert.rejects(client.createConfigMap("forbidden", "x", {}), (e: unknown) => e instanceof KubeApiError && !isAlreadyExists(e) && e.status === 403 && e.reason === "Forbidden");
            await assert.rejects(client.createNamespace("p"), (e: unknown) => isAlreadyExists(e));
            assert.equal(await client.getLease("kube-system", "absent"), undefined, "a lease that is not there is undefined");
        });
    });

    describe("API health", () => {
        it("maps holder identities to nodes and parses microsecond times", () => {
            assert.equal(holderNode("lab-2_835d09f0-603c-4068-9fad-7dcaee1aeb6a"), "lab-2");
            assert.equal(holderNode("lab-2"), "lab-2");
            assert.equal(holderNode(undefined), undefined);
            assert.equal(holderNode(""), undefined);
            assert.equal(parseKubeTime("2026-12-02T20:59:58.750001Z"), NOW - 1249.999);
            assert.equal(parseKubeTime("2026-12-02T21:00:00Z"), NOW);
            assert.equal(parseKubeTime("2026-12-02T22:00:00+01:00"), NOW);
            assert.equal(parseKubeTime("yesterday"), undefined);
        });

        it("reads readyz, the leader leases, the live API server identities and the nodes", async () => {
            const h = await readApiHealth(kubeconfig, { server: stub.url, now: () => NOW });
            assert.deepEqual(h.errors, []);
            assert.equal(h.readyz, true);
            assert.equal(h.server, stub.url);
            assert.deepEqual(
                { holder: h.controllerManager?.holderNode, age: h.controllerManager?.renewedAgoSeconds, duration: h.controllerManager?.leaseDurationSeconds },
                { holder: "lab-2", age: 1.25, duration: 15 },
            );
            assert.equal(h.scheduler?.holderNode, "lab-3");
            assert.ok(Math.abs(h.scheduler!.renewedAgoSeconds! - 19.999999) < 1e-6);
            assert.deepEqual(
                h.apiServerLeases.map((l) => [l.hostname, l.renewedAgoSeconds, l.live]),
                [
                    ["lab-1", 7.5, true],
                    ["lab-2", 29, true],
                    ["lab-3", 120, false],
                ],
            );
            assert.equal(h.liveApiServers, 2);
            assert.deepEqual(h.nodes, [
                { name: "lab-1", controlPlane: true, zone: "rack-a", ready: true, readyStatus: "True", readyReason: "KubeletReady" },
                { name: "lab-2", controlPlane: true, zone: "rack-b", ready: true, readyStatus: "True", readyReason: "KubeletReady" },
                { name: "lab-3", controlPlane: true, zone: undefined, ready: false, readyStatus: "Unknown", readyReason: "NodeStatusUnknown" },
            ]);
            assert.equal(
                formatApiHealth(h),
                [
                    `readyz via ${stub.url}: ok`,
                    "controller-manager lease: lab-2 (renewed 1.3 s ago)",
                    "scheduler lease: lab-3 (renewed 20.0 s ago, expired)",
                    "API server identity leases live: 2 of 3 (lab-1, lab-2)",
                    "nodes: lab-1 (rack-a), lab-2 (rack-b), lab-3 (no zone, Ready=Unknown NodeStatusUnknown)",
                ].join("\n"),
            );
        });

        it("reports an unreachable API as lines, not an exception", async () => {
            await stub.stop();
            const h = await readApiHealth(kubeconfig, { server: stub.url, timeoutMs: 300 });
            assert.equal(h.readyz, false);
            assert.equal(h.controllerManager, undefined);
            assert.equal(h.errors.length, 4, "both leases, the identity leases and the nodes");
            const text = formatApiHealth(h as ApiHealth);
            assert.match(text, /^readyz via https:\/\/127\.0\.0\.1:\d+: not ready \(ECONNREFUSED\)$/m);
            assert.match(text, /^controller-manager lease: not read$/m);
            assert.match(text, /^error: GET \/apis\/coordination\.k8s\.io\/v1\/namespaces\/kube-system\/leases\/kube-controller-manager: ECONNREFUSED: /m);
            assert.ok(!text.includes(b64(pki.clientKey).slice(0, 40)) && !text.includes("PRIVATE KEY"));
            await stub.start();
        });
    });

    describe("probe", () => {
        it("counts acknowledged writes and finds an acknowledged write the cluster lost", async () => {
            const state = fs.mkdtempSync(path.join(dir, "probe-"));
            fs.writeFileSync(path.join(state, "probe.json"), JSON.stringify({ kubeconfig, server: stub.url, namespace: "haplane-probe", run: "t1", readIntervalMs: 20 }));
            stub.loseCreates.add(5);
            let stop!: () => void;
            const stopped = new Promise<void>((r) => (stop = r));
            const running = runKubeProbe(state, stopped);
            const t = Date.now();
            while (stub.creates < 20 && Date.now() - t < 2000) await new Promise((r) => setTimeout(r, 10));
            stop();
            const result = await running;
            assert.deepEqual(JSON.parse(fs.readFileSync(path.join(state, "result.json"), "utf8")), result);
            assert.ok(result.writesAcknowledged >= 20, `${result.writesAcknowledged} writes acknowledged`);
            assert.equal(result.writesFailed, 0);
            assert.equal(result.writesLost, 1, "the create the stub answered 201 but dropped");
            assert.equal(result.verifyError, undefined);
            assert.ok(result.readsOk > 0 && result.readsFailed === 0);
            const names = stub.seen.filter((s) => s.method === "POST" && s.url.endsWith("/configmaps")).length;
            assert.equal(names, result.writesAcknowledged);
            assert.ok(stub.namespaces.has("haplane-probe"), "the probe made its namespace");
            // A lost write keeps the evidence: no cleanup.
            assert.equal([...stub.configMaps.keys()].filter((k) => k.startsWith("haplane-probe/probe-t1-")).length, result.writesAcknowledged - 1);

            // The same run id again is refused, not counted as hundreds of 409s.
            const again = await runKubeProbe(state, new Promise((r) => setTimeout(r, 50)));
            assert.match(again.setupError ?? "", /run t1 was used before/);
            assert.equal(again.writesAcknowledged + again.writesFailed, 0);
        });
    });
});
