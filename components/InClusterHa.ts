// An HA profile applied to a system already installed in the cluster (README, "In-cluster
// HA"): the objects components/planning/inClusterHa.ts plans, declared with the cluster's
// Kubernetes provider, stage after stage: a preset's configuration, then the Deployments'
// patches, then their PodDisruptionBudgets, then the preset's webhook and namespace settings.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { HaProfile, PlannedObject, profileObjects } from "./planning/inClusterHa";

export interface InClusterHaArgs {
    profile: HaProfile;
    provider: k8s.Provider;
}

type Declare = (name: string, body: PlannedObject["body"], opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

// Patches (server-side apply of the named fields only) for what exists; objects for the rest.
const DECLARE: Record<string, Declare> = {
    "Deployment:patch": (n, b, o) => new k8s.apps.v1.DeploymentPatch(n, b as k8s.apps.v1.DeploymentPatchArgs, o),
    "ConfigMap:patch": (n, b, o) => new k8s.core.v1.ConfigMapPatch(n, b as k8s.core.v1.ConfigMapPatchArgs, o),
    "Namespace:patch": (n, b, o) => new k8s.core.v1.NamespacePatch(n, b as k8s.core.v1.NamespacePatchArgs, o),
    "MutatingWebhookConfiguration:patch": (n, b, o) =>
        new k8s.admissionregistration.v1.MutatingWebhookConfigurationPatch(n, b as k8s.admissionregistration.v1.MutatingWebhookConfigurationPatchArgs, o),
    "PodDisruptionBudget:object": (n, b, o) => new k8s.policy.v1.PodDisruptionBudget(n, b as k8s.policy.v1.PodDisruptionBudgetArgs, o),
};

const STAGES: PlannedObject["stage"][] = ["before", "deployments", "budgets", "after"];

export class InClusterHa extends pulumi.ComponentResource {
    /** Every object declared, by its resource name. */
    readonly objects: Record<string, pulumi.CustomResource> = {};

    constructor(name: string, args: InClusterHaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:InClusterHa", name, {}, opts);
        const planned = profileObjects(args.profile);
        let previous: pulumi.Resource[] = [];
        for (const stage of STAGES) {
            const declared = planned
                .filter((o) => o.stage === stage)
                .map((o) => {
                    const declare = DECLARE[`${o.body.kind}:${o.patch ? "patch" : "object"}`];
                    if (!declare) throw new Error(`InClusterHa: no declaration for ${o.body.kind} (${o.patch ? "patch" : "object"})`);
                    const resource = declare(o.resourceName, o.body, { parent: this, provider: args.provider, dependsOn: previous });
                    this.objects[o.resourceName] = resource;
                    return resource;
                });
            if (declared.length > 0) previous = declared;
        }
        this.registerOutputs({});
    }
}
