// The lab's network namespaces lab-<i>: which exist, which are the lab's, what runs in them.
import * as fs from "fs";
import { ip } from "./exec";
import { BRIDGE, hostDir, LabHost, labHost, MARK, MAX_HOSTS, MIN_HOSTS, vethName } from "./layout";
import { linkInfo } from "./links";

export function netnsNames(): string[] {
    const out = ip(["-j", "netns", "list"]).stdout.trim();
    if (!out) return [];
    return (JSON.parse(out) as { name: string }[]).map((n) => n.name);
}

export function ensureNamespace(h: LabHost): void {
    if (!netnsNames().includes(h.name)) ip(["netns", "add", h.name]);
}

/** A namespace named like a lab host is the lab's when it has a state directory or the lab's mark. */
export function namespaceIsOurs(h: LabHost): boolean {
    return fs.existsSync(hostDir(h.name)) || (linkInfo("eth0", h.name)?.ifalias ?? "").startsWith(MARK);
}

/** The lab's namespaces that exist. */
export function labNamespaces(log: (line: string) => void = () => {}): LabHost[] {
    const existing = new Set(netnsNames());
    const ours: LabHost[] = [];
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) {
        const h = labHost(i);
        if (!existing.has(h.name)) continue;
        if (namespaceIsOurs(h)) ours.push(h);
        else log(`leaving network namespace ${h.name} alone: the lab did not create it`);
    }
    return ours;
}

/** Fails, before anything is created, when a name the lab needs is taken by something else. */
export function preflight(count: number): void {
    const taken: string[] = [];
    const br = linkInfo(BRIDGE);
    if (br && br.ifalias !== MARK) taken.push(`link ${BRIDGE}`);
    const existing = new Set(netnsNames());
    for (let i = MIN_HOSTS; i <= count; i++) {
        const h = labHost(i);
        if (existing.has(h.name) && !namespaceIsOurs(h)) taken.push(`network namespace ${h.name}`);
        const v = linkInfo(vethName(i));
        if (v && v.ifalias !== MARK) taken.push(`link ${vethName(i)}`);
    }
    if (taken.length) throw new Error(`the lab did not create, and will not take over: ${taken.join(", ")}; remove or rename them first`);
}

/** Root-namespace PIDs of every process in the namespace. */
export function netnsPids(name: string): number[] {
    const r = ip(["netns", "pids", name], true);
    if (r.status !== 0) return [];
    return r.stdout.split(/\s+/).filter(Boolean).map(Number);
}
