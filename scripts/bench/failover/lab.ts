// The lab the bench runs on: lab-1..lab-3 deployed with the platform's defaults, every API server
// answering, and a copy of an etcd client certificate for the etcd figures.
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_LEADER_ELECTION } from "../../../components/config/schema";
import { STACK_DIR } from "../../lab/deploy";
import { hostDir, LabHost, labHosts, labSsh, labStatus, resolveHost, restore, WATCHED_SERVICES } from "../../lab/hosts";
import { LAB_STACK } from "../../lab/stack";
import { startApiServers, STOP_API_SERVER } from "../apiServer";
import { BENCH_HOSTS } from "../deploy-child";
import { copyEtcdClientCerts, EtcdTls } from "../etcd";
import { apiServerAnswers } from "../labState";
import { now, sleep } from "../probes";
import { changed } from "./changed";
import { deployChild, DeployError, deployTuning } from "./deploy";
import { notes } from "./notes";
import { say } from "./say";
import { LAB_DEPLOY_TIMEOUT_MS, PLATFORM_ADVERT_S, REVIVE_AFTER_MS } from "./settings";

/**
 * An API server that answers nothing for a minute (its static Pod stopped and not restarted, or stuck) would
 * spoil the next trial: restart it the way the backend trial stops it, and say so.
 */
export async function reviveApiServers(hosts: LabHost[], context: string): Promise<void> {
    for (const h of hosts) {
        // A real API server is not ready for a while after its host's link came back (its
        // etcd member catches up first): only one silent for a minute is stuck.
        const deadline = now() + REVIVE_AFTER_MS;
        let answers = await apiServerAnswers(h);
        while (!answers && now() < deadline) {
            await sleep(1000);
            answers = await apiServerAnswers(h);
        }
        if (answers) continue;
        notes.push(`${context}: the API server on ${h.name} answered nothing (hung, or not running); restarted it`);
        say(`  NOTE: the API server on ${h.name} does not answer /readyz (hung, or not running): restarting it`);
        changed.stopped.add(h.name);
        labSsh(h, STOP_API_SERVER, { timeoutMs: 30_000 });
        startApiServers([h]);
        changed.stopped.delete(h.name);
    }
}

function renderedAdvert(h: LabHost): string | undefined {
    try {
        return /^\s*advert_int\s+(\S+)/m.exec(fs.readFileSync(path.join(hostDir(h.name), "etc", "keepalived", "keepalived.conf"), "utf8"))?.[1];
    } catch {
        return undefined;
    }
}

/** The lease duration the host's kube-controller-manager static pod runs with (kubeadm's manifest). */
function renderedLeaseDuration(h: LabHost): string | undefined {
    try {
        const manifest = fs.readFileSync(path.join(hostDir(h.name), "etc", "kubernetes", "manifests", "kube-controller-manager.yaml"), "utf8");
        return /--leader-elect-lease-duration=(\S+)/.exec(manifest)?.[1];
    } catch {
        return undefined;
    }
}

/** lab-1..lab-3 deployed with the platform's defaults and every API server running. */
export async function ensureLab(): Promise<LabHost[]> {
    const extra = labHosts().filter((h) => h.index > BENCH_HOSTS);
    if (extra.length) {
        throw new Error(`the lab has more than ${BENCH_HOSTS} hosts (${extra.map((h) => h.name).join(", ")}); the bench runs on exactly ${BENCH_HOSTS}: npm run lab -- down first`);
    }
    const status = labStatus();
    const deployed =
        status.length === BENCH_HOSTS &&
        status.every((s) => s.sshd && WATCHED_SERVICES.every((w) => s.services.includes(w))) &&
        fs.existsSync(path.join(STACK_DIR, `Pulumi.${LAB_STACK}.yaml`));
    if (!deployed) {
        say(`the lab is not deployed: npm run lab -- deploy ${BENCH_HOSTS} (about a minute with a cached toolchain) ...`);
        try {
            await deployChild(["lab"], LAB_DEPLOY_TIMEOUT_MS);
        } catch (e) {
            if (!(e instanceof DeployError) || changed.aborted) throw e;
            // pulumi up is re-runnable: a second run continues where the first stopped.
            say(`the lab deploy FAILED, running it once more:\n${e.message}`);
            await deployChild(["lab"], LAB_DEPLOY_TIMEOUT_MS);
        }
    } else {
        say(`the lab is deployed (${status.map((s) => s.name).join(", ")})`);
    }
    const hosts = Array.from({ length: BENCH_HOSTS }, (_, i) => resolveHost(i + 1));
    for (const s of labStatus()) {
        if (s.link === "down") {
            say(`${s.name}'s link is down (left over from an interrupted run?): restoring it`);
            restore(s.name);
        }
    }
    // An API server that runs but answers nothing (see reviveApiServers) would keep
    // the trials waiting; restart those first.
    await reviveApiServers(hosts, "before the first trial");
    startApiServers(hosts); // idempotent: starts a API server only where it is not running
    const lease = `${DEFAULT_LEADER_ELECTION.leaseDurationSeconds}s`;
    if (!hosts.every((h) => renderedAdvert(h) === String(PLATFORM_ADVERT_S) && renderedLeaseDuration(h) === lease)) {
        say(
            `the lab is not at the platform's defaults (advert ${PLATFORM_ADVERT_S} s, lease ${lease}): ` +
                hosts.map((h) => `${h.name} advert ${renderedAdvert(h) ?? "?"}, lease ${renderedLeaseDuration(h) ?? "?"}`).join("; "),
        );
        changed.tuning = undefined;
        await deployTuning({});
    }
    return hosts;
}

export const hostByName = (hosts: LabHost[], name: string | undefined): LabHost => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no lab host ${String(name)}`);
    return h;
};

/** A copy of a host's etcd healthcheck-client certificate and key, for the bench's own etcd client. */
export function copyLabEtcdCerts(hosts: LabHost[]): EtcdTls {
    // kubeadm's stacked etcd keeps its certificates in /etc/kubernetes/pki/etcd, haplane's
    // external etcd in /etc/etcd/pki (the same file names).
    const stacked = path.join(hostDir(hosts[0].name), "etc", "kubernetes", "pki", "etcd");
    return copyEtcdClientCerts(fs.existsSync(path.join(stacked, "healthcheck-client.crt")) ? stacked : path.join(hostDir(hosts[0].name), "etc", "etcd", "pki"));
}
