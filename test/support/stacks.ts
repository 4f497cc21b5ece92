// Stack configurations for tests, in the form the runtime receives them.
import { haplaneProgram } from "../../components/program";
import { EndpointHolder } from "../../components/planning/endpoint";
import { evaluate, Plan, PlannedResource } from "../../scripts/offline/evaluate";

export const ZONES = ["europe-west1-b", "europe-west1-c", "europe-west1-d"];
export const PRIVATE_KEY_VALUE = "-----BEGIN OPENSSH PRIVATE KEY-----\ntest-key-material\n-----END OPENSSH PRIVATE KEY-----";

export function baseConfig(): Record<string, unknown> {
    return {
        platform: "gce",
        clusterName: "prod",
        kubernetesVersion: "1.32.4",
        gce: { project: "prod-project", region: "europe-west1" },
        controlPlane: { replicas: 3, zones: ZONES },
        endpoint: { port: 6443, dns: { managedZone: "example", name: "api.prod.example.com", ttl: 30 } },
        apiCidrs: ["203.0.113.0/24"],
        adminCidrs: ["203.0.113.10/32"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
    };
}

/** Named replicas a, b, c, ... spread round-robin over ZONES. */
export function namedReplicas(names: string[]) {
    return names.map((name, i) => ({ name, zone: ZONES[i % ZONES.length] }));
}

type PlanOptions = { endpointHolder?: EndpointHolder; keySecret?: boolean; revealSecrets?: boolean; program?: () => Record<string, unknown> };

/**
 * Plans are pure functions of config and options, and the same ones recur across tests: each
 * is evaluated once per test run (frozen, so no test can change another's).
 */
const plans = new Map<string, Promise<Plan>>();

export function plan(config: Record<string, unknown>, options: PlanOptions = {}): Promise<Plan> {
    // A program of its own is evaluated every time (functions make no cache key).
    if (options.program) return evaluatePlan(config, options).then(deepFreeze);
    const key = JSON.stringify([config, options]);
    if (!plans.has(key)) plans.set(key, evaluatePlan(config, options).then(deepFreeze));
    return plans.get(key)!;
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as object)) deepFreeze(v);
    }
    return value;
}

async function evaluatePlan(config: Record<string, unknown>, options: PlanOptions): Promise<Plan> {
    const map: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) map[`haplane:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    map["haplane:sshPrivateKey"] = PRIVATE_KEY_VALUE;
    const secretKeys = options.keySecret === false ? [] : ["haplane:sshPrivateKey"];
    return evaluate({ project: "haplane", stack: "test", config: map, secretKeys, endpointHolder: options.endpointHolder, revealSecrets: options.revealSecrets }, options.program ?? (() => haplaneProgram()));
}

export function withReplicas(replicas: unknown): Record<string, unknown> {
    const config = baseConfig();
    config.controlPlane = { replicas };
    return config;
}

export function find(p: Plan, type: string, name: string): PlannedResource {
    const r = p.resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`no ${type} named ${name} in the plan`);
    return r;
}

export function ofType(p: Plan, type: string): PlannedResource[] {
    return p.resources.filter((x) => x.type === type);
}

export const T = {
    instance: "gcp:compute/instance:Instance",
    address: "gcp:compute/address:Address",
    forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
    backendService: "gcp:compute/regionBackendService:RegionBackendService",
    instanceGroup: "gcp:compute/instanceGroup:InstanceGroup",
    healthCheck: "gcp:compute/regionHealthCheck:RegionHealthCheck",
    firewall: "gcp:compute/firewall:Firewall",
    command: "command:remote:Command",
    node: "haplane:index:ControlPlaneNode",
    loadBalancer: "haplane:index:LoadBalancer",
};

/** Everything `pulumi destroy --target <urn> --target-dependents` would reach in a plan. */
export function transitiveDependents(p: Plan, urn: string): Set<string> {
    const dependents = new Set<string>([urn]);
    for (let grew = true; grew; ) {
        grew = false;
        for (const r of p.resources) {
            if (!dependents.has(r.urn) && r.dependsOn.some((u) => dependents.has(u))) {
                dependents.add(r.urn);
                grew = true;
            }
        }
    }
    return dependents;
}

/** An on-prem stack of one host whose kubeadm only dry-runs: no API server, no kubeconfig. */
export function dryRunOnprem(): Record<string, unknown> {
    return {
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.4",
        controlPlane: { replicas: [{ name: "h1", zone: "rack-a", address: "198.18.0.11" }] },
        endpoint: { address: "198.18.0.100", port: 6443 },
        kubeadm: { dryRun: true },
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
    };
}
