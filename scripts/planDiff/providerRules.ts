// How providers compare inputs, and which input changes make them replace a resource rather
// than update it in place. An offline plan has no provider to ask, so this table answers per
// type. Pure.
//
// GCE (gcp:*): the ForceNew schema flags (and the instance's CustomizeDiff) of
// terraform-provider-google, which @pulumi/gcp bridges, read from its source at
// github.com/hashicorp/terraform-provider-google@v1.20.1-0.20260828184646-f3721fb45fa3
// (August 2026, after 7.46.0), google/services/{compute,dns}/resource_*.go. pulumi-gcp's own
// overrides could not be checked offline. Listed: the inputs haplane sets, and a few near them.
// The Terraform SDK also treats an empty list or block as unset, and TypeSet inputs as
// unordered: both are normalized away before comparing.
// command (command:*): tools/command-provider/diff.go, which mirrors command 1.2.1: `triggers`
// replaces; any other change updates when the new inputs have a non-empty `update`, else replaces.
import { InputChange, normalizePath } from "./inputs";

interface TypeRule {
    /** Inputs (paths without array indices) whose change replaces the resource. */
    replaceOn: string[];
    /** Top-level inputs that are sets (TypeSet): their order means nothing. */
    unordered?: string[];
    /** Inputs that update in place only on a stopped machine. */
    stopFor?: string[];
}

const GCE_RULES: Record<string, TypeRule> = {
    "gcp:compute/instance:Instance": {
        replaceOn: [
            "project", "zone", "name", "hostname", "metadataStartupScript",
            // bootDisk itself is ForceNew as a block; of its fields autoDelete and
            // initializeParams.size (a resize) update in place.
            "bootDisk.deviceName", "bootDisk.mode", "bootDisk.source", "bootDisk.diskEncryptionKeyRaw", "bootDisk.kmsKeySelfLink",
            "bootDisk.initializeParams.image", "bootDisk.initializeParams.type", "bootDisk.initializeParams.snapshot",
            "bootDisk.initializeParams.provisionedIops", "bootDisk.initializeParams.provisionedThroughput",
            "bootDisk.initializeParams.storagePool", "bootDisk.initializeParams.architecture",
            // networkIp replaces unless network or subnetwork change with it (forceNewIfNetworkIPNotUpdatable).
            "networkInterfaces.networkIp", "networkInterfaces.nicType", "networkInterfaces.queueCount",
            "scheduling.preemptible", "scheduling.provisioningModel", "guestAccelerators", "scratchDisks",
            "confidentialInstanceConfig", "reservationAffinity", "instanceEncryptionKey", "keyRevocationActionType",
        ],
        // resourceComputeInstanceUpdate: these need the instance stopped, which the provider
        // refuses on a running instance unless allowStoppingForUpdate is set.
        unordered: ["tags"],
        stopFor: ["machineType", "minCpuPlatform", "enableDisplay", "shieldedInstanceConfig", "serviceAccount", "advancedMachineFeatures", "networkInterfaces.network", "networkInterfaces.subnetwork"],
    },
    // Every Address input but labels.
    "gcp:compute/address:Address": {
        replaceOn: ["project", "region", "name", "address", "addressType", "description", "ipVersion", "network", "networkTier", "prefixLength", "purpose", "subnetwork"],
    },
    "gcp:compute/forwardingRule:ForwardingRule": {
        replaceOn: [
            "project", "region", "name", "description", "ipAddress", "ipProtocol", "ipVersion", "allPorts", "ports", "portRange", "backendService",
            "loadBalancingScheme", "network", "subnetwork", "networkTier", "serviceLabel", "sourceIpRanges", "isMirroringCollector",
        ],
        unordered: ["ports"],
    },
    "gcp:compute/regionBackendService:RegionBackendService": { replaceOn: ["project", "name", "loadBalancingScheme", "network"], unordered: ["backends", "healthChecks"] },
    "gcp:compute/regionHealthCheck:RegionHealthCheck": { replaceOn: ["project", "region", "name"] },
    "gcp:compute/instanceGroup:InstanceGroup": { replaceOn: ["project", "zone", "name", "description", "network"], unordered: ["instances"] },
    "gcp:compute/instanceGroupMembership:InstanceGroupMembership": { replaceOn: ["project", "zone", "instanceGroup", "instance"] },
    "gcp:compute/firewall:Firewall": {
        replaceOn: ["project", "name", "direction"],
        unordered: ["allows", "denies", "sourceRanges", "destinationRanges", "sourceTags", "targetTags", "sourceServiceAccounts", "targetServiceAccounts"],
    },
    "gcp:dns/recordSet:RecordSet": { replaceOn: ["project", "managedZone", "name"] },
};

/** Drops empty lists and blocks (unset to Terraform) and sorts sets, for bridged (gcp) types. */
export function normalizeInputs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (!type.startsWith("gcp:")) return inputs;
    const prune = (v: unknown): unknown => {
        if (Array.isArray(v)) {
            const items = v.map(prune).filter((x) => x !== undefined);
            return items.length ? items : undefined;
        }
        if (v && typeof v === "object") {
            const entries = Object.entries(v).map(([k, x]) => [k, prune(x)] as const).filter(([, x]) => x !== undefined);
            return entries.length ? Object.fromEntries(entries) : undefined;
        }
        return v;
    };
    const out = (prune(inputs) ?? {}) as Record<string, unknown>;
    for (const key of GCE_RULES[type]?.unordered ?? []) {
        const v = out[key];
        if (Array.isArray(v)) out[key] = [...v].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return out;
}

export interface Verdict {
    /** Changed inputs that force a replacement (empty: an in-place update). */
    replaceBy: string[];
    /** Changed inputs that update in place only on a stopped machine. */
    stopFor: string[];
    /** false when this table has no rule for the type (shown as an update, and said so). */
    known: boolean;
}

const under = (path: string, prefixes: string[]) => {
    const p = normalizePath(path);
    return prefixes.some((r) => p === r || p.startsWith(`${r}.`));
};

/** How the provider would apply `changes` (secrets whose change is unknown never decide). */
export function classify(type: string, changes: InputChange[], headInputs: Record<string, unknown>): Verdict {
    const known = changes.filter((c) => !c.secretUnknown);
    if (type === "command:remote:Command" || type === "command:local:Command") {
        const update = headInputs.update;
        const updatable = update === "[secret]" || (typeof update === "string" && update !== "");
        return { replaceBy: known.filter((c) => !updatable || under(c.path, ["triggers"])).map((c) => c.path), stopFor: [], known: true };
    }
    const rule = GCE_RULES[type];
    if (!rule) return { replaceBy: [], stopFor: [], known: false };
    // A new networkIp in a new network or subnetwork is an update (forceNewIfNetworkIPNotUpdatable).
    const networkMoves = known.some((c) => under(c.path, ["networkInterfaces.network", "networkInterfaces.subnetwork"]));
    const replaces = (c: InputChange) => under(c.path, rule.replaceOn) && !(networkMoves && under(c.path, ["networkInterfaces.networkIp"]));
    return {
        replaceBy: known.filter(replaces).map((c) => c.path),
        stopFor: known.filter((c) => under(c.path, rule.stopFor ?? [])).map((c) => c.path),
        known: true,
    };
}
