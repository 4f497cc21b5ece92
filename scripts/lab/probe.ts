// A client on the lab bridge that keeps using the control plane while `pulumi up` changes it:
// it writes to etcd (gRPC with mutual TLS; the lab's etcd serves no JSON gateway) and reads
// the endpoint (GET /readyz on the VIP) continuously, and counts what failed. Runs as its own process, so that the caller
// may block on `pulumi up`; SIGTERM ends it after it checked that every acknowledged write
// can be read back.
//
// usage: ts-node probe.ts <state dir>
//   <state dir>/endpoints.json: {"etcd": [client URLs], "vip": "https://198.18.0.100:6443"}
//     (re-read every second: the caller updates it as members change);
//   <state dir>/{ca.crt,client.crt,client.key}: an etcd client certificate;
//   writes <state dir>/result.json on exit.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { EtcdGrpc } from "../bench/etcd";
import { stateDirArgument } from "./cli";

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

const dir = stateDirArgument("ts-node probe.ts <state dir>");
const file = (name: string) => path.join(dir, name);

function get(url: string, opts: https.RequestOptions, timeoutMs: number): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
        const req = https.request(url, { method: "GET", timeout: timeoutMs, ...opts }, (res) => {
            let text = "";
            res.on("data", (d) => (text += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
        req.end();
    });
}

async function main(): Promise<void> {
    const etcd = new EtcdGrpc({ dir, ca: fs.readFileSync(file("ca.crt")), cert: fs.readFileSync(file("client.crt")), key: fs.readFileSync(file("client.key")) });
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
            const r = url ? await etcd.put(url, key, value, 1000) : { ok: false };
            if (r.ok) {
                acked.set(key, value);
                result.writesAcknowledged++;
                result.longestWriteGapMs = Math.max(result.longestWriteGapMs, Date.now() - lastAck);
                lastAck = Date.now();
                i++;
            } else {
                result.writesFailed++;
            }
            await new Promise((r) => setTimeout(r, 20));
        }
    })();
    const reader = (async () => {
        while (running) {
            try {
                const r = await get(`${endpoints.vip}/readyz`, { agent: vipAgent }, 1000);
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

    // Every acknowledged write must be there: a linearizable read of the probe's prefix.
    try {
        const r = spawnSync(
            "etcdctl",
            ["--endpoints", endpoints.etcd.join(","), "--cacert", file("ca.crt"), "--cert", file("client.crt"), "--key", file("client.key"), "get", prefix, "--prefix", "-w", "json"],
            { encoding: "utf8", timeout: 30_000, env: { ...process.env, ETCDCTL_API: "3" }, maxBuffer: 256 * 1024 * 1024 },
        );
        if (r.status !== 0) throw new Error(`etcdctl get failed: ${(r.stderr ?? "").trim().split("\n").pop()}`);
        const kvs = (JSON.parse(r.stdout).kvs ?? []) as { key: string; value: string }[];
        const found = new Map(kvs.map((kv) => [Buffer.from(kv.key, "base64").toString(), Buffer.from(kv.value, "base64").toString()]));
        for (const [key, value] of acked) if (found.get(key) !== value) result.writesLost++;
    } catch (e) {
        result.verifyError = e instanceof Error ? e.message : String(e);
    }
    fs.writeFileSync(file("result.json"), JSON.stringify(result));
    etcd.close();
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
