// The on-prem stack: hosts named and addressed in controlPlane.replicas, the endpoint a VIP that
// keepalived floats across them, and the `onprem` section. Pure: no Pulumi imports.
import { z } from "zod";
import { grammarString } from "../../config/grammar";
import { PlatformProfile } from "../../config/profile";
import { cidr, endpoint, missingSection, platformStack } from "../../config/sections";
import type { OnpremStackConfig } from "../../config/schema";
import { placeInSubnet } from "../../planning/subnets";
import { checkEtcdHostRules, checkOnpremRules, ONPREM_ZONES } from "./configRules";

const onpremSection = z.strictObject({
    /** `distribution`: install from the hosts' package repositories; `preinstalled`: air-gapped hosts. */
    packages: z.enum(["distribution", "preinstalled"]).default("distribution"),
    kubelet: z
        .strictObject({
            /** `systemd` where systemd runs the hosts (the kubelet's and containerd's default), `cgroupfs` where it does not. */
            cgroupDriver: z.enum(["systemd", "cgroupfs"]).default("systemd"),
        })
        .prefault({}),
    /**
     * The hosts' subnets. Optional; when listed, every host address must be a host address of
     * one of them, the VIP must not be a network or broadcast address, and a VIP outside all of
     * them draws a warning (it then needs routing to reach the hosts).
     */
    subnets: z.array(cidr).min(1, "must list at least one subnet").optional(),
    keepalived: z
        .strictObject({
            /** false when the site's own load balancer already serves endpoint.address. */
            enabled: z.boolean().default(true),
            /** Interface carrying the VIP; detected on each host from its route to the VIP when unset. */
            interface: grammarString("interfaceName").optional(),
            /** VRRP router id; derived from the cluster name and VIP (stable across runs) when unset. */
            vrid: z.number().int().min(1).max(255).optional(),
            /** VRRPv3 advertisement interval: failover takes about 3 intervals. */
            advertIntervalSeconds: z
                .number()
                .min(0.01)
                .max(40.95)
                .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, "must be a multiple of 0.01 s")
                .default(0.2),
        })
        .prefault({}),
});

/** The VIP is required: it is the endpoint. */
const onpremEndpoint = z.strictObject(
    {
        ...endpoint.shape,
        address: grammarString("ipv4", undefined, "is required on platform onprem: the virtual IP clients use (kept by keepalived)"),
    },
    missingSection("is required on platform onprem: at least its address, the virtual IP clients use (kept by keepalived)"),
);

export const onpremStack = platformStack("onprem", { endpoint: onpremEndpoint, onprem: onpremSection.prefault({}) });

export const onpremProfile: PlatformProfile<OnpremStackConfig> = {
    ...ONPREM_ZONES,
    region: () => undefined,
    check: (cfg) => checkOnpremRules(cfg),
    checkPlaced: (cfg) => (cfg.etcd.topology === "external" && cfg.etcd.hosts ? checkEtcdHostRules(cfg) : []),
    warnings(cfg) {
        const vip = cfg.endpoint.address;
        const subnets = cfg.onprem.subnets;
        if (!subnets || subnets.some((s) => placeInSubnet(s, vip) !== "outside")) return [];
        return [
            {
                path: ["endpoint", "address"],
                message: `the VIP ${vip} is outside every host subnet (${subnets.join(", ")}): clients reach it only if your routers send it to the hosts' subnet`,
            },
        ];
    },
    kubeadm: (cfg) => ({ nodeLocalBalancer: true, cgroupDriver: cfg.onprem.kubelet.cgroupDriver }),
};
