// Placement of control-plane replicas in zones, and their stable names. Pure.

export interface Replica {
    /** Stable identity: resource names and URNs derive from it, never from a list index. */
    name: string;
    zone: string;
}

export type ReplicaSpec = number | { name: string; zone: string }[];

/** How a platform names its zones (each platform's profile implements it). */
export interface ZoneNames {
    /** The region a zone belongs to (`europe-west1-b` -> `europe-west1`); undefined where zones have none. */
    regionOfZone(zone: string): string | undefined;
}

/** Short, DNS-safe tag of a zone for names: `europe-west1-b` -> `b`, `rack-2` -> `rack-2`. */
export function zoneTag(names: ZoneNames, zone: string): string {
    const region = names.regionOfZone(zone);
    const tag = region ? zone.slice(region.length).replace(/^-/, "") : zone;
    return tag.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/**
 * Replicas in join order. A count is spread round-robin over `zones`; the k-th replica of a
 * zone is named `cp-<zone tag>-<k>`, so growing 3 -> 5 adds `cp-b-2`, `cp-c-2` and shrinking
 * back removes exactly those, leaving the others' names (and URNs) untouched.
 */
export function placeReplicas(names: ZoneNames, replicas: ReplicaSpec, zones: string[] = []): Replica[] {
    if (Array.isArray(replicas)) return replicas.map((r) => ({ name: r.name, zone: r.zone }));
    if (zones.length === 0) return [];
    const perZone = new Map<string, number>();
    const placed: Replica[] = [];
    for (let i = 0; i < replicas; i++) {
        const zone = zones[i % zones.length];
        const k = (perZone.get(zone) ?? 0) + 1;
        perZone.set(zone, k);
        placed.push({ name: `cp-${zoneTag(names, zone)}-${k}`, zone });
    }
    return placed;
}

/** How many members one zone may hold so that losing that zone keeps quorum. */
export function maxMembersPerZone(members: number): number {
    return members <= 1 ? 1 : Math.floor((members - 1) / 2);
}

/** The fewest zones that can hold `members` under the zone-failure rule. */
export function zonesNeeded(members: number): number {
    return Math.ceil(members / maxMembersPerZone(members));
}
