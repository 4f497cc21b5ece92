// The platform a stack runs on, by its config name.
import { awsPlatform } from "./aws";
import { gcePlatform } from "./gce";
import { onpremPlatform } from "./onprem";
import { Platform } from "./types";

export function platformFor(name: string): Platform {
    switch (name) {
        case "gce":
            return gcePlatform;
        case "aws":
            return awsPlatform;
        case "onprem":
            return onpremPlatform;
        default:
            throw new Error(`haplane:platform: '${name}' is not available in this version (allowed: gce, aws, onprem)`);
    }
}
