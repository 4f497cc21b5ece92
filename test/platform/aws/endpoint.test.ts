// The internal endpoint variant, the DNS record, and the holder observation's stand-ins.
import { strict as assert } from "assert";
import { elasticIpHolder, endpointMoves, privateAddressHolder } from "../../../components/planning/addressAssociation";
import { planEndpoint } from "../../../components/planning/endpoint";
import { find, ofType } from "../../support/stacks";
import { AWS, awsConfig, awsInternalConfig, awsPlan, awsReplicas } from "../../support/awsStacks";
import { assertInPlace } from "../../support/diff";

describe("AWS internal endpoint", function () {
    this.timeout(30000);

    it("puts the private address on the single node as a secondary private IP, with no Elastic IP", async () => {
        const p = await awsPlan(awsInternalConfig(["a"]));
        assert.equal(ofType(p, AWS.eip).length, 0);
        assert.deepEqual(find(p, AWS.instance, "a").inputs.secondaryPrivateIps, ["10.0.0.10"]);
        assert.equal(p.outputs.endpointAddress, "10.0.0.10");
        assert.equal(p.outputs.endpointHandoff, "attached to a");
    });

    it("moves it to an internal NLB's first subnet mapping at three replicas, the instance changing in place", async () => {
        const one = await awsPlan(awsInternalConfig(["a"]));
        const three = await awsPlan(awsInternalConfig(["a", "b", "c"]), "node");
        const instance = find(three, AWS.instance, "a");
        assert.deepEqual(instance.inputs.secondaryPrivateIps, [], "said explicitly: an omitted Computed field would keep the address");
        assertInPlace(find(one, AWS.instance, "a").inputs, instance.inputs, ["secondaryPrivateIps"], "Instance a");
        const nlb = find(three, AWS.loadBalancer, "api");
        assert.equal(nlb.inputs.internal, true);
        assert.deepEqual(nlb.inputs.subnetMappings, [{ subnetId: "subnet-a-id", privateIpv4Address: "10.0.0.10" }, { subnetId: "subnet-b-id" }, { subnetId: "subnet-c-id" }]);
        assert.ok(nlb.dependsOn.includes(instance.urn), "the NLB claims the address after the node released it");
    });

    it("hands the address back in two runs, deciding from where AWS says it is", async () => {
        const down = await awsPlan(awsInternalConfig(["a"]), "loadBalancer");
        assert.deepEqual(find(down, AWS.instance, "a").inputs.secondaryPrivateIps, []);
        assert.match(String(down.outputs.endpointHandoff), /^pending/);
        const next = await awsPlan(awsInternalConfig(["a"]), "free");
        assert.deepEqual(find(next, AWS.instance, "a").inputs.secondaryPrivateIps, ["10.0.0.10"]);
    });

    it("lets nodes inside the VPC reach the internal NLB through the security groups", async () => {
        const p = await awsPlan(awsInternalConfig(["a", "b", "c"]), "loadBalancer");
        const rule = find(p, AWS.ingress, "lb-api-nodes");
        assert.deepEqual([rule.inputs.securityGroupId, rule.inputs.referencedSecurityGroupId], ["api-lb-id", "control-plane-id"]);
        assert.equal(ofType(p, AWS.ingress).filter((r) => r.name === "cp-api-endpoint").length, 0);
    });
});

describe("AWS DNS record", function () {
    this.timeout(30000);

    it("points a low-TTL Route53 A record at the endpoint, and at every zone's address behind the NLB", async () => {
        const one = await awsPlan(awsConfig(awsReplicas(["a"])));
        const record = find(one, AWS.record, "api").inputs;
        assert.deepEqual(
            { zoneId: record.zoneId, name: record.name, type: record.type, ttl: record.ttl, records: record.records },
            { zoneId: "Z0123456789ABCDEFGHIJ", name: "api.prod.example.com", type: "A", ttl: 30, records: [one.outputs.endpointAddress] },
        );
        const three = await awsPlan(awsConfig(), "loadBalancer");
        const records = find(three, AWS.record, "api").inputs.records as string[];
        assert.equal(records.length, 3);
        assert.equal(records[0], three.outputs.endpointAddress);
        assert.equal(find(three, AWS.record, "api").urn, find(one, AWS.record, "api").urn);
    });
});

describe("AWS endpoint holder", () => {
    it("reads the holder from the Elastic IP's association", () => {
        assert.equal(elasticIpHolder(undefined), "absent");
        assert.equal(elasticIpHolder({ associationId: "", instanceId: "" }), "free");
        assert.equal(elasticIpHolder({ associationId: "eipassoc-1", instanceId: "i-1" }), "node");
        assert.equal(elasticIpHolder({ associationId: "eipassoc-2", instanceId: "" }), "loadBalancer");
    });
    it("reads the holder of a private address from its network interfaces", () => {
        assert.equal(privateAddressHolder([]), "free");
        assert.equal(privateAddressHolder(["interface"]), "node");
        assert.equal(privateAddressHolder(["network_load_balancer"]), "loadBalancer");
    });
    it("moves the address only in the promotion run and the run after the NLB let it go", () => {
        const runs: [string[], "absent" | "free" | "node" | "loadBalancer", boolean][] = [
            [["a"], "absent", false],
            [["a"], "node", false],
            [["a", "b", "c"], "node", true],
            [["a", "b", "c"], "loadBalancer", false],
            [["a"], "loadBalancer", false],
            [["a"], "free", true],
        ];
        for (const [names, holder, moves] of runs) assert.equal(endpointMoves(planEndpoint(names, holder), holder), moves, `${names.length} replicas, ${holder}`);
    });
});

describe("AWS network", function () {
    this.timeout(30000);

    it("creates a VPC with a public subnet per zone, numbered by zone letter", async () => {
        const p = await awsPlan(awsConfig(), "loadBalancer");
        assert.equal(ofType(p, AWS.vpc).length, 1);
        assert.deepEqual(ofType(p, AWS.subnet).map((s) => [s.inputs.availabilityZone, s.inputs.cidrBlock, s.inputs.mapPublicIpOnLaunch]), [
            ["eu-west-1a", "10.0.0.0/20", true],
            ["eu-west-1b", "10.0.16.0/20", true],
            ["eu-west-1c", "10.0.32.0/20", true],
        ]);
        const igw = find(p, "aws:ec2/internetGateway:InternetGateway", "igw");
        assert.ok(find(p, AWS.instance, "a").dependsOn.includes(igw.urn), "nodes boot with a way to the package mirrors");
    });

    it("uses an existing VPC's subnets and creates no network", async () => {
        const config = awsConfig();
        const subnets = { "eu-west-1a": "subnet-0aaaaaaaaaaaaaaaa", "eu-west-1b": "subnet-0bbbbbbbbbbbbbbbb", "eu-west-1c": "subnet-0cccccccccccccccc" };
        config.aws = { region: "eu-west-1", vpcId: "vpc-0123456789abcdef0", subnets };
        const p = await awsPlan(config, "loadBalancer");
        assert.equal(ofType(p, AWS.vpc).length + ofType(p, AWS.subnet).length, 0);
        assert.equal(find(p, AWS.instance, "b").inputs.subnetId, "subnet-0bbbbbbbbbbbbbbbb");
        assert.equal(find(p, AWS.securityGroup, "control-plane").inputs.vpcId, "vpc-0123456789abcdef0");
        assert.deepEqual((find(p, AWS.loadBalancer, "api").inputs.subnetMappings as { subnetId: string }[]).map((m) => m.subnetId), Object.values(subnets));
    });
});
