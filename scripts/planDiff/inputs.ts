// The changed inputs of one resource between two offline plans. Pure.
//
// Offline plans print every secret as "[secret]", so two equal "[secret]"s may hide a change.
// They count as unchanged; when other inputs of the same resource change, they are listed
// as "may have changed" (the update carries them along), never with a value.

export const SECRET = "[secret]";

export interface InputChange {
    /** `networkInterfaces[0].accessConfigs[0].natIp`, `metadata["user-data"]` */
    path: string;
    before: unknown;
    after: unknown;
    /** Both sides are "[secret]": the plans cannot tell whether it changed. */
    secretUnknown?: boolean;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function child(path: string, key: string | number): string {
    if (typeof key === "number") return `${path}[${key}]`;
    if (!IDENT.test(key)) return `${path}[${JSON.stringify(key)}]`;
    return path ? `${path}.${key}` : key;
}

/** `a[0].b["c-d"]` -> `a.b.c-d`: the form of replace rules and ignoreChanges matching. */
export function normalizePath(path: string): string {
    return path
        .replace(/\[\d+\]/g, "")
        .replace(/\["((?:[^"\\]|\\.)*)"\]/g, (_, k: string) => `.${JSON.parse(`"${k}"`)}`)
        .replace(/^\./, "");
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
    if (isObject(a) && isObject(b)) {
        const ka = Object.keys(a).filter((k) => a[k] !== undefined);
        const kb = Object.keys(b).filter((k) => b[k] !== undefined);
        return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
    }
    return false;
}

/** true when `path` lies under one of Pulumi's ignoreChanges paths (`connection`, `a.b`, `a[0]`). */
function ignored(path: string, ignoreChanges: string[]): boolean {
    const p = normalizePath(path);
    return ignoreChanges.some((ig) => {
        const i = normalizePath(ig);
        return p === i || p.startsWith(`${i}.`);
    });
}

/** The inputs that differ, leaf by leaf (arrays of another length as a whole), minus ignored ones. */
export function diffInputs(before: Record<string, unknown>, after: Record<string, unknown>, ignoreChanges: string[] = []): InputChange[] {
    const changes: InputChange[] = [];
    const secrets: InputChange[] = [];
    const walk = (path: string, a: unknown, b: unknown) => {
        if (a === SECRET && b === SECRET) {
            secrets.push({ path, before: a, after: b, secretUnknown: true });
            return;
        }
        if (deepEqual(a, b)) return;
        if (isObject(a) && isObject(b)) {
            for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(child(path, key), a[key], b[key]);
            return;
        }
        if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
            a.forEach((x, i) => walk(child(path, i), x, b[i]));
            return;
        }
        changes.push({ path, before: a, after: b });
    };
    walk("", before ?? {}, after ?? {});
    const kept = changes.filter((c) => !ignored(c.path, ignoreChanges));
    if (kept.length === 0) return [];
    return [...kept, ...secrets.filter((s) => !ignored(s.path, ignoreChanges))];
}
