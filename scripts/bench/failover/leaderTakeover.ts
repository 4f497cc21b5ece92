// Figure 4, leader takeover: a new kube-controller-manager and kube-scheduler leader after the
// leader's host is cut off, with haplane's leader election defaults and then with Kubernetes'
// (a real re-deploy each way); the trials themselves are in ../leaderTrials.ts.
import { DEFAULT_LEADER_ELECTION, KUBERNETES_LEADER_ELECTION } from "../../../components/config/schema";
import { LabHost } from "../../lab/hosts";
import { LeaderElectionTiming } from "../../lab/stack";
import { EtcdTls } from "../etcd";
import { waitStable } from "../labState";
import { benchLeaders } from "../leaderTrials";
import { armCut, checkAborted, uncut } from "./changed";
import { deployTuning } from "./deploy";
import { Row } from "./markdown";
import { leaseWatch, notes } from "./notes";
import { say } from "./say";
import { PLATFORM_ADVERT_S, SETTLE_TIMEOUT_MS } from "./settings";
import { summaryLine } from "./stats";

export const timingText = (t: LeaderElectionTiming) => `lease ${t.leaseDurationSeconds} s, renew deadline ${t.renewDeadlineSeconds} s, retry ${t.retryPeriodSeconds} s`;

export async function leaderFigure(hosts: LabHost[], tls: EtcdTls, trials: number): Promise<Row[]> {
    const rows: Row[] = [];
    const ctx = {
        reader: leaseWatch.reader!,
        hosts,
        armCut,
        uncut,
        settle: async () => void (await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS })),
        checkAborted,
        say,
        notes,
    };
    for (const [label, timing] of [
        ["haplane's defaults", DEFAULT_LEADER_ELECTION],
        ["Kubernetes' defaults", KUBERNETES_LEADER_ELECTION],
    ] as const) {
        say(`\n[4] new controller-manager and scheduler leaders after the leader's host is cut off, ${label} (${timingText(timing)})`);
        if (timing !== DEFAULT_LEADER_ELECTION) await deployTuning({ leaderElection: { ...timing } });
        const samples = await benchLeaders(ctx, timing, trials, label);
        const short = `${timing.leaseDurationSeconds}/${timing.renewDeadlineSeconds}/${timing.retryPeriodSeconds} s`;
        rows.push({ figure: `new kube-controller-manager leader, leader's host cut off (${label})`, advert: short, s: summaryLine("controller-manager takeover", samples["kube-controller-manager"]) });
        rows.push({ figure: `new kube-scheduler leader, leader's host cut off (${label})`, advert: short, s: summaryLine("scheduler takeover", samples["kube-scheduler"]) });
    }
    await deployTuning({});
    await waitStable(hosts, tls, PLATFORM_ADVERT_S * 1000, { timeoutMs: SETTLE_TIMEOUT_MS });
    say("  leader election is back at haplane's defaults and the lab is settled");
    return rows;
}
