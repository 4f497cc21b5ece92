// A client that keeps using the real Kubernetes API while `pulumi up` changes the control
// plane: back to back it creates ConfigMaps (each a write the API server acknowledges only once
// etcd committed it by quorum) and reads /readyz, every request on its own connection through
// the endpoint, and counts what failed. Runs as its own process so that the caller may block on
// `pulumi up`; SIGTERM ends it after it listed its ConfigMaps back: an acknowledged write that is
// not there is one the cluster lost.
//
// usage: ts-node kubeProbe.ts <state dir>
//   <state dir>/probe.json: {"kubeconfig": "<path>", "server": "https://198.18.0.100:6443",
//                            "namespace": "haplane-probe", "run": "<run id>"}
//   writes <state dir>/progress.json (counters, every second) and <state dir>/result.json on exit.
// As a module it exports startKubeProbe/stopKubeProbe for tests.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { stateDirArgument } from "./cli";
import { isAlreadyExists, KubeApiError, KubeClient, loadKubeconfig } from "./kube";

export interface KubeProbeSettings {
    kubeconfig: string;
    /** The endpoint to use (the VIP); default the kubeconfig's server. */
    server?: string;
    /** Created if missing; default haplane-probe. */
    namespace?: string;
    /** Names this run's ConfigMaps (probe-<run>-<seq>) and labels them haplane.dev/probe-run=<run>. */
    run: string;
    /** Per write, ms; default 5000. */
    writeTimeoutMs?: number;
    /** /readyz every this many ms (start to start); default 250. */
    readIntervalMs?: number;
    /** Per /readyz, ms; default 2000. */
    readTimeoutMs?: number;
    /** How long the final listing retries while the API is unavailable, ms; default 30000. */
    verifyWithinMs?: number;
    /** Delete this run's ConfigMaps after a clean verification (none lost); default true. */
    cleanup?: boolean;
}

export interface KubeProbeResult {
    /** Creates answered 201. */
    writesAcknowledged: number;
    /** Creates that failed: an error, a timeout or any status but 201. */
    writesFailed: number;
    /** Of those, 409 AlreadyExists: the name was taken though no request for it was made before (never expected). */
    writesAlreadyExisted: number;
    /** Acknowledged writes the final listing did not find (must be 0). */
    writesLost: number;
    /** Failed writes (but 409s) the listing found anyway: committed, the answer lost on the way (a timeout, a cut connection). */
    writesFailedButFound: number;
    readsOk: number;
    readsFailed: number;
    /** Longest time between two acknowledged writes (from the first write attempt), ms. */
    longestWriteGapMs: number;
    /** From the probe's start (namespace setup included) to SIGTERM, ms. */
    durationMs: number;
    /** Failed writes by kind: "TIMEOUT", "ECONNREFUSED", "HTTP 409 AlreadyExists", "HTTP 500 InternalError", ... */
    writeErrors: Record<string, number>;
    /** The last write error in full (the API's message), for diagnosis. */
    lastWriteError?: string;
    /** Set when the namespace could never be ensured (nothing was written). */
    setupError?: string;
    /** Set when the final listing could not be done. */
    verifyError?: string;
    cleanupError?: string;
}

export const PROBE_RUN_LABEL = "haplane.dev/probe-run";
const RUN_ID = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kindOf = (e: unknown) => (e instanceof KubeApiError ? (e.status ? `HTTP ${e.status}${e.reason ? ` ${e.reason}` : ""}` : `${e.code}`) : "error");
const message = (e: unknown) => (e instanceof KubeApiError ? (e.status ? `HTTP ${e.status}${e.reason ? ` ${e.reason}` : ""}: ${e.apiMessage}` : `${e.code}`) : e instanceof Error ? e.message : String(e));

/**
 * The probe itself: runs until `stop` resolves (the process: SIGTERM), then verifies and writes
 * result.json. Exported so that a unit test may run it in-process against a stub API.
 */
export async function runKubeProbe(dir: string, stop: Promise<void>): Promise<KubeProbeResult> {
    const file = (name: string) => path.join(dir, name);
    const settings = JSON.parse(fs.readFileSync(file("probe.json"), "utf8")) as KubeProbeSettings;
    if (!RUN_ID.test(settings.run)) throw new Error(`probe.json: run must be a DNS label of at most 40 characters, not ${JSON.stringify(settings.run)}`);
    const namespace = settings.namespace ?? "haplane-probe";
    const writeTimeoutMs = settings.writeTimeoutMs ?? 5000;
    const readIntervalMs = settings.readIntervalMs ?? 250;
    const client = new KubeClient(loadKubeconfig(settings.kubeconfig), { server: settings.server, timeoutMs: writeTimeoutMs, keepAlive: false });
    const selector = `${PROBE_RUN_LABEL}=${settings.run}`;

    const result: KubeProbeResult = {
        writesAcknowledged: 0,
        writesFailed: 0,
        writesAlreadyExisted: 0,
        writesLost: 0,
        writesFailedButFound: 0,
        readsOk: 0,
        readsFailed: 0,
        longestWriteGapMs: 0,
        durationMs: 0,
        writeErrors: {},
    };
    const acked = new Set<number>();
    const failed = new Set<number>();
    let running = true;
    void stop.then(() => (running = false));
    const progress = setInterval(() => fs.writeFileSync(file("progress.json"), JSON.stringify(result)), 1000);

    const reader = (async () => {
        while (running) {
            const start = now();
            if (await client.readyz(settings.readTimeoutMs ?? 2000)) result.readsOk++;
            else result.readsFailed++;
            const rest = readIntervalMs - (now() - start);
            if (rest > 0 && running) await sleep(rest);
        }
    })();

    // The namespace first (retried: the API may be coming up); writes count from then on.
    const started = now();
    let ready = false;
    while (running && !ready) {
        try {
            await client.ensureNamespace(namespace, { "haplane.dev/probe": "true" });
            // A run id used before would make every write a 409: refuse it instead.
            if ((await client.listConfigMaps(namespace, selector)).length) {
                result.setupError = `run ${settings.run} was used before: ConfigMaps ${selector} exist in ${namespace}`;
                break;
            }
            ready = true;
            delete result.setupError;
        } catch (e) {
            result.setupError = message(e);
            await sleep(500);
        }
    }
    if (!ready) result.setupError ??= "stopped before the namespace existed";

    const writer = (async () => {
        if (!ready) return;
        let seq = 0;
        let lastAck = now();
        while (running) {
            // A new seq per attempt: a failed create that did commit is then found as an extra,
            // never mistaken for an acknowledged one.
            const n = seq++;
            try {
                await client.createConfigMap(namespace, `probe-${settings.run}-${n}`, { seq: String(n) }, { [PROBE_RUN_LABEL]: settings.run }, writeTimeoutMs);
                acked.add(n);
                result.writesAcknowledged++;
                const t = now();
                result.longestWriteGapMs = Math.max(result.longestWriteGapMs, Math.round(t - lastAck));
                lastAck = t;
            } catch (e) {
                result.writesFailed++;
                if (isAlreadyExists(e)) result.writesAlreadyExisted++;
                else failed.add(n);
                const kind = kindOf(e);
                result.writeErrors[kind] = (result.writeErrors[kind] ?? 0) + 1;
                result.lastWriteError = message(e);
                // Refused connections fail at once: do not spin.
                await sleep(20);
            }
        }
    })();
    await Promise.all([reader, writer]);
    result.durationMs = Math.round(now() - started);
    clearInterval(progress);

    if (ready) {
        // Every acknowledged write must be listed; retried while the API is briefly unavailable.
        const deadline = Date.now() + (settings.verifyWithinMs ?? 30_000);
        let found: Map<number, string> | undefined;
        let lastError = "";
        while (!found) {
            try {
                const items = await client.listConfigMaps(namespace, selector, { limit: 500 });
                found = new Map(items.map((cm) => [Number(cm.metadata.name.slice(`probe-${settings.run}-`.length)), cm.data?.seq ?? ""]));
            } catch (e) {
                lastError = message(e);
                if (Date.now() > deadline) break;
                await sleep(1000);
            }
        }
        if (!found) {
            result.verifyError = `listing ConfigMaps ${selector} in ${namespace} failed for ${settings.verifyWithinMs ?? 30_000} ms: ${lastError}`;
        } else {
            for (const n of acked) if (found.get(n) !== String(n)) result.writesLost++;
            for (const n of failed) if (found.has(n)) result.writesFailedButFound++;
            if (settings.cleanup !== false && result.writesLost === 0) {
                try {
                    await client.deleteConfigMaps(namespace, selector);
                } catch (e) {
                    result.cleanupError = message(e);
                }
            }
        }
    }
    fs.writeFileSync(file("result.json"), JSON.stringify(result));
    return result;
}

// --- controller (for tests) ----------------------------------------------------------------------

const REPO = path.resolve(__dirname, "..", "..");

export interface KubeProbeHandle {
    dir: string;
    child: ChildProcess;
    exited: Promise<number | null>;
}

/** Writes <stateDir>/probe.json and starts the probe as its own process (like the etcd probe). */
export function startKubeProbe(stateDir: string, settings: KubeProbeSettings): KubeProbeHandle {
    fs.mkdirSync(stateDir, { recursive: true });
    for (const f of ["result.json", "progress.json"]) fs.rmSync(path.join(stateDir, f), { force: true });
    fs.writeFileSync(path.join(stateDir, "probe.json"), JSON.stringify(settings));
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO, "scripts/lab/kubeProbe.ts"), stateDir], {
        cwd: REPO,
        stdio: ["ignore", "inherit", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => {
        child.once("exit", (code) => resolve(code));
        child.once("error", () => resolve(null));
    });
    return { dir: stateDir, child, exited };
}

/** The counters so far (progress.json, written every second), or undefined before the first. */
export function kubeProbeProgress(handle: KubeProbeHandle): KubeProbeResult | undefined {
    try {
        return JSON.parse(fs.readFileSync(path.join(handle.dir, "progress.json"), "utf8")) as KubeProbeResult;
    } catch {
        return undefined;
    }
}

/**
 * Resolves once the probe has had `writes` acknowledged (by progress.json, written every second),
 * so that a step does not begin before the probe writes; rejects if it exits or timeoutMs passes.
 */
export async function waitForKubeProbeWrites(handle: KubeProbeHandle, writes = 1, timeoutMs = 30_000): Promise<KubeProbeResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const p = kubeProbeProgress(handle);
        if (p && p.writesAcknowledged >= writes) return p;
        if (handle.child.exitCode !== null || handle.child.signalCode !== null) throw new Error(`the kube probe exited (${handle.child.exitCode ?? handle.child.signalCode}) before ${writes} acknowledged writes`);
        if (Date.now() > deadline) throw new Error(`the kube probe had ${p?.writesAcknowledged ?? 0} of ${writes} writes acknowledged after ${timeoutMs} ms${p?.setupError ? `: ${p.setupError}` : p?.lastWriteError ? `: ${p.lastWriteError}` : ""}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

/**
 * SIGTERM, then the result once the probe verified its writes. The probe may take up to its
 * write timeout plus verifyWithinMs plus the listing; after timeoutMs it is killed and this throws.
 */
export async function stopKubeProbe(handle: KubeProbeHandle, timeoutMs = 90_000): Promise<KubeProbeResult> {
    if (handle.child.exitCode === null && handle.child.signalCode === null) handle.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([handle.exited, new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)))]);
    clearTimeout(timer);
    if (code === "timeout") {
        handle.child.kill("SIGKILL");
        throw new Error(`the kube probe did not finish within ${timeoutMs} ms of SIGTERM`);
    }
    const resultFile = path.join(handle.dir, "result.json");
    if (!fs.existsSync(resultFile)) throw new Error(`the kube probe exited (${code}) without a result`);
    return JSON.parse(fs.readFileSync(resultFile, "utf8")) as KubeProbeResult;
}

if (require.main === module) {
    const stop = new Promise<void>((resolve) => {
        process.once("SIGTERM", () => resolve());
        process.once("SIGINT", () => resolve());
    });
    runKubeProbe(stateDirArgument("ts-node kubeProbe.ts <state dir>"), stop).then(
        () => process.exit(0),
        (e) => {
            console.error(`kube probe: ${e instanceof Error ? e.message : String(e)}`);
            process.exit(1);
        },
    );
}
