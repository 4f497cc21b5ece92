// Taking a host off the lab network and back: its eth0 down or up, inside its namespace.
import { ip, requireRoot } from "./exec";
import { LabHost, resolveHost } from "./layout";
import { netnsNames } from "./namespaces";

function setLink(host: string | number | LabHost, state: "up" | "down"): void {
    requireRoot(state === "down" ? "cutOff" : "restore");
    const h = resolveHost(host);
    if (!netnsNames().includes(h.name)) throw new Error(`${h.name} does not exist (npm run lab -- up)`);
    ip(["-n", h.name, "link", "set", "eth0", state]);
}

/** Cuts the host off the lab network: its eth0 goes down (inside its namespace). */
export function cutOff(host: string | number | LabHost): void {
    setLink(host, "down");
}

/** Undoes cutOff(): the host's eth0 comes back up. */
export function restore(host: string | number | LabHost): void {
    setLink(host, "up");
}
