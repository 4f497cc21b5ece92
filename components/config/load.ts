// Reads the stack configuration through Pulumi and validates it before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigError, parseStackConfig } from "./parse";
import { StackConfig } from "./schema";
import { configWarnings, formatWarning } from "./warnings";

export interface LoadedConfig {
    config: StackConfig;
    sshPrivateKey: pulumi.Output<string>;
}

/** Kept apart from `haplane:ssh` so that it alone is a secret and can be checked as one. */
export const PRIVATE_KEY = "sshPrivateKey";

// Pulumi keeps the list of secret config keys internal; its runtime exports the check.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Values of every `haplane:` key, parsed from their JSON form where they are objects. */
function namespaceValues(): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const cfg = new pulumi.Config(CONFIG_NAMESPACE);
    for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
        const [namespace, key] = fullKey.split(":");
        if (namespace !== CONFIG_NAMESPACE || key === PRIVATE_KEY) continue;
        raw[key] = objectOrString(cfg, key);
    }
    return raw;
}

/**
 * Structured values arrive as JSON text; plain ones (`platform: gce`) as strings. Only an
 * object or a list is parsed, so that a string key stays a string: `clusterName: "true"` or
 * `"null"` must not turn into a boolean or null on the way in.
 */
function objectOrString(cfg: pulumi.Config, key: string): unknown {
    const text = cfg.get(key);
    if (text === undefined || !/^\s*[[{]/.test(text)) return text;
    try {
        return cfg.getObject<unknown>(key);
    } catch {
        return text;
    }
}

export function loadStackConfig(): LoadedConfig {
    const raw = namespaceValues();
    const config = parseStackConfig(raw);
    const fullKey = `${CONFIG_NAMESPACE}:${PRIVATE_KEY}`;
    const cfg = new pulumi.Config(CONFIG_NAMESPACE);
    if (!cfg.get(PRIVATE_KEY)) {
        throw new ConfigError(fullKey, `is required: the SSH private key of ssh.user; set it with 'pulumi config set --secret ${PRIVATE_KEY} < key'`);
    }
    if (!isConfigSecret(fullKey)) throw new ConfigError(fullKey, `must be a secret: set it with 'pulumi config set --secret ${PRIVATE_KEY}'`);
    for (const warning of configWarnings(config)) void pulumi.log.warn(formatWarning(warning));
    return { config, sshPrivateKey: cfg.requireSecret(PRIVATE_KEY) };
}
