// Keys that are no longer settings: knobs whose only possible value is fixed by Kubernetes (a
// stack may still state that value), and keys that moved. They are not in the schema, so the
// program never reads them; a stack that sets one gets the reason, naming the key. Pure.

interface RetiredKey {
    path: string[];
    /** The one value still accepted (and ignored); absent when the key moved. */
    fixedValue?: unknown;
    message: string;
}

const IDENTITY_LEASE_SECONDS = 3600;
const IDENTITY_RENEW_SECONDS = 10;

const RETIRED_KEYS: RetiredKey[] = [
    {
        // kube-up's ENABLE_ETCD_QUORUM_READ mapped to --etcd-quorum-read, removed in Kubernetes 1.12.
        path: ["etcd", "quorumRead"],
        fixedValue: true,
        message: "must be true: Kubernetes >= 1.12 always reads etcd with quorum (linearizable reads); the --etcd-quorum-read flag no longer exists",
    },
    {
        path: ["apiServerIdentity", "renewIntervalSeconds"],
        fixedValue: IDENTITY_RENEW_SECONDS,
        message: `must be ${IDENTITY_RENEW_SECONDS}: kube-apiserver 1.31 and later renew identity leases every ${IDENTITY_RENEW_SECONDS} s and have no flag to change it`,
    },
    {
        path: ["apiServerIdentity", "leaseDurationSeconds"],
        fixedValue: IDENTITY_LEASE_SECONDS,
        message: `must be ${IDENTITY_LEASE_SECONDS}: kube-apiserver 1.31 and later fix identity leases at ${IDENTITY_LEASE_SECONDS} s and have no flag to change it`,
    },
    {
        path: ["controlPlane", "machineType"],
        message: "has moved to gce.machineType (the GCE instances' machine type; on aws it is aws.instanceType)",
    },
];

export interface RetiredKeyProblem {
    path: string[];
    message: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The raw config without the retired keys that state their fixed value, or the first retired
 * key set otherwise. The input is not changed.
 */
export function settleRetiredKeys(raw: Record<string, unknown>): { raw: Record<string, unknown> } | { problem: RetiredKeyProblem } {
    let settled = raw;
    for (const key of RETIRED_KEYS) {
        const [section, name] = key.path;
        const container = settled[section];
        if (!isObject(container) || !(name in container)) continue;
        if (!("fixedValue" in key) || container[name] !== key.fixedValue) return { problem: { path: key.path, message: key.message } };
        const { [name]: _stated, ...rest } = container;
        settled = { ...settled, [section]: rest };
    }
    return { raw: settled };
}
