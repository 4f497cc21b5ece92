// actionlint (built by scripts/toolchain.sh) on every workflow, with shellcheck on their `run`
// scripts. Skips without actionlint, except under CI (or HAPLANE_REQUIRE_TOOLS=1).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { requireTool } from "../support/tools";
import { ROOT, WORKFLOWS, workflowFiles } from "../support/workflows";

const toolchainBin = path.join(process.env.HAPLANE_TOOLCHAIN_DIR ?? path.join(os.homedir(), ".cache", "haplane-toolchain"), "bin");
const env = { ...process.env, PATH: `${toolchainBin}${path.delimiter}${process.env.PATH}` };
const actionlint = (...args: string[]) => spawnSync("actionlint", ["-no-color", "-oneline", ...args], { cwd: ROOT, encoding: "utf8", env });

describe("actionlint", function () {
    before(function () {
        process.env.PATH = env.PATH;
        requireTool(this as unknown as Mocha.Context, "actionlint");
        // Without shellcheck, actionlint silently skips the `run` scripts.
        requireTool(this as unknown as Mocha.Context, "shellcheck");
    });

    it("is the pinned version", () => {
        const toolchain = fs.readFileSync(path.join(ROOT, "scripts/toolchain/versions.sh"), "utf8");
        const pinned = /^ACTIONLINT_VERSION=(\S+)$/m.exec(toolchain)?.[1];
        assert.equal(actionlint("-version").stdout.split("\n")[0], pinned);
    });

    it("accepts every workflow, shellcheck included", () => {
        const files = workflowFiles().map((f) => path.join(WORKFLOWS, f));
        assert.ok(files.length >= 2);
        const r = actionlint(...files);
        assert.equal(r.status, 0, r.stdout + r.stderr);
    });

    it("rejects a broken workflow (so the check above can fail)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-actionlint-"));
        const broken = fs.readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8")
            .replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: nowhere")
            .replace('"$RUNNER_TEMP/plan-diff"', "$RUNNER_TEMP/plan-diff");
        const file = path.join(dir, "preview.yml");
        fs.writeFileSync(file, broken);
        const r = actionlint(file);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /job "preview" needs job "nowhere" which does not exist/);
        assert.match(r.stdout, /shellcheck reported issue in this script: SC2086/);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
