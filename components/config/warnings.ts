// Config that is legal but risky: said at plan time (`pulumi preview`, the offline plan's
// stderr) without stopping anything. Pure.
import { configKey } from "./parse";
import { profileOf, StackConfig } from "./schema";
import { coversEverything } from "../planning/subnets";

export interface ConfigWarning {
    /** The full key, e.g. `haplane:adminCidrs`. */
    key: string;
    message: string;
}

export function configWarnings(cfg: StackConfig): ConfigWarning[] {
    const warnings: ConfigWarning[] = [];
    for (const [i, cidr] of cfg.adminCidrs.entries()) {
        if (coversEverything(cidr)) {
            warnings.push({
                key: configKey(["adminCidrs", i]),
                message: `${cidr} lets every address on the internet try SSH (port ${cfg.ssh.port}) on the nodes; list your admin networks, or a bastion's address with ssh.bastion`,
            });
        }
    }
    for (const problem of profileOf(cfg).warnings(cfg)) warnings.push({ key: configKey(problem.path), message: problem.message });
    return warnings;
}

/** `haplane:<key>: <message>`, the form warnings are printed in. */
export function formatWarning(w: ConfigWarning): string {
    return `${w.key}: ${w.message}`;
}
