// The AWS stack: the `aws` section (region, an existing or created VPC, image, instance type).
// Pure: no Pulumi imports.
import { z } from "zod";
import { grammarString } from "../../config/grammar";
import { platformProfile } from "../../config/profile";
import { checkCloudRules } from "../../config/rules";
import { cidr, failureDomain, missingSection, platformStack } from "../../config/sections";
import type { AwsStackConfig } from "../../config/schema";
import { AWS_ZONES, checkAwsRules } from "./configRules";

const awsId = (prefix: string, example: string) =>
    z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), `must be an AWS id such as ${example}`);

/**
 * An AMI owner: YAML reads an unquoted account id (`owners: [099720109477]`) as a number and
 * drops its leading zero, so a whole number is taken as the 12-digit id it spells.
 */
const amiOwner = z.union([
    grammarString("amiOwner"),
    z
        .number()
        .int("must be an AWS account id: 12 digits, a whole number when written without quotes")
        .min(0)
        .max(999_999_999_999, "must be an AWS account id of 12 digits")
        .transform((n) => String(n).padStart(12, "0")),
]);

const awsSection = z.strictObject(
    {
        region: grammarString("awsRegion"),
        /** An existing VPC; without it haplane creates one (`vpcCidr`) with a public subnet per zone. */
        vpcId: awsId("vpc", "vpc-0123456789abcdef0").optional(),
        /** Existing VPC: availability zone -> subnet id, one per zone; the first carries the endpoint. */
        subnets: z.record(failureDomain, awsId("subnet", "subnet-0123456789abcdef0")).optional(),
        /** Created VPC: its CIDR (default 10.0.0.0/16), split into one subnet per zone. */
        vpcCidr: cidr
            .refine((c) => {
                const bits = Number(c.split("/")[1]);
                return bits >= 16 && bits <= 24;
            }, "must be a /16 to /24 (AWS allows /16 at most; haplane splits it into sixteen zone subnets)")
            .optional(),
        /** Created VPC: its availability zones (default: the replicas' zones in join order). */
        zones: z.array(failureDomain).min(1).optional(),
        /** A fixed AMI; otherwise the newest image matching `image` when a machine is created. */
        ami: awsId("ami", "ami-0123456789abcdef0").optional(),
        image: z
            .strictObject({
                owners: z.array(amiOwner).min(1).default(["099720109477"]),
                name: grammarString("amiNameFilter").default("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"),
                architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
            })
            .prefault({}),
        instanceType: grammarString("ec2InstanceType").default("m6i.large"),
        /** Optional EC2 key pair for the image's default user (haplane itself uses ssh.user). */
        keyName: grammarString("ec2KeyName").optional(),
    },
    missingSection("is required when platform is aws (at least the region)"),
);

export const awsStack = platformStack("aws", { aws: awsSection });

export const awsProfile = platformProfile<AwsStackConfig>({
    ...AWS_ZONES,
    region: (cfg) => cfg.aws.region,
    // An internal endpoint names its private address: checked with the network (checkPlaced).
    check: (cfg) => checkCloudRules(cfg, { endpointAddress: "own rules" }),
    checkPlaced: (cfg, replicas) => checkAwsRules(cfg, replicas),
});
