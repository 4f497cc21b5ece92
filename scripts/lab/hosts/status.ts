// Which lab hosts exist and what runs on them: `lab status`.
import * as fs from "fs";
import { hostDir, LabHost, labHost, MAX_HOSTS, MIN_HOSTS } from "./layout";
import { linkInfo } from "./links";
import { namespaceIsOurs, netnsNames, netnsPids } from "./namespaces";
import { comm } from "./processes";
import { runningSshd } from "./sshd";

/** Services whose processes labStatus() reports. */
export const WATCHED_SERVICES = ["keepalived", "haproxy", "etcd", "containerd", "kubelet", "kube-apiserver"] as const;

export interface HostStatus extends LabHost {
    /** eth0 inside the host: up, down (cutOff), or absent (no namespace). */
    link: "up" | "down" | "absent";
    sshd: boolean;
    /** Root-namespace PID of the host's sshd (its PID 1), when running. */
    sshdPid?: number;
    /** Which of WATCHED_SERVICES have a process in the host. */
    services: string[];
}

/** The lab hosts that exist (the lab's namespace or state directory), lab-1 first. */
export function labHosts(): LabHost[] {
    const namespaces = new Set(netnsNames());
    const hosts: LabHost[] = [];
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) {
        const h = labHost(i);
        if (fs.existsSync(hostDir(h.name)) || (namespaces.has(h.name) && namespaceIsOurs(h))) hosts.push(h);
    }
    return hosts;
}

export function labStatus(): HostStatus[] {
    return labHosts().map((h) => {
        const namespace = netnsNames().includes(h.name);
        const eth0 = namespace ? linkInfo("eth0", h.name) : undefined;
        const sshdPid = namespace ? runningSshd(h) : undefined;
        const names = new Set((namespace ? netnsPids(h.name) : []).map(comm));
        return {
            ...h,
            link: !eth0 ? "absent" : eth0.flags.includes("UP") ? "up" : "down",
            sshd: sshdPid !== undefined,
            sshdPid,
            services: WATCHED_SERVICES.filter((s) => names.has(s)),
        };
    });
}

export function formatStatus(status: HostStatus[]): string {
    if (!status.length) return "no lab hosts (npm run lab -- up [N])";
    const rows = [["HOST", "ADDRESS", "LINK", "SSHD", "SERVICES"]];
    for (const s of status) rows.push([s.name, s.address, s.link, s.sshd ? `up (${s.sshdPid})` : "down", s.services.join(" ") || "-"]);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}
