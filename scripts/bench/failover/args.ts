// The failover bench's command line: [--trials N] [--quick] [--only LIST], or --help.
import * as util from "node:util";

export type Item = "vip" | "backend" | "etcd" | "leader" | "vip1s";
export const ITEMS: Item[] = ["vip", "backend", "etcd", "leader", "vip1s"];
const MIN_TRIALS = 5;

export class BenchUsageError extends Error {}

export interface Options {
    trials: number;
    quick: boolean;
    only: Item[];
}

export const USAGE = `usage: npm run bench:failover [-- [--trials N] [--quick] [--only ${ITEMS.join(",")}]]
  --trials N   trials per figure (default ${MIN_TRIALS}; at least ${MIN_TRIALS} unless --quick)
  --quick      development: allows fewer trials (default 1 with --quick)
  --only LIST  run only some of the figures (comma-separated: ${ITEMS.join(", ")})`;

/** --help or -h anywhere wins over every other argument, even a wrong one. */
export const wantsHelp = (argv: string[]): boolean => argv.includes("--help") || argv.includes("-h");

export function parseArgs(argv: string[]): Options {
    let trials: number | undefined;
    let quick = false;
    let only: Item[] = [...ITEMS];
    // Not strict, but read token by token: each argument is checked in order with the bench's
    // own messages, and a flag's value is taken as given even if it starts with "-"
    // (`--trials --quick` is a wrong number, not a missing one).
    const { tokens } = util.parseArgs({
        args: argv,
        options: { trials: { type: "string" }, quick: { type: "boolean" }, only: { type: "string" } },
        strict: false,
        allowPositionals: true,
        tokens: true,
    });
    for (const t of tokens) {
        const unknown = () => new BenchUsageError(`unknown argument ${JSON.stringify(argv[t.index])}`);
        if (t.kind !== "option") throw unknown();
        if (t.name === "quick") {
            if (t.value !== undefined) throw unknown(); // --quick=...
            quick = true;
            continue;
        }
        if (t.name !== "trials" && t.name !== "only") throw unknown();
        const v = t.value;
        if (v === undefined) throw new BenchUsageError(`--${t.name} needs a value`);
        if (t.name === "trials") {
            if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 100) throw new BenchUsageError(`--trials must be a whole number from 1 to 100, got ${JSON.stringify(v)}`);
            trials = Number(v);
        } else {
            const list = v.split(",").map((s) => s.trim()).filter(Boolean);
            const bad = list.filter((s) => !ITEMS.includes(s as Item));
            if (!list.length || bad.length) throw new BenchUsageError(`--only takes some of ${ITEMS.join(",")}, got ${JSON.stringify(list.join(","))}`);
            only = ITEMS.filter((x) => list.includes(x));
        }
    }
    trials ??= quick ? 1 : MIN_TRIALS;
    if (trials < MIN_TRIALS && !quick) throw new BenchUsageError(`--trials must be at least ${MIN_TRIALS} (medians over fewer mean little); add --quick for development`);
    return { trials, quick, only };
}
