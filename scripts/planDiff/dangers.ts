// What a reviewer must not miss. Pure.
//
// Dangerous (the rules, exactly):
//  - replaced-node: a replica (or external etcd host) declared by both plans has a resource
//    of its own replaced (its machine, host set-up or membership commands; see belongsTo);
//  - quorum: with n etcd members in the base plan, fewer than quorum(n) = floor(n/2)+1 of them
//    stay in the head plan untouched (not removed, not replaced). The run's removals happen
//    one at a time, but if one fails part way, or a leaving member is down, what is left
//    cannot reach quorum on its own. 3 -> 1 is flagged too: supported, but only with every
//    member healthy;
//  - endpoint-address: the endpoint address changes value, or its address resource is
//    replaced or deleted (a new one would be a different address);
//  - leaving-sponsor: a member leaves through a sponsor that leaves in the same run. Its
//    removal runs on the sponsor as stored at its last update, and nothing orders it before
//    the sponsor's own removal and machine deletion.
// Warnings: in-place updates that need a stopped machine, protected resources the change
// would delete, and types the replace table does not know.
import { resourceKey, ResourceChange } from "./diff";
import { code, names, shortType } from "./format";
import { membershipChange, quorum, replacedParts, Review, sponsorIn, survivingReplicas } from "./review";

export type DangerRule = "replaced-node" | "quorum" | "endpoint-address" | "leaving-sponsor";
export type WarningRule = "needs-stop" | "protected" | "unknown-type";

export interface Flag<R extends string> {
    rule: R;
    text: string;
}

function consequence(c: ResourceChange, owner: string): string {
    const by = c.replaceBy.length ? ` (${names(c.replaceBy)} changed)` : "";
    const what = `${shortType(c.type)} ${code(c.name)}${by}`;
    if (c.type === "gcp:compute/instance:Instance") return `${what}: a new machine with a new disk; the member's etcd data and the node's state are gone`;
    if (c.name === `${owner}-removal` || c.name === `${owner}-etcd-removal`) return `${what}: replacing it runs the old hook's delete, which removes ${code(owner)} from etcd`;
    if (c.name === `${owner}-member` || c.name === `${owner}-etcd`) return `${what}: its create runs again on a live member (kubeadm init/join or etcd start)`;
    return `${what} is replaced`;
}

function replacedNodes(r: Review): Flag<DangerRule>[] {
    const baseEtcd = r.base.etcd.members;
    const kept = [...new Set([...survivingReplicas(r), ...baseEtcd.filter((m) => r.head.etcd.members.includes(m))])];
    return kept.flatMap((name) => {
        const parts = replacedParts(r, name);
        if (!parts.length) return [];
        return [{ rule: "replaced-node" as const, text: `Replaces parts of surviving node ${code(name)}: ${parts.map((c) => consequence(c, name)).join("; ")}` }];
    });
}

function quorumLoss(r: Review): Flag<DangerRule>[] {
    const n = r.base.etcd.members.length;
    if (n === 0) return [];
    const { kept } = membershipChange(r);
    const untouched = kept.filter((m) => replacedParts(r, m).length === 0);
    if (untouched.length >= quorum(n)) return [];
    const gone = r.base.etcd.members.filter((m) => !untouched.includes(m));
    const hint = n === 3 && r.head.etcd.members.length === 1
        ? " 3 -> 1 is supported (two runs), but run it only with all three members healthy."
        : " Shrink in steps that keep a majority (e.g. 5 -> 3 -> 1), with every member healthy.";
    return [{
        rule: "quorum",
        text: `Drops below quorum in one step: ${untouched.length} of ${n} etcd members ${untouched.length === 1 ? "stays" : "stay"} untouched, fewer than the quorum of ${quorum(n)}; ` +
            `${names(gone)} leave or are replaced in this run. If a step fails part way, or a leaving member is down, the rest cannot reach quorum on their own.${hint}`,
    }];
}

function endpointAddress(r: Review): Flag<DangerRule>[] {
    const b = r.base.endpoint;
    const h = r.head.endpoint;
    if (!b.address) return [];
    const key = b.addressUrn && resourceKey(b.addressUrn);
    const resource = key ? r.diff.changes.find((c) => resourceKey(c.urn) === key && (c.op === "replace" || c.op === "delete")) : undefined;
    const valueChanges = h.address !== undefined && h.address !== b.address;
    if (!valueChanges && !resource) return [];
    const parts: string[] = [];
    if (valueChanges) parts.push(`${code(b.address)} -> ${code(h.address!)}`);
    if (resource) parts.push(`its address resource ${code(resource.name)} is ${resource.op === "replace" ? `replaced (${names(resource.replaceBy)} changed)` : "deleted"}, so the address would not survive`);
    return [{
        rule: "endpoint-address",
        text: `Changes the endpoint address: ${parts.join("; ")}. Certificates, kubeconfigs, kubelets and DNS name the old address.`,
    }];
}

function leavingSponsors(r: Review): Flag<DangerRule>[] {
    const { leaves } = membershipChange(r);
    return leaves.flatMap((m) => {
        const s = sponsorIn(r.base.etcd.members, m);
        if (!s || s === m || !leaves.includes(s)) return [];
        return [{
            rule: "leaving-sponsor" as const,
            text: `${code(m)} leaves through its sponsor ${code(s)}, which leaves in the same run: nothing orders ${code(m)}'s removal before ${code(s)}'s own removal and machine deletion. Remove ${code(s)} in a run of its own first.`,
        }];
    });
}

export function dangers(r: Review): Flag<DangerRule>[] {
    return [...quorumLoss(r), ...replacedNodes(r), ...endpointAddress(r), ...leavingSponsors(r)];
}

export function warnings(r: Review): Flag<WarningRule>[] {
    const out: Flag<WarningRule>[] = [];
    const stops = r.diff.changes.filter((c) => c.op === "update" && c.stopFor.length);
    const byInputs = new Map<string, ResourceChange[]>();
    for (const c of stops) byInputs.set(c.stopFor.join(","), [...(byInputs.get(c.stopFor.join(",")) ?? []), c]);
    const headInputs = new Map(r.diff.head.resources.map((x) => [x.urn, x.inputs]));
    for (const [inputs, cs] of byInputs) {
        const allowed = cs.every((c) => headInputs.get(c.urn)?.allowStoppingForUpdate === true);
        const nodes = names(cs.map((c) => c.name));
        out.push({
            rule: "needs-stop",
            text: allowed
                ? `${names(inputs.split(","))} of ${nodes} change in place with the machine stopped; the instances update in parallel, so they may all stop at once.`
                : `${names(inputs.split(","))} of ${nodes} change in place, which GCE does only on a stopped instance; haplane does not set \`allowStoppingForUpdate\`, ` +
                  `so the provider refuses it on a running instance and \`pulumi up\` fails there. Replace the replicas one at a time instead (a new name in the same zone, then remove the old one).`,
        });
    }
    for (const c of r.diff.changes.filter((x) => x.protect && (x.op === "replace" || x.op === "delete"))) {
        out.push({ rule: "protected", text: `${shortType(c.type)} ${code(c.name)} is protected: Pulumi refuses to ${c.op} it, and the run fails there.` });
    }
    const unknown = [...new Set(r.diff.changes.filter((c) => !c.rulesKnown).map((c) => c.type))];
    if (unknown.length) out.push({ rule: "unknown-type", text: `No replace rules for ${names(unknown)}: their changes show as updates, but the real preview may replace them.` });
    return out;
}
