// The local lab's command line: npm run lab -- <command> [args]. Needs root.
// To add a command, add an entry to `commands`; main() dispatches on its name.
import { parseArgs } from "node:util";
import { labDeploy } from "./deploy";
import { formatStatus, labDown, labStatus, labUp, LabUsageError, parseHostCount } from "./hosts";

export interface LabCommand {
    usage: string;
    summary: string;
    /** args: the command's positional arguments (the lab takes no option but --help). */
    run(args: string[]): Promise<void>;
}

const say = (line: string) => console.log(line);

/** The optional N of `up [N]` and `deploy [N]`; its range is labUp's to check. */
function optionalCount(command: string, args: string[]): string | undefined {
    if (args.length > 1) throw new LabUsageError(`lab ${command}: expected at most one argument N, got ${args.length}: ${args.join(" ")}`);
    return args[0];
}

function noArguments(command: string, args: string[]): void {
    if (args.length) throw new LabUsageError(`lab ${command} takes no arguments, got: ${args.join(" ")}`);
}

export const commands: Record<string, LabCommand> = {
    up: {
        usage: "up [N]",
        summary: "create lab hosts lab-1 .. lab-N (N from 1 to 7, default 3); running hosts are left as they are",
        async run(args) {
            await labUp(optionalCount("up", args), say);
            say(formatStatus(labStatus()));
        },
    },
    deploy: {
        usage: "deploy [N]",
        summary: "build the toolchain if needed, start N hosts (default 3) and run the real pulumi up of the lab stack on them",
        async run(args) {
            // N is checked before anything is built or started.
            const count = optionalCount("deploy", args);
            parseHostCount(count);
            await labDeploy(count, say);
        },
    },
    down: {
        usage: "down",
        summary: "stop every lab host and remove everything the lab created (safe to repeat)",
        async run(args) {
            noArguments("down", args);
            await labDown(say);
            say("lab is down");
        },
    },
    status: {
        usage: "status",
        summary: "list lab hosts: address, link, sshd and which of keepalived, haproxy, etcd, containerd, kubelet, kube-apiserver run there",
        async run(args) {
            noArguments("status", args);
            say(formatStatus(labStatus()));
        },
    },
};

export function usage(): string {
    const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
    const lines = Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
    return ["usage: npm run lab -- <command>", ...lines].join("\n");
}

/** Runs one command line; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs({ args: argv, options: { help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    } catch (e) {
        // An option the lab does not take (a negative N included: after `--` it is an argument).
        console.error(`lab: ${e instanceof Error ? e.message : String(e)}\n${usage()}`);
        return 2;
    }
    const [name, ...args] = parsed.positionals;
    if (parsed.values.help || !name || name === "help") {
        console.log(usage());
        return parsed.values.help || name ? 0 : 2;
    }
    const command = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
    if (!command) {
        console.error(`lab: unknown command ${JSON.stringify(name)}\n${usage()}`);
        return 2;
    }
    try {
        await command.run(args);
        return 0;
    } catch (e) {
        console.error(`haplane: ${e instanceof Error ? e.message : String(e)}`);
        return e instanceof LabUsageError ? 2 : 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
