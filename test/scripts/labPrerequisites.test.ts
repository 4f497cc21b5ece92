// The lab's prerequisites: CI installs every package they name, and a missing command is one
// clear line naming it and its package.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatMissing, LAB_PREREQUISITES, missingPrerequisites } from "../../scripts/lab/prerequisites";

const REPO = path.join(__dirname, "..", "..");

/** The package names of .ci/run's `apt-get install` command (continuation lines joined). */
function ciPackages(): Set<string> {
    const text = fs.readFileSync(path.join(REPO, ".ci", "run"), "utf8").replace(/\\\n/g, " ");
    const line = text.split("\n").find((l) => /^\s*apt-get install /.test(l));
    assert.ok(line, ".ci/run has an apt-get install line");
    return new Set(line.replace(/>.*$/, "").split(/\s+/).filter((w) => w && !w.startsWith("-") && w !== "apt-get" && w !== "install"));
}

describe("lab prerequisites", () => {
    it("are each installed by .ci/run", () => {
        const installed = ciPackages();
        const absent = LAB_PREREQUISITES.filter((p) => !installed.has(p.debianPackage)).map((p) => `${p.command} (${p.debianPackage})`);
        assert.deepEqual(absent, [], ".ci/run installs the package of every lab prerequisite");
        assert.ok(installed.has("sudo"), "every node command runs through sudo");
    });

    it("name each command once, with a package", () => {
        const names = LAB_PREREQUISITES.map((p) => p.command);
        assert.equal(new Set(names).size, names.length);
        for (const p of LAB_PREREQUISITES) assert.match(p.debianPackage, /^[a-z0-9][a-z0-9.+-]+$/, p.command);
    });

    it("find what the hosts' PATH lacks, and say it in one line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-prereq-"));
        try {
            for (const p of LAB_PREREQUISITES.filter((p) => p.command !== "sudo" && p.command !== "socat")) {
                fs.writeFileSync(path.join(dir, p.command), "#!/bin/sh\n", { mode: 0o755 });
            }
            fs.writeFileSync(path.join(dir, "socat"), "not executable\n", { mode: 0o644 });
            const missing = missingPrerequisites(dir);
            assert.deepEqual(missing.map((p) => p.command), ["sudo", "socat"]);
            const line = formatMissing(missing);
            assert.doesNotMatch(line, /\n/);
            assert.match(line, /sudo \(Debian package sudo\)/);
            assert.match(line, /socat \(Debian package socat\)/);
            assert.match(line, /apt-get install -y sudo socat$/);
            assert.deepEqual(missingPrerequisites(`${dir}:/nonexistent`).map((p) => p.command), ["sudo", "socat"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("are checked before `lab up` touches anything (exit 1, one line naming the command)", function () {
        // `lab up` needs root; as root, hide sudo from the CLI in a mount namespace of its own
        // (a character device over /usr/bin/sudo is no executable file), unless it is absent anyway.
        if (process.getuid?.() !== 0) this.skip();
        const cli = [process.execPath, "-r", "ts-node/register/transpile-only", path.join(REPO, "scripts", "lab", "main.ts"), "up", "1"];
        const hide = fs.existsSync("/usr/bin/sudo") ? "mount --bind /dev/null /usr/bin/sudo && " : "";
        const r = spawnSync("unshare", ["--mount", "--propagation", "private", "bash", "-c", `${hide}exec "$@"`, "lab-up", ...cli], {
            cwd: REPO,
            encoding: "utf8",
        });
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stdout, "", "nothing was started");
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(r.stderr, /^haplane: the lab needs (.*, )?sudo \(Debian package sudo\)/);
    });
});
