// Shared by the keepalived tests (test/render/keepalived.test.ts) and its node scripts' tests
// (test/render/keepalivedScripts.test.ts): where the scripts are, the VIP, and one scratch
// directory, removed after the run.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const SCRIPTS = path.join(__dirname, "../../components/render/scripts");
export const VIP = "10.20.0.100";

export const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-keepalived-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
