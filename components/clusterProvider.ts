// HaControlPlane.provider: a Kubernetes provider for the cluster the stack built, from its
// admin kubeconfig (a Pulumi secret), usable once the API answers through the endpoint, so that
// users declare Kubernetes resources in the same program (README, "Using the cluster").
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import { localScriptPath, scriptLine } from "./render/commands";

/** How long the first use of the provider waits for /readyz through the endpoint. */
export const API_WAIT_SECONDS = 600;

export interface ClusterProviderArgs {
    apiServerUrl: pulumi.Output<string>;
    /** A Pulumi secret. */
    kubeconfig: pulumi.Output<string>;
    caCertificate: pulumi.Output<string>;
    parent: pulumi.Resource;
}

export function clusterProvider(args: ClusterProviderArgs): k8s.Provider {
    const script = scriptLine(fs.readFileSync(localScriptPath("wait-api"), "utf8"), "wait-api", [], false);
    // Runs where Pulumi runs, as the provider does; again whenever the endpoint or the CA changes.
    const ready = new command.local.Command(
        "api-ready",
        {
            create: script,
            update: script,
            environment: { API_URL: args.apiServerUrl, CA_PEM: args.caCertificate, TIMEOUT_SECONDS: String(API_WAIT_SECONDS) },
            triggers: [args.apiServerUrl, args.caCertificate],
        },
        { parent: args.parent },
    );
    return new k8s.Provider(
        "cluster",
        // Server-side apply: haplane's patches own exactly the fields they set.
        { kubeconfig: args.kubeconfig, enableServerSideApply: true },
        { parent: args.parent, dependsOn: [ready] },
    );
}
