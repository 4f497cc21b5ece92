// Plans of one AWS cluster across 1 -> 3 -> 5 -> 3 -> 1 replicas and a middle removal,
// checked for URN stability, endpoint placement and membership ordering, as for GCE.
import { strict as assert } from "assert";
import { Plan } from "../../../scripts/offline/evaluate";
import { find, ofType, PRIVATE_KEY_VALUE, T, transitiveDependents } from "../../support/stacks";
import { AWS, AWS_ZONES, awsConfig, awsPlan, awsReplicas } from "../../support/awsStacks";
import { assertInPlace, diffed } from "../../support/diff";

const NAMES = ["a", "b", "c", "d", "e"];
const urns = (p: Plan, type: string) => new Map(ofType(p, type).map((r) => [r.name, r.urn]));

/**
 * Fields the AWS provider updates in place, which may differ between one and three replicas.
 * Checked in the schema of the resources pulumi-aws bridges (terraform-provider-aws):
 * - aws_eip (internal/service/ec2/ec2_eip.go): `instance` and `network_interface` are
 *   Optional+Computed without ForceNew; resourceEIPUpdate disassociates and re-associates on a
 *   change of either. (`address`, `domain`, `network_border_group`, `public_ipv4_pool` and
 *   `ipam_pool_id` are ForceNew: haplane never changes them.)
 * - aws_instance (internal/service/ec2/ec2_instance.go): `secondary_private_ips` is
 *   Optional+Computed without ForceNew, updated through Unassign/AssignPrivateIpAddresses on
 *   the primary interface; `vpc_security_group_ids` and `tags` update in place too. `ami`,
 *   `subnet_id`, `private_ip`, `associate_public_ip_address`, `key_name` and
 *   `availability_zone` are ForceNew, and `user_data` is with `user_data_replace_on_change`:
 *   none of them may differ.
 */
const IN_PLACE = {
    eip: ["instance", "networkInterface"],
    instance: ["secondaryPrivateIps", "vpcSecurityGroupIds", "tags"],
};

describe("AWS plans across the replica lifecycle", function () {
    this.timeout(60000);
    const plans = new Map<number, Plan>();
    before(async () => {
        // The holder each run observes: what the previous run left behind.
        plans.set(1, await awsPlan(awsConfig(awsReplicas(NAMES.slice(0, 1))), "absent"));
        plans.set(3, await awsPlan(awsConfig(awsReplicas(NAMES.slice(0, 3))), "node"));
        plans.set(5, await awsPlan(awsConfig(awsReplicas(NAMES)), "loadBalancer"));
    });

    it("keeps the Elastic IP's URN and every surviving node's URNs identical through 1, 3, 5, 3, 1", () => {
        const sequence = [plans.get(1)!, plans.get(3)!, plans.get(5)!, plans.get(3)!, plans.get(1)!];
        const eipUrn = find(sequence[0], AWS.eip, "api").urn;
        for (const p of sequence) assert.equal(find(p, AWS.eip, "api").urn, eipUrn);
        for (let i = 1; i < sequence.length; i++) {
            for (const type of [AWS.instance, AWS.eip, AWS.ingress, T.node, T.command, "command:local:Command"]) {
                const before = urns(sequence[i - 1], type);
                for (const [name, urn] of urns(sequence[i], type)) if (before.has(name)) assert.equal(urn, before.get(name), `${type} ${name}`);
            }
        }
        for (const p of plans.values()) assert.equal(new Set(p.resources.map((r) => r.urn)).size, p.resources.length, "URNs are unique");
    });

    it("allocates the endpoint Elastic IP from day one and protects it", () => {
        const eip = find(plans.get(1)!, AWS.eip, "api");
        assert.equal(eip.options.protect, true);
        assert.equal(eip.inputs.domain, "vpc");
        for (const p of plans.values()) for (const e of ofType(p, AWS.eip)) if (e.name !== "api") assert.equal(e.options.protect, false, e.name);
    });

    it("has a network load balancer exactly when there are two or more replicas", () => {
        for (const [n, p] of plans) {
            for (const type of [AWS.loadBalancer, AWS.targetGroup, AWS.listener, AWS.registration, T.loadBalancer]) {
                assert.equal(ofType(p, type).length > 0, n >= 2, `${type} with ${n} replicas`);
            }
            assert.equal(ofType(p, AWS.eip).filter((e) => /^api-zone-[a-z]$/.test(e.name)).length, n >= 2 ? AWS_ZONES.length - 1 : 0, `zone EIPs with ${n}`);
        }
    });

    it("maps every control-plane zone, the first with the endpoint's Elastic IP, with cross-zone load balancing", () => {
        const p = plans.get(3)!;
        const nlb = find(p, AWS.loadBalancer, "api").inputs;
        assert.equal(nlb.loadBalancerType, "network");
        assert.equal(nlb.internal, false);
        assert.equal(nlb.enableCrossZoneLoadBalancing, true);
        assert.deepEqual(nlb.subnetMappings, [
            { subnetId: "subnet-a-id", allocationId: "eipalloc-api" },
            { subnetId: "subnet-b-id", allocationId: "eipalloc-api-zone-b" },
            { subnetId: "subnet-c-id", allocationId: "eipalloc-api-zone-c" },
        ]);
        assert.deepEqual(nlb.securityGroups, ["api-lb-id"]);
        // Its replacement (a zone dropped from the network) must release the addresses first.
        assert.equal(find(p, AWS.loadBalancer, "api").options.deleteBeforeReplace, true);
    });

    it("checks HTTPS /readyz at the fastest interval and lowest thresholds AWS allows, and registers every replica", () => {
        for (const n of [3, 5]) {
            const p = plans.get(n)!;
            const tg = find(p, AWS.targetGroup, "api").inputs;
            // Ranges from node_modules/@pulumi/aws/types/input.d.ts (TargetGroupHealthCheck):
            // interval 5-300 s, thresholds 2-10, timeout 2-120 s.
            assert.deepEqual(tg.healthCheck, { protocol: "HTTPS", path: "/readyz", port: "traffic-port", interval: 5, timeout: 4, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" });
            assert.deepEqual({ port: tg.port, protocol: tg.protocol, targetType: tg.targetType }, { port: 6443, protocol: "TCP", targetType: "instance" });
            const registered = ofType(p, AWS.registration).map((r) => r.inputs.targetId).sort();
            assert.deepEqual(registered, NAMES.slice(0, n).map((x) => `${x}-id`));
            const listener = find(p, AWS.listener, "api").inputs;
            assert.deepEqual(listener.defaultActions, [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:offline:000000000000:targetgroup/api" }]);
        }
    });

    it("puts the Elastic IP on the single node and moves it to the NLB at three, changing only in-place fields", () => {
        const one = plans.get(1)!;
        const three = plans.get(3)!;
        assert.equal(find(one, AWS.eip, "api").inputs.instance, "a-id");
        assert.equal(find(three, AWS.eip, "api").inputs.instance, "", "said explicitly: an omitted Computed field would keep it");
        assert.equal(find(three, AWS.eip, "api").inputs.networkInterface, "", "or re-associate it with the node's interface");
        assertInPlace(find(one, AWS.eip, "api").inputs, find(three, AWS.eip, "api").inputs, IN_PLACE.eip, "Eip api");
        // The node's own address takes the place the endpoint left, in place as well.
        assert.equal(find(one, AWS.eip, "a-public").inputs.instance, "");
        assert.equal(find(three, AWS.eip, "a-public").inputs.instance, "a-id");
        assertInPlace(find(one, AWS.eip, "a-public").inputs, find(three, AWS.eip, "a-public").inputs, IN_PLACE.eip, "Eip a-public");
        assertInPlace(find(one, AWS.instance, "a").inputs, find(three, AWS.instance, "a").inputs, IN_PLACE.instance, "Instance a");
        assert.deepEqual(find(one, AWS.instance, "a").options.ignoreChanges, ["ami"], "a newer image never replaces a member");
    });

    it("lets the NLB claim the Elastic IP only after the update that detaches it from the node", () => {
        const p = plans.get(3)!;
        const nlb = find(p, AWS.loadBalancer, "api");
        assert.ok(nlb.dependsOn.includes(find(p, AWS.eip, "api").urn), "the allocation id ties the NLB to the Elastic IP's update");
        assert.ok(nlb.dependsOn.includes(find(p, AWS.instance, "a").urn));
    });

    it("leaves the network interface alone once the NLB holds the address", () => {
        const p = plans.get(5)!;
        assert.equal(find(p, AWS.eip, "api").inputs.instance, "");
        assert.ok(!("networkInterface" in find(p, AWS.eip, "api").inputs), "clearing it would detach the NLB");
        assert.ok(!("networkInterface" in find(p, AWS.eip, "a-public").inputs));
    });

    it("does not attach the address in the run that drops the NLB, and attaches it in the next", async () => {
        const down = await awsPlan(awsConfig(awsReplicas(["a"])), "loadBalancer");
        assert.equal(find(down, AWS.eip, "api").inputs.instance, "");
        assert.equal(find(down, AWS.eip, "a-public").inputs.instance, "a-id", "the node keeps its own address meanwhile");
        assert.equal(ofType(down, AWS.loadBalancer).length, 0);
        assert.match(String(down.outputs.endpointHandoff), /pending.*pulumi up' once more/);
        const next = await awsPlan(awsConfig(awsReplicas(["a"])), "free");
        assert.equal(find(next, AWS.eip, "api").inputs.instance, "a-id");
        assert.equal(find(next, AWS.eip, "api").inputs.networkInterface, "", "no stale interface from the NLB's time");
        assert.equal(find(next, AWS.eip, "a-public").inputs.instance, "");
        assert.match(String(next.outputs.endpointHandoff), /attached to a/);
        assertInPlace(find(down, AWS.eip, "api").inputs, find(next, AWS.eip, "api").inputs, IN_PLACE.eip, "Eip api");
    });

    it("keeps the NLB and the Elastic IP free of node dependencies once the NLB holds the address", () => {
        const p = plans.get(5)!;
        for (const r of [find(p, AWS.loadBalancer, "api"), find(p, AWS.eip, "api")]) {
            assert.ok(!r.dependsOn.some((u) => u.includes("ec2/instance:Instance")), `${r.type} ${r.name}`);
        }
    });

    it("removing middle replicas by name changes no other replica's URN or inputs", async () => {
        // 5 -> 3 removing c and d; zones chosen so that a, b and e still cover three zones.
        const zoned = NAMES.map((name, i) => ({ name, zone: AWS_ZONES[[0, 1, 0, 1, 2][i]] }));
        const before = await awsPlan(awsConfig(zoned), "loadBalancer");
        const after = await awsPlan(awsConfig(zoned.filter((r) => r.name !== "c" && r.name !== "d")), "loadBalancer");
        // A replica's resources: its instance, node, own address and commands, its registration
        // (api-<name>) and the rule admitting its address (lb-api-<name>).
        const perReplica = (p: Plan, name: string) =>
            p.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`) || r.name === `api-${name}` || r.name === `lb-api-${name}`);
        for (const name of ["a", "b", "e"]) {
            const b = perReplica(before, name);
            const a = perReplica(after, name);
            assert.deepEqual(a.map((r) => r.urn), b.map((r) => r.urn), name);
            // What the engine diffs: the inputs but those the resource ignores changes of.
            for (const r of a) assert.deepEqual(diffed(r), diffed(b.find((x) => x.urn === r.urn)!), `${r.type} ${r.name}`);
        }
        assert.equal(perReplica(after, "c").length + perReplica(after, "d").length, 0);
        assert.deepEqual(find(after, AWS.loadBalancer, "api").inputs, find(before, AWS.loadBalancer, "api").inputs, "the NLB is untouched");
    });

    it("lets a break-glass destroy of one replica reach only that replica's resources", () => {
        const p = plans.get(5)!;
        const dependents = transitiveDependents(p, find(p, AWS.instance, "c").urn);
        for (const r of p.resources.filter((x) => dependents.has(x.urn))) {
            const own = r.name === "c" || r.name.startsWith("c-") || r.name === "api-c" || r.name === "lb-api-c";
            const harmless = r.type === T.command && /-(member|ticket)$/.test(r.name) && !r.inputs.delete;
            assert.ok(own || harmless, `${r.type} ${r.name} would be destroyed with replica c`);
        }
    });

    it("joins each replica only after the previous one, and removes members through their sponsor first", () => {
        const p = plans.get(5)!;
        for (let i = 1; i < NAMES.length; i++) {
            assert.ok(find(p, T.command, `${NAMES[i]}-member`).dependsOn.includes(find(p, T.command, `${NAMES[i - 1]}-member`).urn));
        }
        for (const name of NAMES) {
            const removal = find(p, "command:local:Command", `${name}-removal`);
            assert.ok(removal.dependsOn.includes(find(p, AWS.instance, name).urn));
            assert.equal((removal.inputs.environment as Record<string, string>).SSH_KEY, "[secret]");
        }
    });

    it("opens etcd only between control-plane instances (group to group), SSH only from admin CIDRs", () => {
        const p = plans.get(3)!;
        const controlPlane = find(p, AWS.securityGroup, "control-plane");
        const cpId = "control-plane-id";
        const rules = ofType(p, AWS.ingress);
        const etcd = rules.filter((r) => (r.inputs.fromPort as number) <= 2380 && (r.inputs.toPort as number) >= 2379);
        assert.deepEqual(etcd.map((r) => r.name), ["cp-etcd"]);
        assert.deepEqual(
            { from: etcd[0].inputs.fromPort, to: etcd[0].inputs.toPort, group: etcd[0].inputs.securityGroupId, source: etcd[0].inputs.referencedSecurityGroupId, cidr: etcd[0].inputs.cidrIpv4 },
            { from: 2379, to: 2380, group: cpId, source: cpId, cidr: undefined },
        );
        assert.ok(etcd[0].dependsOn.includes(controlPlane.urn));
        const ssh = rules.filter((r) => r.inputs.fromPort === 22);
        assert.deepEqual(ssh.map((r) => [r.inputs.securityGroupId, r.inputs.cidrIpv4]), [[cpId, "203.0.113.10/32"]]);
        const api = rules.filter((r) => r.inputs.fromPort === 6443 && r.inputs.securityGroupId === cpId);
        const sources = api.map((r) => r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId);
        for (const expected of ["203.0.113.0/24", "api-lb-id", cpId]) assert.ok(sources.includes(expected), `API from ${expected}`);
        assert.ok(sources.every((s) => s === "203.0.113.0/24" || s === "api-lb-id" || s === cpId || s === `${p.outputs.endpointAddress}/32`), sources.join(", "));
        // Each node's own address may reach the load balancer: the nodes' way to the endpoint.
        const own = (p.outputs.replicas as { externalIp: string }[]).map((r) => `${r.externalIp}/32`);
        const lbSources = rules.filter((r) => r.inputs.securityGroupId === "api-lb-id").map((r) => r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId);
        assert.deepEqual(lbSources.sort(), ["203.0.113.0/24", cpId, ...own].sort());
    });

    it("names the Elastic IP, the DNS name and the node's addresses in the founder's certificate SANs", () => {
        const p = plans.get(3)!;
        const config = JSON.parse(String(find(p, T.command, "a-member").inputs.stdin)) as { sans: string[] };
        const a = (p.outputs.replicas as { name: string; internalIp: string; externalIp: string }[])[0];
        assert.deepEqual(config.sans, [p.outputs.endpointAddress, "api.prod.example.com", a.internalIp, a.externalIp]);
    });

    it("keeps secrets secret: the SSH key, join tickets and join configurations", () => {
        for (const p of plans.values()) {
            const text = JSON.stringify(p);
            assert.ok(!text.includes("test-key-material"), "the private key never appears in the plan");
            for (const r of ofType(p, T.command)) {
                assert.equal(r.inputs.connection, "[secret]", "the connection carries the key");
                if (r.name.endsWith("-ticket")) assert.ok(r.options.additionalSecretOutputs.includes("stdout"));
                if (r.name.endsWith("-member") && r.name !== "a-member") assert.equal(r.inputs.stdin, "[secret]");
            }
            for (const i of ofType(p, AWS.instance)) assert.ok(!String(i.inputs.userData).includes("PRIVATE KEY"), "user data carries no private key");
        }
        assert.ok(PRIVATE_KEY_VALUE.includes("test-key-material"));
    });

    it("exports the endpoint, mode and replicas", () => {
        const p = plans.get(3)!;
        assert.equal(p.outputs.apiServerUrl, "https://api.prod.example.com:6443");
        assert.equal(p.outputs.endpointMode, "loadBalancer");
        assert.deepEqual((p.outputs.replicas as { zone: string }[]).map((r) => r.zone), AWS_ZONES);
    });
});
