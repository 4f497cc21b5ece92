// IPv4 arithmetic for the networks haplane creates or checks. Pure.

function toNumber(ip: string): number {
    return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toAddress(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

function parseCidr(cidr: string): { base: number; prefix: number } {
    const [ip, prefix] = cidr.split("/");
    const bits = Number(prefix);
    const size = 2 ** (32 - bits);
    return { base: Math.floor(toNumber(ip) / size) * size, prefix: bits };
}

/**
 * The `index`-th subnet of `vpcCidr` four bits longer (a /16 gives sixteen /20s), so that a
 * created VPC has one subnet per availability zone and room for up to sixteen zones.
 */
export function zoneSubnetCidr(vpcCidr: string, index: number): string {
    const { base, prefix } = parseCidr(vpcCidr);
    const bits = prefix + 4;
    if (bits > 28) throw new Error(`${vpcCidr} is too small to split into per-zone subnets (at most /24)`);
    if (index < 0 || index >= 16) throw new Error(`no room for a zone subnet #${index} in ${vpcCidr}`);
    return `${toAddress(base + index * 2 ** (32 - bits))}/${bits}`;
}

/**
 * Whether `ip` is an address AWS lets you assign in `cidr`: inside it, and not one of the five
 * addresses AWS reserves in every subnet (network, router, DNS, future use, broadcast).
 */
export function assignableInSubnet(cidr: string, ip: string): boolean {
    const { base, prefix } = parseCidr(cidr);
    const size = 2 ** (32 - prefix);
    const offset = toNumber(ip) - base;
    return offset >= 4 && offset < size - 1;
}

/** Where `ip` sits in `cidr`: outside it, its network or broadcast address, or a host address. */
export function placeInSubnet(cidr: string, ip: string): "outside" | "network" | "broadcast" | "host" {
    const { base, prefix } = parseCidr(cidr);
    const size = 2 ** (32 - prefix);
    const offset = toNumber(ip) - base;
    if (offset < 0 || offset >= size) return "outside";
    // A /31 (RFC 3021) and a /32 have no network or broadcast address.
    if (prefix >= 31) return "host";
    if (offset === 0) return "network";
    return offset === size - 1 ? "broadcast" : "host";
}

/** Whether `cidr` covers every IPv4 address (0.0.0.0/0). */
export function coversEverything(cidr: string): boolean {
    return parseCidr(cidr).prefix === 0;
}
