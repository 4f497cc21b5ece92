// The lab's names and places: which hosts there can be, their names, addresses and directories.
import * as path from "path";

export const LAB_DIR = "/var/tmp/haplane-lab";
export const BRIDGE = "haplane-br0";
export const BRIDGE_ADDRESS = "198.18.0.1";
export const PREFIX_LENGTH = 24;
export const MIN_HOSTS = 1;
export const MAX_HOSTS = 7;
export const DEFAULT_HOSTS = 3;
export const SSH_PORT = 22;

/** Alias of every link the lab creates: labDown() removes only links that carry it. */
export const MARK = "haplane-lab";
/** scripts/lab: host-init.sh and the systemctl shim. */
export const SCRIPTS_DIR = path.resolve(__dirname, "..");
/** Bind-mounted over /usr/local/sbin inside hosts. */
export const SBIN_DIR = path.join(LAB_DIR, "sbin");
export const HOSTS_DIR = path.join(LAB_DIR, "hosts");

export interface LabHost {
    name: string;
    index: number;
    address: string;
}

/** An invalid command-line argument; the CLI prints the message and exits 2. */
export class LabUsageError extends Error {}

export function hostName(index: number): string {
    return `lab-${index}`;
}

export function hostAddress(index: number): string {
    return `198.18.0.${10 + index}`;
}

export function labKeyPath(): string {
    return path.join(LAB_DIR, "id_ed25519");
}

export function hostDir(name: string): string {
    return path.join(HOSTS_DIR, name);
}

/** The root namespace's end of the host's veth pair. */
export function vethName(index: number): string {
    return `haplane-l${index}`;
}

export function labHost(index: number): LabHost {
    return { name: hostName(index), index, address: hostAddress(index) };
}

/** Parses the N of `up [N]`: a whole number from MIN_HOSTS to MAX_HOSTS, DEFAULT_HOSTS when absent. */
export function parseHostCount(arg: string | number | undefined): number {
    if (arg === undefined) return DEFAULT_HOSTS;
    const text = String(arg).trim();
    const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < MIN_HOSTS || n > MAX_HOSTS) {
        throw new LabUsageError(
            `lab up: N (the number of lab hosts) must be a whole number from ${MIN_HOSTS} to ${MAX_HOSTS}, got ${JSON.stringify(String(arg))}`,
        );
    }
    return n;
}

/** Finds a lab host by name ("lab-2"), index or LabHost. */
export function resolveHost(host: string | number | LabHost): LabHost {
    const index = typeof host === "number" ? host : typeof host === "string" ? Number(/^lab-([0-9]+)$/.exec(host)?.[1]) : host.index;
    if (!Number.isInteger(index) || index < MIN_HOSTS || index > MAX_HOSTS) {
        throw new LabUsageError(`not a lab host: ${JSON.stringify(host)} (lab hosts are lab-${MIN_HOSTS} .. lab-${MAX_HOSTS})`);
    }
    return labHost(index);
}
