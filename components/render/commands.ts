// Command lines for the node scripts. The scripts are static files next to this one, so
// shellcheck validates exactly what runs on the nodes; arguments are single-quoted.
import * as fs from "fs";
import * as path from "path";

export type NodeScript = "member" | "join-ticket" | "member-check" | "member-remove";

export function scriptPath(script: NodeScript): string {
    return path.join(__dirname, "scripts", `${script}.sh`);
}

export function scriptText(script: NodeScript): string {
    return fs.readFileSync(scriptPath(script), "utf8");
}

/** POSIX single quoting: the only character to treat is the single quote itself. */
export function shellQuote(arg: string): string {
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `sudo bash -c '<script>' <script name> <args...>`: runs a script without copying files first. */
export function scriptCommand(script: NodeScript, args: string[] = []): string {
    return ["sudo", "bash", "-c", scriptText(script), script, ...args].map(shellQuote).join(" ");
}
