// Offline plan: evaluates the program for a stack config file with Pulumi's mock runtime,
// without credentials or the CLI, and prints the declared resources as JSON.
// usage: npm run --silent plan -- Pulumi.<stack>.yaml [--endpoint-holder absent|free|node|loadBalancer]
import { parseArgs } from "node:util";
import * as path from "path";
import { haplaneProgram } from "../components/program";
import { EndpointHolder } from "../components/planning/endpoint";
import { evaluate, Plan } from "./offline/evaluate";
import { readStackFile } from "./offline/stackFile";

/** The offline plan of a stack file (what the command prints). */
export function planStackFile(file: string, endpointHolder?: EndpointHolder): Promise<Plan> {
    const stack = readStackFile(path.resolve(file), path.resolve(__dirname, "..", "Pulumi.yaml"));
    return evaluate({ ...stack, endpointHolder }, haplaneProgram);
}

const HOLDERS: EndpointHolder[] = ["absent", "free", "node", "loadBalancer"];
const USAGE = `usage: npm run --silent plan -- Pulumi.<stack>.yaml [--endpoint-holder ${HOLDERS.join("|")}]`;

/** The stack file and, if given, who holds the endpoint address (the real program asks the cloud). */
function planArgs(argv: string[]): { file: string; endpointHolder?: EndpointHolder } {
    // Not strict, so that a wrong or missing holder, or an unknown flag, gets this command's own message.
    const { positionals, tokens } = parseArgs({ args: argv, options: { "endpoint-holder": { type: "string" } }, allowPositionals: true, strict: false, tokens: true });
    const holders: (string | undefined)[] = [];
    for (const t of tokens) {
        if (t.kind !== "option") continue;
        if (t.name !== "endpoint-holder") throw new Error(`unknown option ${JSON.stringify(argv[t.index])}; ${USAGE}`);
        holders.push(t.value); // undefined: the flag came last, without a value
    }
    if (positionals.length !== 1) throw new Error(USAGE);
    if (holders.some((h) => !HOLDERS.includes(h as EndpointHolder))) throw new Error(`--endpoint-holder must be one of ${HOLDERS.join(", ")}`);
    return { file: positionals[0], endpointHolder: holders[0] as EndpointHolder | undefined }; // the first, as always
}

async function main(argv: string[]): Promise<void> {
    const { file, endpointHolder } = planArgs(argv);
    const plan = await planStackFile(file, endpointHolder);
    process.stdout.write(JSON.stringify(plan, null, 2) + "\n");
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((err: Error) => {
        process.stderr.write(`${err.message.split("\n")[0]}\n`);
        process.exit(1);
    });
}
