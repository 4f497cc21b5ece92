// Run by scripts/bench/failover/deploy.ts as a child process, so that the bench can bound a
// deploy with a timeout (the lab's deploy runs `pulumi up` synchronously). Lab only; needs root.
//   deploy-child.ts lab            npm run lab -- deploy 3 (toolchain, hosts, pulumi up)
//   deploy-child.ts tune <json>    pulumi up of the lab stack on lab-1..lab-3 with the given
//                                  LabTuning (keepalived's advert interval, leader election);
//                                  what it leaves out takes the platform's default
import { parseArgs } from "node:util";
import { ensureToolchain, labDeploy, labStack } from "../lab/deploy";
import { resolveHost } from "../lab/hosts";
import { LabTuning } from "../lab/stack";

export const BENCH_HOSTS = 3;

const USAGE = "usage: deploy-child.ts lab | tune <LabTuning JSON>";

async function main(argv: string[]): Promise<void> {
    const say = (line: string) => console.log(line);
    // Not strict, so that a flag gets this command's own message, with the usage.
    const { positionals: words, tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true });
    const flag = tokens.find((t) => t.kind === "option");
    if (flag) throw new Error(`unknown option ${JSON.stringify(argv[flag.index])}; ${USAGE}`);
    if (words[0] === "lab" && words.length === 1) {
        await labDeploy(String(BENCH_HOSTS), say);
        return;
    }
    if (words[0] === "tune" && words.length === 2) {
        const tuning = JSON.parse(words[1]) as LabTuning;
        ensureToolchain(say);
        const hosts = Array.from({ length: BENCH_HOSTS }, (_, i) => resolveHost(i + 1));
        labStack().deploy(hosts, tuning);
        say(`lab stack deployed with ${JSON.stringify(tuning)}`);
        return;
    }
    throw new Error(USAGE);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        () => (process.exitCode = 0),
        (e) => {
            console.error(`haplane bench: ${e instanceof Error ? e.message : String(e)}`);
            process.exitCode = 1;
        },
    );
}
