// Walks the stack config schema to every key whose value is (or may be) a string, so that tests
// over "every string key" cover a key added later without being told about it.
import { z } from "zod";

/** A step down the config: an object key, any element of a list, or a record's key or value. */
export type Step = string | { element: true } | { recordKey: true } | { recordValue: true };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const def = (schema: unknown): any => (schema as { _zod: { def: unknown } })._zod.def;

/** Every path (from the schema's root) at which a string is accepted. */
export function stringPaths(schema: z.ZodType): Step[][] {
    const out: Step[][] = [];
    const walk = (s: unknown, path: Step[]) => {
        const d = def(s);
        switch (d.type) {
            case "string":
            case "enum":
            case "literal":
                out.push(path);
                return;
            case "object":
                for (const [k, v] of Object.entries(d.shape)) walk(v, [...path, k]);
                return;
            case "optional":
            case "default":
            case "nullable":
            case "readonly":
            case "prefault":
                walk(d.innerType, path);
                return;
            case "pipe":
                walk(d.in, path);
                return;
            case "array":
                walk(d.element, [...path, { element: true }]);
                return;
            case "union":
                // A path is listed once even when several branches take strings.
                for (const option of d.options) {
                    const before = out.length;
                    walk(option, path);
                    if (out.length > before) {
                        const added = out.splice(before);
                        for (const p of added) if (!out.some((q) => JSON.stringify(q) === JSON.stringify(p))) out.push(p);
                    }
                }
                return;
            case "record":
                walk(d.keyType, [...path, { recordKey: true }]);
                walk(d.valueType, [...path, { recordValue: true }]);
                return;
            case "number":
            case "int":
            case "boolean":
                return;
            default:
                throw new Error(`schemaWalk: no rule for a ${d.type} schema at ${describePath(path)}`);
        }
    };
    walk(schema, []);
    return out;
}

/** `controlPlane.replicas[].zone`, `aws.subnets{key}` */
export function describePath(path: Step[]): string {
    let text = "";
    for (const step of path) {
        if (typeof step === "string") text += text ? `.${step}` : step;
        else if ("element" in step) text += "[]";
        else if ("recordKey" in step) text += "{key}";
        else text += "{value}";
    }
    return text;
}
