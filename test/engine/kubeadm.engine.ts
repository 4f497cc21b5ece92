// The real kubeadm (built by scripts/toolchain.sh at the cluster's minor version) reads the
// kubeadm configuration haplane renders: `kubeadm config validate` loads it the way `kubeadm
// init` and `kubeadm join` do (strict decoding, defaulting, validation), and `kubeadm init
// phase certs` signs the API server certificate from it in a temporary directory.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { X509Certificate } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { StackConfig } from "../../components/config/schema";
import { JoinTicket, KubeadmNode, renderInitConfig, renderJoinConfig } from "../../components/render/kubeadm";
import { GCE_ENDPOINT, GCE_NODE, gce, NO_DNS, NO_IDENTITY, ONPREM_DNS, ONPREM_NODE, onprem, RENDER_CASES, VIP } from "./support/configs";
import { requireTool } from "../support/tools";

/** A ticket in the formats kubeadm checks: token [a-z0-9]{6}.[a-z0-9]{16}, sha256 pin, 32-byte hex key. */
const TICKET: JoinTicket = {
    token: "abcdef.0123456789abcdef",
    caCertHash: `sha256:${"0123456789abcdef".repeat(4)}`,
    certificateKey: "fedcba9876543210".repeat(4),
};

interface Run {
    status: number | null;
    output: string;
}

function kubeadm(args: string[]): Run {
    const r = spawnSync("kubeadm", args, { encoding: "utf8", timeout: 60_000 });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Lines kubeadm logs at warning level or above (klog's W/E/F prefixes, or its own [WARNING ...]). */
function warnings(output: string): string[] {
    return output.split("\n").filter((l) => /^[WEF]\d{4} /.test(l) || /\[WARNING/i.test(l));
}

describe("engine: kubeadm reads the configuration haplane renders", function () {
    this.timeout(5 * 60 * 1000);
    let dir: string;

    before(function () {
        requireTool(this, "kubeadm");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-kubeadm-"));
    });
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    let files = 0;
    function write(text: string): string {
        const file = path.join(dir, `config-${++files}.yaml`);
        fs.writeFileSync(file, text, { mode: 0o600 });
        return file;
    }

    /** `kubeadm config validate` must accept the file, without a warning. */
    function accepts(text: string): void {
        const r = kubeadm(["config", "validate", "--config", write(text)]);
        assert.equal(r.status, 0, `kubeadm config validate rejected:\n${text}\n---\n${r.output}`);
        assert.deepEqual(warnings(r.output), [], `kubeadm warned about:\n${text}`);
    }

    /** `kubeadm config validate` must reject the file with a message matching `reason`. */
    function rejects(text: string, reason: RegExp): void {
        const r = kubeadm(["config", "validate", "--config", write(text)]);
        assert.notEqual(r.status, 0, `kubeadm config validate accepted a broken config:\n${text}\n---\n${r.output}`);
        assert.match(r.output, reason);
    }

    it("is the kubeadm of the cluster's minor version", () => {
        const r = kubeadm(["version", "-o", "short"]);
        assert.equal(r.status, 0, r.output);
        const minor = gce().kubernetesVersion.split(".").slice(0, 2).join(".");
        assert.match(r.output.trim(), new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`), "scripts/toolchain.sh builds kubeadm at the stacks' minor version");
    });

    for (const [label, config, endpoint, node] of RENDER_CASES) {
        it(`accepts the init configuration: ${label}`, () => accepts(renderInitConfig(config(), endpoint, node)));
        it(`accepts the control-plane join configuration: ${label}`, () => accepts(renderJoinConfig(config(), endpoint, node, TICKET)));
    }

    it("renders what the cases claim: on-prem shares the port, identity on and off", () => {
        const flags = (c: StackConfig) => {
            const cluster = YAML.parseAllDocuments(renderInitConfig(c, VIP, ONPREM_NODE)).map((d) => d.toJSON())[1];
            return Object.fromEntries(cluster.apiServer.extraArgs.map((a: { name: string; value: string }) => [a.name, a.value]));
        };
        assert.equal(flags(onprem())["permit-port-sharing"], "true");
        assert.equal(flags(onprem())["feature-gates"], "APIServerIdentity=true");
        assert.equal(flags(onprem(NO_IDENTITY))["feature-gates"], "APIServerIdentity=false");
        assert.equal(flags(gce())["permit-port-sharing"], undefined);
    });

    // The check can fail: the same documents, broken one way each.
    it("rejects an unknown field in ClusterConfiguration", () => {
        const text = renderInitConfig(gce(), GCE_ENDPOINT, GCE_NODE).replace("kind: ClusterConfiguration\n", "kind: ClusterConfiguration\napiServerr: {}\n");
        assert.ok(text.includes("apiServerr"));
        rejects(text, /unknown field "apiServerr"/);
    });

    it("rejects a join configuration with a malformed token", () => {
        rejects(renderJoinConfig(gce(), GCE_ENDPOINT, GCE_NODE, { ...TICKET, token: "not-a-token" }), /token/i);
    });

    it("rejects a join configuration with a malformed certificate key", () => {
        rejects(renderJoinConfig(gce(), GCE_ENDPOINT, GCE_NODE, { ...TICKET, certificateKey: "bb" }), /certificateKey|certificate key/i);
    });

    it("rejects an init configuration whose advertise address is not an IP", () => {
        rejects(renderInitConfig(gce(), GCE_ENDPOINT, { ...GCE_NODE, internalIp: "10.128.0" }), /"10.128.0" as "apiserver-advertise-address"/);
    });

    // `kubeadm init phase certs` writes only under certificatesDir (set here to a temporary
    // directory; --cert-dir cannot be combined with --config) and needs no cluster.
    for (const [label, config, endpoint, node, names] of [
        ["GCE with a DNS name", () => gce(), GCE_ENDPOINT, GCE_NODE, ["DNS:api.prod.example.com", "IP Address:198.18.0.1", "IP Address:10.128.0.2", "IP Address:198.18.0.7"]],
        ["on-prem", () => onprem(), VIP, ONPREM_NODE, [`IP Address:${VIP}`, "IP Address:198.18.0.12"]],
    ] as [string, () => StackConfig, string, KubeadmNode, string[]][]) {
        it(`signs an API server certificate for every name clients use: ${label}`, () => {
            const certs = fs.mkdtempSync(path.join(dir, "pki-"));
            const docs = YAML.parseAllDocuments(renderInitConfig(config(), endpoint, node));
            docs[1].set("certificatesDir", certs);
            const file = write(docs.map((d) => d.toString()).join(""));
            for (const phase of ["ca", "apiserver"]) {
                const r = kubeadm(["init", "phase", "certs", phase, "--config", file]);
                assert.equal(r.status, 0, `kubeadm init phase certs ${phase}:\n${r.output}`);
                assert.deepEqual(warnings(r.output), [], `kubeadm init phase certs ${phase} warned`);
            }
            const cert = new X509Certificate(fs.readFileSync(path.join(certs, "apiserver.crt")));
            const sans = (cert.subjectAltName ?? "").split(", ");
            for (const name of names) assert.ok(sans.includes(name), `${name} missing from the API server certificate's SANs: ${sans.join(", ")}`);
            assert.ok(cert.checkIssued(new X509Certificate(fs.readFileSync(path.join(certs, "ca.crt")))), "signed by the cluster CA");
        });
    }
});
