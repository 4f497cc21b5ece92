// The platform a stack runs on, by its config name.
import { gcePlatform } from "./gce";
import { Platform } from "./types";

export function platformFor(name: string): Platform {
    switch (name) {
        case "gce":
            return gcePlatform;
        default:
            throw new Error(`haplane:platform: '${name}' is not available in this version (allowed: gce)`);
    }
}
