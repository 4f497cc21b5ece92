// `lab deploy`: the main program's real `pulumi up` on the lab hosts, with the offline
// toolchain and a local file backend. Builds the toolchain when it is missing, starts the
// hosts, applies the lab stack, fetches the admin kubeconfig and reads back the health of the
// control plane, from the real API through the VIP and from the hosts.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineStack, MAIN_PROJECT_DIR, toolchainDir, useToolchain } from "../pulumiStack";
import { formatApiHealth, readApiHealth } from "./apiHealth";
import { formatHealth, LabHealth, readHealth } from "./health";
import { LAB_DIR, LabHost, labHosts, labKeyPath, labUp } from "./hosts";
import { LAB_STACK, LAB_VIP, labStackSettings, LabTopology, LabTuning } from "./stack";

const REPO = path.resolve(__dirname, "..", "..");
export const STACK_DIR = path.join(LAB_DIR, "stack");
/** The cluster's admin kubeconfig, the stack's `kubeconfig` output written after every deploy (server: the VIP). */
export const ADMIN_KUBECONFIG = path.join(LAB_DIR, "admin.conf");

/** Builds the offline toolchain unless its binaries are already there (then this takes no time). */
export function ensureToolchain(log: (line: string) => void): void {
    const bin = path.join(toolchainDir(), "bin");
    // The engine, kubeadm, and what makes a lab host a node: the kubelet, kubectl and the images.
    const needed = ["pulumi", "pulumi-language-nodejs", "kubeadm", "kubelet", "kubectl"].map((b) => path.join(bin, b));
    needed.push(path.join(toolchainDir(), "images", "images.json"));
    if (!needed.every((f) => fs.existsSync(f))) {
        log("lab: building the offline toolchain (about 15 to 30 minutes the first time)");
        const r = spawnSync("bash", [path.join(REPO, "scripts", "toolchain.sh")], { stdio: ["ignore", "inherit", "inherit"] });
        if (r.status !== 0) throw new Error(`scripts/toolchain.sh failed (exit ${r.status})`);
    }
    useToolchain();
}

/**
 * Writes the stack's `kubeconfig` output (a secret: kubeadm's admin kubeconfig, its server the
 * endpoint) to ADMIN_KUBECONFIG, root-only, and returns the path.
 */
export function writeAdminKubeconfig(stack: EngineStack): string {
    const kubeconfig = stack.secretOutput("kubeconfig");
    if (!kubeconfig.includes("client-key-data")) throw new Error("lab: the stack's kubeconfig output holds no admin credentials");
    fs.writeFileSync(ADMIN_KUBECONFIG, `${kubeconfig}\n`, { mode: 0o600 });
    fs.chmodSync(ADMIN_KUBECONFIG, 0o600);
    return ADMIN_KUBECONFIG;
}

export interface LabStack {
    stack: EngineStack;
    /** Applies the lab stack for `replicas` (join order) with a real `pulumi up`. */
    deploy(replicas: LabHost[], tuning?: LabTuning): { stdout: string };
    /** The etcd topology this stack runs. */
    topology: LabTopology;
    health(hosts?: LabHost[]): LabHealth;
}

/** The lab's Pulumi stack (created on first use; kept until `lab down`). */
export function labStack(topology: LabTopology = "stacked"): LabStack {
    // Each topology is its own stack (its own state), so the lab can hold both in turn.
    const workDir = topology === "stacked" ? STACK_DIR : `${STACK_DIR}-${topology}`;
    fs.mkdirSync(workDir, { recursive: true });
    const stack = new EngineStack({
        workDir,
        stack: topology === "stacked" ? LAB_STACK : `${LAB_STACK}-${topology}`,
        projectDir: MAIN_PROJECT_DIR,
        env: { PULUMI_CONFIG_PASSPHRASE: "haplane-lab" },
    });
    if (!fs.existsSync(stack.configFile)) stack.init(fs.readFileSync(labKeyPath(), "utf8"));
    const publicKey = fs.readFileSync(`${labKeyPath()}.pub`, "utf8").trim();
    return {
        stack,
        topology,
        deploy(replicas, tuning = {}) {
            stack.configure(labStackSettings(replicas, { ...tuning, publicKey, topology }));
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
    const lab = labStack();
    log(`lab: pulumi up of stack ${LAB_STACK} (${hosts.map((h) => h.name).join(", ")}; state in ${STACK_DIR})`);
    const started = Date.now();
    lab.deploy(hosts);
    log(`lab: pulumi up finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const outputs = lab.stack.outputs();
    log(`endpoint: ${String(outputs.apiServerUrl ?? `https://${LAB_VIP}:6443`)} (${String(outputs.endpointMode)})`);
    const kubeconfig = writeAdminKubeconfig(lab.stack);
    log(`admin kubeconfig: ${kubeconfig} (kubectl --kubeconfig ${kubeconfig} get --raw /readyz)`);
    log(formatApiHealth(await readApiHealth(kubeconfig)));
    log(formatHealth(lab.health(hosts)));
}
