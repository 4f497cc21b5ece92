// The order of membership steps, and why each waits: pure, so that the reasons are tested here
// rather than found only in the Pulumi graph. EtcdCluster maps each wait to the resources it
// names (join.ts, leave.ts).
import { MemberPlan } from "../planning/membership";

export type Wait =
    /** The replica's own machine (on-prem: its host preparation and release hook). */
    | "own machine"
    /** The endpoint's and the load balancer's pieces on the replica's node (on-prem: keepalived, haproxy). */
    | "endpoint on own node"
    /** The previous replica's join, `plan.after`. */
    | "previous join"
    /** The endpoint serving the founder's API server (the load balancer, or the founder's machine). */
    | "endpoint serves the founder"
    /** Every member of haplane's external etcd running as a voter. */
    | "external etcd"
    /** The join ticket minted on the sponsor. */
    | "join ticket";

export interface StepWait {
    on: Wait;
    because: string;
}

const ONE_AT_A_TIME = "one membership change at a time: etcd takes one learner, and a second join while one is pending is refused";
const DISCOVERY = "a join discovers the cluster and fetches its certificates through the endpoint";

/** What minting a replica's join ticket on its sponsor waits for (the founder has none). */
export function ticketWaits(plan: MemberPlan): StepWait[] {
    if (plan.founder) return [];
    return [
        { on: "previous join", because: `${ONE_AT_A_TIME}; and a ticket minted earlier could expire while it waits` },
        { on: "endpoint serves the founder", because: "the sponsor's departures check and ticket read the cluster through the endpoint's API" },
    ];
}

/** What a replica's `kubeadm init` or `kubeadm join --control-plane` waits for. */
export function memberWaits(plan: MemberPlan, topology: "stacked" | "external"): StepWait[] {
    const waits: StepWait[] = [
        { on: "own machine", because: "the node must exist and be prepared before kubeadm runs on it" },
        {
            on: "endpoint on own node",
            because: "kubeadm on the node reaches the cluster through the endpoint, which on-prem the node itself takes part in (its keepalived may hold the VIP, its haproxy binds it)",
        },
    ];
    if (!plan.founder) {
        waits.push(
            { on: "previous join", because: ONE_AT_A_TIME },
            { on: "join ticket", because: "the join carries the ticket's token, CA hash and certificate key" },
            { on: "endpoint serves the founder", because: DISCOVERY },
        );
    }
    if (topology === "external") waits.push({ on: "external etcd", because: "the API server starts against every etcd member; kubeadm init fails on an etcd that is not serving" });
    return waits;
}

/**
 * Where a replica's removal runs, and what it waits for: on its sponsor (a live peer, since the
 * leaving node may be dead), before its own machine is deleted, and after nothing else, so a
 * break-glass destroy of another replica never reaches it.
 */
export function removalPlan(plan: MemberPlan): { runsOn: string; waits: StepWait[] } {
    return {
        runsOn: plan.sponsor,
        waits: [{ on: "own machine", because: "the engine deletes dependents first: the member leaves etcd before its machine goes" }],
    };
}
