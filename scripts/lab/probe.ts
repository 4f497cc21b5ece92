// A client on the lab bridge that keeps using the control plane while `pulumi up` changes it:
// it writes to etcd (the v3 JSON gateway, mutual TLS) and reads the endpoint (GET /readyz on
// the VIP) continuously, and counts what failed. Runs as its own process, so that the caller
// may block on `pulumi up`; SIGTERM ends it after it checked that every acknowledged write
// can be read back.
//
// usage: ts-node probe.ts <state dir>
//   <state dir>/endpoints.json: {"etcd": [client URLs], "vip": "https://198.18.0.100:6443"}
//     (re-read every second: the caller updates it as members change);
//   <state dir>/{ca.crt,client.crt,client.key}: an etcd client certificate;
//   writes <state dir>/result.json on exit.
import * as fs from "fs";
import * as https from "https";
import * as path from "path";

export interface ProbeResult {
    writesAcknowledged: number;
    writesFailed: number;
    /** Acknowledged writes a final read did not find (must be 0). */
    writesLost: number;
    readsOk: number;
    readsFailed: number;
    /** Longest time without an acknowledged write, ms. */
    longestWriteGapMs: number;
    /** Set when the final read-back itself could not be done. */
    verifyError?: string;
}

const dir = process.argv[2];
const agent = () =>
    new https.Agent({
        keepAlive: true,
        ca: fs.readFileSync(path.join(dir, "ca.crt")),
        cert: fs.readFileSync(path.join(dir, "client.crt")),
        key: fs.readFileSync(path.join(dir, "client.key")),
    });
const b64 = (s: string) => Buffer.from(s).toString("base64");

function request(url: string, body: object | undefined, opts: https.RequestOptions, timeoutMs: number): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
        const req = https.request(url, { method: body ? "POST" : "GET", timeout: timeoutMs, ...opts }, (res) => {
            let text = "";
            res.on("data", (d) => (text += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
        req.end(body ? JSON.stringify(body) : undefined);
    });
}

async function main(): Promise<void> {
    const etcdAgent = agent();
    const vipAgent = new https.Agent({ keepAlive: false, rejectUnauthorized: false });
    let endpoints: { etcd: string[]; vip: string } = { etcd: [], vip: "" };
    const reload = () => {
        try {
            endpoints = JSON.parse(fs.readFileSync(path.join(dir, "endpoints.json"), "utf8"));
        } catch {
            /* keep the previous list */
        }
    };
    reload();
    const result: ProbeResult = { writesAcknowledged: 0, writesFailed: 0, writesLost: 0, readsOk: 0, readsFailed: 0, longestWriteGapMs: 0 };
    const acked = new Map<string, string>();
    const prefix = `probe/${process.pid}/`;
    let running = true;
    let next = 0;
    let lastAck = Date.now();
    process.on("SIGTERM", () => (running = false));
    const reloader = setInterval(reload, 1000);

    const writer = (async () => {
        let i = 0;
        while (running) {
            const key = `${prefix}${String(i).padStart(8, "0")}`;
            const value = `v${i}`;
            const url = endpoints.etcd[next++ % Math.max(1, endpoints.etcd.length)];
            try {
                const r = await request(`${url}/v3/kv/put`, { key: b64(key), value: b64(value) }, { agent: etcdAgent }, 1000);
                if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
                acked.set(key, value);
                result.writesAcknowledged++;
                result.longestWriteGapMs = Math.max(result.longestWriteGapMs, Date.now() - lastAck);
                lastAck = Date.now();
                i++;
            } catch {
                result.writesFailed++;
            }
            await new Promise((r) => setTimeout(r, 20));
        }
    })();
    const reader = (async () => {
        while (running) {
            try {
                const r = await request(`${endpoints.vip}/readyz`, undefined, { agent: vipAgent }, 1000);
                if (r.status === 200) result.readsOk++;
                else result.readsFailed++;
            } catch {
                result.readsFailed++;
            }
            await new Promise((r) => setTimeout(r, 50));
        }
    })();
    await Promise.all([writer, reader]);
    clearInterval(reloader);

    // Every acknowledged write must be there: a linearizable range over the probe's prefix.
    try {
        let found: Map<string, string> | undefined;
        for (const url of endpoints.etcd) {
            try {
                const r = await request(
                    `${url}/v3/kv/range`,
                    { key: b64(prefix), range_end: b64(prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)) },
                    { agent: etcdAgent },
                    5000,
                );
                if (r.status !== 200) continue;
                const kvs = (JSON.parse(r.text).kvs ?? []) as { key: string; value: string }[];
                found = new Map(kvs.map((kv) => [Buffer.from(kv.key, "base64").toString(), Buffer.from(kv.value, "base64").toString()]));
                break;
            } catch {
                /* next member */
            }
        }
        if (!found) throw new Error("no etcd member answered the read-back");
        for (const [key, value] of acked) if (found.get(key) !== value) result.writesLost++;
    } catch (e) {
        result.verifyError = e instanceof Error ? e.message : String(e);
    }
    fs.writeFileSync(path.join(dir, "result.json"), JSON.stringify(result));
    etcdAgent.destroy();
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
