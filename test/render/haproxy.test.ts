import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    ADMIN_SOCKET,
    DEFAULT_API_SERVER_PORT,
    DEFAULT_BIND_PORT,
    HaproxyArgs,
    HaproxyBackend,
    listBackendServers,
    renderHaproxyCfg,
} from "../../components/render/haproxy";
import { requireTool } from "../support/tools";

const VIP = "10.20.0.100";
const apiServers = (count: number): HaproxyBackend[] =>
    Array.from({ length: count }, (_, i) => ({ name: `cp-${i + 1}`, address: `10.20.0.${11 + i}`, port: DEFAULT_API_SERVER_PORT }));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-haproxy-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let configs = 0;
/** `haproxy -c`; warnings count as failures too, so that a deprecated setting shows up. */
function haproxyCheck(cfg: string): { ok: boolean; status: number | null; output: string } {
    const file = path.join(tmp, `haproxy-${++configs}.cfg`);
    fs.writeFileSync(file, cfg);
    const r = spawnSync("haproxy", ["-c", "-f", file], { encoding: "utf8" });
    const output = r.stdout + r.stderr;
    return { ok: r.status === 0 && !/\[WARNING\]|\[ALERT\]/.test(output), status: r.status, output: `${file}:\n${cfg}\n${output}` };
}

/** The directive lines of one section, without indentation. */
function section(cfg: string, head: string): string[] {
    const lines = cfg.split("\n");
    const start = lines.indexOf(head);
    assert.ok(start >= 0, `no section ${head}`);
    const body: string[] = [];
    for (const line of lines.slice(start + 1)) {
        if (!line.startsWith("    ")) break;
        if (!line.trim().startsWith("#")) body.push(line.trim());
    }
    return body;
}

describe("haproxy.cfg", () => {
    const cfg = renderHaproxyCfg({ backends: apiServers(3) });

    it("listens on every address on the VIP's port, apart from the API servers' port", () => {
        assert.equal(DEFAULT_BIND_PORT, 8443);
        assert.deepEqual(section(cfg, "frontend kube-apiserver"), ["mode tcp", "bind *:8443", "default_backend kube-apiservers"]);
    });

    it("balances TCP round-robin over every API server with an HTTPS /readyz check every second", () => {
        assert.deepEqual(section(cfg, "backend kube-apiservers"), [
            "mode tcp",
            "balance roundrobin",
            "option httpchk",
            "http-check send meth GET uri /readyz",
            "http-check expect status 200",
            "default-server check-ssl verify none inter 1s fall 2 rise 2 on-marked-down shutdown-sessions",
            "server cp-1 10.20.0.11:6443 check",
            "server cp-2 10.20.0.12:6443 check",
            "server cp-3 10.20.0.13:6443 check",
        ]);
    });

    it("keeps long-lived watch connections and bounds old workers after a reload", () => {
        const defaults = section(cfg, "defaults");
        for (const line of ["timeout client 4h", "timeout server 4h", "timeout connect 1s", "timeout check 1s", "option clitcpka", "option srvtcpka", "option redispatch 1"]) {
            assert.ok(defaults.includes(line), line);
        }
        const global = section(cfg, "global");
        assert.ok(global.includes(`stats socket ${ADMIN_SOCKET} mode 660 level admin expose-fd listeners`));
        assert.ok(global.includes("hard-stop-after 1h"));
        assert.match(cfg, /systemctl reload haproxy/);
    });

    it("takes timeouts in seconds and writes them in the largest whole unit", () => {
        const tuned = renderHaproxyCfg({ backends: apiServers(1), idleTimeoutSeconds: 1800, hardStopAfterSeconds: 90 });
        assert.ok(section(tuned, "defaults").includes("timeout client 30m"));
        assert.ok(section(tuned, "global").includes("hard-stop-after 90s"));
    });

    it("binds the VIP itself, transparent, in the same-port layout", () => {
        const samePort = renderHaproxyCfg({ bindAddress: VIP, bindPort: 6443, backends: apiServers(3) });
        assert.ok(section(samePort, "frontend kube-apiserver").includes("bind 10.20.0.100:6443 transparent"));
    });

    it("brackets IPv6 addresses", () => {
        const v6 = renderHaproxyCfg({ bindAddress: "fd00:20::100", backends: [{ name: "cp-1", address: "fd00:20::11", port: 6443 }] });
        assert.ok(section(v6, "frontend kube-apiserver").includes("bind [fd00:20::100]:8443 transparent"));
        assert.ok(section(v6, "backend kube-apiservers").includes("server cp-1 [fd00:20::11]:6443 check"));
        assert.deepEqual(listBackendServers(v6), [{ name: "cp-1", address: "fd00:20::11", port: 6443 }]);
    });

    it("lists its backends, which follow nodes added and removed", () => {
        assert.deepEqual(listBackendServers(cfg), apiServers(3));
        assert.deepEqual(listBackendServers(renderHaproxyCfg({ backends: apiServers(4) })), apiServers(4));
        const withoutMiddle = apiServers(4).filter((b) => b.name !== "cp-2");
        assert.deepEqual(listBackendServers(renderHaproxyCfg({ backends: withoutMiddle })), withoutMiddle);
        assert.deepEqual(listBackendServers("global\n    server x 1.2.3.4:1\n"), [], "only the API server backend counts");
    });
});

describe("haproxy.cfg rejects values that could inject syntax or collide", () => {
    const good: HaproxyArgs = { backends: apiServers(3) };
    const withBackend = (change: Partial<HaproxyBackend>): HaproxyArgs => ({ backends: [{ ...apiServers(1)[0], ...change }] });
    const cases: [string, HaproxyArgs, RegExp][] = [
        ["a server name with a newline", withBackend({ name: "cp-1\n    server evil 6.6.6.6:6443" }), /backend name .* may contain only/],
        ["a server name with a space", withBackend({ name: "cp 1" }), /backend name/],
        ["a server name with a comment", withBackend({ name: "cp-1#x" }), /backend name/],
        ["an address with a port", withBackend({ address: "10.20.0.11:6443" }), /address .* is not an IPv4 or IPv6 address/],
        ["an address with options", withBackend({ address: "10.20.0.11 backup" }), /address/],
        ["a bind address with options", { ...good, bindAddress: "0.0.0.0 ssl crt /x" }, /bindAddress/],
        ["a port out of range", withBackend({ port: 70000 }), /port must be an integer from 1 to 65535/],
        ["no backends", { backends: [] }, /at least one backend/],
        ["a name twice", { backends: [apiServers(1)[0], { ...apiServers(2)[1], name: "cp-1" }] }, /cp-1 appears twice/],
        ["an endpoint twice", { backends: [apiServers(1)[0], { ...apiServers(1)[0], name: "cp-9" }] }, /10\.20\.0\.11:6443 appears twice/],
        ["the local API server's port on every address", { ...good, bindPort: 6443 }, /would collide with the local API server on port 6443/],
        ["the VIP as a backend", { bindAddress: VIP, backends: [{ name: "vip", address: VIP, port: 6443 }] }, /must not be the VIP/],
        ["a zero idle timeout", { ...good, idleTimeoutSeconds: 0 }, /idleTimeoutSeconds/],
    ];
    for (const [what, args, message] of cases) {
        it(`rejects ${what}`, () => assert.throws(() => renderHaproxyCfg(args), message));
    }
});

describe("haproxy -c validates what we render", () => {
    for (const count of [1, 3, 5]) {
        it(`accepts the config of a ${count}-node control plane, in both port layouts`, function () {
            requireTool(this, "haproxy");
            for (const args of [{ backends: apiServers(count) }, { bindAddress: VIP, bindPort: 6443, backends: apiServers(count) }]) {
                const r = haproxyCheck(renderHaproxyCfg(args));
                assert.ok(r.ok, r.output);
            }
        });
    }

    it("accepts IPv6", function () {
        requireTool(this, "haproxy");
        const r = haproxyCheck(renderHaproxyCfg({ bindAddress: "fd00:20::100", backends: [{ name: "cp-1", address: "fd00:20::11", port: 6443 }] }));
        assert.ok(r.ok, r.output);
    });

    it("fails broken configs, so the checks above can fail", function () {
        requireTool(this, "haproxy");
        const good = renderHaproxyCfg({ backends: apiServers(3) });
        assert.ok(haproxyCheck(good).ok);
        const broken: [string, string][] = [
            ["an unknown keyword", good.replace("balance roundrobin", "balance roundrobin\n    no-such-keyword")],
            ["a duplicate server", good.replace("server cp-2", "server cp-1")],
            ["an unknown balance algorithm", good.replace("balance roundrobin", "balance sideways")],
            ["a missing backend", good.replace("default_backend kube-apiservers", "default_backend nowhere")],
        ];
        for (const [what, cfg] of broken) {
            assert.notEqual(cfg, good, what);
            const r = haproxyCheck(cfg);
            assert.ok(!r.ok && r.status !== 0, `haproxy -c accepted ${what}:\n${r.output}`);
        }
    });
});
