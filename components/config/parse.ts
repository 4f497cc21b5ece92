// Turns raw stack config values into a validated StackConfig, or one clear error. Pure.
import { z } from "zod";
import { settleRetiredKeys } from "./retiredKeys";
import { PLATFORMS, StackConfig, stackConfigSchema } from "./schema";

export const CONFIG_NAMESPACE = "haplane";

/** A configuration error whose message names the offending key and what is allowed. */
export class ConfigError extends Error {
    constructor(readonly key: string, readonly detail: string) {
        super(`${key}: ${detail}`);
        this.name = "ConfigError";
    }
}

/** `["controlPlane", "replicas", 1, "zone"]` -> `haplane:controlPlane.replicas[1].zone` */
export function configKey(path: readonly PropertyKey[]): string {
    if (path.length === 0) return `${CONFIG_NAMESPACE}:<root>`;
    let key = `${CONFIG_NAMESPACE}:${String(path[0])}`;
    for (const part of path.slice(1)) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    return key;
}

function describeIssue(issue: z.core.$ZodIssue, platform: unknown): string {
    if (issue.code === "unrecognized_keys" && issue.path.length === 0 && (PLATFORMS as string[]).includes(issue.keys[0])) {
        return `is for platform ${issue.keys[0]} only; this stack's platform is ${String(platform)}`;
    }
    if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
        const allowed = PLATFORMS.map((p) => JSON.stringify(p)).join(", ");
        return platform === undefined ? `is required: one of ${allowed}` : `must be one of ${allowed}`;
    }
    if (issue.code === "unrecognized_keys") {
        return `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}; check the spelling against the README's config reference`;
    }
    if (issue.code === "invalid_value") {
        return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    }
    if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
        return `is required (${issue.expected})`;
    }
    if (issue.code === "invalid_union" && issue.path.at(-1) === "replicas") {
        return "must be a replica count (1, 3, 5 or 7) or a list of {name, zone} replicas";
    }
    if (issue.code === "invalid_union") {
        // The branch of the value's own type says what is wrong with it.
        const branches = issue.errors.map((errors) => errors[0]).filter((e) => e !== undefined);
        const own = branches.find((e) => e.code !== "invalid_type" || !e.message.startsWith("Invalid input")) ?? branches[0];
        return own ? describeIssue(own, platform) : issue.message;
    }
    if (issue.code === "invalid_key") {
        const key = issue.path.at(-1);
        const first = issue.issues[0];
        return `key ${JSON.stringify(String(key))} ${first ? describeIssue(first, platform) : "is not allowed"}`;
    }
    return issue.message;
}

/**
 * Validates raw config (keys without the `haplane:` prefix). Throws ConfigError carrying
 * the first problem found, so that the user sees one actionable message.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const settled = settleRetiredKeys(raw);
    if ("problem" in settled) throw new ConfigError(configKey(settled.problem.path), settled.problem.message);
    const result = stackConfigSchema.safeParse(settled.raw);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    // A platform's section on another platform is named itself (the first unknown key otherwise).
    const platformKey = issue.code === "unrecognized_keys" ? issue.keys.find((k) => (PLATFORMS as string[]).includes(k)) : undefined;
    const path =
        issue.code === "unrecognized_keys" && issue.path.length === 0
            ? [platformKey ?? issue.keys[0]]
            : issue.code === "invalid_key"
              ? issue.path.slice(0, -1) // the key itself is named in the message, quoted
              : issue.path;
    const described = platformKey && issue.code === "unrecognized_keys" ? { ...issue, keys: [platformKey] } : issue;
    throw new ConfigError(configKey(path), describeIssue(described, raw.platform));
}
