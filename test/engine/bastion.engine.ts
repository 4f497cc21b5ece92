// A removal through a bastion, for real: leave.sh runs OpenSSH with the rendered ssh_config,
// which reaches the node through the bastion (ProxyJump to an alias, the same key on both
// hops). With the bastion down the removal fails within its bounded attempts, although the
// node itself is up: the connection did go through the bastion.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { localScriptPath } from "../../components/render/commands";
import { renderSshConfig } from "../../components/render/sshConfig";
import { SSH_PORT, StandinHosts } from "./support/hosts";

describe("engine: a removal through a bastion (leave.sh, real OpenSSH)", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-bastion-"));
    const hosts = new StandinHosts(dir, { bastion: "127.0.1.50", node: "127.0.1.51" });
    const marker = path.join(dir, "ran-on-node");

    before(() => hosts.startAll());
    after(async () => {
        await hosts.stopAll();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    function leave(): ReturnType<typeof spawnSync> {
        const env = {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            MEMBER: "cp-x",
            HOSTS: "127.0.1.51",
            SSH_KEY: fs.readFileSync(hosts.clientKey, "utf8").trim(),
            SSH_CONFIG: renderSshConfig({ user: "root", port: SSH_PORT, connectTimeoutSeconds: 2, connectionAttempts: 1, bastion: { host: "127.0.1.50", port: SSH_PORT, user: "root" } }),
            CONNECT_TIMEOUT: "2",
            CONNECT_ATTEMPTS: "1",
            REMOTE_COMMAND: `echo "$SSH_CONNECTION" > ${marker}`,
        };
        return spawnSync("bash", [localScriptPath("leave"), "remove"], { env, encoding: "utf8", timeout: 60_000 });
    }

    it("runs the command on the node through the bastion", () => {
        const r = leave();
        assert.equal(r.status, 0, String(r.stderr));
        // SSH_CONNECTION: client address, client port, server address, server port.
        const [, , server] = fs.readFileSync(marker, "utf8").trim().split(" ");
        assert.equal(server, "127.0.1.51", "the command ran on the node");
    });

    it("fails within its bounded attempts when the bastion is down, although the node is up", async () => {
        fs.rmSync(marker, { force: true });
        await hosts.stop("bastion");
        const started = Date.now();
        const r = leave();
        assert.equal(r.status, 255, String(r.stderr));
        assert.match(String(r.stderr), /could not reach cp-x's sponsor 127\.0\.1\.51 over SSH \(1 attempts of 2s\)/);
        assert.ok(Date.now() - started < 30_000, "bounded");
        assert.ok(!fs.existsSync(marker), "nothing ran on the node");
    });
});
