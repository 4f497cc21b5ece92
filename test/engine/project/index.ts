// The engine tests' program: haplane's HaControlPlane with the stand-in platform and
// membership. Settings come from the environment the tests set.
import { HaControlPlane } from "../../../components/HaControlPlane";
import { loadStackConfig } from "../../../components/config/load";
import { standinMembership, standinPlatform } from "../standin";

const dir = process.env.HAPLANE_STANDIN_DIR;
const hosts = process.env.HAPLANE_STANDIN_HOSTS;
if (!dir || !hosts) throw new Error("HAPLANE_STANDIN_DIR and HAPLANE_STANDIN_HOSTS must be set");

const { config, sshPrivateKey } = loadStackConfig();
const cluster = new HaControlPlane(config.clusterName, {
    config,
    platform: standinPlatform({ dir, hosts: JSON.parse(hosts) }),
    sshPrivateKey,
    membership: standinMembership(dir),
});

export const endpointMode = cluster.endpointMode;
export const endpointHandoff = cluster.endpointHandoff;
export const replicas = cluster.replicas;
export const apiServerUrl = cluster.apiServerUrl;
export const kubeconfig = cluster.kubeconfig;
export const clusterCaCertificate = cluster.clusterCaCertificate;
