// The Kubernetes API objects the lab reads and writes, with only the fields it uses.

export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
}

export interface ListMeta {
    resourceVersion?: string;
    continue?: string;
    remainingItemCount?: number;
}

export interface Lease {
    metadata: ObjectMeta;
    spec: {
        holderIdentity?: string;
        /** RFC3339 with microseconds, e.g. 2026-12-02T20:57:42.930813Z. */
        renewTime?: string;
        acquireTime?: string;
        leaseDurationSeconds?: number;
        leaseTransitions?: number;
    };
}

export interface NodeCondition {
    type: string;
    status: "True" | "False" | "Unknown";
    reason?: string;
    message?: string;
    lastHeartbeatTime?: string;
    lastTransitionTime?: string;
}

export interface Node {
    metadata: ObjectMeta;
    status?: {
        conditions?: NodeCondition[];
        addresses?: { type: string; address: string }[];
        nodeInfo?: { kubeletVersion?: string };
    };
}

export interface ConfigMap {
    metadata: ObjectMeta;
    data?: Record<string, string>;
}

export interface Namespace {
    metadata: ObjectMeta;
    status?: { phase?: string };
}

/** The API's error body (kind: Status). */
export interface Status {
    kind?: string;
    status?: string;
    message?: string;
    reason?: string;
    code?: number;
}

export interface List<T> {
    metadata?: ListMeta;
    items?: T[];
}
