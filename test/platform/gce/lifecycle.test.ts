// Plans of one GCE cluster across 1 -> 3 -> 5 -> 3 -> 1 replicas and a middle removal,
// checked for URN stability, endpoint placement and membership ordering.
import { strict as assert } from "assert";
import { Plan } from "../../../scripts/offline/evaluate";
import { diffed, diffPaths } from "../../support/diff";
import { baseConfig, find, namedReplicas, ofType, plan, PRIVATE_KEY_VALUE, T, transitiveDependents, withReplicas, ZONES } from "../../support/stacks";

const NAMES = ["a", "b", "c", "d", "e"];
const urns = (p: Plan, type: string) => new Map(ofType(p, type).map((r) => [r.name, r.urn]));

/**
 * Instance fields the GCE provider updates in place, which may differ between one and three
 * replicas. Checked in the schema of google_compute_instance, which pulumi-gcp bridges
 * (terraform-provider-google, google/services/compute/resource_compute_instance.go):
 * network_interface.access_config.nat_ip is Optional+Computed with no ForceNew, and
 * network_interface.alias_ip_range is Optional with no ForceNew; DESIGN.md states the same
 * facts. network_ip, which is ForceNew in some provider versions, never changes
 * here: it is the replica's reserved internal address.
 */
const IN_PLACE_INSTANCE_PATHS = ["networkInterfaces[0].accessConfigs[0].natIp", "networkInterfaces[0].aliasIpRanges"];

describe("GCE plans across the replica lifecycle", function () {
    this.timeout(60000);
    const plans = new Map<number, Plan>();
    before(async () => {
        // The holder each run observes: what the previous run left behind.
        plans.set(1, await plan(withReplicas(namedReplicas(NAMES.slice(0, 1))), { endpointHolder: "absent" }));
        plans.set(3, await plan(withReplicas(namedReplicas(NAMES.slice(0, 3))), { endpointHolder: "node" }));
        plans.set(5, await plan(withReplicas(namedReplicas(NAMES)), { endpointHolder: "loadBalancer" }));
    });

    it("keeps the address URN and every surviving node's URNs identical through 1, 3, 5, 3, 1", async () => {
        const sequence = [plans.get(1)!, plans.get(3)!, plans.get(5)!, plans.get(3)!, plans.get(1)!];
        const addressUrn = find(sequence[0], T.address, "api").urn;
        for (const p of sequence) assert.equal(find(p, T.address, "api").urn, addressUrn);
        for (let i = 1; i < sequence.length; i++) {
            for (const type of [T.instance, T.node, T.command]) {
                const before = urns(sequence[i - 1], type);
                const after = urns(sequence[i], type);
                for (const [name, urn] of after) if (before.has(name)) assert.equal(urn, before.get(name), `${type} ${name}`);
            }
        }
        assert.equal(new Set(plans.get(5)!.resources.map((r) => r.urn)).size, plans.get(5)!.resources.length, "URNs are unique");
    });

    it("protects the endpoint address from deletion", () => {
        assert.equal(find(plans.get(1)!, T.address, "api").options.protect, true);
    });

    it("has a load balancer exactly when there are two or more replicas", () => {
        for (const [n, p] of plans) {
            const lbTypes = [T.forwardingRule, T.backendService, T.instanceGroup, T.healthCheck, T.loadBalancer];
            for (const type of lbTypes) assert.equal(ofType(p, type).length > 0, n >= 2, `${type} with ${n} replicas`);
        }
        const p3 = plans.get(3)!;
        assert.equal(ofType(p3, T.instanceGroup).length, 3, "one unmanaged instance group per zone");
        const check = find(p3, T.healthCheck, "api-readyz").inputs as { httpsHealthCheck: { port: number; requestPath: string } };
        assert.deepEqual(check.httpsHealthCheck, { port: 6443, requestPath: "/readyz" });
        const rule = find(p3, T.forwardingRule, "api");
        assert.equal(rule.inputs.ipAddress, plans.get(3)!.outputs.endpointAddress);
    });

    it("puts the address on the single node and takes it off at three replicas, changing only in-place fields", () => {
        const one = find(plans.get(1)!, T.instance, "a").inputs;
        const three = find(plans.get(3)!, T.instance, "a").inputs;
        const endpoint = plans.get(1)!.outputs.endpointAddress;
        const natIp = (i: Record<string, unknown>) =>
            (i.networkInterfaces as { accessConfigs: { natIp: string }[] }[])[0].accessConfigs[0].natIp;
        assert.equal(natIp(one), endpoint);
        assert.notEqual(natIp(three), endpoint);
        const changed = diffPaths(one, three);
        assert.ok(changed.length > 0);
        for (const path of changed) assert.ok(IN_PLACE_INSTANCE_PATHS.some((p) => path.startsWith(p)), `${path} is not updated in place`);
    });

    it("lets the forwarding rule claim the address only after the first node released it", () => {
        const p = plans.get(3)!;
        assert.ok(find(p, T.forwardingRule, "api").dependsOn.includes(find(p, T.instance, "a").urn));
    });

    it("does not attach the address in the run that drops the load balancer, and says so", async () => {
        const down = await plan(withReplicas(namedReplicas(["a"])), { endpointHolder: "loadBalancer" });
        const endpoint = down.outputs.endpointAddress;
        const nat = (find(down, T.instance, "a").inputs.networkInterfaces as { accessConfigs: { natIp: string }[] }[])[0].accessConfigs[0].natIp;
        assert.notEqual(nat, endpoint);
        assert.equal(ofType(down, T.forwardingRule).length, 0);
        assert.match(String(down.outputs.endpointHandoff), /pending.*pulumi up' once more/);
        const next = await plan(withReplicas(namedReplicas(["a"])), { endpointHolder: "free" });
        const nat2 = (find(next, T.instance, "a").inputs.networkInterfaces as { accessConfigs: { natIp: string }[] }[])[0].accessConfigs[0].natIp;
        assert.equal(nat2, endpoint);
        assert.match(String(next.outputs.endpointHandoff), /attached to a/);
    });

    it("removing middle replicas by name changes no other replica's URN or inputs", async () => {
        // 5 -> 3 by removing the middle replicas c and d (a count must stay odd).
        // Zones chosen so that a, b and e still cover three zones.
        const zoned = NAMES.map((name, i) => ({ name, zone: ZONES[[0, 1, 0, 1, 2][i]] }));
        const before = await plan(withReplicas(zoned), { endpointHolder: "loadBalancer" });
        const after = await plan(withReplicas(zoned.filter((r) => r.name !== "c" && r.name !== "d")), { endpointHolder: "loadBalancer" });
        const survivors = ["a", "b", "e"];
        const perReplica = (p: Plan, name: string) =>
            p.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`)).filter((r) => r.type !== T.instanceGroup);
        for (const name of survivors) {
            const b = perReplica(before, name);
            const a = perReplica(after, name);
            assert.deepEqual(a.map((r) => r.urn), b.map((r) => r.urn), name);
            // What the engine diffs: the inputs but those the resource ignores changes of.
            for (const r of a) assert.deepEqual(diffed(r), diffed(b.find((x) => x.urn === r.urn)!), `${r.type} ${r.name}`);
        }
        assert.equal(perReplica(after, "c").length + perReplica(after, "d").length, 0);
    });

    it("joins each replica only after the previous replica's join", () => {
        const p = plans.get(5)!;
        for (let i = 1; i < NAMES.length; i++) {
            const join = find(p, T.command, `${NAMES[i]}-member`);
            assert.ok(join.dependsOn.includes(find(p, T.command, `${NAMES[i - 1]}-member`).urn), `${NAMES[i]} waits for ${NAMES[i - 1]}`);
            assert.ok(find(p, T.command, `${NAMES[i]}-ticket`).dependsOn.includes(find(p, T.command, `${NAMES[i - 1]}-member`).urn));
        }
        assert.match(String(find(p, T.command, "a-member").inputs.create), /' 'member' 'init'$/);
        assert.match(String(find(p, T.command, "b-member").inputs.create), /' 'member' 'join'$/);
    });

    it("removes a member through its sponsor before its machine, with no other dependency", () => {
        const p = plans.get(5)!;
        const outputs = p.outputs.replicas as { name: string; internalIp: string }[];
        for (const name of NAMES) {
            const removal = find(p, "command:local:Command", `${name}-removal`);
            // The removal depends on the member's machine only: the engine deletes it (and so
            // removes the member) before that machine, and nothing else waits for it.
            assert.deepEqual(
                removal.dependsOn.filter((u) => !u.includes("compute/address:Address")),
                [find(p, T.instance, name).urn],
            );
            const env = removal.inputs.environment as Record<string, string>;
            const sponsor = name === "a" ? "b" : "a";
            assert.equal(env.HOSTS, outputs.find((r) => r.name === sponsor)!.internalIp, `${name} is removed through ${sponsor}`);
            assert.equal(env.SSH_KEY, "[secret]");
            assert.ok(env.REMOTE_COMMAND.endsWith(`'membership' 'remove' 'stacked' '${name}'`), `${name}'s removal names it`);
            assert.ok(String(removal.inputs.delete).endsWith("'leave' 'remove'"));
        }
        // Shrinking to one re-points the survivor's removal to itself instead of dropping it
        // (dropping would run its delete and remove the last member).
        const solo = find(plans.get(1)!, "command:local:Command", "a-removal");
        assert.equal((solo.inputs.environment as Record<string, string>).HOSTS, (plans.get(1)!.outputs.replicas as { internalIp: string }[])[0].internalIp);
    });

    it("lets a break-glass destroy of one replica reach no other replica's machine, removal or the load balancer", () => {
        const p = plans.get(5)!;
        const dependents = transitiveDependents(p, find(p, T.instance, "c").urn);
        const reached = p.resources.filter((r) => dependents.has(r.urn));
        for (const r of reached) {
            const own = r.name === "c" || r.name.startsWith("c-") || r.name === "api-c";
            // Later replicas' join and ticket commands are ordering-only (no delete hook).
            const harmless = r.type === T.command && /-(member|ticket)$/.test(r.name) && !r.inputs.delete;
            assert.ok(own || harmless, `${r.type} ${r.name} would be destroyed with replica c`);
        }
        assert.ok(reached.some((r) => r.name === "c-removal"), "c's member is removed first");
    });

    it("keeps the frontend free of node dependencies once the load balancer holds the address", () => {
        const p = plans.get(5)!;
        assert.ok(!find(p, T.forwardingRule, "api").dependsOn.some((u) => u.includes("compute/instance:Instance")));
    });

    it("opens etcd ports only between control-plane nodes", () => {
        const p = plans.get(3)!;
        for (const fw of ofType(p, T.firewall)) {
            const allows = fw.inputs.allows as { ports: string[] }[];
            const etcdOpen = allows.some((a) => a.ports.some((port) => /^(2379|2380|2379-2380)$/.test(port)));
            if (!etcdOpen) continue;
            assert.equal(fw.name, "etcd");
            assert.deepEqual(fw.inputs.sourceTags, ["prod-control-plane"]);
            assert.deepEqual(fw.inputs.targetTags, ["prod-control-plane"]);
            assert.equal(fw.inputs.sourceRanges, undefined);
        }
        const ssh = find(p, T.firewall, "ssh");
        assert.deepEqual(ssh.inputs.sourceRanges, ["203.0.113.10/32"]);
        const api = find(p, T.firewall, "api");
        assert.ok((api.inputs.sourceRanges as string[]).includes("35.191.0.0/16"), "health checkers reach the API");
    });

    it("names the endpoint address and DNS name in the founder's API certificate SANs", async () => {
        const p = plans.get(3)!;
        // The founder's stdin is not secret (no ticket): read its rendered kubeadm config.
        const stdin = JSON.parse(String(find(p, T.command, "a-member").inputs.stdin));
        const YAML = await import("yaml");
        const docs = YAML.parseAllDocuments(stdin.kubeadm).map((d) => d.toJSON());
        const cluster = docs.find((d) => d.kind === "ClusterConfiguration");
        const node = p.outputs.replicas as { name: string; internalIp: string; externalIp: string }[];
        for (const san of [p.outputs.endpointAddress, "api.prod.example.com", node[0].internalIp, node[0].externalIp]) {
            assert.ok(cluster.apiServer.certSANs.includes(san), `${san} in SANs`);
        }
        assert.equal(cluster.controlPlaneEndpoint, "api.prod.example.com:6443");
        assert.deepEqual(stdin.sans, cluster.apiServer.certSANs);
    });

    it("keeps secrets out of plain inputs and outputs", () => {
        for (const p of plans.values()) {
            const text = JSON.stringify(p);
            assert.ok(!text.includes("test-key-material"), "private key leaked");
            assert.ok(!text.includes("abcdef.0123456789abcdef"), "join token leaked");
            for (const r of ofType(p, T.command)) {
                assert.equal(r.inputs.connection, "[secret]");
                if (r.name.endsWith("-ticket")) {
                    for (const out of ["stdout", "stderr"]) assert.ok(r.options.additionalSecretOutputs.includes(out), out);
                    assert.equal(r.inputs.logging, "none");
                }
                if (r.name.endsWith("-member") && r.name !== "a-member") assert.equal(r.inputs.stdin, "[secret]");
            }
        }
        assert.ok(PRIVATE_KEY_VALUE.includes("test-key-material"));
    });

    it("exports the endpoint, mode and replicas", () => {
        const p = plans.get(3)!;
        assert.equal(p.outputs.apiServerUrl, "https://api.prod.example.com:6443");
        assert.equal(p.outputs.endpointMode, "loadBalancer");
        assert.deepEqual((p.outputs.replicas as { name: string }[]).map((r) => r.name), ["a", "b", "c"]);
        assert.equal(baseConfig().platform, "gce");
    });
});
