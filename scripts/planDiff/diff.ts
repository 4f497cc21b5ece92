// The resource-level diff of two offline plans, keyed by URN without its stack and project
// (so that plans of one stack made from differently named files compare). Pure.
//
// An offline plan has no cloud state: a resource only in the head plan is a create, only in
// the base plan a delete; with the same URN it is an update when a (non-ignored) input
// changed, and a replace when one of those inputs cannot be updated in place
// (providerRules.ts). Component resources have no inputs: they are only created or deleted.
// A head resource whose alias names a base resource is that resource, as the engine sees it.
import type { Plan, PlannedResource } from "../offline/evaluate";
import { diffInputs, InputChange } from "./inputs";
import { classify, normalizeInputs } from "./providerRules";

export type Op = "create" | "update" | "replace" | "delete";
export const OPS: Op[] = ["create", "update", "delete", "replace"];

export interface ResourceChange {
    op: Op;
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    custom: boolean;
    /** Changed inputs (update and replace). */
    inputs: InputChange[];
    /** Inputs that force the replacement. */
    replaceBy: string[];
    /** Inputs that the provider updates only on a stopped machine. */
    stopFor: string[];
    /** false: no replace rule for this type, so an update may really be a replace. */
    rulesKnown: boolean;
    protect: boolean;
}

export interface PlanDiff {
    base: Plan;
    head: Plan;
    changes: ResourceChange[];
    counts: Record<Op, number>;
}

function change(op: Op, r: PlannedResource, extra: Partial<ResourceChange> = {}): ResourceChange {
    return {
        op, urn: r.urn, type: r.type, name: r.name, parent: r.parent, custom: r.custom,
        inputs: [], replaceBy: [], stopFor: [], rulesKnown: true, protect: r.options?.protect ?? false, ...extra,
    };
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` -> `<type chain>::<name>`. */
export const resourceKey = (urn: string) => urn.split("::").slice(2).join("::");

export function diffPlans(base: Plan, head: Plan): PlanDiff {
    const before = new Map(base.resources.map((r) => [resourceKey(r.urn), r]));
    const after = new Map(head.resources.map((r) => [resourceKey(r.urn), r]));
    const changes: ResourceChange[] = [];
    // A resource that moved (a new parent or name) under an alias is the one its alias names.
    const moved = new Set<string>();
    const previous = (r: PlannedResource) => {
        const key = [resourceKey(r.urn), ...(r.options?.aliases ?? []).map(resourceKey)].find((k) => before.has(k));
        if (key && key !== resourceKey(r.urn)) moved.add(key);
        return key ? before.get(key) : undefined;
    };
    for (const r of head.resources) {
        const old = previous(r);
        if (!old) {
            changes.push(change("create", r));
            continue;
        }
        if (!r.custom) continue;
        // Pulumi applies the new program's ignoreChanges.
        const inputs = diffInputs(normalizeInputs(r.type, old.inputs), normalizeInputs(r.type, r.inputs), r.options?.ignoreChanges ?? []);
        if (inputs.length === 0) continue;
        const verdict = classify(r.type, inputs, r.inputs);
        changes.push(change(verdict.replaceBy.length ? "replace" : "update", r, {
            inputs, replaceBy: verdict.replaceBy, stopFor: verdict.stopFor, rulesKnown: verdict.known,
            // The engine refuses to delete what either program or the state protects.
            protect: Boolean(old.options?.protect || r.options?.protect),
        }));
    }
    for (const r of base.resources) if (!after.has(resourceKey(r.urn)) && !moved.has(resourceKey(r.urn))) changes.push(change("delete", r));
    const counts = { create: 0, update: 0, delete: 0, replace: 0 };
    for (const c of changes) counts[c.op]++;
    return { base, head, changes, counts };
}

export const hasChanges = (d: PlanDiff) => d.changes.length > 0;
