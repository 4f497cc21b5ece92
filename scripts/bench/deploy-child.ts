// Run by scripts/bench/failover.ts as a child process, so that the bench can bound a deploy
// with a timeout (the lab's deploy runs `pulumi up` synchronously). Lab only; needs root.
//   deploy-child.ts lab           npm run lab -- deploy 3 (toolchain, hosts, pulumi up)
//   deploy-child.ts advert <s>    pulumi up of the lab stack on lab-1..lab-3 with keepalived's
//                                 advert interval set to <s> seconds
import { ensureToolchain, labDeploy, labStack } from "../lab/deploy";
import { resolveHost } from "../lab/hosts";

export const BENCH_HOSTS = 3;

async function main(argv: string[]): Promise<void> {
    const say = (line: string) => console.log(line);
    if (argv[0] === "lab" && argv.length === 1) {
        await labDeploy(String(BENCH_HOSTS), say);
        return;
    }
    const seconds = Number(argv[1]);
    if (argv[0] === "advert" && argv.length === 2 && seconds > 0) {
        ensureToolchain(say);
        const hosts = Array.from({ length: BENCH_HOSTS }, (_, i) => resolveHost(i + 1));
        labStack().deploy(hosts, { advertIntervalSeconds: seconds });
        say(`lab stack deployed with keepalived advert interval ${seconds} s`);
        return;
    }
    throw new Error("usage: deploy-child.ts lab | advert <seconds>");
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
