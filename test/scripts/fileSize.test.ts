// One concern per file: no source file under components/ or scripts/ exceeds 300 lines, so a
// file that grows past it is split by concern before it lands (ARCHITECTURE.md).
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const LIMIT = 300;

describe("source file size", () => {
    it(`keeps every file under components/ and scripts/ at ${LIMIT} lines or fewer`, () => {
        const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "components", "scripts"], { cwd: root, encoding: "utf8" })
            .split("\n")
            .filter((f) => f && fs.existsSync(path.join(root, f)));
        assert.ok(files.length > 50, `found only ${files.length} files`);
        const long = files
            .map((f) => ({ f, lines: fs.readFileSync(path.join(root, f), "utf8").split("\n").length - 1 }))
            .filter(({ lines }) => lines > LIMIT)
            .map(({ f, lines }) => `${f} (${lines} lines)`);
        assert.deepEqual(long, [], "split these by concern");
    });
});
