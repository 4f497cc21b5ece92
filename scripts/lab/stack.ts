// The lab stack's configuration: the main program's on-prem platform on lab hosts, a real
// control plane: kubeadm for real with the images the hosts have preloaded, stacked etcd by
// default (the membership path the clouds run) or haplane's external etcd. Pure.
import { LabHost } from "./hosts";

export const LAB_VIP = "198.18.0.100";
export const LAB_STACK = "lab";
const RACKS = ["rack-a", "rack-b", "rack-c"];

/** Hosts are spread over three racks by index: lab-1 rack-a, lab-2 rack-b, lab-3 rack-c, lab-4 rack-a, ... */
export function rackOf(host: LabHost): string {
    return RACKS[(host.index - 1) % RACKS.length];
}

export type LabTopology = "stacked" | "external";

/** Leader election timing of the controller-manager and scheduler (controlPlane.leaderElection). */
export interface LeaderElectionTiming {
    leaseDurationSeconds: number;
    renewDeadlineSeconds: number;
    retryPeriodSeconds: number;
}

/** Settings the bench varies; each left out takes the platform's default. */
export interface LabTuning {
    /** keepalived's VRRP advertisement interval (the platform's default is 0.2 s). */
    advertIntervalSeconds?: number;
    leaderElection?: LeaderElectionTiming;
    /** The `addons` section (in-cluster HA); left out, the stack's defaults (CoreDNS HA from 3 replicas). */
    addons?: Record<string, unknown>;
}

export interface LabStackOptions extends LabTuning {
    /** etcd topology (default stacked: kubeadm's etcd on the control-plane hosts). */
    topology?: LabTopology;
    publicKey: string;
}

/** `haplane:` settings (without the prefix) for a control plane on `replicas`, in join order. */
export function labStackSettings(replicas: LabHost[], options: LabStackOptions): Record<string, unknown> {
    return {
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.5",
        controlPlane: {
            replicas: replicas.map((h) => ({ name: h.name, zone: rackOf(h), address: h.address })),
            ...(options.leaderElection ? { leaderElection: options.leaderElection } : {}),
        },
        etcd: { topology: options.topology ?? "stacked" },
        // Air-gapped hosts: the images are preloaded and nothing is pulled. kube-proxy would be
        // a privileged pod, which lab hosts cannot run (README, "The local lab").
        kubeadm: { imagePullPolicy: "Never", skipPhases: ["addon/kube-proxy"] },
        endpoint: { address: LAB_VIP, port: 6443 },
        onprem: {
            packages: "preinstalled",
            // Lab hosts have no systemd; containerd's runc uses cgroupfs as well.
            kubelet: { cgroupDriver: "cgroupfs" },
            // The interface is detected on each host from its route to the VIP.
            keepalived: { enabled: true, advertIntervalSeconds: options.advertIntervalSeconds ?? 0.2 },
        },
        // Always written, so that a step without profiles drops those of the step before.
        addons: options.addons ?? {},
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "root", publicKey: options.publicKey, dialErrorLimit: 3, perDialTimeoutSeconds: 5 },
    };
}
