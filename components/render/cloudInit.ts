// First-boot configuration of a control-plane machine (cloud-init), through the YAML library.
import * as YAML from "yaml";

export interface CloudInitArgs {
    kubernetesVersion: string;
    sshUser: string;
    sshPublicKey: string;
}

/** The pkgs.k8s.io repository serves one Kubernetes minor per path. */
function kubernetesRepo(version: string): string {
    const [major, minor] = version.split(".");
    return `https://pkgs.k8s.io/core:/stable:/v${major}.${minor}/deb/`;
}

export function renderCloudInit(args: CloudInitArgs): string {
    const repo = kubernetesRepo(args.kubernetesVersion);
    const pin = `${args.kubernetesVersion}-*`;
    const config = {
        users: [
            "default",
            { name: args.sshUser, sudo: "ALL=(ALL) NOPASSWD:ALL", shell: "/bin/bash", ssh_authorized_keys: [args.sshPublicKey] },
        ],
        package_update: true,
        packages: ["containerd", "jq", "etcd-client", "curl", "gpg", "ca-certificates", "apt-transport-https"],
        write_files: [
            { path: "/etc/modules-load.d/kubernetes.conf", content: "overlay\nbr_netfilter\n" },
            {
                path: "/etc/sysctl.d/90-kubernetes.conf",
                content: "net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n",
            },
            { path: "/etc/apt/sources.list.d/kubernetes.list", content: `deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] ${repo} /\n` },
        ],
        runcmd: [
            ["modprobe", "overlay"],
            ["modprobe", "br_netfilter"],
            ["sysctl", "--system"],
            ["mkdir", "-p", "/etc/containerd", "/etc/apt/keyrings"],
            // The kubelet and containerd must agree on the systemd cgroup driver.
            ["sh", "-c", "containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml"],
            ["systemctl", "restart", "containerd"],
            ["sh", "-c", `curl -fsSL ${repo}Release.key | gpg --dearmor -o /etc/apt/keyrings/kubernetes.gpg`],
            ["apt-get", "update"],
            ["apt-get", "install", "-y", `kubelet=${pin}`, `kubeadm=${pin}`, `kubectl=${pin}`],
            ["apt-mark", "hold", "kubelet", "kubeadm", "kubectl"],
        ],
    };
    const doc = new YAML.Document(config);
    doc.commentBefore = "cloud-config";
    return doc.toString();
}
