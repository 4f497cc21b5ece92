// The stack's kubeconfig outputs: read from the first replica once it is a member, secret end
// to end, none with kubeadm.dryRun, and read again from the new first replica when it leaves.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { dryRunOnprem, find, namedReplicas, plan, PRIVATE_KEY_VALUE, T, withReplicas } from "./support/stacks";

describe("the stack's admin kubeconfig", () => {
    it("is read on the first replica after its init, kept secret, with the CA and the expiry in the open", async () => {
        const p = await plan(withReplicas(namedReplicas(["a", "b", "c"])));
        const read = find(p, T.command, "admin-kubeconfig");
        assert.ok(read.dependsOn.includes(find(p, T.command, "a-member").urn), "after kubeadm init wrote it");
        for (const output of ["stdout", "stderr"]) assert.ok(read.options.additionalSecretOutputs.includes(output), output);
        assert.equal(read.inputs.logging, "none");
        assert.match(String(read.inputs.create), /admin-kubeconfig/);
        assert.equal(p.outputs.kubeconfig, "[secret]");
        assert.match(String(p.outputs.clusterCaCertificate), /^-----BEGIN CERTIFICATE-----/);
        assert.match(String(p.outputs.kubeconfigExpires), /^\d{4}-\d\d-\d\dT/);
        assert.ok(!JSON.stringify(p).includes("client-key-data"), "the kubeconfig shows nowhere in the plan");
    });

    it("names the endpoint as its server, never a node", async () => {
        const p = await plan(withReplicas(namedReplicas(["a", "b", "c"])), { revealSecrets: true });
        const doc = YAML.parse(String(p.outputs.kubeconfig));
        assert.equal(doc.clusters[0].cluster.server, "https://api.prod.example.com:6443");
        assert.ok(!String(p.outputs.kubeconfig).includes(PRIVATE_KEY_VALUE));
    });

    it("is read again from the next replica when the first leaves", async () => {
        const p = await plan(withReplicas(namedReplicas(["b", "c", "d"])));
        assert.ok(find(p, T.command, "admin-kubeconfig").dependsOn.includes(find(p, T.command, "b-member").urn));
    });

    it("is absent when kubeadm only dry-runs", async () => {
        const onprem = dryRunOnprem();
        const p = await plan(onprem);
        assert.equal(p.resources.filter((r) => r.name === "admin-kubeconfig").length, 0);
        assert.equal(p.outputs.kubeconfig, undefined);
    });
});
