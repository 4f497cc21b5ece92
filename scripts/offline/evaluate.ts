// Runs the program on Pulumi's mock runtime and records every resource registration with
// its parent, dependencies and options (the mock runtime itself keeps none of these).
import * as pulumi from "@pulumi/pulumi";
import { FakeCloudOptions, fakeCloud } from "./fakeCloud";

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    custom: boolean;
    inputs: Record<string, unknown>;
    /** URNs this resource waits for (explicit dependsOn and input dependencies). */
    dependsOn: string[];
    options: {
        protect: boolean;
        deleteBeforeReplace: boolean;
        ignoreChanges: string[];
        additionalSecretOutputs: string[];
        /** URNs the resource had before (its `aliases`); absent in plans recorded before they were. */
        aliases?: string[];
        /** The explicit provider's reference (`<urn>::<id>`), when it has one. */
        provider?: string;
    };
}

export interface Plan {
    project: string;
    stack: string;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
}

export interface EvaluateOptions extends FakeCloudOptions {
    project: string;
    stack: string;
    /** Full keys (`haplane:platform`) to their string form (objects as JSON). */
    config: Record<string, string>;
    secretKeys: string[];
    /** Tests only: show secret values instead of "[secret]", to check what a secret holds. */
    revealSecrets?: boolean;
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET = "[secret]";

/** Turns Pulumi's wire form into plain JSON, with every secret shown as "[secret]" (unless revealed). */
export function redact(value: unknown, reveal = false): unknown {
    const again = (v: unknown) => redact(v, reveal);
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map(again);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG] === SECRET_SIG) return reveal ? again(obj.value) : SECRET;
        if (obj[SIG] === RESOURCE_SIG) return obj.urn;
        if (obj[SIG] === OUTPUT_SIG) {
            if (obj.secret && !reveal) return SECRET;
            return "value" in obj ? again(obj.value) : "[unknown]";
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) out[k] = again(v);
        return out;
    }
    return value;
}

/** Resolves an exported value, reporting secrets as "[secret]". */
async function resolveOutput(value: unknown, revealSecrets = false): Promise<unknown> {
    const output = pulumi.output(value) as unknown as { isSecret: Promise<boolean>; promise(): Promise<unknown> };
    if ((await output.isSecret) && !revealSecrets) return SECRET;
    return output.promise();
}

/**
 * The URNs a registration's aliases name. An alias is a URN or a spec whose unset fields are
 * the resource's own: `urn:pulumi:<stack>::<project>::<parent's type>$<type>::<name>`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function aliasUrns(req: any, options: EvaluateOptions): string[] {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (req.getAliasesList?.() ?? []).map((alias: any) => {
        if (alias.hasUrn()) return alias.getUrn();
        const spec = alias.getSpec();
        const parent: string = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
        // A child's URN names its parent's own type, the last of the parent's type chain.
        const parentType = (parent.split("::")[2] ?? "").split("$").pop() ?? "";
        const prefix = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$` : "";
        return `urn:pulumi:${spec.getStack() || options.stack}::${spec.getProject() || options.project}::${prefix}${spec.getType() || req.getType()}::${spec.getName() || req.getName()}`;
    });
}

/** Evaluates `program` against the fake cloud and returns the plan it declares. */
export async function evaluate(options: EvaluateOptions, program: () => Record<string, unknown>): Promise<Plan> {
    pulumi.runtime.setAllConfig(options.config, options.secretKeys);
    await pulumi.runtime.setMocks(fakeCloud(options), options.project, options.stack, false);

    const resources: PlannedResource[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor = (pulumi.runtime as any).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
        register(req, (err: unknown, resp: { getUrn(): string }) => {
            if (!err) {
                resources.push({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || null,
                    custom: req.getCustom(),
                    inputs: redact(req.getObject()?.toJavaScript() ?? {}, options.revealSecrets) as Record<string, unknown>,
                    dependsOn: [...new Set<string>(req.getDependenciesList())].sort(),
                    options: {
                        protect: Boolean(req.getProtect()),
                        deleteBeforeReplace: Boolean(req.getDeletebeforereplace()),
                        ignoreChanges: req.getIgnorechangesList(),
                        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                        aliases: aliasUrns(req, options),
                        ...(req.getProvider() ? { provider: req.getProvider() as string } : {}),
                    },
                });
            }
            callback(err, resp);
        });

    const exported = program();
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exported)) outputs[key] = await resolveOutput(value, options.revealSecrets);
    // Let every registration finish; the runtime exports this wait without typing it.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await (pulumi.runtime as any).waitForRPCs();
    return { project: options.project, stack: options.stack, resources, outputs };
}
