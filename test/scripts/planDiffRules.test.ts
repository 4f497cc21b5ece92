// The pieces under the plan diff: input comparison (secrets, ignoreChanges, sets) and the
// per-type table of inputs that force a replacement.
import { strict as assert } from "assert";
import { diffInputs, normalizePath } from "../../scripts/planDiff/inputs";
import { classify, normalizeInputs } from "../../scripts/planDiff/providerRules";

const paths = (before: Record<string, unknown>, after: Record<string, unknown>, ignore: string[] = []) => diffInputs(before, after, ignore).map((c) => c.path);

describe("plan diff: inputs", () => {
    it("lists changed leaves with readable paths, arrays of another length as a whole", () => {
        assert.deepEqual(paths({ a: { b: 1, c: [1, 2] }, "user-data": "x" }, { a: { b: 2, c: [1, 2, 3] }, "user-data": "y" }), ["a.b", "a.c", '["user-data"]']);
        assert.deepEqual(paths({ nics: [{ ip: "1" }] }, { nics: [{ ip: "2" }] }), ["nics[0].ip"]);
        assert.equal(normalizePath('metadata["user-data"].x[3].y'), "metadata.user-data.x.y");
    });

    it("treats equal secrets as unchanged, and lists them as unknown only beside a real change", () => {
        assert.deepEqual(diffInputs({ key: "[secret]", a: 1 }, { key: "[secret]", a: 1 }), []);
        assert.deepEqual(diffInputs({ key: "[secret]", a: 1 }, { key: "[secret]", a: 2 }), [
            { path: "a", before: 1, after: 2 },
            { path: "key", before: "[secret]", after: "[secret]", secretUnknown: true },
        ]);
    });

    it("honours ignoreChanges, nested paths included", () => {
        assert.deepEqual(paths({ connection: { host: "a" }, stdin: "x" }, { connection: { host: "b" }, stdin: "y" }, ["connection", "stdin"]), []);
        assert.deepEqual(paths({ a: { b: 1, c: 1 } }, { a: { b: 2, c: 2 } }, ["a.b"]), ["a.c"]);
    });
});

describe("plan diff: provider rules", () => {
    const cmd = (update?: string) => ({ create: "x", ...(update === undefined ? {} : { update }) });
    const change = (path: string) => [{ path, before: 1, after: 2 }];

    it("command: updates in place with an update command, replaces without one or on triggers", () => {
        assert.deepEqual(classify("command:remote:Command", change("stdin"), cmd("true")).replaceBy, []);
        assert.deepEqual(classify("command:remote:Command", change("triggers[0]"), cmd("true")).replaceBy, ["triggers[0]"]);
        assert.deepEqual(classify("command:local:Command", change("stdin"), cmd()).replaceBy, ["stdin"]);
        assert.deepEqual(classify("command:local:Command", change("stdin"), cmd("")).replaceBy, ["stdin"]);
    });

    it("GCE instance: image and zone replace, natIp updates, machineType updates only stopped", () => {
        const instance = "gcp:compute/instance:Instance";
        assert.deepEqual(classify(instance, change("bootDisk.initializeParams.image"), {}).replaceBy, ["bootDisk.initializeParams.image"]);
        assert.deepEqual(classify(instance, change("zone"), {}).replaceBy, ["zone"]);
        assert.deepEqual(classify(instance, change("bootDisk.initializeParams.size"), {}).replaceBy, []);
        assert.deepEqual(classify(instance, change("networkInterfaces[0].accessConfigs[0].natIp"), {}), { replaceBy: [], stopFor: [], known: true });
        assert.deepEqual(classify(instance, change("machineType"), {}), { replaceBy: [], stopFor: ["machineType"], known: true });
        assert.deepEqual(classify(instance, change("networkInterfaces[0].networkIp"), {}).replaceBy, ["networkInterfaces[0].networkIp"]);
        const moved = [...change("networkInterfaces[0].networkIp"), ...change("networkInterfaces[0].subnetwork")];
        assert.deepEqual(classify(instance, moved, {}).replaceBy, []);
    });

    it("GCE forwarding rule: the address, backend service and ports replace it", () => {
        const rule = "gcp:compute/forwardingRule:ForwardingRule";
        for (const p of ["ipAddress", "backendService", "ports"]) assert.deepEqual(classify(rule, change(p), {}).replaceBy, [p]);
        assert.deepEqual(classify(rule, change("labels.x"), {}).replaceBy, []);
    });

    it("says when a type has no rules, and never lets an unknown secret decide", () => {
        assert.equal(classify("aws:ec2/instance:Instance", change("ami"), {}).known, false);
        assert.deepEqual(classify("command:local:Command", [{ path: "environment.KEY", before: "[secret]", after: "[secret]", secretUnknown: true }], cmd()).replaceBy, []);
    });

    it("GCE: sets are unordered and empty lists are unset", () => {
        const bs = "gcp:compute/regionBackendService:RegionBackendService";
        const a = normalizeInputs(bs, { backends: [{ group: "b" }, { group: "c" }] });
        const b = normalizeInputs(bs, { backends: [{ group: "c" }, { group: "b" }] });
        assert.deepEqual(a, b);
        assert.deepEqual(normalizeInputs("gcp:compute/instance:Instance", { networkInterfaces: [{ network: "n", aliasIpRanges: [] }] }), { networkInterfaces: [{ network: "n" }] });
        assert.deepEqual(normalizeInputs("command:local:Command", { environment: {} }), { environment: {} });
    });
});
