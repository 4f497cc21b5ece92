// On-prem hosts behind the Platform interface. The endpoint is a virtual IP that keepalived
// floats across the hosts; from two hosts on, haproxy on every host binds <VIP>:port and
// balances to every API server. The API servers bind *:port with SO_REUSEPORT
// (--permit-port-sharing), so with one host the VIP reaches its API server directly and with
// more the kernel hands VIP traffic to the more specific haproxy listener: the endpoint never
// changes port and never needs a handoff across resources.
import * as pulumi from "@pulumi/pulumi";
import { EndpointHolder } from "../../planning/endpoint";
import type { OnpremStackConfig } from "../../config/schema";
import { EndpointAddress, LoadBalancerArgs, Platform } from "../types";
import { OnpremContext } from "./context";
import { onpremHaproxyOnNode } from "./haproxy";
import { onpremEtcdHost, onpremHost } from "./host";
import { onpremVipOnNode } from "./vip";

export const onpremPlatform: Platform<OnpremStackConfig> = {
    name: "onprem",
    // Host firewalls belong to the site; haplane opens nothing and closes nothing.
    network: () => [],
    endpointAddress(ctx: OnpremContext): EndpointAddress {
        const vip = pulumi.output(ctx.config.endpoint.address);
        return { address: vip, ref: vip, resources: [] };
    },
    // keepalived moves the VIP by itself: nothing ever holds it across resources.
    observeEndpointHolder: () => pulumi.output<EndpointHolder>("free"),
    machine: onpremHost,
    etcdHost: onpremEtcdHost,
    endpointOnNode: onpremVipOnNode,
    loadBalancer(ctx: OnpremContext, args: LoadBalancerArgs) {
        // haproxy runs on every host (haproxy.ts); joins need the founder's, and its keepalived.
        return { frontend: args.endpoint.address.apply((vip) => `haproxy on every host at ${vip}`), ready: args.members[0].onNode };
    },
    loadBalancerOnNode: onpremHaproxyOnNode,
    // DNS for the VIP is the site's; the name is still used in certificates and kubeconfigs.
    dnsRecord: () => undefined,
};
