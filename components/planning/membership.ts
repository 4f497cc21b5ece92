// Join order and the roles of each replica in etcd/kubeadm membership. Pure.
import { Replica } from "./placement";

export interface MemberPlan extends Replica {
    /** Position in the join order (0 = the replica that runs `kubeadm init`). */
    joinOrder: number;
    /** true for the first replica: it initialises the cluster instead of joining it. */
    founder: boolean;
    /** The replica whose join must finish before this one starts (one change at a time). */
    after?: string;
    /**
     * The member that mints this replica's join ticket and, on removal, removes it from etcd.
     * It is the first replica in join order other than this one, so removing a middle replica
     * never changes anybody's sponsor, and a dead replica is removed through a live peer. A
     * single replica sponsors itself: when the cluster shrinks to one, the survivor's removal
     * is re-pointed (an update) instead of dropped, since dropping it would run its delete.
     */
    sponsor: string;
}

export function planMembership(replicas: Replica[]): MemberPlan[] {
    return replicas.map((r, i) => ({
        ...r,
        joinOrder: i,
        founder: i === 0,
        after: i > 0 ? replicas[i - 1].name : undefined,
        sponsor: (replicas.find((other) => other.name !== r.name) ?? r).name,
    }));
}
