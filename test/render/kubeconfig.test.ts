// The stack's admin access from kubeadm's admin.conf: the server set to the endpoint, the CA
// and the credentials' expiry read from real certificates (made here with openssl).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { adminAccess } from "../../components/render/kubeconfig";
import { fakeAdminKubeconfig } from "../../scripts/offline/fakeKubeconfig";
import { requireTool } from "../support/tools";

function openssl(dir: string, ...args: string[]): void {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
}

/** A CA and a client certificate it issued for `days`, as base64 of their PEM. */
function pki(dir: string, name: string, days: number): { ca: string; client: string; notAfter: string } {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(dir, "req", "-x509", ...ec, "-keyout", `${name}-ca.key`, "-out", `${name}-ca.crt`, "-days", "30", "-subj", `/CN=${name}-ca`);
    openssl(dir, "req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", "/O=kubeadm:cluster-admins/CN=kubernetes-admin");
    openssl(dir, "x509", "-req", "-in", `${name}.csr`, "-CA", `${name}-ca.crt`, "-CAkey", `${name}-ca.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", String(days));
    const read = (f: string) => fs.readFileSync(path.join(dir, f));
    const end = spawnSync("openssl", ["x509", "-in", `${name}.crt`, "-noout", "-enddate"], { cwd: dir, encoding: "utf8" }).stdout.trim().replace("notAfter=", "");
    return { ca: read(`${name}-ca.crt`).toString("base64"), client: read(`${name}.crt`).toString("base64"), notAfter: new Date(end).toISOString() };
}

function adminConf(ca: string, client: string, extra: Record<string, unknown> = {}): string {
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server: "https://10.0.0.5:6443", "certificate-authority-data": ca } }],
        users: [{ name: "kubernetes-admin", user: { "client-certificate-data": client, "client-key-data": "a2V5" } }],
        contexts: [{ name: "kubernetes-admin@kubernetes", context: { cluster: "kubernetes", user: "kubernetes-admin" } }],
        "current-context": "kubernetes-admin@kubernetes",
        ...extra,
    });
}

describe("admin access from kubeadm's admin.conf", () => {
    let dir: string;
    let good: ReturnType<typeof pki>;
    let other: ReturnType<typeof pki>;
    before(function () {
        requireTool(this, "openssl");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-kubeconfig-"));
        good = pki(dir, "good", 365);
        other = pki(dir, "other", 365);
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    it("points the kubeconfig at the endpoint, keeps the credentials, and reads the CA and the expiry", () => {
        const a = adminAccess(adminConf(good.ca, good.client), "https://api.prod.example.com:6443", "cp-1's admin.conf");
        const doc = YAML.parse(a.kubeconfig);
        assert.equal(doc.clusters[0].cluster.server, "https://api.prod.example.com:6443", "never a node's own address");
        assert.equal(doc.users[0].user["client-certificate-data"], good.client);
        assert.equal(doc.users[0].user["client-key-data"], "a2V5");
        assert.equal(doc["current-context"], "kubernetes-admin@kubernetes");
        assert.equal(a.caCertificate, Buffer.from(good.ca, "base64").toString());
        assert.equal(a.expires, good.notAfter);
        assert.ok(Date.parse(a.expires) - Date.now() > 360 * 86400_000, a.expires);
    });

    it("refuses what is not kubeadm's admin.conf, naming where it came from", () => {
        const source = "cp-1's /etc/kubernetes/admin.conf";
        assert.throws(() => adminAccess("clusters: [", "https://x:6443", source), /cp-1's \/etc\/kubernetes\/admin.conf is not YAML/);
        const two = adminConf(good.ca, good.client, { clusters: [{ cluster: {} }, { cluster: {} }] });
        assert.throws(() => adminAccess(two, "https://x:6443", source), /has 2 clusters and 1 users; kubeadm writes one of each/);
        assert.throws(() => adminAccess(adminConf("", good.client), "https://x:6443", source), /has no certificate-authority-data/);
        assert.throws(() => adminAccess(adminConf(good.ca, Buffer.from("not a cert").toString("base64")), "https://x:6443", source), /client-certificate-data is not a certificate/);
        assert.throws(() => adminAccess(adminConf(other.ca, good.client), "https://x:6443", source), /client certificate is not issued by its cluster CA/);
    });

    it("reads the offline plan's stand-in kubeconfig, so plans show the outputs", () => {
        const a = adminAccess(fakeAdminKubeconfig(), "https://198.18.0.100:6443", "offline");
        assert.match(a.caCertificate, /^-----BEGIN CERTIFICATE-----/);
        assert.equal(a.expires.slice(0, 4), "2126");
    });
});
