// Compares two offline plans (from `npm run plan`) and prints a Markdown review.
// usage: npm run --silent plan-diff -- <base plan.json> <head plan.json>
import { parseArgs } from "node:util";
import { renderPlanDiff } from "./markdown";
import { readPlan } from "./readPlan";

const USAGE = "usage: npm run --silent plan-diff -- <base plan.json> <head plan.json>";

/** The two plan files; it takes no flags (a file named like one goes after `--`). */
function planFiles(argv: string[]): [string, string] {
    // Not strict, so that a flag gets this command's own message, with the usage.
    const { positionals, tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true });
    const flag = tokens.find((t) => t.kind === "option");
    if (flag) throw new Error(`unknown option ${JSON.stringify(argv[flag.index])}; ${USAGE}`);
    if (positionals.length !== 2) throw new Error(USAGE);
    return [positionals[0], positionals[1]];
}

function main(argv: string[]): void {
    const [base, head] = planFiles(argv);
    process.stdout.write(renderPlanDiff(readPlan(base), readPlan(head)));
}

try {
    main(process.argv.slice(2));
} catch (err) {
    process.stderr.write(`plan-diff: ${(err as Error).message.split("\n")[0]}\n`);
    process.exit(1);
}
