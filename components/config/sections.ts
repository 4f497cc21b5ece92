// The sections of the stack config every platform shares. Pure: no Pulumi imports, so the same
// rules run in the program, in the offline plan and in unit tests. Each platform adds its own
// section and stack shape in components/platform/<name>/config.ts; schema.ts joins them.
import { z } from "zod";
import { addons } from "./addons";
import { grammarString } from "./grammar";

// Every string key has a grammar (./grammar.ts): no value from config can carry shell, YAML or
// config-file syntax to a node or to the machine running Pulumi.

/** Lower-case RFC 1035 label: a valid GCE/AWS resource name fragment and DNS label. */
export const label = (max: number) => grammarString("dnsLabel", max);
export const ipv4 = grammarString("ipv4");
export const cidr = grammarString("cidr");
export const failureDomain = grammarString("failureDomain");

/** The error of a section a platform requires, when it is missing: which platform needs it, and what for. */
export function missingSection(message: string) {
    return { error: (issue: { input: unknown }) => (issue.input === undefined ? message : undefined) };
}

export const namedReplica = z.strictObject({
    name: label(30),
    /** A zone (GCE, AWS) or a failure domain such as a rack or room (on-prem). */
    zone: failureDomain,
    /** On-prem: the host's address (SSH, etcd peer, API server). */
    address: ipv4.optional(),
});

/** What kube-controller-manager and kube-scheduler use when no flag is given. */
export const KUBERNETES_LEADER_ELECTION = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 } as const;

/**
 * haplane's defaults, chosen by the failover bench (README, "The local lab"): a new leader
 * about twice as fast as with Kubernetes' own (about 9.5 s instead of 17 s), and leaders kept
 * their leases through an etcd leader change and a killed API server; a VIP move made one
 * scheduler leader hand over in 2 of 5 trials, an open question the README reports.
 */
export const DEFAULT_LEADER_ELECTION = { leaseDurationSeconds: 8, renewDeadlineSeconds: 6, retryPeriodSeconds: 1 } as const;

/** Timing of the controller-manager's and scheduler's leader election (Lease objects). */
const leaderElection = z
    .strictObject({
        leaseDurationSeconds: z.number().int().min(2, "must be at least 2 seconds").max(300, "must be at most 300 seconds").default(DEFAULT_LEADER_ELECTION.leaseDurationSeconds),
        renewDeadlineSeconds: z.number().int().min(1, "must be at least 1 second").max(299, "must be at most 299 seconds").default(DEFAULT_LEADER_ELECTION.renewDeadlineSeconds),
        retryPeriodSeconds: z.number().int().min(1, "must be at least 1 second").max(60, "must be at most 60 seconds").default(DEFAULT_LEADER_ELECTION.retryPeriodSeconds),
    })
    .superRefine((le, ctx) => {
        // kube-controller-manager and kube-scheduler refuse other orders at start.
        if (le.renewDeadlineSeconds >= le.leaseDurationSeconds) {
            ctx.addIssue({ code: "custom", path: ["renewDeadlineSeconds"], message: `must be less than leaseDurationSeconds (${le.leaseDurationSeconds}): a leader must give up before its lease can be taken` });
        } else if (le.retryPeriodSeconds >= le.renewDeadlineSeconds) {
            ctx.addIssue({ code: "custom", path: ["retryPeriodSeconds"], message: `must be less than renewDeadlineSeconds (${le.renewDeadlineSeconds}): a leader renews several times before its deadline` });
        }
    });

export const controlPlane = z.strictObject({
    /** Either a count (placed round-robin over `zones`) or an explicit list of named replicas. */
    replicas: z.union([z.number().int().min(1, "must be at least 1").max(7, "must be at most 7"), z.array(namedReplica).min(1, "must list at least one replica")]),
    zones: z.array(failureDomain).optional(),
    /** The clouds' boot disk. */
    diskSizeGb: z.number().int().min(20, "must be at least 20").default(50),
    /** Pod network CIDR handed to kubeadm (the CNI is installed separately). */
    podSubnet: cidr.default("10.244.0.0/16"),
    serviceSubnet: cidr.default("10.96.0.0/12"),
    leaderElection: leaderElection.default(DEFAULT_LEADER_ELECTION),
});

export const ETCD_DEFAULTS = { topology: "stacked", heartbeatIntervalMs: 100, electionTimeoutMs: 1000 } as const;

export const etcd = z.strictObject({
    /**
     * `stacked`: kubeadm runs etcd on every control-plane node. `external` (on-prem): haplane
     * runs etcd itself, as an `ExternalEtcdCluster` on `hosts` or, when they are not listed, on
     * the control-plane hosts; the API servers reach it with mutual TLS.
     */
    topology: z.enum(["stacked", "external"]).default(ETCD_DEFAULTS.topology),
    /** External topology on its own hosts: {name, zone, address}, the same rules as control-plane hosts. */
    hosts: z.array(namedReplica).min(1, "must list at least one etcd host").optional(),
    /** External topology: raft timing. A leader is replaced about one election timeout after it is lost. */
    heartbeatIntervalMs: z.number().int().min(10, "must be at least 10 ms").max(10000, "must be at most 10000 ms").default(ETCD_DEFAULTS.heartbeatIntervalMs),
    electionTimeoutMs: z.number().int().min(50, "must be at least 50 ms").max(50000, "must be at most 50000 ms").default(ETCD_DEFAULTS.electionTimeoutMs),
});

const dns = z.strictObject({
    /** Name of the managed zone (Cloud DNS zone name, Route53 hosted zone id) that holds `name`. */
    managedZone: grammarString("managedZone"),
    /** Fully qualified record name, with or without the trailing dot. */
    name: grammarString("dnsName"),
    ttl: z.number().int().min(5, "must be at least 5 seconds").max(300, "must be at most 300 seconds: clients must follow an address change quickly").default(30),
});

export const ENDPOINT_DEFAULTS = { port: 6443, internal: false } as const;

export const endpoint = z.strictObject({
    /** On-prem: the virtual IP keepalived floats across the hosts; AWS internal: the private address. */
    address: ipv4.optional(),
    port: z.number().int().min(1).max(65535).default(ENDPOINT_DEFAULTS.port),
    /** true: a private address in the VPC (alias IP, then an internal passthrough LB). */
    internal: z.boolean().default(ENDPOINT_DEFAULTS.internal),
    dns: dns.optional(),
});

/**
 * API server identity leases (kube-up's APIServerIdentity). Their timing is fixed by
 * kube-apiserver (fixedValues.ts says so when a stack sets it).
 */
const apiServerIdentity = z.strictObject({ enabled: z.boolean().default(true) });

const ssh = z.strictObject({
    user: grammarString("posixUser").default("haplane"),
    port: z.number().int().min(1).max(65535).default(22),
    /** OpenSSH public key installed for `user` on every node. */
    publicKey: grammarString("sshPublicKey"),
    /** Nodes are reached on their internal address; a bastion makes that reachable from outside. */
    bastion: z
        .strictObject({
            host: grammarString("hostName"),
            user: grammarString("posixUser").optional(),
            port: z.number().int().min(1).max(65535).default(22),
        })
        .optional(),
    /** Bounded SSH retries so that an unreachable host fails fast instead of hanging. */
    dialErrorLimit: z.number().int().min(1).max(20).default(10),
    perDialTimeoutSeconds: z.number().int().min(1).max(60).default(10),
});

export const KUBEADM_DEFAULTS = { dryRun: false, skipPhases: [], imagePullPolicy: "IfNotPresent" } as const;

const kubeadm = z.strictObject({
    /**
     * Run kubeadm's init, join and later phases with `--dry-run` (on-prem only): hosts without
     * a kubelet or container images (kubeadm 1.32+ dry-runs joins without a real control
     * plane). The hosts, keepalived, haproxy and external etcd are real; no API server starts.
     */
    dryRun: z.boolean().default(KUBEADM_DEFAULTS.dryRun),
    /**
     * kubeadm init phases to skip. `addon/kube-proxy` where the CNI replaces kube-proxy (or,
     * as in the local lab, where nodes cannot run privileged pods); `addon/coredns` where the
     * cluster DNS is installed otherwise.
     */
    skipPhases: z.array(z.enum(["addon/kube-proxy", "addon/coredns"])).default([]),
    /** When kubeadm pulls the control-plane images: `Never` on air-gapped hosts with the images preloaded. */
    imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default(KUBEADM_DEFAULTS.imagePullPolicy),
});

/** The keys every platform's stack has; a platform adds `platform`, its own section and its endpoint. */
export const commonStackShape = {
    clusterName: label(20),
    kubernetesVersion: grammarString("kubernetesVersion").refine((v) => Number(v.split(".")[1]) >= 31, "must be 1.31 or newer (kubeadm v1beta4 configuration)"),
    controlPlane: controlPlane,
    etcd: etcd.default(ETCD_DEFAULTS),
    endpoint: endpoint.default(ENDPOINT_DEFAULTS),
    kubeadm: kubeadm.default({ ...KUBEADM_DEFAULTS, skipPhases: [] }),
    apiServerIdentity: apiServerIdentity.default({ enabled: true }),
    /** Who may reach the API endpoint. */
    apiCidrs: z.array(cidr).min(1, "must list at least one CIDR allowed to reach the API"),
    /** Who may SSH to the nodes. */
    adminCidrs: z.array(cidr).min(1, "must list at least one CIDR allowed to SSH to the nodes"),
    ssh: ssh,
    /** In-cluster HA: CoreDNS (`ha`) and profiles for systems the user installed. */
    addons: addons.prefault({}),
};

/** A platform's stack: `platform` as the discriminator, the shared keys, and its own (which may replace a shared one). */
export function platformStack<P extends string, S extends z.ZodRawShape>(platform: P, own: S) {
    const shape = { platform: z.literal(platform), ...commonStackShape, ...own } as { platform: z.ZodLiteral<P> } & Omit<typeof commonStackShape, keyof S> & S;
    return z.strictObject(shape);
}
