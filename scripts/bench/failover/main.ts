// npm run bench:failover [-- --trials N] [--quick] [--only vip,backend,etcd,leader,vip1s]
//
// Failover figures of the on-prem control plane, measured on the local lab's real control
// plane (3 hosts, kubeadm, kubelet, stacked etcd; needs root): deploys the lab if it is not
// deployed, then, N trials each (default 5):
//   1. vip      VIP takeover after the VIP holder's host is cut off (eth0 down)
//   2. backend  one kube-apiserver process killed (SIGKILL; the kubelet restarts it): what
//               haproxy does and how many API requests through the VIP fail
//   3. etcd     etcd write unavailability when the etcd leader's host is cut off
//   4. leader   a new controller-manager and scheduler leader after the leader's host is cut
//               off, with haplane's leader election defaults and with Kubernetes' (15/10/2 s):
//               re-deploys with the latter, runs again, then re-deploys haplane's
//   5. vip1s    as 1 with keepalived's default advert interval (1 s): re-deploys with it, runs
//               1 again, then re-deploys the platform default (0.2 s)
// and prints every sample, min/median/max and a Markdown table of the medians. Every wait is
// bounded; whatever the bench cut off, stopped or re-configured is put back, also on errors and
// on Ctrl-C. An API server that answers nothing is restarted (its static Pod's manifest moved
// out of the kubelet's directory and back).
//
// This file runs the chosen figures in order; each figure's trials are in their own file.
import { ADMIN_KUBECONFIG } from "../../lab/deploy";
import { LabHost } from "../../lab/hosts";
import { loadKubeconfig } from "../../lab/kube";
import { BENCH_HOSTS } from "../deploy-child";
import { EtcdTls } from "../etcd";
import { waitStable } from "../labState";
import { LeaseReader } from "../leaders";
import { fmtMs } from "../probes";
import { Item, Options, parseArgs, USAGE, wantsHelp } from "./args";
import { changed } from "./changed";
import { etcdFigure } from "./etcdWrites";
import { backendFigure } from "./killedApiServer";
import { copyLabEtcdCerts, ensureLab } from "./lab";
import { leaderFigure } from "./leaderTakeover";
import { Row, table } from "./markdown";
import { printMethods } from "./methods";
import { leaseWatch, notes } from "./notes";
import { say } from "./say";
import { PLATFORM_ADVERT_S, SETTLE_TIMEOUT_MS } from "./settings";
import { cleanup, cleanupOnSignals } from "./undo";
import { vip1sFigure, vipFigure } from "./vipTakeover";

/** Each figure prints its trials and returns its rows of the summary table. */
const FIGURES: Record<Item, (hosts: LabHost[], tls: EtcdTls, trials: number) => Promise<Row[]>> = {
    vip: vipFigure,
    backend: backendFigure,
    etcd: etcdFigure,
    leader: leaderFigure,
    vip1s: vip1sFigure,
};

export async function main(argv: string[]): Promise<number> {
    let opts: Options;
    try {
        if (wantsHelp(argv)) {
            say(USAGE);
            return 0;
        }
        opts = parseArgs(argv);
    } catch (e) {
        console.error(`bench:failover: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    if (process.getuid?.() !== 0) {
        console.error("bench:failover needs root (it deploys and drives the local lab: network namespaces, links)");
        return 1;
    }
    const started = Date.now();
    say(`haplane failover bench: ${BENCH_HOSTS} lab hosts, ${opts.trials} trial(s) per figure${opts.quick ? " (--quick: development numbers)" : ""}, figures: ${opts.only.join(", ")}`);
    let tls: EtcdTls | undefined;
    cleanupOnSignals(() => tls);

    const rows: Row[] = [];
    try {
        const hosts = await ensureLab();
        leaseWatch.reader = new LeaseReader(loadKubeconfig(ADMIN_KUBECONFIG), hosts);
        tls = copyLabEtcdCerts(hosts);
        say("waiting for the lab to settle ...");
        const s = await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
        say(`settled: VIP on ${s.vipHolders[0]}, etcd leader ${s.etcdLeader}, keepalived advert ${PLATFORM_ADVERT_S} s`);
        say();
        printMethods(opts);
        // opts.only is in ITEMS order, the order the figures always ran in.
        for (const item of opts.only) rows.push(...(await FIGURES[item](hosts, tls, opts.trials)));
    } catch (e) {
        if (changed.aborted) return 130;
        console.error(`\nbench:failover: ${e instanceof Error ? e.message : String(e)}`);
        await cleanup(tls);
        return 1;
    }
    await cleanup(tls);
    say("\nSummary (medians; the lab's real control plane: kubeadm, kubelet, stacked etcd):\n");
    say(table(rows, opts.trials));
    if (notes.length) say(`\nNotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);
    say(`\nwall time: ${fmtMs(Date.now() - started)}`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
