// host-prepare.sh, run for real with stand-in commands on PATH: an etcd host refuses an etcd
// older than kubeadm accepts for the external topology, naming the host and the version.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scriptPath } from "../../components/render/commands";

function withEtcd(version: string): { status: number | null; stderr: string; stdout: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-prepare-"));
    try {
        // Every command the preinstalled check looks for; etcd reports the given version.
        for (const tool of ["jq", "etcdctl", "kubeadm"]) fs.writeFileSync(path.join(dir, tool), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "etcd"), `#!/bin/sh\necho "etcd Version: ${version}"\necho "Git SHA: x"\n`, { mode: 0o755 });
        const r = spawnSync("bash", [scriptPath("host-prepare"), "preinstalled", "1.32.5", "etcd", "real"], {
            encoding: "utf8",
            env: { PATH: `${dir}:/usr/bin:/bin` },
        });
        return { status: r.status, stderr: r.stderr, stdout: r.stdout };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

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
