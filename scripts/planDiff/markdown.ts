// The review as Markdown: summary, dangers, the control-plane story, warnings, then per
// resource the changed inputs (secrets never shown). Rendered by hand: it is output text.
import type { Plan } from "../offline/evaluate";
import { dangers, warnings } from "./dangers";
import { Op, ResourceChange } from "./diff";
import { code, names, shortType, transition } from "./format";
import { Review, reviewPlans } from "./review";
import { storyLines } from "./story";

const MAX_INPUTS = 8;
const DANGER_LABEL = {
    "replaced-node": "Replaces a surviving control-plane node",
    quorum: "Quorum",
    "endpoint-address": "Endpoint address",
    "leaving-sponsor": "Removal through a leaving sponsor",
};

export function summaryLine(r: Review): string {
    const c = r.diff.counts;
    return `${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.replace} to replace`;
}

function updateEntry(c: ResourceChange): string[] {
    const head = `- **${c.op}** ${shortType(c.type)} ${code(c.name)}${c.op === "replace" ? `, forced by ${names(c.replaceBy)}` : ""}`;
    const lines = c.inputs.slice(0, MAX_INPUTS).map((i) =>
        i.secretUnknown ? `  - ${code(i.path)}: [secret] (may have changed)` : `  - ${code(i.path)}: ${transition(i.before, i.after)}`,
    );
    if (c.inputs.length > MAX_INPUTS) lines.push(`  - ... and ${c.inputs.length - MAX_INPUTS} more`);
    return [head, ...lines];
}

/** Creates and deletes by type (names only); updates and replaces one by one with their inputs. */
function resourceLines(r: Review): string[] {
    const lines: string[] = [];
    const order: Op[] = ["replace", "delete", "create", "update"];
    for (const op of order) {
        const cs = r.diff.changes.filter((c) => c.op === op);
        if (op === "create" || op === "delete") {
            const byType = new Map<string, string[]>();
            for (const c of cs) byType.set(c.type, [...(byType.get(c.type) ?? []), c.name]);
            for (const [type, ns] of byType) lines.push(`- **${op}** ${shortType(type)}: ${ns.map(code).join(", ")}`);
        } else {
            for (const c of cs) lines.push(...updateEntry(c));
        }
    }
    return lines;
}

export function renderReview(r: Review): string {
    if (r.diff.changes.length === 0) {
        const stack = r.diff.head.stack || r.diff.base.stack;
        return `No changes${stack ? ` to stack ${code(stack)}` : ""}: both plans declare the same resources with the same inputs.\n`;
    }
    const out: string[] = [`**${summaryLine(r)}**`, ""];
    const flags = dangers(r);
    if (flags.length) {
        out.push("**Dangerous**", "", ...flags.map((f) => `- **${DANGER_LABEL[f.rule]}:** ${f.text}`), "");
    } else {
        out.push("No dangerous changes.", "");
    }
    out.push("**Control plane**", "", ...storyLines(r).map((l) => `- ${l}`), "");
    const warns = warnings(r);
    if (warns.length) out.push("**Warnings**", "", ...warns.map((w) => `- ${w.text}`), "");
    out.push(`<details><summary>Resources (${r.diff.changes.length} changes)</summary>`, "", ...resourceLines(r), "", "</details>");
    return out.join("\n") + "\n";
}

export const renderPlanDiff = (base: Plan, head: Plan) => renderReview(reviewPlans(base, head));
