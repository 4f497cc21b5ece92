// The local lab's command line: npm run lab -- <command> [args]. Needs root.
// To add a command, add an entry to `commands`; main() dispatches on its name.
import { labDeploy } from "./deploy";
import { formatStatus, labDown, labStatus, labUp, LabUsageError } from "./hosts";

export interface LabCommand {
    usage: string;
    summary: string;
    run(args: string[]): Promise<void>;
}

const say = (line: string) => console.log(line);

export const commands: Record<string, LabCommand> = {
    up: {
        usage: "up [N]",
        summary: "create lab hosts lab-1 .. lab-N (N from 1 to 7, default 3); running hosts are left as they are",
        async run(args) {
            if (args.length > 1) throw new LabUsageError(`lab up: expected at most one argument N, got ${args.length}: ${args.join(" ")}`);
            await labUp(args[0], say);
            say(formatStatus(labStatus()));
        },
    },
    deploy: {
        usage: "deploy [N]",
        summary: "build the toolchain if needed, start N hosts (default 3) and run the real pulumi up of the lab stack on them",
        async run(args) {
            if (args.length > 1) throw new LabUsageError(`lab deploy: expected at most one argument N, got ${args.length}: ${args.join(" ")}`);
            await labDeploy(args[0], say);
        },
    },
    down: {
        usage: "down",
        summary: "stop every lab host and remove everything the lab created (safe to repeat)",
        async run(args) {
            if (args.length) throw new LabUsageError(`lab down takes no arguments, got: ${args.join(" ")}`);
            await labDown(say);
            say("lab is down");
        },
    },
    status: {
        usage: "status",
        summary: "list lab hosts: address, link, sshd and which of keepalived, haproxy, etcd, containerd, kubelet, kube-apiserver run there",
        async run(args) {
            if (args.length) throw new LabUsageError(`lab status takes no arguments, got: ${args.join(" ")}`);
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
    const [name, ...args] = argv;
    if (!name || name === "help" || name === "--help" || name === "-h") {
        console.log(usage());
        return name ? 0 : 2;
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
