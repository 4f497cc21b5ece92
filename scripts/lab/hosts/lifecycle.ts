// `lab up` and `lab down`: creating the hosts, and removing exactly what the lab created.
import * as path from "path";
import { removeHostCgroups } from "../nodeFiles";
import { requirePrerequisites } from "../prerequisites";
import { startHost } from "./boot";
import { ip, requireRoot, run } from "./exec";
import { mkdirMode, mountsUnder, removeTree } from "./files";
import { ensureKey, installShims, makeEtc, makeRoot, makeVarLib } from "./hostFiles";
import { BRIDGE, hostDir, HOSTS_DIR, LAB_DIR, LabHost, labHost, MARK, MAX_HOSTS, MIN_HOSTS, parseHostCount, vethName } from "./layout";
import { ensureBridge, ensureHostLink, linkInfo } from "./links";
import { ensureNamespace, labNamespaces, netnsNames, netnsPids, preflight } from "./namespaces";
import { readPid, sameNetns, terminate } from "./processes";
import { runningSshd } from "./sshd";

/**
 * Creates lab-1 .. lab-N (default 3). Idempotent: running hosts are left untouched, missing
 * or stopped ones are (re)started; hosts beyond N are left alone.
 */
export async function labUp(n?: number | string, log: (line: string) => void = () => {}): Promise<LabHost[]> {
    const count = parseHostCount(n);
    requireRoot("up");
    requirePrerequisites();
    preflight(count);
    mkdirMode(LAB_DIR, 0o700);
    mkdirMode(HOSTS_DIR, 0o700);
    ensureKey();
    installShims();
    ensureBridge();
    const hosts: LabHost[] = [];
    for (let i = MIN_HOSTS; i <= count; i++) {
        const h = labHost(i);
        hosts.push(h);
        const dir = hostDir(h.name);
        if (runningSshd(h) !== undefined) {
            log(`${h.name} ${h.address}: already running, left as it is`);
            continue;
        }
        // The state directory first: from here on labDown() knows the namespace is the lab's.
        mkdirMode(dir, 0o755);
        ensureNamespace(h);
        ensureHostLink(h);
        // Leftovers of a host whose sshd died: end them before a new host boots.
        await terminate(netnsPids(h.name), 2000);
        makeEtc(h, dir);
        makeVarLib(dir);
        mkdirMode(path.join(dir, "log"), 0o755);
        makeRoot(dir);
        const pid = await startHost(h, dir);
        log(`${h.name} ${h.address}: up (sshd pid ${pid})`);
    }
    return hosts;
}

/** Removes everything the lab created: processes, namespaces, links, LAB_DIR. Safe to repeat. */
export async function labDown(log: (line: string) => void = () => {}): Promise<void> {
    requireRoot("down");
    const hosts = labNamespaces(log);
    // Every process in a lab namespace, by PID; a few rounds in case something forks meanwhile.
    for (let round = 0; round < 3; round++) {
        const pids = hosts.flatMap((h) => netnsPids(h.name));
        for (const h of hosts) {
            const recorded = readPid(path.join(hostDir(h.name), "anchor.pid"));
            if (recorded !== undefined && sameNetns(recorded, h.name)) pids.push(recorded);
        }
        if (!pids.length) break;
        log(`stopping ${pids.length} process(es) in ${hosts.map((h) => h.name).join(", ")}`);
        const left = await terminate([...new Set(pids)]);
        if (left.length && round === 2) throw new Error(`lab down: processes ${left.join(", ")} did not end`);
    }
    // Nothing of the lab is mounted in this namespace (hosts mount in their own, now gone), but
    // whatever is mounted under LAB_DIR here is the lab's.
    for (const m of mountsUnder(LAB_DIR)) {
        log(`unmounting ${m}`);
        run("umount", ["-l", m], { timeoutMs: 15_000 });
    }
    for (const h of hosts) {
        ip(["netns", "del", h.name], true);
        log(`removed network namespace ${h.name}`);
        const stuck = removeHostCgroups(h.name);
        if (stuck.length) throw new Error(`lab down: cgroups of ${h.name} would not go: ${stuck.join(", ")}`);
    }
    for (let i = MIN_HOSTS; i <= MAX_HOSTS; i++) {
        const v = linkInfo(vethName(i));
        if (v?.ifalias === MARK) ip(["link", "del", vethName(i)], true);
    }
    if (linkInfo(BRIDGE)?.ifalias === MARK) {
        ip(["link", "del", BRIDGE]);
        log(`removed ${BRIDGE}`);
    }
    removeTree(LAB_DIR);
    for (const h of hosts) {
        if (netnsNames().includes(h.name)) throw new Error(`lab down: network namespace ${h.name} is still there`);
    }
}
