// The command lines of the lab's probe processes, read with Node's own util.parseArgs.
import { parseArgs } from "node:util";

/**
 * The one argument of `ts-node <probe>.ts <state dir>`. Anything else (no argument, more than
 * one, an option) prints why and the usage, and exits 2: bad usage, as the lab's CLI does.
 */
export function stateDirArgument(usage: string, argv: string[] = process.argv.slice(2)): string {
    let why: string;
    try {
        const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
        if (positionals.length === 1) return positionals[0];
        why = `expected one argument, the state directory, got ${positionals.length}`;
    } catch (e) {
        why = e instanceof Error ? e.message : String(e);
    }
    console.error(`${why}\nusage: ${usage}`);
    process.exit(2);
}
