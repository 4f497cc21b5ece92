// Run by scripts/bench/failover.ts as a child process, so that the bench can bound a deploy
// with a timeout (the lab's deploy runs `pulumi up` synchronously). Lab only; needs root.
//   deploy-child.ts lab            npm run lab -- deploy 3 (toolchain, hosts, pulumi up)
//   deploy-child.ts tune <json>    pulumi up of the lab stack on lab-1..lab-3 with the given
//                                  LabTuning (keepalived's advert interval, leader election);
//                                  what it leaves out takes the platform's default
import { ensureToolchain, labDeploy, labStack } from "../lab/deploy";
import { resolveHost } from "../lab/hosts";
import { LabTuning } from "../lab/stack";

export const BENCH_HOSTS = 3;

async function main(argv: string[]): Promise<void> {
    const say = (line: string) => console.log(line);
    if (argv[0] === "lab" && argv.length === 1) {
        await labDeploy(String(BENCH_HOSTS), say);
        return;
    }
    if (argv[0] === "tune" && argv.length === 2) {
        const tuning = JSON.parse(argv[1]) as LabTuning;
        ensureToolchain(say);
        const hosts = Array.from({ length: BENCH_HOSTS }, (_, i) => resolveHost(i + 1));
        labStack().deploy(hosts, tuning);
        say(`lab stack deployed with ${JSON.stringify(tuning)}`);
        return;
    }
    throw new Error("usage: deploy-child.ts lab | tune <LabTuning JSON>");
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
