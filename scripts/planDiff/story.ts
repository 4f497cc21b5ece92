// The control-plane story in words: replicas, kept nodes' changes, the endpoint, etcd. Pure.
import { belongsTo, Holder, Replica } from "./controlPlane";
import { code, names, shortType, transition } from "./format";
import { membership, membershipChange, quorum, Review, sponsorIn, survivingReplicas, tolerance } from "./review";

const where = (r: Replica) => `${code(r.name)} (${r.zone})`;
const list = (items: string[]) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);

function replicasLine(r: Review): string {
    const base = r.base.replicas;
    const head = r.head.replicas;
    const inBase = new Map(base.map((x) => [x.name, x]));
    const inHead = new Map(head.map((x) => [x.name, x]));
    const added = head.filter((x) => !inBase.has(x.name));
    const removed = base.filter((x) => !inHead.has(x.name));
    const moved = head.filter((x) => inBase.has(x.name) && inBase.get(x.name)!.zone !== x.zone);
    const kept = head.filter((x) => inBase.has(x.name)).map((x) => x.name);
    if (!added.length && !removed.length && !moved.length) return `Replicas: unchanged, ${head.length} (${names(kept)})`;
    const parts: string[] = [];
    if (added.length) parts.push(`adds ${list(added.map(where))}`);
    if (removed.length) parts.push(`removes ${list(removed.map(where))}`);
    for (const m of moved) parts.push(`moves ${code(m.name)} from ${inBase.get(m.name)!.zone} to ${m.zone}`);
    if (kept.length) parts.push(`keeps ${names(kept)}`);
    return `Replicas ${base.length} -> ${head.length}: ${parts.join("; ")}`;
}

/** Changes to the replicas both plans keep, grouped when several replicas change alike. */
function keptNodeLines(r: Review): string[] {
    const groups = new Map<string, { replicas: string[]; transitions: Set<string>; op: string; stop: boolean }>();
    for (const name of survivingReplicas(r)) {
        for (const c of r.diff.changes) {
            if (!c.custom || (c.op !== "update" && c.op !== "replace") || !belongsTo(c, name)) continue;
            // Removal hooks change only with their sponsor, which the etcd lines tell.
            if (c.op === "update" && (c.name === `${name}-removal` || c.name === `${name}-etcd-removal`)) continue;
            const pattern = c.name === name ? shortType(c.type) : `${shortType(c.type)} ${code(c.name.replace(name, "<replica>"))}`;
            for (const input of c.inputs.filter((i) => !i.secretUnknown)) {
                const key = `${pattern}|${input.path}|${c.op}`;
                const g = groups.get(key) ?? { replicas: [], transitions: new Set<string>(), op: c.op, stop: c.stopFor.includes(input.path) };
                if (!g.replicas.includes(name)) g.replicas.push(name);
                g.transitions.add(transition(input.before, input.after));
                groups.set(key, g);
            }
        }
    }
    const lines = [...groups.entries()].map(([key, g]) => {
        const [pattern, path] = key.split("|");
        const change = g.transitions.size === 1 ? [...g.transitions][0] : "changes";
        const how = g.op === "replace" ? "**replaced**" : g.stop ? "in place, on a stopped machine" : "in place";
        return `Kept ${g.replicas.length > 1 ? "nodes" : "node"} ${names(g.replicas)}: ${pattern} ${code(path)} ${change} (${how})`;
    });
    const MAX = 6;
    return lines.length > MAX ? [...lines.slice(0, MAX), `... and ${lines.length - MAX} more changes to kept nodes (see the resources below)`] : lines;
}

function holderText(h: Holder, platform: string): string {
    if (h.kind === "node") return platform === "onprem" ? `keepalived on ${code(h.node)} (the only host)` : `node ${code(h.node)}`;
    if (h.kind === "loadBalancer") return platform === "onprem" ? "keepalived with haproxy on every host" : "the load balancer";
    return "nothing (unattached)";
}

function endpointLine(r: Review): string | undefined {
    const b = r.base.endpoint;
    const h = r.head.endpoint;
    const platform = r.head.platform === "none" ? r.base.platform : r.head.platform;
    if (!b.address && !h.address) return undefined;
    if (!b.address) return `Endpoint ${code(h.address!)}: new, held by ${holderText(h.holder, platform)}`;
    if (!h.address) return `Endpoint ${code(b.address)}: no longer declared (was held by ${holderText(b.holder, platform)})`;
    if (b.address !== h.address) return `Endpoint address changes: ${code(b.address)} -> ${code(h.address)} (held by ${holderText(h.holder, platform)})`;
    const address = code(h.address);
    const from = b.holder;
    const to = h.holder;
    if (JSON.stringify(from) === JSON.stringify(to)) return `Endpoint ${address} stays on ${holderText(to, platform)}`;
    if (platform === "gce" && from.kind === "node" && to.kind === "loadBalancer") {
        return `Endpoint ${address} moves from node ${code(from.node)} to the load balancer in this run: the node releases it (an in-place update) before the forwarding rule claims it`;
    }
    if (platform === "gce" && from.kind === "loadBalancer" && to.kind === "none") {
        const next = r.head.replicas[0]?.name;
        return `Endpoint ${address} leaves the load balancer and stays unattached until the next \`pulumi up\` attaches it to ${code(next ?? "?")} (the two-run handoff: run \`pulumi up\` twice)`;
    }
    if (from.kind === "none" && to.kind === "node") return `Endpoint ${address} is attached to node ${code(to.node)} (the second run of the handoff)`;
    return `Endpoint ${address} moves from ${holderText(from, platform)} to ${holderText(to, platform)}`;
}

function etcdLines(r: Review): string[] {
    const base = r.base.etcd.members;
    const head = r.head.etcd.members;
    const external = r.head.etcd.topology === "external" || r.base.etcd.topology === "external";
    const label = external ? "etcd (external)" : "etcd (stacked)";
    const { joins, leaves, kept } = membershipChange(r);
    if (!base.length && !head.length) return [];
    if (!joins.length && !leaves.length) return [`${label}: membership unchanged, ${head.length} members (quorum ${quorum(head.length)})`];
    const lines = [
        `${label}: ${base.length} -> ${head.length} members (quorum ${quorum(base.length)} -> ${quorum(head.length)}, tolerates ${tolerance(base.length)} -> ${tolerance(head.length)} failed)`,
    ];
    const plans = membership(head);
    if (external && joins.length && leaves.length) {
        const first = plans.find((p) => p.name === joins[0])!;
        const many = leaves.length > 1;
        lines.push(
            `Departing ${names(leaves)} ${many ? "leave" : "leaves"} first: the first add (${code(first.name)}, on ${code(first.sponsor)}) removes ${many ? "them" : "it"} ` +
                "before it adds a member, so the quorum never counts a departed member",
        );
    }
    if (joins.length) {
        const order = plans.filter((p) => joins.includes(p.name));
        const steps = order.map((p) => (p.founder ? `${code(p.name)} founds the cluster` : `${code(p.name)} after ${code(p.after!)} (sponsor ${code(p.sponsor)})`));
        const how = external ? "each added as a learner on its sponsor, started, then promoted" : "each a kubeadm join as a learner with a ticket from its sponsor, promoted once caught up";
        lines.push(`Joins, one at a time in this order: ${steps.join(", then ")}; ${how}`);
    }
    if (leaves.length && !(external && joins.length)) {
        const bySponsor = new Map<string, string[]>();
        for (const m of leaves) {
            const s = sponsorIn(base, m) ?? "?";
            bySponsor.set(s, [...(bySponsor.get(s) ?? []), m]);
        }
        const through = [...bySponsor.entries()].map(([s, ms]) => `${names(ms)} through ${code(s)}`).join("; ");
        const order = leaves.length > 1 ? ", one at a time (removals on one sponsor take turns on its lock)" : "";
        const machine = r.base.platform === "onprem" ? "its host is released" : "its machine is deleted";
        lines.push(`Leave after every create and update of this run: ${through}${order}; each member is removed (leadership moved away first if it leads) before ${machine}`);
    }
    const moved = kept
        .filter((m) => sponsorIn(base, m) !== sponsorIn(head, m))
        .map((m) => `${code(m)} ${sponsorIn(head, m) === m ? "sponsors itself" : `now through ${code(sponsorIn(head, m)!)}`} (was ${code(sponsorIn(base, m)!)})`);
    if (moved.length) lines.push(`Sponsors change (an update of the removal hooks): ${moved.join(", ")}`);
    return lines;
}

export function storyLines(r: Review): string[] {
    const end = endpointLine(r);
    return [replicasLine(r), ...keptNodeLines(r), ...(end ? [end] : []), ...etcdLines(r)];
}
