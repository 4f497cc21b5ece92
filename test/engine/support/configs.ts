// Validated stack configs and nodes for the tests that feed rendered files to real binaries.
import { parseStackConfig } from "../../../components/config/parse";
import { StackConfig } from "../../../components/config/schema";
import { KubeadmNode } from "../../../components/render/kubeadm";
import { baseConfig } from "../../support/stacks";

export const GCE_NODE: KubeadmNode = { name: "cp-b-1", zone: "europe-west1-b", internalIp: "10.128.0.2", extraAddresses: ["198.18.0.7"] };
export const GCE_ENDPOINT = "198.18.0.1";
export const ONPREM_NODE: KubeadmNode = { name: "cp-2", zone: "rack-b", internalIp: "198.18.0.12", extraAddresses: [] };
export const VIP = "198.18.0.100";

export function gce(extra: Record<string, unknown> = {}): StackConfig {
    return parseStackConfig({ ...baseConfig(), ...extra });
}

export function onprem(extra: Record<string, unknown> = {}): StackConfig {
    return parseStackConfig({
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.4",
        controlPlane: {
            replicas: ["h1", "h2", "h3"].map((name, i) => ({ name, zone: `rack-${"abc"[i]}`, address: `198.18.0.${11 + i}` })),
        },
        endpoint: { address: VIP, port: 6443 },
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
        ...extra,
    });
}

export const NO_DNS = { endpoint: { port: 443 } };
export const ONPREM_DNS = { endpoint: { address: VIP, port: 6443, dns: { managedZone: "lab", name: "api.lab.example.com" } } };
export const NO_IDENTITY = { apiServerIdentity: { enabled: false } };

/** The stacks whose rendered files the real binaries check: [label, config, endpoint, node]. */
export const RENDER_CASES: [string, () => StackConfig, string, KubeadmNode][] = [
    ["GCE with a DNS name", () => gce(), GCE_ENDPOINT, GCE_NODE],
    ["GCE without a DNS name", () => gce(NO_DNS), GCE_ENDPOINT, GCE_NODE],
    ["GCE with API server identity disabled", () => gce(NO_IDENTITY), GCE_ENDPOINT, GCE_NODE],
    ["on-prem (permit-port-sharing)", () => onprem(), VIP, ONPREM_NODE],
    ["on-prem with a DNS name", () => onprem(ONPREM_DNS), VIP, ONPREM_NODE],
    ["on-prem with API server identity disabled", () => onprem(NO_IDENTITY), VIP, ONPREM_NODE],
];
