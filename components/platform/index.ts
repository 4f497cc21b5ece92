// The platform a stack runs on, by its config name.
import { gcePlatform } from "./gce";
import { onpremPlatform } from "./onprem";
import { Platform } from "./types";

export function platformFor(name: string): Platform {
    switch (name) {
        case "gce":
            return gcePlatform;
        case "onprem":
            return onpremPlatform;
        default:
            throw new Error(`haplane:platform: '${name}' is not available in this version (allowed: gce, onprem)`);
    }
}
