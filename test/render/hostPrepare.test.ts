// host-prepare.sh, run for real with stand-in commands on PATH: an etcd host refuses an etcd
// older than kubeadm accepts for the external topology, naming the host and the version; a
// control-plane host names the tools its roles need that it lacks.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scriptPath } from "../../components/render/commands";

type Run = { status: number | null; stderr: string; stdout: string };

// What the script itself runs besides the tools it checks for.
const BASE_TOOLS = ["hostname", "sed", "sort", "head"];

/**
 * host-prepare.sh in preinstalled mode with nothing on PATH but `tools` (stand-ins), a stand-in
 * etcd reporting `etcdVersion`, and the base tools, so a tool left out is really missing.
 */
function prepare(tools: string[], roles: string, etcdVersion = "3.5.16"): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-prepare-"));
    try {
        for (const tool of tools) fs.writeFileSync(path.join(dir, tool), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "etcd"), `#!/bin/sh\necho "etcd Version: ${etcdVersion}"\necho "Git SHA: x"\n`, { mode: 0o755 });
        for (const tool of BASE_TOOLS) fs.symlinkSync(`/usr/bin/${tool}`, path.join(dir, tool));
        const r = spawnSync("/bin/bash", [scriptPath("host-prepare"), "preinstalled", "1.32.5", roles, "dry-run"], {
            encoding: "utf8",
            env: { PATH: dir },
        });
        return { status: r.status, stderr: r.stderr, stdout: r.stdout };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** An external etcd host whose etcd reports `version`. */
const withEtcd = (version: string) => prepare(["jq", "etcdctl", "kubeadm"], "etcd", version);

describe("host-prepare.sh on an external etcd host", () => {
    it("refuses etcd older than 3.5.11 (kubeadm 1.31+ does), naming the host and the version", () => {
        const r = withEtcd("3.4.23");
        assert.equal(r.status, 1, r.stdout);
        assert.match(r.stderr, /has etcd 3\.4\.23; kubeadm needs external etcd 3\.5\.11 or newer/);
    });
    it("accepts etcd 3.5.11 and later", () => {
        for (const v of ["3.5.11", "3.5.16", "3.6.0"]) {
            const r = withEtcd(v);
            assert.equal(r.status, 0, `${v}: ${r.stderr}`);
            assert.match(r.stdout, /is prepared as etcd/);
        }
    });
});

describe("host-prepare.sh on a control-plane host", () => {
    const tools = ["jq", "etcdctl", "kubeadm", "keepalived", "haproxy", "curl", "arping"];
    it("checks for arping, which the VIP handover announces with, naming what is missing", () => {
        const r = prepare(tools.filter((t) => t !== "arping"), "control-plane");
        assert.equal(r.status, 1, r.stdout);
        assert.match(r.stderr, /lacks arping for its roles \(control-plane;/);
        assert.equal(prepare(tools, "control-plane").status, 0);
    });
});
