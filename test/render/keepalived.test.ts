import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
    apiServerTrackScript,
    DEFAULT_ADVERT_INTERVAL_SECONDS,
    GARP_MASTER_REFRESH_SECONDS,
    failoverEstimate,
    KeepalivedArgs,
    priorityFor,
    renderKeepalivedConf,
    TrackScript,
    vridFor,
} from "../../components/render/keepalived";
import { SCRIPTS, tmp, VIP } from "../support/keepalived";
import { requireTool } from "../support/tools";

interface Node {
    name: string;
    ip: string;
}
const nodes = (count: number): Node[] => Array.from({ length: count }, (_, i) => ({ name: `cp-${i + 1}`, ip: `10.20.0.${11 + i}` }));

/** One node's keepalived.conf, its peers being exactly the other nodes. */
function confFor(cluster: Node[], index: number, iface = "eth0", script: TrackScript = apiServerTrackScript(6443, cluster.length > 1)): string {
    const self = cluster[index];
    return renderKeepalivedConf({
        nodeName: self.name,
        interface: iface,
        vip: VIP,
        vrid: vridFor("prod", VIP),
        priority: priorityFor(index),
        unicastSourceIp: self.ip,
        unicastPeers: cluster.filter((n) => n !== self).map((n) => n.ip),
        trackScript: script,
    });
}

/** The addresses inside a rendered `unicast_peer { }` block. */
function peersIn(conf: string): string[] {
    const m = /unicast_peer \{\n([^}]*)\}/.exec(conf);
    return m ? m[1].split("\n").map((l) => l.trim()).filter(Boolean) : [];
}

/**
 * keepalived -t needs root: with `script_user root` it refuses to run scripts otherwise. So
 * these tests skip for a non-root developer, and fail under CI, which runs as root.
 */
function requireKeepalived(ctx: Mocha.Context): void {
    requireTool(ctx, "keepalived");
    if (process.getuid?.() === 0) return;
    if (process.env.HAPLANE_REQUIRE_TOOLS === "1" || process.env.CI) throw new Error("keepalived -t must run as root (script_user root)");
    ctx.skip();
}

/**
 * keepalived -t checks that the interface exists and is not loopback: this machine's
 * default-route interface, else any non-loopback one.
 */
function hostInterface(): string {
    const route = spawnSync("ip", ["-o", "route", "show", "default"], { encoding: "utf8" }).stdout ?? "";
    const dev = /\bdev (\S+)/.exec(route);
    if (dev) return dev[1];
    const other = fs.readdirSync("/sys/class/net").find((n) => n !== "lo");
    if (!other) throw new Error("keepalived -t needs a non-loopback interface on this machine");
    return other;
}

/** The real track script, installed as keepalived's script security demands (root-owned, 0755). */
function installedCheckScript(): string {
    const file = path.join(tmp, "check-apiserver.sh");
    fs.copyFileSync(path.join(SCRIPTS, "check-apiserver.sh"), file);
    fs.chmodSync(file, 0o755);
    return file;
}

let configs = 0;
function keepalivedTest(conf: string): { status: number | null; output: string } {
    const file = path.join(tmp, `keepalived-${++configs}.conf`);
    fs.writeFileSync(file, conf);
    const r = spawnSync("keepalived", ["-t", "-f", file], { encoding: "utf8" });
    return { status: r.status, output: `${file}:\n${conf}\n${r.stdout}${r.stderr}` };
}

/** A valid three-node configuration for cp-1, for tests that change one field at a time. */
function sampleArgs(): KeepalivedArgs {
    return {
        nodeName: "cp-1",
        interface: "eth0",
        vip: VIP,
        vrid: 51,
        priority: 200,
        unicastSourceIp: "10.20.0.11",
        unicastPeers: ["10.20.0.12", "10.20.0.13"],
        trackScript: apiServerTrackScript(6443, true),
    };
}

describe("keepalived vrid", () => {
    it("is the same on every run for the same cluster and endpoint", () => {
        // Pinned: a change here would move every existing cluster to a new router id.
        assert.equal(vridFor("prod", "10.20.0.100"), vridFor("prod", "10.20.0.100"));
        assert.equal(vridFor("prod", "10.20.0.100"), 138);
    });

    it("stays in 1..255 and spreads over the range", () => {
        const seen = new Set<number>();
        for (let i = 0; i < 5000; i++) {
            const vrid = vridFor(`cluster-${i}`, `10.0.${i % 256}.1`);
            assert.ok(Number.isInteger(vrid) && vrid >= 1 && vrid <= 255, String(vrid));
            seen.add(vrid);
        }
        assert.equal(seen.size, 255);
    });

    it("changes with the cluster's identity and needs both parts of it", () => {
        const ids = new Set(["prod", "staging", "dev", "lab"].map((c) => vridFor(c, VIP)));
        assert.ok(ids.size > 1);
        assert.throws(() => vridFor("", VIP), /cluster name/);
        assert.throws(() => vridFor("prod", ""), /endpoint address/);
    });
});

describe("keepalived priorities", () => {
    it("are unique, valid, and highest for the first node", () => {
        const priorities = Array.from({ length: 7 }, (_, i) => priorityFor(i));
        assert.equal(new Set(priorities).size, 7);
        assert.deepEqual([...priorities].sort((a, b) => b - a), priorities);
        for (const p of priorities) assert.ok(p >= 1 && p <= 254);
        // Far enough apart that two backups never declare the master dead at the same moment.
        for (let i = 1; i < 7; i++) assert.ok(priorities[i - 1] - priorities[i] >= 20, `${priorities[i - 1]} vs ${priorities[i]}`);
    });

    it("rejects indexes outside the range", () => {
        for (const bad of [-1, 1.5, 7, NaN]) assert.throws(() => priorityFor(bad), /priority index/);
    });
});

describe("keepalived.conf", () => {
    const three = nodes(3);
    const conf = confFor(three, 0);

    it("runs VRRPv3 with unicast peers, BACKUP everywhere, and no preemption", () => {
        assert.match(conf, /^global_defs \{\n {4}router_id cp-1\n {4}vrrp_version 3\n {4}script_user root\n {4}enable_script_security\n\}$/m);
        assert.match(conf, /^ {4}state BACKUP$/m);
        assert.match(conf, /^ {4}interface eth0$/m);
        assert.match(conf, new RegExp(`^ {4}virtual_router_id ${vridFor("prod", VIP)}$`, "m"));
        assert.match(conf, /^ {4}priority 240$/m);
        assert.match(conf, new RegExp(`^ {4}advert_int ${DEFAULT_ADVERT_INTERVAL_SECONDS}$`, "m"));
        assert.match(conf, /^ {4}nopreempt$/m);
        assert.match(conf, new RegExp(`^ {4}garp_master_refresh ${GARP_MASTER_REFRESH_SECONDS}$`, "m"), "the holder re-announces the VIP");
        assert.match(conf, /^ {4}unicast_src_ip 10\.20\.0\.11$/m);
        assert.match(conf, /^ {4}virtual_ipaddress \{\n {8}10\.20\.0\.100\/32 dev eth0\n {4}\}$/m);
        assert.match(conf, /^ {4}track_script \{\n {8}check_apiserver\n {4}\}$/m);
    });

    it("runs the API server (and haproxy) check as a hard fault that starts failed", () => {
        assert.match(conf, /^ {4}script "\/etc\/keepalived\/check-apiserver\.sh 6443 haproxy"$/m);
        for (const line of ["interval 1", "timeout 3", "fall 2", "rise 2", "weight 0", "init_fail"]) assert.match(conf, new RegExp(`^ {4}${line}$`, "m"));
        assert.match(confFor(three, 0, "eth0", apiServerTrackScript(6443, false)), /^ {4}script "\/etc\/keepalived\/check-apiserver\.sh 6443"$/m);
    });

    it("gives each node exactly the other nodes as peers", () => {
        for (const [i, node] of three.entries()) {
            assert.deepEqual(peersIn(confFor(three, i)), three.filter((n) => n !== node).map((n) => n.ip));
        }
    });

    it("updates every node's peers when a node is added and when a middle node is removed", () => {
        const grown = nodes(4);
        for (const [i, node] of grown.entries()) {
            assert.deepEqual(peersIn(confFor(grown, i)).sort(), grown.filter((n) => n !== node).map((n) => n.ip).sort());
        }
        const shrunk = grown.filter((n) => n.name !== "cp-2");
        for (const [i, node] of shrunk.entries()) {
            const peers = peersIn(confFor(shrunk, i));
            assert.ok(!peers.includes("10.20.0.12"), `${node.name} still lists the removed cp-2`);
            assert.ok(!peers.includes(node.ip), `${node.name} lists itself`);
            assert.equal(peers.length, 2);
        }
    });

    it("holds the VIP as a plain address on a single node (unicast VRRP needs a peer)", () => {
        const single = confFor(nodes(1), 0);
        assert.match(single, /^static_ipaddress \{\n {4}10\.20\.0\.100\/32 dev eth0\n\}$/m);
        assert.doesNotMatch(single, /vrrp_instance|unicast/);
    });

    it("lets the user tune the advert interval, prefix and preemption", () => {
        const args = (over: Partial<KeepalivedArgs>): KeepalivedArgs => ({ ...sampleArgs(), unicastPeers: ["10.20.0.12"], ...over });
        assert.match(renderKeepalivedConf(args({ advertIntervalSeconds: 1 })), /advert_int 1$/m);
        assert.match(renderKeepalivedConf(args({ advertIntervalSeconds: 0.05 })), /advert_int 0\.05$/m);
        assert.match(renderKeepalivedConf(args({ vipPrefixLength: 24 })), /10\.20\.0\.100\/24 dev eth0/);
        const preempting = renderKeepalivedConf(args({ preempt: true, trackScript: apiServerTrackScript(6443, true, { weight: -50 }) }));
        assert.doesNotMatch(preempting, /nopreempt/);
        assert.match(preempting, /weight -50$/m);
    });

    it("estimates failover for the README: host loss within 4 adverts, an unhealthy holder within seconds", () => {
        assert.deepEqual(failoverEstimate(DEFAULT_ADVERT_INTERVAL_SECONDS, apiServerTrackScript(6443, true)), {
            hostLoss: 0.8,
            unhealthy: 3.2,
            unhealthyHanging: 7.2,
        });
        assert.equal(failoverEstimate(1, apiServerTrackScript(6443, true)).hostLoss, 4);
    });
});

describe("keepalived.conf rejects values that could inject syntax or break VRRP", () => {
    const good: KeepalivedArgs = sampleArgs();
    const cases: [string, Partial<KeepalivedArgs>, RegExp][] = [
        ["a newline and brace in the node name", { nodeName: "cp-1\n}\nvrrp_instance x {" }, /nodeName .* may contain only/],
        ["a quote in the node name", { nodeName: 'cp"1' }, /nodeName/],
        ["a space in the node name", { nodeName: "cp 1" }, /nodeName/],
        ["a brace in the interface", { interface: "eth0 }" }, /interface .* is not a network interface name/],
        ["a too long interface", { interface: "a234567890123456" }, /interface/],
        ["a VIP with a prefix", { vip: "10.20.0.100/32" }, /vip .* is not an IPv4 or IPv6 address/],
        ["a peer with a newline", { unicastPeers: ["10.20.0.12\n}"] }, /unicastPeers\[0\]/],
        ["a peer naming this node", { unicastPeers: ["10.20.0.11"] }, /must not include this node's own address/],
        ["a peer twice", { unicastPeers: ["10.20.0.12", "10.20.0.12"] }, /twice/],
        ["a peer of another family", { unicastPeers: ["fd00::12"] }, /address family/],
        ["the VIP as a node address", { unicastSourceIp: VIP }, /must not be a node's own address/],
        ["vrid 0", { vrid: 0 }, /vrid must be an integer from 1 to 255/],
        ["vrid 256", { vrid: 256 }, /vrid/],
        ["priority 255 (address owner)", { priority: 255 }, /priority must be an integer from 1 to 254/],
        ["a sub-centisecond advert", { advertIntervalSeconds: 0.005 }, /advertIntervalSeconds/],
        ["an advert finer than centiseconds", { advertIntervalSeconds: 0.123 }, /steps of 0\.01/],
        ["an advert beyond VRRPv3", { advertIntervalSeconds: 41 }, /40\.95/],
        ["a prefix too long", { vipPrefixLength: 33 }, /vipPrefixLength/],
        ["a script argument with a quote", { trackScript: { ...apiServerTrackScript(6443, true), args: ['6443"'] } }, /argument .* one plain word/],
        ["a script argument with a space", { trackScript: { ...apiServerTrackScript(6443, true), args: ["6443 haproxy"] } }, /argument/],
        ["a script argument with a variable", { trackScript: { ...apiServerTrackScript(6443, true), args: ["${x}"] } }, /argument/],
        ["a relative script path", { trackScript: { ...apiServerTrackScript(6443, true), path: "check.sh" } }, /absolute path/],
        ["a fractional script interval", { trackScript: apiServerTrackScript(6443, true, { intervalSeconds: 0.5 }) }, /intervalSeconds/],
        ["a weight without preemption", { trackScript: apiServerTrackScript(6443, true, { weight: -50 }) }, /weight must be 0 \(fault\) without preemption/],
    ];
    for (const [what, change, message] of cases) {
        it(`rejects ${what}`, () => assert.throws(() => renderKeepalivedConf({ ...good, ...change }), message));
    }
});

describe("keepalived -t validates what we render", () => {
    for (const count of [1, 3, 5]) {
        it(`accepts every node's config of a ${count}-node control plane`, function () {
            requireKeepalived(this);
            const iface = hostInterface();
            const script = { ...apiServerTrackScript(6443, count > 1), path: installedCheckScript() };
            const cluster = nodes(count);
            for (const i of cluster.keys()) {
                const r = keepalivedTest(confFor(cluster, i, iface, script));
                assert.equal(r.status, 0, r.output);
            }
        });
    }

    it("accepts an IPv6 VIP", function () {
        requireKeepalived(this);
        const conf = renderKeepalivedConf({
            nodeName: "cp-1",
            interface: hostInterface(),
            vip: "fd00:20::100",
            vrid: vridFor("prod", "fd00:20::100"),
            priority: priorityFor(0),
            unicastSourceIp: "fd00:20::11",
            unicastPeers: ["fd00:20::12", "fd00:20::13"],
            trackScript: { ...apiServerTrackScript(6443, true), path: installedCheckScript() },
        });
        assert.match(conf, /fd00:20::100\/128 dev/);
        const r = keepalivedTest(conf);
        assert.equal(r.status, 0, r.output);
    });

    it("fails broken configs, so the checks above can fail", function () {
        requireKeepalived(this);
        const good = confFor(nodes(3), 0, hostInterface(), { ...apiServerTrackScript(6443, true), path: installedCheckScript() });
        const accepted = keepalivedTest(good);
        assert.equal(accepted.status, 0, accepted.output);
        const broken: [string, string][] = [
            ["an unknown keyword", good.replace("nopreempt", "nopreempt\n    no_such_keyword 1")],
            ["a missing brace", good.replace(/\}\n$/, "")],
            ["a vrid out of range", good.replace(/virtual_router_id \d+/, "virtual_router_id 300")],
            ["a missing track script", good.replace(/script "[^ ]+/, 'script "/nonexistent/check.sh')],
            ["a missing interface", good.replace(/interface \S+/, "interface haplane-none0")],
            ["a loopback interface", good.replace(/interface \S+/, "interface lo").replace(/dev \S+/, "dev lo")],
        ];
        for (const [what, conf] of broken) {
            assert.notEqual(conf, good, what);
            assert.notEqual(keepalivedTest(conf).status, 0, `keepalived -t accepted ${what}`);
        }
    });
});
