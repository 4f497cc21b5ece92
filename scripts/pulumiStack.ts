// Drives the real Pulumi CLI (from scripts/toolchain.sh) on a project with a local file
// backend: the engine tests and the lab use it.
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** The main program (index.ts) in a project that declares only the offline providers. */
export const MAIN_PROJECT_DIR = path.resolve(__dirname, "offline-project");

export interface StepOps {
    create: string[];
    update: string[];
    delete: string[];
    replace: string[];
}

export interface EngineStackOptions {
    workDir: string;
    projectDir: string;
    stack: string;
    /** Extra environment for the program (stand-in settings). */
    env: Record<string, string>;
}

export class EngineStack {
    readonly configFile: string;
    private readonly env: NodeJS.ProcessEnv;

    constructor(readonly options: EngineStackOptions) {
        fs.mkdirSync(path.join(options.workDir, "state"), { recursive: true });
        this.configFile = path.join(options.workDir, `Pulumi.${options.stack}.yaml`);
        this.env = {
            ...process.env,
            PULUMI_BACKEND_URL: `file://${path.join(options.workDir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "haplane-engine-tests",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            ...options.env,
        };
    }

    pulumi(args: string[], input?: string): SpawnSyncReturns<string> {
        return spawnSync("pulumi", [...args, "--cwd", this.options.projectDir, "--non-interactive"], {
            env: this.env,
            input,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
    }

    private check(r: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
        if (r.status !== 0) throw new Error(`pulumi ${what} failed (exit ${r.status}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
        return r;
    }

    private get stackArgs(): string[] {
        return ["--stack", this.options.stack, "--config-file", this.configFile];
    }

    init(privateKey: string): void {
        this.check(this.pulumi(["stack", "init", this.options.stack]), "stack init");
        fs.writeFileSync(this.configFile, YAML.stringify({ config: {} }));
        this.check(this.pulumi(["config", "set", "--secret", "haplane:sshPrivateKey", ...this.stackArgs], privateKey), "config set");
    }

    /** Replaces the plain `haplane:` settings, keeping the secret key set by init. */
    configure(settings: Record<string, unknown>): void {
        const doc = YAML.parse(fs.readFileSync(this.configFile, "utf8")) as { config: Record<string, unknown> };
        for (const [key, value] of Object.entries(settings)) doc.config[`haplane:${key}`] = value;
        fs.writeFileSync(this.configFile, YAML.stringify(doc));
    }

    /** `pulumi preview --diff`, read as JSON: which resources each kind of step touches. */
    preview(): { ops: StepOps; diff: string } {
        const r = this.check(this.pulumi(["preview", "--json", "--diff", ...this.stackArgs]), "preview");
        const json = JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] };
        const ops: StepOps = { create: [], update: [], delete: [], replace: [] };
        for (const step of json.steps ?? []) {
            const name = `${step.urn.split("::")[2].split("$").pop()}::${step.urn.split("::")[3]}`;
            // The stack and default providers are the engine's own bookkeeping.
            if (/^pulumi:(pulumi:Stack|providers:)/.test(name)) continue;
            if (step.op === "create") ops.create.push(name);
            else if (step.op === "update") ops.update.push(name);
            else if (step.op === "delete") ops.delete.push(name);
            else if (step.op !== "same" && step.op !== "read") ops.replace.push(`${step.op} ${name}`);
        }
        for (const list of Object.values(ops)) list.sort();
        return { ops, diff: r.stdout };
    }

    up(): SpawnSyncReturns<string> {
        return this.pulumi(["up", "--yes", "--skip-preview", ...this.stackArgs]);
    }

    upOrThrow(): SpawnSyncReturns<string> {
        return this.check(this.up(), "up");
    }

    destroy(extra: string[]): SpawnSyncReturns<string> {
        return this.pulumi(["destroy", "--yes", "--skip-preview", ...extra, ...this.stackArgs]);
    }

    outputs(): Record<string, unknown> {
        return JSON.parse(this.check(this.pulumi(["stack", "output", "--json", "--stack", this.options.stack]), "stack output").stdout);
    }

    /** One stack output with secrets shown (for a file the caller keeps private; never log it). */
    secretOutput(name: string): string {
        return this.check(this.pulumi(["stack", "output", name, "--show-secrets", "--stack", this.options.stack]), "stack output").stdout.trim();
    }

    /** URN of a resource in the current state, by type and name. */
    urn(type: string, name: string): string {
        const r = this.check(this.pulumi(["stack", "export", "--stack", this.options.stack]), "stack export");
        const state = JSON.parse(r.stdout) as { deployment: { resources: { urn: string; type: string }[] } };
        const found = state.deployment.resources.find((x) => x.type === type && x.urn.endsWith(`::${name}`));
        if (!found) throw new Error(`no ${type} ${name} in the stack`);
        return found.urn;
    }
}

/** Where scripts/toolchain.sh puts the Pulumi CLI, language host, command provider and kubeadm. */
export function toolchainDir(): string {
    return process.env.HAPLANE_TOOLCHAIN_DIR ?? path.join(process.env.HOME ?? "/root", ".cache", "haplane-toolchain");
}

/**
 * The environment scripts/engine-env.sh sets, for this process and its children: the
 * toolchain on PATH, a private Pulumi home, and nothing that reaches for the internet.
 */
export function useToolchain(): void {
    const dir = toolchainDir();
    const bin = path.join(dir, "bin");
    if (!(process.env.PATH ?? "").split(":").includes(bin)) process.env.PATH = `${bin}:${process.env.PATH ?? ""}`;
    process.env.PULUMI_HOME = path.join(dir, "pulumi-home");
    process.env.PULUMI_SKIP_UPDATE_CHECK = "true";
    process.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
    process.env.PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK = "true";
    fs.mkdirSync(process.env.PULUMI_HOME, { recursive: true });
}
