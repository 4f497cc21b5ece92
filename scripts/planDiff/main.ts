// Compares two offline plans (from `npm run plan`) and prints a Markdown review.
// usage: npm run --silent plan-diff -- <base plan.json> <head plan.json>
import { renderPlanDiff } from "./markdown";
import { readPlan } from "./readPlan";

function main(argv: string[]): void {
    if (argv.length !== 2) throw new Error("usage: npm run --silent plan-diff -- <base plan.json> <head plan.json>");
    process.stdout.write(renderPlanDiff(readPlan(argv[0]), readPlan(argv[1])));
}

try {
    main(process.argv.slice(2));
} catch (err) {
    process.stderr.write(`plan-diff: ${(err as Error).message.split("\n")[0]}\n`);
    process.exit(1);
}
