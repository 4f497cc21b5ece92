// Putting the lab back: whatever the bench cut off, stopped or re-configured (see changed.ts) is
// restored once, at the end, after an error, or on Ctrl-C / SIGTERM.
import { labHosts, resolveHost } from "../../lab/hosts";
import { startApiServers } from "../apiServer";
import { BENCH_HOSTS } from "../deploy-child";
import { EtcdGrpc, EtcdTls, removeEtcdClientCerts } from "../etcd";
import { etcdEndpoint } from "../labState";
import { changed, isDefaultTuning, uncut } from "./changed";
import { deployTuning } from "./deploy";
import { leaseWatch } from "./notes";
import { say } from "./say";
import { ETCD_KEY } from "./settings";

let cleanedUp = false;

export async function cleanup(tls: EtcdTls | undefined): Promise<void> {
    if (cleanedUp) return;
    cleanedUp = true;
    const problems: string[] = [];
    for (const name of [...changed.cut]) {
        try {
            uncut(resolveHost(name));
            say(`cleanup: restored ${name}'s link`);
        } catch (e) {
            problems.push(`restore ${name}: ${(e as Error).message}`);
        }
    }
    for (const name of [...changed.stopped]) {
        try {
            startApiServers([resolveHost(name)]);
            changed.stopped.delete(name);
            say(`cleanup: restarted the API server on ${name}`);
        } catch (e) {
            problems.push(`restart the API server on ${name}: ${(e as Error).message}`);
        }
    }
    if (!isDefaultTuning(changed.tuning)) {
        try {
            say("cleanup: putting the platform's defaults back");
            await deployTuning({});
        } catch (e) {
            problems.push(`re-deploy with the platform's defaults: ${(e as Error).message}`);
        }
    }
    leaseWatch.reader?.close();
    if (tls) {
        const client = new EtcdGrpc(tls);
        for (const h of labHosts().slice(0, BENCH_HOSTS)) {
            if ((await client.deleteKey(etcdEndpoint(h), ETCD_KEY, 3000)).ok) break;
        }
        client.close();
    }
    removeEtcdClientCerts(tls);
    for (const p of problems) say(`cleanup FAILED: ${p}`);
}

/** On SIGINT or SIGTERM: stop the trials, put the lab back, exit 130. tls() is the etcd client's, once copied. */
export function cleanupOnSignals(tls: () => EtcdTls | undefined): void {
    const onSignal = (sig: string) => {
        if (changed.aborted) return;
        changed.aborted = true;
        say(`\n${sig}: stopping and putting the lab back ...`);
        void cleanup(tls()).finally(() => process.exit(130));
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
}
