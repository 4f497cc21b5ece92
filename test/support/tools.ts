// Real clients that validate what we render. .ci/run installs them and runs with CI set
// (or set HAPLANE_REQUIRE_TOOLS=1): there a missing tool fails the test instead of skipping it.
import { spawnSync } from "child_process";

export function hasTool(name: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}

/** Skips the calling test when `name` is absent, unless tools are required. */
export function requireTool(ctx: Mocha.Context, name: string): void {
    if (hasTool(name)) return;
    if (process.env.HAPLANE_REQUIRE_TOOLS === "1" || process.env.CI) throw new Error(`${name} is required (CI or HAPLANE_REQUIRE_TOOLS=1) but not installed`);
    ctx.skip();
}
