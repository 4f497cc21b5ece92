// What the bench notices along the way, reported at the end: leader handovers nobody asked for
// (per figure) and other things worth a second look.
import { LabHost } from "../../lab/hosts";
import { LeaderLeaseName, LeaseReader, LeaseView, unaskedHandovers } from "../leaders";
import { say } from "./say";

/** Things worth a second look, for the end of the output. */
export const notes: string[] = [];

/** The leader leases' reader, set once the lab is up; without one, no handovers are noted. */
export const leaseWatch: { reader?: LeaseReader } = {};

/** Leader handovers nobody asked for, per figure (see unaskedHandovers). */
const unasked: Record<string, string[]> = {};
export const readLeases = async (hosts: LabHost[]) => (leaseWatch.reader ? await leaseWatch.reader.read(hosts) : undefined);
export function noteHandovers(figure: string, before: Record<LeaderLeaseName, LeaseView> | undefined, after: Record<LeaderLeaseName, LeaseView> | undefined, disturbed: string) {
    const moved = unaskedHandovers(before, after, disturbed);
    (unasked[figure] ??= []).push(...moved);
    if (moved.length) say(`  NOTE: leader lease moved although its holder's host was not disturbed (${disturbed} was): ${moved.join(", ")}`);
}

export function handoverRemark(figure: string): string {
    const moved = unasked[figure] ?? [];
    return leaseWatch.reader ? `unasked leader handovers: ${moved.length}${moved.length ? ` (${moved.join("; ")})` : ""}` : "";
}
