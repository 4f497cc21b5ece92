// haplane: read the stack config, build one HaControlPlane, export its outputs.
import { haplaneProgram } from "./components/program";

const outputs = haplaneProgram();

export const apiServerUrl = outputs.apiServerUrl;
export const endpointAddress = outputs.endpointAddress;
export const endpointMode = outputs.endpointMode;
export const endpointHandoff = outputs.endpointHandoff;
export const replicas = outputs.replicas;
export const kubeconfig = outputs.kubeconfig;
export const clusterCaCertificate = outputs.clusterCaCertificate;
export const kubeconfigExpires = outputs.kubeconfigExpires;
