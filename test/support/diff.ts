// Which input paths differ between two plans of one resource, and whether they are all fields
// the provider updates in place.
import { strict as assert } from "assert";

export function diffPaths(a: unknown, b: unknown, prefix = ""): string[] {
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    if (a && b && typeof a === "object" && typeof b === "object") {
        const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
        return [...keys].flatMap((k) => {
            const path = Array.isArray(a) ? `${prefix}[${k}]` : prefix ? `${prefix}.${k}` : k;
            return diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path);
        });
    }
    return [prefix];
}

export function assertInPlace(before: Record<string, unknown>, after: Record<string, unknown>, fields: string[], what: string) {
    for (const path of diffPaths(before, after)) assert.ok(fields.some((f) => path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`)), `${what}: ${path} is not updated in place`);
}

/** A planned resource's inputs as the engine diffs them: without those it ignores changes of. */
export function diffed(r: { inputs: Record<string, unknown>; options: { ignoreChanges: string[] } }): Record<string, unknown> {
    const inputs = { ...r.inputs };
    for (const key of r.options.ignoreChanges) delete inputs[key];
    return inputs;
}
