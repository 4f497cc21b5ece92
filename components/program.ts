// The program behind index.ts, as a function so that tests and the offline plan can run it
// more than once in one process.
import { HaControlPlane } from "./HaControlPlane";
import { loadStackConfig } from "./config/load";
import { platformFor } from "./platform";

/**
 * `declare` adds the program's own resources on the cluster, e.g. Kubernetes objects through
 * `cluster.provider` (README, "Using the cluster").
 */
export function haplaneProgram(declare?: (cluster: HaControlPlane) => void) {
    const { config, sshPrivateKey } = loadStackConfig();
    const cluster = new HaControlPlane(config.clusterName, { config, platform: platformFor(config.platform), sshPrivateKey });
    declare?.(cluster);
    return {
        apiServerUrl: cluster.apiServerUrl,
        endpointAddress: cluster.endpointAddress,
        endpointMode: cluster.endpointMode,
        /** Says when a load balancer -> node handoff needs one more `pulumi up`. */
        endpointHandoff: cluster.endpointHandoff,
        replicas: cluster.replicas,
        /** The cluster admin's kubeconfig, a secret: `pulumi stack output kubeconfig --show-secrets`. */
        kubeconfig: cluster.kubeconfig,
        clusterCaCertificate: cluster.clusterCaCertificate,
        kubeconfigExpires: cluster.kubeconfigExpires,
    };
}
