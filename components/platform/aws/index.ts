// Amazon Web Services behind the Platform interface.
import type { AwsStackConfig } from "../../config/schema";
import { Platform } from "../types";
import { observeEndpointHolder, reserveEndpointAddress } from "./address";
import { awsCluster } from "./cluster";
import { endpointRecord } from "./dns";
import { controlPlaneInstance } from "./instance";
import { networkLoadBalancer } from "./loadBalancer";
import { declareNetwork } from "./network";
import { securityGroups } from "./securityGroups";

export const awsPlatform: Platform<AwsStackConfig> = {
    name: "aws",
    network(ctx, endpoint, parent) {
        const cluster = awsCluster(ctx);
        cluster.network = declareNetwork(ctx, parent);
        cluster.securityGroups = securityGroups(ctx, endpoint, cluster.network, parent);
        return [cluster.securityGroups.controlPlane, cluster.securityGroups.loadBalancer, ...cluster.network.ready];
    },
    endpointAddress: reserveEndpointAddress,
    observeEndpointHolder,
    machine: controlPlaneInstance,
    loadBalancer: networkLoadBalancer,
    dnsRecord: endpointRecord,
};
