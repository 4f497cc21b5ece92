// The ssh_config of removals and releases: OpenSSH itself reads it (ssh -G), the bastion is an
// alias reached by ProxyJump (never a ProxyCommand), and nothing but plain words gets in.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BASTION_ALIAS, KEY_FILE_VARIABLE, renderSshConfig } from "../../components/render/sshConfig";
import { requireTool } from "../support/tools";

const settings = { user: "ops", port: 2200, connectTimeoutSeconds: 7, connectionAttempts: 4 };

/** What OpenSSH makes of the file for `host` (lower-case keyword -> values). */
function effective(config: string, host: string): Map<string, string[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-sshcfg-"));
    try {
        fs.writeFileSync(path.join(dir, "config"), config);
        const r = spawnSync("ssh", ["-G", "-F", path.join(dir, "config"), host], { encoding: "utf8", env: { ...process.env, [KEY_FILE_VARIABLE]: "/k" } });
        assert.equal(r.status, 0, r.stderr);
        const out = new Map<string, string[]>();
        for (const line of r.stdout.trim().split("\n")) {
            const [k, ...v] = line.split(" ");
            out.set(k, [...(out.get(k) ?? []), v.join(" ")]);
        }
        return out;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("ssh client config (removals and releases)", () => {
    it("reaches a node directly with the key, batch mode and bounded connects", function () {
        requireTool(this, "ssh");
        const text = renderSshConfig(settings);
        assert.doesNotMatch(text, /ProxyCommand|ProxyJump/);
        const e = effective(text, "10.0.0.5");
        assert.deepEqual([e.get("user"), e.get("port"), e.get("hostname")], [["ops"], ["2200"], ["10.0.0.5"]]);
        assert.deepEqual(e.get("identityfile"), [`\${${KEY_FILE_VARIABLE}}`]);
        assert.deepEqual([e.get("batchmode"), e.get("connecttimeout"), e.get("connectionattempts")], [["yes"], ["7"], ["4"]]);
        assert.equal(e.get("proxyjump"), undefined);
    });

    it("jumps through the bastion by alias, and the jump itself uses the bastion's user and port", function () {
        requireTool(this, "ssh");
        const text = renderSshConfig({ ...settings, bastion: { host: "bastion.example.com", port: 2222, user: "jump" } });
        assert.doesNotMatch(text, /ProxyCommand/);
        const node = effective(text, "10.0.0.5");
        assert.deepEqual(node.get("proxyjump"), [BASTION_ALIAS]);
        assert.deepEqual([node.get("user"), node.get("port")], [["ops"], ["2200"]]);
        const jump = effective(text, BASTION_ALIAS);
        assert.deepEqual([jump.get("hostname"), jump.get("user"), jump.get("port")], [["bastion.example.com"], ["jump"], ["2222"]]);
        assert.equal(jump.get("proxyjump"), undefined, "the bastion is not reached through itself");
        assert.deepEqual(jump.get("identityfile"), [`\${${KEY_FILE_VARIABLE}}`], "the same key for both hops");
    });

    it("refuses any bastion value that is not a plain word", () => {
        for (const host of ["b$(id)", "b;id", "b id", "b\nProxyCommand id", 'b"']) {
            assert.throws(() => renderSshConfig({ ...settings, bastion: { host, port: 22, user: "jump" } }), /not a plain word/, host);
        }
        assert.throws(() => renderSshConfig({ ...settings, user: "ops`id`" }), /not a plain word/);
    });
});
