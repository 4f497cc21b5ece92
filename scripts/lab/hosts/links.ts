// The lab's links: the bridge in the root namespace and each host's veth pair (eth0 inside).
import { ip } from "./exec";
import { BRIDGE, BRIDGE_ADDRESS, LabHost, MARK, PREFIX_LENGTH, vethName } from "./layout";

export interface LinkInfo {
    ifname: string;
    flags: string[];
    ifalias?: string;
    master?: string;
}

export function linkInfo(name: string, netns?: string): LinkInfo | undefined {
    const r = ip([...(netns ? ["-n", netns] : []), "-j", "link", "show", "dev", name], true);
    if (r.status !== 0) return undefined;
    return (JSON.parse(r.stdout) as LinkInfo[])[0];
}

function hasAddress(dev: string, address: string, netns?: string): boolean {
    const r = ip([...(netns ? ["-n", netns] : []), "-j", "addr", "show", "dev", dev], true);
    if (r.status !== 0) return false;
    const links = JSON.parse(r.stdout) as { addr_info?: { local: string; prefixlen: number }[] }[];
    return links.some((l) => (l.addr_info ?? []).some((a) => a.local === address && a.prefixlen === PREFIX_LENGTH));
}

export function ensureBridge(): void {
    const br = linkInfo(BRIDGE);
    if (br && br.ifalias !== MARK) throw new Error(`a link named ${BRIDGE} exists that the lab did not create (no alias "${MARK}"); remove or rename it first`);
    if (!br) {
        ip(["link", "add", BRIDGE, "type", "bridge"]);
        ip(["link", "set", BRIDGE, "alias", MARK]);
    }
    if (!hasAddress(BRIDGE, BRIDGE_ADDRESS)) ip(["addr", "add", `${BRIDGE_ADDRESS}/${PREFIX_LENGTH}`, "dev", BRIDGE]);
    ip(["link", "set", BRIDGE, "up"]);
}

/** The host's veth pair on the bridge, eth0 with its address; its network namespace must exist. */
export function ensureHostLink(h: LabHost): void {
    const veth = vethName(h.index);
    const v = linkInfo(veth);
    if (v && v.ifalias !== MARK) throw new Error(`a link named ${veth} exists that the lab did not create; remove or rename it first`);
    if (!v) {
        if (linkInfo("eth0", h.name)) ip(["-n", h.name, "link", "del", "eth0"]);
        ip(["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", h.name]);
        ip(["link", "set", veth, "alias", MARK]);
        ip(["-n", h.name, "link", "set", "eth0", "alias", `${MARK} ${h.name}`]);
    }
    ip(["link", "set", veth, "master", BRIDGE]);
    ip(["link", "set", veth, "up"]);
    ip(["-n", h.name, "link", "set", "lo", "up"]);
    if (!hasAddress("eth0", h.address, h.name)) ip(["-n", h.name, "addr", "add", `${h.address}/${PREFIX_LENGTH}`, "dev", "eth0"]);
    ip(["-n", h.name, "link", "set", "eth0", "up"]);
}
