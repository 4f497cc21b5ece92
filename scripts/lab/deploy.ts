// `lab deploy`: the main program's real `pulumi up` on the lab hosts, with the offline
// toolchain and a local file backend. Builds the toolchain when it is missing, starts the
// hosts and their stand-in API servers, applies the lab stack and reads back its health.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderSystemdUnit } from "../../components/render/systemdUnit";
import { scriptLine } from "../../components/render/commands";
import { EngineStack, MAIN_PROJECT_DIR, toolchainDir, useToolchain } from "../pulumiStack";
import { formatHealth, LabHealth, readHealth } from "./health";
import { LAB_DIR, LabHost, labHosts, labKeyPath, labSsh, labUp } from "./hosts";
import { LAB_STACK, LAB_VIP, labStackSettings } from "./stack";

const REPO = path.resolve(__dirname, "..", "..");
export const STACK_DIR = path.join(LAB_DIR, "stack");
const STANDIN = path.join(__dirname, "standin-apiserver.py");
/** Where standin-start.sh installs it on a host. */
const STANDIN_ON_HOST = "/etc/haplane-lab/standin-apiserver.py";

/** Builds the offline toolchain unless its binaries are already there (then this takes no time). */
export function ensureToolchain(log: (line: string) => void): void {
    const bin = path.join(toolchainDir(), "bin");
    const needed = ["pulumi", "pulumi-language-nodejs", "kubeadm"];
    if (!needed.every((b) => fs.existsSync(path.join(bin, b)))) {
        log("lab: building the offline toolchain (about ten minutes the first time)");
        const r = spawnSync("bash", [path.join(REPO, "scripts", "toolchain.sh")], { stdio: ["ignore", "inherit", "inherit"] });
        if (r.status !== 0) throw new Error(`scripts/toolchain.sh failed (exit ${r.status})`);
    }
    useToolchain();
}

/** The stand-in for each host's API server (kubeadm only dry-runs in the lab). */
export function startStandins(hosts: LabHost[]): void {
    const script = fs.readFileSync(path.join(__dirname, "standin-start.sh"), "utf8");
    const server = fs.readFileSync(STANDIN, "utf8");
    for (const host of hosts) {
        const unit = renderSystemdUnit([
            ["Unit", [["Description", `lab stand-in API server of ${host.name}`]]],
            ["Service", [["ExecStart", `/usr/bin/python3 ${STANDIN_ON_HOST} 6443 /etc/haplane-lab/apiserver.crt /etc/haplane-lab/apiserver.key ${host.name}`]]],
        ]);
        const r = labSsh(host, scriptLine(script, "standin-start", [host.name, host.address], false), { input: JSON.stringify({ unit, server }), timeoutMs: 30_000 });
        if (r.status !== 0) throw new Error(`lab: could not start the stand-in API server on ${host.name}: ${r.stderr.trim()}`);
    }
}

export interface LabStack {
    stack: EngineStack;
    /** Applies the lab stack for `replicas` (join order) with a real `pulumi up`. */
    deploy(replicas: LabHost[], options?: { advertIntervalSeconds?: number }): { stdout: string };
    health(hosts?: LabHost[]): LabHealth;
}

/** The lab's Pulumi stack (created on first use; kept until `lab down`). */
export function labStack(): LabStack {
    fs.mkdirSync(STACK_DIR, { recursive: true });
    const stack = new EngineStack({
        workDir: STACK_DIR,
        stack: LAB_STACK,
        projectDir: MAIN_PROJECT_DIR,
        env: { PULUMI_CONFIG_PASSPHRASE: "haplane-lab" },
    });
    if (!fs.existsSync(stack.configFile)) stack.init(fs.readFileSync(labKeyPath(), "utf8"));
    const publicKey = fs.readFileSync(`${labKeyPath()}.pub`, "utf8").trim();
    return {
        stack,
        deploy(replicas, options = {}) {
            stack.configure(labStackSettings(replicas, { publicKey, advertIntervalSeconds: options.advertIntervalSeconds }));
            const r = stack.upOrThrow();
            return { stdout: r.stdout };
        },
        health: (hosts = labHosts()) => readHealth(hosts),
    };
}

/** `npm run lab -- deploy [N]`: N hosts (default 3), all of them control-plane replicas. */
export async function labDeploy(n: string | undefined, log: (line: string) => void): Promise<void> {
    ensureToolchain(log);
    const hosts = await labUp(n, log);
    startStandins(hosts);
    const lab = labStack();
    log(`lab: pulumi up of stack ${LAB_STACK} (${hosts.map((h) => h.name).join(", ")}; state in ${STACK_DIR})`);
    const started = Date.now();
    lab.deploy(hosts);
    log(`lab: pulumi up finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const outputs = lab.stack.outputs();
    log(`endpoint: ${String(outputs.apiServerUrl ?? `https://${LAB_VIP}:6443`)} (${String(outputs.endpointMode)})`);
    log(formatHealth(lab.health(hosts)));
}
