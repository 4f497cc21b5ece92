// Google Compute Engine behind the Platform interface.
import type { GceStackConfig } from "../../config/schema";
import { Platform } from "../types";
import { observeEndpointHolder, reserveEndpointAddress } from "./address";
import { endpointRecord } from "./dns";
import { firewallRules } from "./firewall";
import { controlPlaneInstance } from "./instance";
import { passthroughLoadBalancer } from "./loadBalancer";

export const gcePlatform: Platform<GceStackConfig> = {
    name: "gce",
    network: firewallRules,
    endpointAddress: reserveEndpointAddress,
    observeEndpointHolder,
    machine: controlPlaneInstance,
    loadBalancer: passthroughLoadBalancer,
    dnsRecord: endpointRecord,
};
