// Offline plan: evaluates the program for a stack config file with Pulumi's mock runtime,
// without credentials or the CLI, and prints the declared resources as JSON.
// usage: npm run --silent plan -- Pulumi.<stack>.yaml [--endpoint-holder absent|free|node|loadBalancer]
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

async function main(argv: string[]): Promise<void> {
    const file = argv.find((a, i) => !a.startsWith("--") && argv[i - 1] !== "--endpoint-holder");
    const holderFlag = argv.indexOf("--endpoint-holder");
    const endpointHolder = holderFlag >= 0 ? ((argv[holderFlag + 1] ?? "") as EndpointHolder) : undefined;
    if (!file) throw new Error("usage: npm run --silent plan -- Pulumi.<stack>.yaml [--endpoint-holder absent|free|node|loadBalancer]");
    if (endpointHolder !== undefined && !HOLDERS.includes(endpointHolder)) {
        throw new Error(`--endpoint-holder must be one of ${HOLDERS.join(", ")}`);
    }
    const plan = await planStackFile(file, endpointHolder);
    process.stdout.write(JSON.stringify(plan, null, 2) + "\n");
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((err: Error) => {
        process.stderr.write(`${err.message.split("\n")[0]}\n`);
        process.exit(1);
    });
}
