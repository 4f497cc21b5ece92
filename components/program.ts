// The program behind index.ts, as a function so that tests and the offline plan can run it
// more than once in one process.
import { HaControlPlane } from "./HaControlPlane";
import { loadStackConfig } from "./config/load";
import { platformFor } from "./platform";

export function haplaneProgram() {
    const { config, sshPrivateKey } = loadStackConfig();
    const cluster = new HaControlPlane(config.clusterName, { config, platform: platformFor(config.platform), sshPrivateKey });
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
