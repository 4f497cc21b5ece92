// The GitHub workflows as data, for the tests that check their shape and run their steps.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");
export const WORKFLOWS = path.join(ROOT, ".github", "workflows");

export interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

export interface Job {
    name?: string;
    if?: string;
    "runs-on": string;
    permissions?: Record<string, string>;
    strategy?: { matrix?: { include?: Record<string, unknown>[] } };
    steps: Step[];
}

export interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

export function readWorkflow(file: string): Workflow {
    return YAML.parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

export const workflowFiles = () => fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();

/** `${{ a.b }}` expressions of a step's env, replaced from `values`; an unknown one throws. */
export function resolveEnv(env: Record<string, string> | undefined, values: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env ?? {})) {
        out[k] = String(v).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
            if (!(expr in values)) throw new Error(`no test value for \${{ ${expr} }} in env ${k}`);
            return values[expr];
        });
    }
    return out;
}
