// Where the API endpoint address lives, and how it moves. Pure.
//
// Facts (DESIGN.md): the Pulumi engine deletes resources the program no longer declares
// only after every create and update of the same `pulumi up`. So
//  - scale-up (node -> load balancer) works in one run: the node's address is detached by an
//    in-place update of the node, and the load balancer's creation waits for that update;
//  - scale-down (load balancer -> node) cannot attach the address to the node in the run that
//    drops the load balancer, because the load balancer's delete would run after the attach
//    and the attach would fail on an address still in use. The run that drops the load
//    balancer leaves the address unattached; the next run (seeing it free) attaches it.

/** Who holds the endpoint address right now, as observed from the platform. */
export type EndpointHolder =
    | "absent" // the address does not exist yet (first deployment)
    | "free" // reserved, attached to nothing
    | "node" // attached to a node
    | "loadBalancer"; // held by a load balancer's forwarding rule / listener

export type EndpointMode = "node" | "loadBalancer";

export interface EndpointPlan {
    mode: EndpointMode;
    /** Replica whose machine carries the address in this run, if any. */
    attachTo?: string;
    /** true when a second `pulumi up` is needed to finish a load balancer -> node handoff. */
    handoffPending: boolean;
    /**
     * true unless the load balancer already holds the address: the frontend must then wait
     * for the nodes' updates (one of which may release it; waiting is harmless otherwise).
     * Once the load balancer holds it, the frontend carries no dependency on any node, so a
     * break-glass `destroy --target <node> --target-dependents` never reaches it.
     */
    frontendWaitsForNodes: boolean;
    /** A sentence for the stack output `endpointHandoff`. */
    status: string;
}

export function endpointMode(replicaCount: number): EndpointMode {
    return replicaCount >= 2 ? "loadBalancer" : "node";
}

export function planEndpoint(replicaNames: string[], observed: EndpointHolder): EndpointPlan {
    const mode = endpointMode(replicaNames.length);
    if (mode === "loadBalancer") {
        return {
            mode,
            handoffPending: false,
            frontendWaitsForNodes: observed !== "loadBalancer",
            status: `held by the load balancer in front of ${replicaNames.length} replicas`,
        };
    }
    const node = replicaNames[0];
    if (observed === "loadBalancer") {
        return {
            mode,
            handoffPending: true,
            frontendWaitsForNodes: false,
            status:
                `pending: this run removes the load balancer, which releases the address; ` +
                `run 'pulumi up' once more to attach it to ${node}`,
        };
    }
    return { mode, attachTo: node, handoffPending: false, frontendWaitsForNodes: false, status: `attached to ${node}` };
}
