// The stack configuration schema. Pure: no Pulumi imports, so the same rules run in the
// program, in the offline plan and in unit tests. Every key lives in the `haplane:`
// namespace; error messages name the full key (e.g. `haplane:controlPlane.replicas`).
import { z } from "zod";
import { checkAwsRules } from "./awsRules";
import { grammarString } from "./grammar";
import { checkEtcdHostRules, checkMembershipRules, checkOnpremRules } from "./rules";

// Every string key has a grammar (./grammar.ts): no value from config can carry shell, YAML or
// config-file syntax to a node or to the machine running Pulumi.

/** Lower-case RFC 1035 label: a valid GCE/AWS resource name fragment and DNS label. */
const label = (max: number) => grammarString("dnsLabel", max);
const ipv4 = grammarString("ipv4");
const cidr = grammarString("cidr");
const failureDomain = grammarString("failureDomain");

export const PLATFORMS = ["gce", "aws", "onprem"] as const;
/** Platforms this version can provision; the others are designed for but not built yet. */
export const AVAILABLE_PLATFORMS = ["gce", "aws", "onprem"] as const;

const namedReplica = z.strictObject({
    name: label(30),
    /** A zone (GCE, AWS) or a failure domain such as a rack or room (on-prem). */
    zone: failureDomain,
    /** On-prem: the host's address (SSH, etcd peer, API server). */
    address: ipv4.optional(),
});

/** What kube-controller-manager and kube-scheduler use when no flag is given. */
export const KUBERNETES_LEADER_ELECTION = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 } as const;

/**
 * haplane's defaults, chosen by the failover bench (README, "Failover figures"): a new leader
 * about twice as fast as with Kubernetes' own, while a leader still rides out an etcd leader
 * change or a VIP move without losing its lease.
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

const controlPlane = z.strictObject({
    /** Either a count (placed round-robin over `zones`) or an explicit list of named replicas. */
    replicas: z.union([z.number().int().min(1, "must be at least 1").max(7, "must be at most 7"), z.array(namedReplica).min(1, "must list at least one replica")]),
    zones: z.array(failureDomain).optional(),
    machineType: grammarString("machineType").default("e2-standard-4"),
    diskSizeGb: z.number().int().min(20, "must be at least 20").default(50),
    /** Pod network CIDR handed to kubeadm (the CNI is installed separately). */
    podSubnet: cidr.default("10.244.0.0/16"),
    serviceSubnet: cidr.default("10.96.0.0/12"),
    leaderElection: leaderElection.default(DEFAULT_LEADER_ELECTION),
});

const etcd = z.strictObject({
    /**
     * `stacked`: kubeadm runs etcd on every control-plane node. `external` (on-prem): haplane
     * runs etcd itself, as an `EtcdCluster` on `hosts` or, when they are not listed, on the
     * control-plane hosts; the API servers reach it with mutual TLS.
     */
    topology: z.enum(["stacked", "external"]).default("stacked"),
    /** External topology on its own hosts: {name, zone, address}, the same rules as control-plane hosts. */
    hosts: z.array(namedReplica).min(1, "must list at least one etcd host").optional(),
    /** External topology: raft timing. A leader is replaced about one election timeout after it is lost. */
    heartbeatIntervalMs: z.number().int().min(10, "must be at least 10 ms").max(10000, "must be at most 10000 ms").default(100),
    electionTimeoutMs: z.number().int().min(50, "must be at least 50 ms").max(50000, "must be at most 50000 ms").default(1000),
    // kube-up's ENABLE_ETCD_QUORUM_READ mapped to --etcd-quorum-read, removed in Kubernetes 1.12:
    // the etcd3 storage backend always reads linearizably (quorum), so only `true` can be honoured.
    quorumRead: z
        .boolean()
        .refine((v) => v, "must be true: Kubernetes >= 1.12 always reads etcd with quorum (linearizable reads); the --etcd-quorum-read flag no longer exists")
        .default(true),
});

const endpoint = z.strictObject({
    /** On-prem: the virtual IP keepalived floats across the control-plane hosts. */
    address: ipv4.optional(),
    port: z.number().int().min(1).max(65535).default(6443),
    /** true: a private address in the VPC (alias IP, then an internal passthrough LB). */
    internal: z.boolean().default(false),
    dns: z
        .strictObject({
            /** Name of the Cloud DNS managed zone that holds `name`. */
            managedZone: grammarString("managedZone"),
            /** Fully qualified record name, with or without the trailing dot. */
            name: grammarString("dnsName"),
            ttl: z.number().int().min(5, "must be at least 5 seconds").max(300, "must be at most 300 seconds: clients must follow an address change quickly").default(30),
        })
        .optional(),
});

// API server identity leases (kube-up's APIServerIdentity). kube-apiserver 1.31+ has no flag
// for their timing: the lease lasts 3600 s and is renewed every 10 s. The keys stay so that a
// stack states what it relies on, but only those values can be honoured.
const IDENTITY_LEASE_SECONDS = 3600;
const IDENTITY_RENEW_SECONDS = 10;
const apiServerIdentity = z.strictObject({
    enabled: z.boolean().default(true),
    renewIntervalSeconds: z
        .number()
        .int()
        .refine((v) => v === IDENTITY_RENEW_SECONDS, `must be ${IDENTITY_RENEW_SECONDS}: kube-apiserver 1.31 and later renew identity leases every ${IDENTITY_RENEW_SECONDS} s and have no flag to change it`)
        .default(IDENTITY_RENEW_SECONDS),
    leaseDurationSeconds: z
        .number()
        .int()
        .refine((v) => v === IDENTITY_LEASE_SECONDS, `must be ${IDENTITY_LEASE_SECONDS}: kube-apiserver 1.31 and later fix identity leases at ${IDENTITY_LEASE_SECONDS} s and have no flag to change it`)
        .default(IDENTITY_LEASE_SECONDS),
});

const ssh = z.strictObject({
    user: grammarString("posixUser").default("haplane"),
    /** OpenSSH public key installed for `user` on every node. */
    port: z.number().int().min(1).max(65535).default(22),
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

const gce = z.strictObject({
    project: grammarString("gceProject"),
    region: grammarString("gceRegion"),
    network: grammarString("gceNetwork").default("default"),
    subnetwork: grammarString("gceNetwork").optional(),
    image: grammarString("gceImage").default("ubuntu-os-cloud/ubuntu-2404-lts-amd64"),
});

const awsId = (prefix: string, example: string) =>
    z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), `must be an AWS id such as ${example}`);

/**
 * An AMI owner: YAML reads an unquoted account id (`owners: [099720109477]`) as a number and
 * drops its leading zero, so a whole number is taken as the 12-digit id it spells.
 */
const amiOwner = z.union([
    grammarString("amiOwner"),
    z
        .number()
        .int("must be an AWS account id: 12 digits, a whole number when written without quotes")
        .min(0)
        .max(999_999_999_999, "must be an AWS account id of 12 digits")
        .transform((n) => String(n).padStart(12, "0")),
]);

const aws = z.strictObject({
    region: grammarString("awsRegion"),
    /** An existing VPC; without it haplane creates one (`vpcCidr`) with a public subnet per zone. */
    vpcId: awsId("vpc", "vpc-0123456789abcdef0").optional(),
    /** Existing VPC: availability zone -> subnet id, one per zone; the first carries the endpoint. */
    subnets: z.record(failureDomain, awsId("subnet", "subnet-0123456789abcdef0")).optional(),
    /** Created VPC: its CIDR (default 10.0.0.0/16), split into one subnet per zone. */
    vpcCidr: cidr
        .refine((c) => { const bits = Number(c.split("/")[1]); return bits >= 16 && bits <= 24; }, "must be a /16 to /24 (AWS allows /16 at most; haplane splits it into sixteen zone subnets)")
        .optional(),
    /** Created VPC: its availability zones (default: the replicas' zones in join order). */
    zones: z.array(failureDomain).min(1).optional(),
    /** A fixed AMI; otherwise the newest image matching `image` when a machine is created. */
    ami: awsId("ami", "ami-0123456789abcdef0").optional(),
    image: z
        .strictObject({
            owners: z.array(amiOwner).min(1).default(["099720109477"]),
            name: grammarString("amiNameFilter").default("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"),
            architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
        })
        .default({ owners: ["099720109477"], name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", architecture: "x86_64" }),
    instanceType: grammarString("ec2InstanceType").default("m6i.large"),
    /** Optional EC2 key pair for the image's default user (haplane itself uses ssh.user). */
    keyName: grammarString("ec2KeyName").optional(),
});

const onprem = z.strictObject({
    /** `distribution`: install from the hosts' package repositories; `preinstalled`: air-gapped hosts. */
    packages: z.enum(["distribution", "preinstalled"]).default("distribution"),
    kubelet: z
        .strictObject({
            /** `systemd` where systemd runs the hosts (the kubelet's and containerd's default), `cgroupfs` where it does not. */
            cgroupDriver: z.enum(["systemd", "cgroupfs"]).default("systemd"),
        })
        .default({ cgroupDriver: "systemd" }),
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
        .default({ enabled: true, advertIntervalSeconds: 0.2 }),
});

const kubeadm = z.strictObject({
    /**
     * Run kubeadm's init, join and later phases with `--dry-run`: for a lab without a kubelet
     * or container images (kubeadm 1.32+ dry-runs joins without a real control plane). The
     * hosts, keepalived, haproxy and external etcd are real; no API server is started.
     */
    dryRun: z.boolean().default(false),
    /**
     * kubeadm init phases to skip. `addon/kube-proxy` where the CNI replaces kube-proxy (or,
     * as in the local lab, where nodes cannot run privileged pods); `addon/coredns` where the
     * cluster DNS is installed otherwise.
     */
    skipPhases: z.array(z.enum(["addon/kube-proxy", "addon/coredns"])).default([]),
    /** When kubeadm pulls the control-plane images: `Never` on air-gapped hosts with the images preloaded. */
    imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default("IfNotPresent"),
});


const stackObject = z.strictObject({
        platform: z.enum(PLATFORMS).refine((p) => (AVAILABLE_PLATFORMS as readonly string[]).includes(p), {
            message: `this version provisions ${AVAILABLE_PLATFORMS.join(", ")} only`,
        }),
        clusterName: label(20),
        kubernetesVersion: grammarString("kubernetesVersion")
            .refine((v) => Number(v.split(".")[1]) >= 31, "must be 1.31 or newer (kubeadm v1beta4 configuration)"),
        controlPlane: controlPlane,
        etcd: etcd.default({ topology: "stacked", quorumRead: true, heartbeatIntervalMs: 100, electionTimeoutMs: 1000 }),
        endpoint: endpoint.default({ port: 6443, internal: false }),
        kubeadm: kubeadm.default({ dryRun: false, skipPhases: [], imagePullPolicy: "IfNotPresent" }),
        apiServerIdentity: apiServerIdentity.default({ enabled: true, renewIntervalSeconds: 10, leaseDurationSeconds: 3600 }),
        /** Who may reach the API endpoint. */
        apiCidrs: z.array(cidr).min(1, "must list at least one CIDR allowed to reach the API"),
        /** Who may SSH to the nodes. */
        adminCidrs: z.array(cidr).min(1, "must list at least one CIDR allowed to SSH to the nodes"),
        ssh: ssh,
        gce: gce.optional(),
        aws: aws.optional(),
        onprem: onprem.optional(),
});

/** Every key of the `haplane:` namespace that the program reads. */
export const CONFIG_KEYS = Object.keys(stackObject.shape);

export const stackConfigSchema = stackObject.superRefine((cfg, ctx) => {
        if (cfg.platform === "gce" && !cfg.gce) {
            ctx.addIssue({ code: "custom", path: ["gce"], message: "is required when platform is gce (project and region)" });
            return;
        }
        if (cfg.platform === "aws" && !cfg.aws) {
            ctx.addIssue({ code: "custom", path: ["aws"], message: "is required when platform is aws (at least the region)" });
            return;
        }
        if (cfg.platform !== "aws" && cfg.aws) {
            ctx.addIssue({ code: "custom", path: ["aws"], message: `is for platform aws only; this stack's platform is ${cfg.platform}` });
        }
        if (cfg.etcd.topology === "external" && cfg.platform !== "onprem") {
            ctx.addIssue({
                code: "custom",
                path: ["etcd", "topology"],
                message: `'external' is offered on platform onprem only; on ${cfg.platform} etcd is stacked on the control-plane nodes`,
            });
        }
        if (cfg.etcd.electionTimeoutMs < 5 * cfg.etcd.heartbeatIntervalMs) {
            ctx.addIssue({
                code: "custom",
                path: ["etcd", "electionTimeoutMs"],
                message: `must be at least 5 times etcd.heartbeatIntervalMs (${5 * cfg.etcd.heartbeatIntervalMs} ms): etcd refuses shorter election timeouts`,
            });
        }
        if (cfg.kubeadm.dryRun && cfg.platform !== "onprem") {
            ctx.addIssue({ code: "custom", path: ["kubeadm", "dryRun"], message: `is for on-prem labs only; on ${cfg.platform} kubeadm must run for real` });
        }
        if (cfg.etcd.hosts && cfg.etcd.topology !== "external") {
            ctx.addIssue({ code: "custom", path: ["etcd", "hosts"], message: "is for etcd.topology 'external' only; with 'stacked' etcd runs on the control-plane hosts" });
        }
        if (cfg.platform === "onprem") {
            for (const problem of checkOnpremRules(cfg)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
        } else if (cfg.endpoint.address && cfg.platform !== "aws") {
            // (On aws an internal endpoint's address is checked with the network, below.)
            ctx.addIssue({ code: "custom", path: ["endpoint", "address"], message: `is for platform onprem only; on ${cfg.platform} the endpoint address is reserved by the cloud` });
        }
        const region = cfg.platform === "gce" ? cfg.gce?.region : cfg.platform === "aws" ? cfg.aws?.region : undefined;
        const membership = checkMembershipRules(cfg.controlPlane, cfg.platform, region);
        for (const problem of membership) {
            ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
        }
        if (cfg.platform === "aws" && cfg.aws && membership.length === 0) {
            for (const problem of checkAwsRules({ ...cfg, aws: cfg.aws })) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
        }
        if (cfg.platform === "onprem" && cfg.etcd.topology === "external" && cfg.etcd.hosts) {
            for (const problem of checkEtcdHostRules(cfg)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
        }
});

/** The raw shape a user writes (defaults not yet applied). */
export type StackConfigInput = z.input<typeof stackConfigSchema>;
/** The validated configuration with defaults applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ControlPlaneConfig = StackConfig["controlPlane"];

