// The GCE stack: the `gce` section (project, region, network, image, machine type). Pure: no
// Pulumi imports.
import { z } from "zod";
import { grammarString } from "../../config/grammar";
import { platformProfile } from "../../config/profile";
import { checkCloudRules } from "../../config/rules";
import { missingSection, platformStack } from "../../config/sections";
import type { GceStackConfig } from "../../config/schema";

const gceSection = z.strictObject(
    {
        project: grammarString("gceProject"),
        region: grammarString("gceRegion"),
        network: grammarString("gceNetwork").default("default"),
        subnetwork: grammarString("gceNetwork").optional(),
        image: grammarString("gceImage").default("ubuntu-os-cloud/ubuntu-2404-lts-amd64"),
        /** The control-plane instances' machine type. */
        machineType: grammarString("machineType").default("e2-standard-4"),
    },
    missingSection("is required when platform is gce (project and region)"),
);

export const gceStack = platformStack("gce", { gce: gceSection });

export const gceProfile = platformProfile<GceStackConfig>({
    name: "gce",
    // `europe-west1-b` is in `europe-west1`.
    regionOfZone: (zone) => /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(zone)?.[1],
    region: (cfg) => cfg.gce.region,
    check: (cfg) => checkCloudRules(cfg, { endpointAddress: "refused" }),
});
