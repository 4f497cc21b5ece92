// Reads a `Pulumi.<stack>.yaml` file into the config map the runtime expects.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export interface StackFileConfig {
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
}

/** Secure values cannot be decrypted offline; the plan shows them as "[secret]" anyway. */
const OFFLINE_SECRET = "offline-plan-placeholder";

/** A stack file that is not valid YAML: says where, and in which `haplane:` key when it can tell. */
export class StackFileSyntaxError extends Error {}

function parseYamlFile(file: string): unknown {
    const text = fs.readFileSync(file, "utf8");
    const doc = YAML.parseDocument(text);
    const error = doc.errors[0];
    if (!error) return doc.toJS();
    const { line, col } = error.linePos?.[0] ?? { line: 1, col: 1 };
    // The nearest `haplane:<key>:` line at or above the error is the key being written.
    const above = text.split("\n").slice(0, line).reverse();
    const key = above.map((l) => /^\s*(haplane:[A-Za-z]+)\s*:/.exec(l)?.[1]).find(Boolean);
    const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new StackFileSyntaxError(`${key ? `${key}: ` : ""}${path.basename(file)} line ${line}, column ${col}: not valid YAML: ${reason}`);
}

export function readStackFile(file: string, projectFile = path.join(path.dirname(file), "Pulumi.yaml")): StackFileConfig {
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file));
    if (!match) throw new Error(`${file}: a stack config file is named Pulumi.<stack>.yaml`);
    const project = fs.existsSync(projectFile) ? String(YAML.parse(fs.readFileSync(projectFile, "utf8"))?.name ?? "haplane") : "haplane";
    const doc = (parseYamlFile(file) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        if (value && typeof value === "object" && "secure" in (value as object)) {
            config[fullKey] = OFFLINE_SECRET;
            secretKeys.push(fullKey);
        } else {
            config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { project, stack: match[1], config, secretKeys };
}
