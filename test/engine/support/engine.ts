// The engine tests' projects, the Pulumi CLI driver they share with the lab, and what the
// stand-ins recorded.
import * as fs from "fs";
import * as path from "path";

export { EngineStack, MAIN_PROJECT_DIR, StepOps } from "../../../scripts/pulumiStack";
/** The stand-in project (test/engine/project). */
export const PROJECT_DIR = path.resolve(__dirname, "..", "project");

/** The stand-ins' event log: `<time> <event> <args...>` per line. */
export class EventLog {
    private mark = 0;
    constructor(readonly file: string) {}

    all(): string[] {
        if (!fs.existsSync(this.file)) return [];
        return fs.readFileSync(this.file, "utf8").split("\n").filter(Boolean).map((l) => l.replace(/^\S+ /, ""));
    }

    /** Events since the previous call. */
    sinceMark(): string[] {
        const events = this.all();
        const fresh = events.slice(this.mark);
        this.mark = events.length;
        return fresh;
    }
}
