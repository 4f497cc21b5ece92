// How an Elastic IP's association is declared in one run, so that the provider moves it
// exactly when the endpoint plan says and never otherwise. Pure.
//
// Facts (terraform-provider-aws internal/service/ec2/ec2_eip.go): `instance` and
// `network_interface` are Optional+Computed and update in place (disassociate, then associate
// with whatever the two fields then say). Being Computed, an omitted field keeps the value the
// provider last read: an omitted `instance` never detaches, and an omitted
// `network_interface` in a run that moves the address re-associates it with the network
// interface it just left. So a run that moves an address declares both fields ("" for
// none). Other runs leave `network_interface` out: once the load balancer holds the endpoint,
// its own network interface shows up there, and clearing it would detach the load balancer.
import { EndpointHolder, EndpointPlan } from "./endpoint";

/** true when this run moves the endpoint address between a node and the load balancer. */
export function endpointMoves(plan: EndpointPlan, observed: EndpointHolder): boolean {
    if (plan.attachTo) return observed === "free"; // the load balancer has just let it go
    return plan.mode === "loadBalancer" && observed === "node"; // promotion: leave the node
}

export interface ElasticIpAssociation {
    /** Attach to the instance (else `instance: ""`, said explicitly). */
    attach: boolean;
    /** Declare `networkInterface: ""` (only in runs that move the endpoint). */
    clearNetworkInterface: boolean;
}

/**
 * The endpoint's Elastic IP follows the plan; a node's own Elastic IP makes room for it on the
 * node that holds the endpoint (both would sit on the instance's primary private address).
 * `moves` is true only for the addresses of the endpoint's node in a run that moves the
 * endpoint (see endpointMoves); every other node's own address never moves.
 */
export function elasticIpAssociation(role: "endpoint" | "own", holdsEndpoint: boolean, moves: boolean): ElasticIpAssociation {
    return { attach: role === "endpoint" ? holdsEndpoint : !holdsEndpoint, clearNetworkInterface: moves };
}

/**
 * Who holds an Elastic IP, from its association (ec2 DescribeAddresses, through
 * aws.ec2.getElasticIp): an association with an instance id is a node's; one with only a
 * network interface is the load balancer's (an NLB subnet mapping's interface, owned by ELB).
 */
export function elasticIpHolder(found: { associationId: string; instanceId: string } | undefined): EndpointHolder {
    if (!found) return "absent";
    if (!found.associationId) return "free";
    return found.instanceId ? "node" : "loadBalancer";
}

/** Who holds a private address, from the types of the network interfaces that carry it. */
export function privateAddressHolder(interfaceTypes: string[]): EndpointHolder {
    if (interfaceTypes.length === 0) return "free";
    return interfaceTypes.includes("network_load_balancer") ? "loadBalancer" : "node";
}
