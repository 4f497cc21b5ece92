// What the story and the danger rules share: the diff, both control planes, and etcd's
// membership arithmetic. Pure.
import type { Plan } from "../offline/evaluate";
import { MemberPlan, planMembership } from "../../components/planning/membership";
import { belongsTo, controlPlaneOf, ControlPlaneView } from "./controlPlane";
import { diffPlans, PlanDiff, ResourceChange } from "./diff";

export interface Review {
    diff: PlanDiff;
    base: ControlPlaneView;
    head: ControlPlaneView;
}

export function reviewPlans(base: Plan, head: Plan): Review {
    return { diff: diffPlans(base, head), base: controlPlaneOf(base), head: controlPlaneOf(head) };
}

/** Votes needed for a decision among n members. */
export const quorum = (n: number) => Math.floor(n / 2) + 1;
/** Members that may fail while the rest keep quorum. */
export const tolerance = (n: number) => Math.max(0, Math.floor((n - 1) / 2));

/** Join order with `after` and `sponsor` (the first other member), as the components plan it. */
export function membership(members: string[]): MemberPlan[] {
    return planMembership(members.map((name) => ({ name, zone: "" })));
}

export const sponsorIn = (members: string[], name: string) => membership(members).find((m) => m.name === name)?.sponsor;

export function membershipChange(r: Review) {
    const base = r.base.etcd.members;
    const head = r.head.etcd.members;
    return {
        joins: head.filter((m) => !base.includes(m)),
        leaves: base.filter((m) => !head.includes(m)),
        kept: base.filter((m) => head.includes(m)),
    };
}

/** Replacements among the resources of a replica or etcd member that both plans declare. */
export function replacedParts(r: Review, name: string): ResourceChange[] {
    return r.diff.changes.filter((c) => c.op === "replace" && belongsTo(c, name));
}

export function survivingReplicas(r: Review): string[] {
    const head = new Set(r.head.replicas.map((x) => x.name));
    return r.base.replicas.map((x) => x.name).filter((n) => head.has(n));
}
