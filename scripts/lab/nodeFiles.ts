// The Kubernetes-node half of a lab host: the files a node image would carry (containerd's
// configuration, the kubelet's unit and drop-in as the Kubernetes packages install them, the
// site's kubelet overrides), the boot script, the preloaded images, and the cgroups to remove
// when the lab goes down. Lab only; hosts/ calls these.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { LabHost } from "./hosts/layout";

const NODE_DIR = path.join(__dirname, "node");
/** Controllers (and the named hierarchy) under which node-boot.sh makes /<host name>. */
const CGROUP_HIERARCHIES = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd", "unified"];

function toolchainDir(): string {
    return process.env.HAPLANE_TOOLCHAIN_DIR || path.join(os.homedir(), ".cache", "haplane-toolchain");
}

/** The preloaded images the toolchain built (images.json and the archives), when it did. */
export function toolchainImages(): string | undefined {
    const dir = path.join(toolchainDir(), "images");
    return fs.existsSync(path.join(dir, "images.json")) ? dir : undefined;
}

function copy(from: string, to: string, mode = 0o644): void {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    fs.chmodSync(to, mode);
}

/** The lab's pod network: each host's pods in a /24 of the stacks' pod subnet (10.244.0.0/16). */
export function podSubnetOf(hostIndex: number): string {
    return `10.244.${hostIndex}.0/24`;
}
/** The `kubernetes` Service's address: the first of the stacks' service subnet (10.96.0.0/12). */
export const KUBERNETES_SERVICE_IP = "10.96.0.1";

/**
 * The lab's stand-in for a CNI and kube-proxy (which cannot run here): a bridge with the host's
 * pods on it, so the Node is Ready and ordinary pods run, and what node-boot.sh needs to send
 * the pods' connections to the `kubernetes` Service to the host's own API server. Pods reach
 * pods on their own host only; nothing in the lab needs more.
 */
function podNetwork(host: LabHost): { conflist: object; serviceRoute: object } {
    return {
        conflist: {
            cniVersion: "0.4.0",
            name: "haplane-lab",
            plugins: [
                {
                    type: "bridge",
                    bridge: "cni0",
                    isGateway: true,
                    ipMasq: false,
                    hairpinMode: true,
                    ipam: { type: "host-local", ranges: [[{ subnet: podSubnetOf(host.index) }]], routes: [{ dst: "0.0.0.0/0" }] },
                },
            ],
        },
        serviceRoute: { serviceIp: KUBERNETES_SERVICE_IP, servicePort: 443, apiServer: host.address, apiServerPort: 6443 },
    };
}

/** Writes what a node's /etc holds into `etc` (a copy of the machine's /etc being made). */
export function writeNodeEtc(etc: string, host: LabHost): void {
    const hostName = host.name;
    const network = podNetwork(host);
    fs.mkdirSync(path.join(etc, "cni", "net.d"), { recursive: true });
    fs.writeFileSync(path.join(etc, "cni", "net.d", "10-haplane-lab.conflist"), `${JSON.stringify(network.conflist, null, 2)}\n`);
    fs.mkdirSync(path.join(etc, "haplane-lab"), { recursive: true });
    fs.writeFileSync(path.join(etc, "haplane-lab", "service-route.json"), `${JSON.stringify(network.serviceRoute, null, 2)}\n`);
    copy(path.join(NODE_DIR, "containerd.toml"), path.join(etc, "containerd", "config.toml"));
    copy(path.join(NODE_DIR, "kubelet.service"), path.join(etc, "systemd", "system", "kubelet.service"));
    copy(path.join(NODE_DIR, "kubelet.service.d", "10-kubeadm.conf"), path.join(etc, "systemd", "system", "kubelet.service.d", "10-kubeadm.conf"));
    // The host's pods live in its own cgroup subtree (node-boot.sh makes /<host name>).
    fs.mkdirSync(path.join(etc, "default"), { recursive: true });
    fs.writeFileSync(path.join(etc, "default", "kubelet"), `# haplane lab host ${hostName}: its pods' cgroups\nKUBELET_EXTRA_ARGS=--cgroup-root=/${hostName}\n`);
}

/** Installs node-boot.sh among the lab's shims (bind-mounted over /usr/local/sbin in hosts). */
export function installNodeBoot(sbinDir: string): void {
    const target = path.join(sbinDir, "haplane-node-boot");
    // Written in place (same inode): running hosts have the directory bind-mounted.
    fs.writeFileSync(target, fs.readFileSync(path.join(__dirname, "node-boot.sh")));
    fs.chmodSync(target, 0o755);
}

/** The host's cgroups in the machine's hierarchies, deepest first. */
export function hostCgroups(hostName: string): string[] {
    const found: string[] = [];
    const walk = (dir: string) => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
        found.push(dir);
    };
    for (const h of CGROUP_HIERARCHIES) {
        const root = path.join("/sys/fs/cgroup", h, hostName);
        if (fs.existsSync(root)) walk(root);
    }
    return found;
}

/** Removes the host's cgroups once its processes are gone; returns those that would not go. */
export function removeHostCgroups(hostName: string): string[] {
    const left: string[] = [];
    for (const dir of hostCgroups(hostName)) {
        try {
            fs.rmdirSync(dir);
        } catch {
            left.push(dir);
        }
    }
    return left;
}

/** The host's memory use now and at its peak (bytes), from its memory cgroup. */
export function hostMemory(hostName: string): { usage: number; peak: number } | undefined {
    const dir = path.join("/sys/fs/cgroup/memory", hostName);
    try {
        const read = (f: string) => Number(fs.readFileSync(path.join(dir, f), "utf8").trim());
        return { usage: read("memory.usage_in_bytes"), peak: read("memory.max_usage_in_bytes") };
    } catch {
        return undefined;
    }
}

/** CPU time the host's processes used so far (ns), from its cpuacct cgroup. */
export function hostCpuNanos(hostName: string): number | undefined {
    try {
        return Number(fs.readFileSync(path.join("/sys/fs/cgroup/cpuacct", hostName, "cpuacct.usage"), "utf8").trim());
    } catch {
        return undefined;
    }
}
