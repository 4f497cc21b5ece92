// What the lab needs from the machine before it starts a host: every command the lab itself,
// its hosts (which share this machine's /usr) and the node scripts haplane runs there call,
// with the Debian package that provides it. `.ci/run` installs every package listed here (a
// unit test holds it to that), and labUp() refuses to start with one line naming what is
// missing, instead of a failure deep inside a test. Lab only.
import * as fs from "fs";
import * as path from "path";

export interface Prerequisite {
    command: string;
    /** The Debian 12 package that provides the command. */
    debianPackage: string;
    /** Who calls it, so a reader can tell why it is here. */
    usedBy: string;
    /** Where it is looked for, when not on the hosts' PATH. */
    searchPath?: string;
}

const CNI_BIN_DIR = "/usr/lib/cni";

export const LAB_PREREQUISITES: readonly Prerequisite[] = [
    { command: "ip", debianPackage: "iproute2", usedBy: "the lab's namespaces, veths and bridge; detect-interface.sh" },
    { command: "unshare", debianPackage: "util-linux", usedBy: "each host's mount, UTS and PID namespaces" },
    { command: "flock", debianPackage: "util-linux", usedBy: "membership.sh's and etcd-certs.sh's locks" },
    { command: "setpriv", debianPackage: "util-linux", usedBy: "the systemctl shim starting a unit's process" },
    { command: "mount", debianPackage: "mount", usedBy: "host-init.sh's bind mounts" },
    { command: "sshd", debianPackage: "openssh-server", usedBy: "each host's PID 1" },
    { command: "ssh", debianPackage: "openssh-client", usedBy: "the command provider's peers, leave.sh, tests" },
    { command: "ssh-keygen", debianPackage: "openssh-client", usedBy: "the lab's host and client keys" },
    { command: "sudo", debianPackage: "sudo", usedBy: "every node command (sudo bash -c), as on cloud nodes" },
    { command: "pidof", debianPackage: "sysvinit-utils", usedBy: "keepalived's track script, the systemctl shim" },
    { command: "keepalived", debianPackage: "keepalived", usedBy: "the VIP" },
    { command: "haproxy", debianPackage: "haproxy", usedBy: "the API load balancer on every host" },
    { command: "etcd", debianPackage: "etcd-server", usedBy: "external etcd members" },
    { command: "etcdctl", debianPackage: "etcd-client", usedBy: "membership.sh, etcd-member.sh, the probe" },
    { command: "socat", debianPackage: "socat", usedBy: "haproxy's admin socket in the lab's health read" },
    { command: "ping", debianPackage: "iputils-ping", usedBy: "the hosts test's isolation check" },
    { command: "arping", debianPackage: "iputils-arping", usedBy: "vip-handover.sh (a leaving host's VIP handover)" },
    { command: "curl", debianPackage: "curl", usedBy: "check-apiserver.sh, the health read" },
    { command: "openssl", debianPackage: "openssl", usedBy: "member.sh's certificate checks, join-ticket.sh" },
    { command: "jq", debianPackage: "jq", usedBy: "host-prepare.sh, membership.sh, etcd-member.sh, lb-apply.sh" },
    { command: "containerd", debianPackage: "containerd", usedBy: "each node host's container runtime (node-boot.sh)" },
    { command: "ctr", debianPackage: "containerd", usedBy: "node-boot.sh's image import" },
    { command: "runc", debianPackage: "runc", usedBy: "containerd's runtime for the static Pods" },
    { command: "conntrack", debianPackage: "conntrack", usedBy: "kubeadm's preflight (a required command)" },
    { command: "iptables", debianPackage: "iptables", usedBy: "kubeadm's preflight and the kubelet" },
    { command: "nsenter", debianPackage: "util-linux", usedBy: "kubeadm's preflight (a required command)" },
    // The CNI plugins containerd runs from its bin_dir (scripts/lab/node/containerd.toml).
    { command: "bridge", debianPackage: "containernetworking-plugins", usedBy: "each node's pod network (nodeFiles.ts)", searchPath: CNI_BIN_DIR },
    { command: "host-local", debianPackage: "containernetworking-plugins", usedBy: "the pod network's addresses", searchPath: CNI_BIN_DIR },
    { command: "loopback", debianPackage: "containernetworking-plugins", usedBy: "every pod's lo (containerd)", searchPath: CNI_BIN_DIR },
];

/** The lab hosts' PATH (host-init.sh) without /usr/local, which the lab mounts over inside hosts. */
export const HOST_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

function executableOn(command: string, searchPath: string): boolean {
    return searchPath
        .split(":")
        .filter(Boolean)
        .some((dir) => isExecutableFile(path.join(dir, command)));
}

function isExecutableFile(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** The prerequisites with no executable on `searchPath`. */
export function missingPrerequisites(searchPath = HOST_PATH, wanted: readonly Prerequisite[] = LAB_PREREQUISITES): Prerequisite[] {
    return wanted.filter((p) => !executableOn(p.command, p.searchPath ?? searchPath));
}

/** One line: what is missing, which package has it, and the command that installs them all. */
export function formatMissing(missing: readonly Prerequisite[]): string {
    const named = missing.map((p) => `${p.searchPath ? path.join(p.searchPath, p.command) : p.command} (Debian package ${p.debianPackage})`);
    const packages = [...new Set(missing.map((p) => p.debianPackage))];
    return `the lab needs ${named.join(", ")}, not found in ${HOST_PATH}; install with: apt-get install -y ${packages.join(" ")}`;
}

/** Throws one clear line when any prerequisite is missing. */
export function requirePrerequisites(searchPath = HOST_PATH): void {
    const missing = missingPrerequisites(searchPath);
    if (missing.length) throw new Error(formatMissing(missing));
}
