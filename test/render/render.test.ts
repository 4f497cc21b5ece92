import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { renderCloudInit } from "../../components/render/cloudInit";
import { localScriptPath, NodeScript, scriptCommand, scriptPath, shellQuote } from "../../components/render/commands";
import { apiServerSans, renderInitConfig, renderJoinConfig } from "../../components/render/kubeadm";
import { baseConfig } from "../support/stacks";
import { requireTool } from "../support/tools";

const config = parseStackConfig(baseConfig());
const node = { name: "cp-b-1", zone: "europe-west1-b", internalIp: "10.128.0.2", extraAddresses: ["198.18.0.7"] };
const docs = (yaml: string) => YAML.parseAllDocuments(yaml).map((d) => d.toJSON());

describe("kubeadm configuration", () => {
    const [init, cluster] = docs(renderInitConfig(config, "198.18.0.1", node));

    it("uses the endpoint's DNS name as controlPlaneEndpoint and names everything in the SANs", () => {
        assert.equal(init.kind, "InitConfiguration");
        assert.equal(cluster.controlPlaneEndpoint, "api.prod.example.com:6443");
        assert.deepEqual(cluster.apiServer.certSANs, ["198.18.0.1", "api.prod.example.com", "10.128.0.2", "198.18.0.7"]);
        assert.deepEqual(apiServerSans(config, "198.18.0.1", node), cluster.apiServer.certSANs);
    });

    it("uses the address when there is no DNS name", () => {
        const noDns = parseStackConfig({ ...baseConfig(), endpoint: { port: 443 } });
        const [, c] = docs(renderInitConfig(noDns, "198.18.0.1", node));
        assert.equal(c.controlPlaneEndpoint, "198.18.0.1:443");
    });

    it("sets the API server identity gate, and no lease timing flag (kube-apiserver 1.31+ has none)", () => {
        const flags = Object.fromEntries(cluster.apiServer.extraArgs.map((a: { name: string; value: string }) => [a.name, a.value]));
        assert.equal(flags["feature-gates"], "APIServerIdentity=true");
        assert.deepEqual(Object.keys(flags).filter((f) => f.startsWith("identity-lease")), []);
        const off = parseStackConfig({ ...baseConfig(), apiServerIdentity: { enabled: false } });
        const [, c] = docs(renderInitConfig(off, "198.18.0.1", node));
        assert.deepEqual(c.apiServer.extraArgs, [{ name: "feature-gates", value: "APIServerIdentity=false" }]);
    });

    it("makes leader election explicit for controller-manager and scheduler", () => {
        for (const component of [cluster.controllerManager, cluster.scheduler]) {
            const flags = Object.fromEntries(component.extraArgs.map((a: { name: string; value: string }) => [a.name, a.value]));
            assert.equal(flags["leader-elect"], "true");
            assert.equal(flags["leader-elect-resource-lock"], "leases");
        }
    });

    it("renders a control-plane JoinConfiguration with the ticket", () => {
        const [join] = docs(renderJoinConfig(config, "198.18.0.1", node, { token: "abcdef.0123456789abcdef", caCertHash: "sha256:aa", certificateKey: "bb" }));
        assert.equal(join.kind, "JoinConfiguration");
        assert.equal(join.discovery.bootstrapToken.apiServerEndpoint, "api.prod.example.com:6443");
        assert.deepEqual(join.discovery.bootstrapToken.caCertHashes, ["sha256:aa"]);
        assert.equal(join.controlPlane.certificateKey, "bb");
        assert.equal(join.controlPlane.localAPIEndpoint.advertiseAddress, "10.128.0.2");
    });
});

describe("cloud-init", () => {
    const text = renderCloudInit({ kubernetesVersion: "1.32.4", sshUser: "ops", sshPublicKey: "ssh-ed25519 AAAA test" });
    it("is a #cloud-config document that pins kubeadm to the cluster version", () => {
        assert.ok(text.startsWith("#cloud-config\n"));
        const doc = YAML.parse(text);
        assert.ok(doc.runcmd.some((c: string[]) => c.includes("kubeadm=1.32.4-*")));
        assert.ok(doc.write_files.some((f: { content: string }) => f.content.includes("core:/stable:/v1.32/deb/")));
        assert.deepEqual(doc.users[1].ssh_authorized_keys, ["ssh-ed25519 AAAA test"]);
    });
    it("passes cloud-init's own schema check when cloud-init is installed", function () {
        requireTool(this, "cloud-init");
        const fs = require("fs") as typeof import("fs");
        const os = require("os") as typeof import("os");
        const file = `${fs.mkdtempSync(`${os.tmpdir()}/haplane-cloud-init-`)}/user-data.yaml`;
        fs.writeFileSync(file, text);
        const r = spawnSync("cloud-init", ["schema", "-c", file], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stdout + r.stderr);
    });
});

describe("node scripts", () => {
    // Every script file, so a new one cannot slip past shellcheck.
    const dir = path.dirname(scriptPath("member"));
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".sh")).map((f) => path.join(dir, f));
    it("finds every script the code runs", () => {
        const used: NodeScript[] = ["member", "join-ticket", "membership", "etcd-certs", "etcd-member", "host-prepare", "host-release", "vip-apply", "vip-handover", "lb-apply"];
        for (const file of [...used.map(scriptPath), localScriptPath("leave")]) assert.ok(files.includes(file), file);
    });
    for (const file of files) {
        it(`${file.split("/").pop()} passes shellcheck`, function () {
            requireTool(this, "shellcheck");
            const r = spawnSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stdout + r.stderr);
        });
    }

    it("quotes arguments so that bash receives them unchanged", () => {
        const tricky = ["it's", '"$HOME"', "a b", "!x", "\\n", ""];
        const r = spawnSync("bash", ["-c", `printf '%s\\n' ${tricky.map(shellQuote).join(" ")}`], { encoding: "utf8" });
        assert.equal(r.stdout, tricky.map((t) => `${t}\n`).join(""));
    });

    it("runs the whole script text through sudo bash -c with its arguments", () => {
        const cmd = scriptCommand("membership", ["remove", "stacked", "cp-b-1"]);
        // Drop `sudo` and print what bash would run instead of running it.
        const r = spawnSync("bash", ["-c", cmd.replace(/^'sudo' 'bash' '-c' /, "echo-args() { printf '%s|' \"$@\"; }; echo-args ")], {
            encoding: "utf8",
        });
        assert.match(r.stdout, /^#!\/usr\/bin\/env bash\n# Membership changes made on a surviving peer/);
        assert.match(r.stdout, /\|membership\|remove\|stacked\|cp-b-1\|$/);
    });
});
