// The on-prem platform: config rules, keepalived and haproxy on every host, URN stability.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { parseStackConfig } from "../../../components/config/parse";
import { vridFor } from "../../../components/render/keepalived";
import { Plan } from "../../../scripts/offline/evaluate";
import { find, plan } from "../../support/stacks";
import { rejects } from "../../support/configErrors";

const RACKS = ["rack-a", "rack-b", "rack-c"];
const VIP = "198.18.0.100";
const NAMES = ["h1", "h2", "h3", "h4", "h5"];

function hosts(names: string[]) {
    return names.map((name) => ({ name, zone: RACKS[NAMES.indexOf(name) % 3], address: `198.18.0.${11 + NAMES.indexOf(name)}` }));
}

function onprem(names: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.4",
        controlPlane: { replicas: hosts(names) },
        endpoint: { address: VIP, port: 6443 },
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
        ...extra,
    };
}

const stdin = (p: Plan, name: string) => JSON.parse(String(find(p, "command:remote:Command", name).inputs.stdin));
const peersOf = (conf: string) => /unicast_peer \{([^}]*)\}/.exec(conf)?.[1].trim().split(/\s+/) ?? [];

describe("on-prem config", () => {
    it("accepts explicit hosts with a VIP", () => {
        const cfg = parseStackConfig(onprem(["h1", "h2", "h3"]));
        assert.ok(cfg.platform === "onprem");
        assert.deepEqual(cfg.onprem.keepalived, { enabled: true, advertIntervalSeconds: 0.2 }, "the onprem section's defaults, from its one place");
        assert.equal(cfg.endpoint.address, VIP);
    });
    it("needs named hosts with addresses, each its own, and a free VIP", () => {
        const count = onprem(["h1"]);
        count.controlPlane = { replicas: 3, zones: RACKS };
        rejects(count, "haplane:controlPlane.replicas", /must list the hosts/);
        const noAddress = onprem(["h1", "h2", "h3"]);
        delete (noAddress.controlPlane as { replicas: { address?: string }[] }).replicas[1].address;
        rejects(noAddress, "haplane:controlPlane.replicas[1].address", /is required on platform onprem/);
        const shared = onprem(["h1", "h2", "h3"]);
        (shared.controlPlane as { replicas: { address: string }[] }).replicas[2].address = "198.18.0.11";
        rejects(shared, "haplane:controlPlane.replicas[2].address", /also the address of h1/);
        rejects(onprem(["h1"], { endpoint: { port: 6443 } }), "haplane:endpoint.address", /is required on platform onprem/);
        rejects(onprem(["h1"], { endpoint: { address: "198.18.0.11" } }), "haplane:endpoint.address", /address of host h1/);
    });
    it("applies the membership rules to failure domains", () => {
        const twoRacks = onprem(["h1", "h2", "h3"]);
        (twoRacks.controlPlane as { replicas: { zone: string }[] }).replicas[2].zone = "rack-a";
        rejects(twoRacks, "haplane:controlPlane.replicas", /at least 3 zones/);
        rejects(onprem(["h1", "h2"]), "haplane:controlPlane.replicas", /odd/);
    });
    it("checks keepalived and package options", () => {
        rejects(onprem(["h1"], { onprem: { keepalived: { vrid: 300 } } }), "haplane:onprem.keepalived.vrid", /255/);
        rejects(onprem(["h1"], { onprem: { keepalived: { interface: "eth0; rm" } } }), "haplane:onprem.keepalived.interface", /interface name/);
        rejects(onprem(["h1"], { onprem: { keepalived: { advertIntervalSeconds: 0.125 } } }), "haplane:onprem.keepalived.advertIntervalSeconds", /0\.01/);
        rejects(onprem(["h1"], { onprem: { packages: "snap" } }), "haplane:onprem.packages", /"distribution", "preinstalled"/);
    });
    it("keeps the VIP setting to on-prem", () => {
        const gce = {
            ...onprem(["h1"]),
            platform: "gce",
            gce: { project: "prod-project", region: "europe-west1" },
            controlPlane: { replicas: [{ name: "a", zone: "europe-west1-b" }] },
        };
        rejects(gce, "haplane:endpoint.address", /onprem only/);
    });
});

describe("on-prem plans", function () {
    this.timeout(60000);
    const plans = new Map<number, Plan>();
    before(async () => {
        for (const n of [1, 3, 5]) plans.set(n, await plan(onprem(NAMES.slice(0, n))));
    });

    it("gives every host keepalived with exactly the other hosts as unicast peers", () => {
        for (const [n, p] of plans) {
            for (const name of NAMES.slice(0, n)) {
                const vrrp = stdin(p, `${name}-keepalived`);
                assert.equal(vrrp.enabled, true);
                const others = hosts(NAMES.slice(0, n)).filter((h) => h.name !== name).map((h) => h.address);
                if (n === 1) assert.doesNotMatch(vrrp.conf, /unicast_peer/);
                else assert.deepEqual(peersOf(vrrp.conf).sort(), others.sort(), `${name} of ${n}`);
                // One host carries the VIP as a plain address; from two on, VRRP with a stable id.
                if (n > 1) assert.match(vrrp.conf, new RegExp(`virtual_router_id ${vridFor("lab", VIP)}\\b`));
            }
        }
    });

    it("runs haproxy on every host exactly when there are two or more, balancing to all API servers", () => {
        assert.equal(stdin(plans.get(1)!, "h1-haproxy").enabled, false);
        for (const n of [3, 5]) {
            for (const name of NAMES.slice(0, n)) {
                const lb = stdin(plans.get(n)!, `${name}-haproxy`);
                assert.equal(lb.enabled, true);
                assert.match(lb.cfg, new RegExp(`bind ${VIP.replace(/\./g, "\\.")}:6443 transparent`));
                const servers = [...lb.cfg.matchAll(/^\s+server (\S+) (\S+)/gm)].map((m) => `${m[1]}=${m[2]}`);
                assert.deepEqual(servers, hosts(NAMES.slice(0, n)).map((h) => `${h.name}=${h.address}:6443`));
            }
        }
    });

    it("lets the API servers share their port with haproxy on the VIP", () => {
        const founder = stdin(plans.get(3)!, "h1-member");
        const docs = YAML.parseAllDocuments(founder.kubeadm).map((d) => d.toJSON());
        const cluster = docs.find((d) => d.kind === "ClusterConfiguration");
        const flags = Object.fromEntries(cluster.apiServer.extraArgs.map((a: { name: string; value: string }) => [a.name, a.value]));
        assert.equal(flags["permit-port-sharing"], "true");
        assert.equal(cluster.controlPlaneEndpoint, `${VIP}:6443`);
        assert.ok(cluster.apiServer.certSANs.includes(VIP));
    });

    it("keeps every surviving host's URNs when a middle host is removed, and updates the others' peers", async () => {
        const before = plans.get(5)!;
        const after = await plan(onprem(["h1", "h3", "h5"])); // h2 and h4 go; racks a, c, b remain
        const urnsOf = (p: Plan, name: string) => p.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`)).map((r) => r.urn);
        for (const name of ["h1", "h3", "h5"]) assert.deepEqual(urnsOf(after, name), urnsOf(before, name), name);
        assert.deepEqual([...urnsOf(after, "h2"), ...urnsOf(after, "h4")], []);
        assert.deepEqual(peersOf(stdin(after, "h1-keepalived").conf).sort(), ["198.18.0.13", "198.18.0.15"]);
    });

    it("keeps a pinned vrid and a configured interface, without detecting one", async () => {
        const p = await plan(onprem(["h1", "h2", "h3"], { onprem: { keepalived: { vrid: 42, interface: "bond0" } } }));
        assert.equal(p.resources.filter((r) => r.name.endsWith("-vip-interface")).length, 0);
        const conf = stdin(p, "h2-keepalived").conf;
        assert.match(conf, /virtual_router_id 42\b/);
        assert.match(conf, /interface bond0\b/);
    });

    it("turns keepalived off when the site's load balancer serves the VIP", async () => {
        const p = await plan(onprem(["h1"], { onprem: { keepalived: { enabled: false } } }));
        assert.deepEqual(stdin(p, "h1-keepalived").enabled, false);
        assert.equal(p.resources.filter((r) => r.name.endsWith("-vip-interface")).length, 0, "nothing to detect");
    });

    it("releases a host through a bounded local hook that skips a dead host, after its member is removed", () => {
        const p = plans.get(3)!;
        for (const name of ["h1", "h2", "h3"]) {
            const release = find(p, "command:local:Command", `${name}-release`);
            assert.deepEqual(release.dependsOn, [find(p, "command:remote:Command", name).urn]);
            const env = release.inputs.environment as Record<string, string>;
            assert.equal(env.ON_UNREACHABLE, "skip");
            assert.ok(env.REMOTE_COMMAND.endsWith("'host-release'"));
            const removal = find(p, "command:local:Command", `${name}-removal`);
            assert.ok(removal.dependsOn.includes(release.urn), "the member is removed before the host is released");
        }
    });

    it("hands the VIP over when a host leaves: the leaving host first, then every other host, skipping dead ones", async () => {
        const p = plans.get(3)!;
        const all = hosts(["h1", "h2", "h3"]);
        for (const { name, address } of all) {
            const handover = find(p, "command:local:Command", `${name}-vip-handover`);
            const env = handover.inputs.environment as Record<string, string>;
            assert.equal(env.ACTION, "VIP handover");
            assert.equal(env.MEMBER, name);
            assert.deepEqual(env.HOSTS.split("\n"), [address, ...all.filter((h) => h.name !== name).map((h) => h.address)]);
            assert.equal(env.ON_UNREACHABLE, "skip");
            assert.ok(env.REMOTE_COMMAND.endsWith(`'vip-handover' '${VIP}' '${address}'`), env.REMOTE_COMMAND);
            // It waits for nothing of the membership, so it runs at the start of a run's deletes;
            // depending on the host makes it a dependent in a break-glass destroy of the host.
            const host = [find(p, "command:remote:Command", name).urn, find(p, "command:local:Command", `${name}-release`).urn].sort();
            assert.deepEqual(handover.dependsOn, host);
            assert.ok(!find(p, "command:local:Command", `${name}-removal`).dependsOn.includes(handover.urn));
        }
        const single = plans.get(1)!;
        assert.equal((find(single, "command:local:Command", "h1-vip-handover").inputs.environment as Record<string, string>).HOSTS, "198.18.0.11", "only the host itself");
        const off = await plan(onprem(["h1", "h2", "h3"], { onprem: { keepalived: { enabled: false } } }));
        assert.equal(off.resources.filter((r) => r.name.endsWith("-vip-handover")).length, 0, "the site's load balancer holds the VIP");
    });

    it("declares keepalived under Vip and haproxy under LoadBalancer at every count, each waiting for its host", () => {
        for (const [n, p] of plans) {
            const lb = find(p, "haplane:index:LoadBalancer", "api");
            const vip = find(p, "haplane:index:Vip", "endpoint");
            for (const name of NAMES.slice(0, n)) {
                const host = [find(p, "command:remote:Command", name).urn, find(p, "command:local:Command", `${name}-release`).urn].sort();
                for (const piece of [`${name}-keepalived`, `${name}-vip-interface`, `${name}-vip-handover`]) {
                    const r = find(p, piece.endsWith("handover") ? "command:local:Command" : "command:remote:Command", piece);
                    assert.equal(r.parent, vip.urn, `${n}: ${piece}`);
                }
                const haproxy = find(p, "command:remote:Command", `${name}-haproxy`);
                assert.equal(haproxy.parent, lb.urn, `${n}: ${name}-haproxy`);
                assert.deepEqual(haproxy.dependsOn, host);
                assert.deepEqual(find(p, "command:remote:Command", `${name}-vip-interface`).dependsOn, host);
            }
            // The founder's init waits for its keepalived (the VIP) and haproxy; joins wait for their own.
            for (const name of NAMES.slice(0, n)) {
                const member = find(p, "command:remote:Command", `${name}-member`);
                for (const piece of ["keepalived", "haproxy"]) assert.ok(member.dependsOn.includes(find(p, "command:remote:Command", `${name}-${piece}`).urn), `${n}: ${name}-member waits for its ${piece}`);
            }
        }
        // Joins reach the cluster through the founder's haproxy and keepalived.
        const ticket = find(plans.get(3)!, "command:remote:Command", "h2-ticket");
        for (const piece of ["h1-keepalived", "h1-haproxy"]) assert.ok(ticket.dependsOn.includes(find(plans.get(3)!, "command:remote:Command", piece).urn), piece);
        // A single host turns its haproxy off rather than leaving the last configuration running.
        assert.equal(stdin(plans.get(1)!, "h1-haproxy").enabled, false);
        assert.equal(stdin(plans.get(3)!, "h1-haproxy").enabled, true);
    });

    it("keeps the SSH key secret everywhere", () => {
        for (const p of plans.values()) assert.ok(!JSON.stringify(p).includes("test-key-material"));
    });
});
