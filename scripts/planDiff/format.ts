// Short Markdown forms of names and input values for the review. Pure.
import { SECRET } from "./inputs";

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
    if (!text.includes("`")) return `\`${text}\``;
    return `\`\` ${text} \`\``;
}

/** `a`, `a and b`, `a, b and c` (each as code). */
export function names(list: string[]): string {
    const c = list.map(code);
    return c.length <= 1 ? (c[0] ?? "") : `${c.slice(0, -1).join(", ")} and ${c[c.length - 1]}`;
}

/** `gcp:compute/instance:Instance` -> `Instance`. */
export function shortType(type: string): string {
    const [pkg, mod, name] = type.split(":");
    // command:local:Command and command:remote:Command differ only in their module.
    return pkg === "command" && name ? `${mod} ${name}` : (name ?? type);
}

const MAX_INLINE = 60;

export function value(v: unknown): string {
    if (v === undefined) return "(unset)";
    if (v === SECRET) return SECRET;
    if (typeof v === "string") {
        if (v.includes("\n") || v.length > MAX_INLINE) return `(text, ${v.split("\n").length} lines)`;
        return code(v);
    }
    const json = JSON.stringify(v);
    if (json.length <= MAX_INLINE) return code(json);
    return Array.isArray(v) ? `(${v.length} items)` : "(object)";
}

/** How many lines one text has that the other lacks (as multisets). */
function linesDiffering(a: string, b: string): number {
    const count = new Map<string, number>();
    for (const l of a.split("\n")) count.set(l, (count.get(l) ?? 0) + 1);
    let added = 0;
    for (const l of b.split("\n")) {
        const n = count.get(l) ?? 0;
        if (n > 0) count.set(l, n - 1);
        else added++;
    }
    let removed = 0;
    for (const n of count.values()) removed += n;
    return added + removed;
}

/** `before -> after`, or a summary when either side is a long text. */
export function transition(before: unknown, after: unknown): string {
    if (typeof before === "string" && typeof after === "string" && (value(before).startsWith("(text") || value(after).startsWith("(text"))) {
        return `text changed (${linesDiffering(before, after)} lines differ)`;
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length !== after.length && value(after).startsWith("(")) {
        return `${before.length} -> ${after.length} items`;
    }
    return `${value(before)} -> ${value(after)}`;
}
