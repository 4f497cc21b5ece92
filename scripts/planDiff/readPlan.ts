// Reads a plan printed by `npm run plan`; an empty object stands for a stack that does not
// exist yet (or any more).
import * as fs from "fs";
import type { Plan } from "../offline/evaluate";

export function parsePlan(text: string, what: string): Plan {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new Error(`${what}: not a plan (JSON: ${(err as Error).message})`);
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${what}: not a plan (expected a JSON object)`);
    const plan = doc as Partial<Plan>;
    if (plan.resources !== undefined && !Array.isArray(plan.resources)) throw new Error(`${what}: not a plan ("resources" is not a list)`);
    return { project: plan.project ?? "", stack: plan.stack ?? "", resources: plan.resources ?? [], outputs: plan.outputs ?? {} };
}

export function readPlan(file: string): Plan {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
    return parsePlan(text, file);
}
