// What the bench has changed in the lab right now (links cut, API servers stopped, the tuning
// deployed), so that undo.ts can put it back; and whether a signal asked it to stop.
import { LabHost, restore } from "../../lab/hosts";
import { LabTuning } from "../../lab/stack";
import { armLinkDown, linkState } from "../labState";
import { now } from "../probes";

export class Aborted extends Error {}

/** The lab's tuning now: {} is the platform's defaults; undefined while a deploy runs (unknown). */
export const changed: { cut: Set<string>; stopped: Set<string>; tuning: LabTuning | undefined; aborted: boolean } = { cut: new Set(), stopped: new Set(), tuning: {}, aborted: false };
export const isDefaultTuning = (t: LabTuning | undefined) => t !== undefined && t.advertIntervalSeconds === undefined && t.leaderElection === undefined;

/**
 * Prepares cutting h off (the lab's cutOff: eth0 down in the host's namespace) so that cut()
 * takes effect within about a millisecond; see armLinkDown.
 */
export async function armCut(h: LabHost): Promise<{ cut(): number; done(): Promise<void>; cancel(): void }> {
    checkAborted();
    const armed = await armLinkDown(h);
    return {
        cut() {
            checkAborted();
            changed.cut.add(h.name);
            const at = now();
            armed.fire();
            return at;
        },
        async done() {
            await armed.done;
            if (linkState(h) !== "down") throw new Error(`${h.name}'s link is not down after the cut`);
        },
        cancel: () => armed.cancel(),
    };
}

export function uncut(h: LabHost): void {
    restore(h);
    changed.cut.delete(h.name);
}

export function checkAborted(): void {
    if (changed.aborted) throw new Aborted("interrupted");
}
