// The platform a stack runs on, by its config name. Each platform is loaded only when a stack
// uses it: a cloud provider SDK takes about a second to load, and on-prem needs none.
import { Platform } from "./types";

export function platformFor(name: string): Platform {
    switch (name) {
        case "gce":
            return (require("./gce") as typeof import("./gce")).gcePlatform;
        case "aws":
            return (require("./aws") as typeof import("./aws")).awsPlatform;
        case "onprem":
            return (require("./onprem") as typeof import("./onprem")).onpremPlatform;
        default:
            throw new Error(`haplane:platform: '${name}' is not available in this version (allowed: gce, aws, onprem)`);
    }
}
