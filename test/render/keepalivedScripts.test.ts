import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SCRIPTS, tmp, VIP } from "../support/keepalived";
import { hasTool, requireTool } from "../support/tools";

/** A directory of stub commands that print canned output and log their arguments. */
function stubs(commands: Record<string, string>): { dir: string; log: string } {
    const dir = fs.mkdtempSync(path.join(tmp, "stubs-"));
    const log = path.join(dir, "calls.log");
    for (const [name, body] of Object.entries(commands)) {
        fs.writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\necho "${name} $*" >>"${log}"\n${body}\n`, { mode: 0o755 });
    }
    return { dir, log };
}

function runScript(script: string, args: string[], stubDir?: string) {
    const env = { ...process.env, PATH: stubDir ? `${stubDir}:${process.env.PATH}` : process.env.PATH };
    return spawnSync("bash", [path.join(SCRIPTS, script), ...args], { encoding: "utf8", env });
}

describe("keepalived node scripts", () => {
    for (const script of ["detect-interface.sh", "check-apiserver.sh"]) {
        it(`${script} passes shellcheck`, function () {
            requireTool(this, "shellcheck");
            const r = spawnSync("shellcheck", ["--severity=style", path.join(SCRIPTS, script)], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stdout + r.stderr);
        });
    }

    it("detect-interface.sh names lo for 127.0.0.1 with the real ip route get", function () {
        requireTool(this, "ip");
        const r = runScript("detect-interface.sh", ["127.0.0.1"]);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "lo\n");
    });

    it("detect-interface.sh fails clearly for something that is not an address", function () {
        requireTool(this, "ip");
        const r = runScript("detect-interface.sh", ["not-an-address"]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /no route from this host to the VIP not-an-address/);
        assert.equal(r.stdout, "");
    });

    const detect = (route: string, addr = "", routeStatus = 0) =>
        runScript(
            "detect-interface.sh",
            [VIP],
            stubs({ ip: `case "$2" in route) printf '%s\\n' "${route}"; exit ${routeStatus};; addr) printf '%s' "${addr}";; esac` }).dir,
        );

    it("detect-interface.sh reads the interface of a connected route", () => {
        const r = detect("10.20.0.100 dev ens3 src 10.20.0.11 uid 0 \\    cache ");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "ens3\n");
        assert.equal(r.stderr, "");
    });

    it("detect-interface.sh names the interface holding the VIP when this node holds it", () => {
        const r = detect("local 10.20.0.100 dev lo src 10.20.0.100 uid 0 \\    cache <local> ", "4: ens3    inet 10.20.0.100/32 scope global ens3\\n");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "ens3\n");
    });

    it("detect-interface.sh warns about a VIP behind a gateway", () => {
        const r = detect("10.20.0.100 via 192.0.2.1 dev eth1 src 192.0.2.2 uid 0 \\    cache ");
        assert.equal(r.stdout, "eth1\n");
        assert.match(r.stderr, /through a gateway on eth1/);
    });

    it("detect-interface.sh fails for unreachable VIPs and missing routes", () => {
        const unreachable = detect("unreachable 10.20.0.100 uid 0 \\    cache <> ");
        assert.equal(unreachable.status, 1);
        assert.match(unreachable.stderr, /not reachable from this host/);
        const none = detect("RTNETLINK answers: Network is unreachable", "", 2);
        assert.equal(none.status, 1);
        assert.match(none.stderr, /no route from this host to the VIP 10\.20\.0\.100: RTNETLINK answers: Network is unreachable/);
    });

    const check = (args: string[], curlStatus: number, haproxyRunning: boolean) => {
        const s = stubs({ curl: `exit ${curlStatus}`, pidof: haproxyRunning ? "echo 4242" : "exit 1" });
        const r = runScript("check-apiserver.sh", args, s.dir);
        return { ...r, calls: fs.existsSync(s.log) ? fs.readFileSync(s.log, "utf8") : "" };
    };

    it("check-apiserver.sh asks the local API server's /readyz over HTTPS within 2 s", () => {
        const r = check(["6443"], 0, false);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.calls, "curl -fsk --max-time 2 -o /dev/null https://127.0.0.1:6443/readyz\n");
    });

    it("check-apiserver.sh fails when the API server is not ready", () => {
        const r = check(["6443", "haproxy"], 22, true);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /local API server on port 6443 is not ready/);
    });

    it("check-apiserver.sh also requires haproxy when asked to", () => {
        assert.equal(check(["6443", "haproxy"], 0, true).status, 0);
        const down = check(["6443", "haproxy"], 0, false);
        assert.equal(down.status, 1);
        assert.match(down.stderr, /haproxy is not running/);
        assert.equal(check(["6443"], 0, false).status, 0, "haproxy is not checked without the argument");
    });

    it("check-apiserver.sh rejects bad arguments", () => {
        assert.equal(check([], 0, true).status, 1);
        assert.equal(check(["https"], 0, true).status, 2);
        assert.equal(check(["6443", "nginx"], 0, true).status, 2);
    });

    it("check-apiserver.sh fails with the real curl when nothing listens", function () {
        // curl is no validator that CI installs; the stubbed tests above cover the logic.
        if (!hasTool("curl")) this.skip();
        const r = runScript("check-apiserver.sh", ["1"]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /not ready/);
    });
});
