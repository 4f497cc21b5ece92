// The internal endpoint variant and the DNS record.
import { strict as assert } from "assert";
import { find, namedReplicas, ofType, plan, T, withReplicas } from "../../support/stacks";

function internal(names: string[]) {
    const config = withReplicas(namedReplicas(names));
    config.endpoint = { internal: true };
    return config;
}

describe("GCE internal endpoint", function () {
    this.timeout(30000);

    it("reserves an internal address and puts it on the single node as an alias IP /32", async () => {
        const p = await plan(internal(["a"]));
        const address = find(p, T.address, "api");
        assert.equal(address.inputs.addressType, "INTERNAL");
        const nic = (find(p, T.instance, "a").inputs.networkInterfaces as Record<string, unknown>[])[0];
        assert.deepEqual(nic.aliasIpRanges, [{ ipCidrRange: `${p.outputs.endpointAddress}/32` }]);
        const natIp = (nic.accessConfigs as { natIp: string }[])[0].natIp;
        assert.notEqual(natIp, p.outputs.endpointAddress, "the node keeps its own public address");
    });

    it("moves it to an internal passthrough load balancer from three replicas", async () => {
        const p = await plan(internal(["a", "b", "c"]), { endpointHolder: "node" });
        const nic = (find(p, T.instance, "a").inputs.networkInterfaces as Record<string, unknown>[])[0];
        assert.deepEqual(nic.aliasIpRanges, []);
        const rule = find(p, T.forwardingRule, "api");
        assert.equal(rule.inputs.loadBalancingScheme, "INTERNAL");
        assert.equal(rule.inputs.ipAddress, p.outputs.endpointAddress);
        assert.equal(rule.inputs.subnetwork, "default");
        assert.equal(find(p, T.backendService, "api").inputs.loadBalancingScheme, "INTERNAL");
        const api = find(p, T.firewall, "api").inputs.sourceRanges as string[];
        assert.ok(api.includes("130.211.0.0/22"), "internal health checkers allowed");
    });
});

describe("GCE DNS record", () => {
    it("points a low-TTL A record at the endpoint address", async () => {
        const p = await plan(withReplicas(namedReplicas(["a"])));
        const records = ofType(p, "gcp:dns/recordSet:RecordSet");
        assert.equal(records.length, 1);
        assert.deepEqual(
            { name: records[0].inputs.name, type: records[0].inputs.type, ttl: records[0].inputs.ttl, rrdatas: records[0].inputs.rrdatas },
            { name: "api.prod.example.com.", type: "A", ttl: 30, rrdatas: [p.outputs.endpointAddress] },
        );
    });
});
