// AWS stack config rules: every error names the full key.
import { strict as assert } from "assert";
import { parseStackConfig } from "../../components/config/parse";
import { createdSubnetCidr } from "../../components/platform/aws/configRules";
import { assignableInSubnet, zoneSubnetCidr } from "../../components/planning/subnets";
import { AWS_ZONES, awsConfig, awsInternalConfig, awsReplicas } from "../support/awsStacks";
import { rejects } from "../support/configErrors";

const withAws = (extra: Record<string, unknown>, replicas?: unknown) => {
    const config = awsConfig(replicas);
    config.aws = { region: "eu-west-1", ...extra };
    return config;
};

describe("AWS stack config validation", () => {
    it("accepts an AWS stack and applies the defaults", () => {
        const cfg = parseStackConfig(awsConfig());
        assert.equal(cfg.platform, "aws");
        assert.equal((cfg.platform === "aws" ? cfg.aws : undefined)?.instanceType, "m6i.large");
        assert.equal((cfg.platform === "aws" ? cfg.aws : undefined)?.image.owners[0], "099720109477");
        assert.doesNotThrow(() => parseStackConfig(withAws({ vpcId: "vpc-0123456789abcdef0", subnets: { "eu-west-1a": "subnet-0aaaaaaaaaaaaaaaa", "eu-west-1b": "subnet-0bbbbbbbbbbbbbbbb", "eu-west-1c": "subnet-0cccccccccccccccc" } })));
    });

    it("spreads a count over the zones, naming replicas by zone letter", () => {
        const config = awsConfig();
        config.controlPlane = { replicas: 5, zones: AWS_ZONES };
        const cfg = parseStackConfig(config);
        assert.deepEqual(cfg.placement.map((r) => r.name), ["cp-a-1", "cp-b-1", "cp-c-1", "cp-a-2", "cp-b-2"]);
    });

    it("rejects zones from two regions, naming the key", () => {
        rejects(awsConfig([{ name: "a", zone: "eu-west-1a" }, { name: "b", zone: "eu-west-1b" }, { name: "c", zone: "us-east-1a" }]), "haplane:controlPlane.replicas", /us-east-1a/, /region us-east-1/, /eu-west-1/);
        const counted = awsConfig();
        counted.controlPlane = { replicas: 3, zones: ["eu-west-1a", "eu-west-1b", "eu-central-1a"] };
        rejects(counted, "haplane:controlPlane.zones", /eu-central-1a/);
        rejects(withAws({ zones: [...AWS_ZONES, "eu-central-1b"] }), "haplane:aws.zones", /eu-central-1b/, /region eu-central-1/);
        rejects(withAws({ vpcId: "vpc-0123456789abcdef0", subnets: { "us-east-1a": "subnet-0aaaaaaaaaaaaaaaa" } }), "haplane:aws.subnets", /us-east-1a/);
    });

    it("needs a subnet in every replica's zone", () => {
        rejects(withAws({ zones: AWS_ZONES.slice(0, 2) }), "haplane:aws.zones", /no subnet for zone eu-west-1c, where replica c runs/);
        rejects(withAws({ vpcId: "vpc-0123456789abcdef0", subnets: { "eu-west-1a": "subnet-0aaaaaaaaaaaaaaaa" } }), "haplane:aws.subnets", /eu-west-1b/);
    });

    it("pairs aws.vpcId with aws.subnets, and keeps created-VPC keys apart", () => {
        rejects(withAws({ vpcId: "vpc-0123456789abcdef0" }), "haplane:aws.subnets", /is required with aws.vpcId/);
        rejects(withAws({ subnets: { "eu-west-1a": "subnet-0aaaaaaaaaaaaaaaa" } }), "haplane:aws.vpcId", /is required/);
        rejects(withAws({ vpcId: "vpc-0123456789abcdef0", subnets: { "eu-west-1a": "subnet-0aaaaaaaaaaaaaaaa" }, vpcCidr: "10.1.0.0/16" }, awsReplicas(["a"])), "haplane:aws.vpcCidr", /creates/);
        rejects(withAws({ vpcCidr: "10.1.0.0/26" }), "haplane:aws.vpcCidr", /\/16 to \/24/);
        rejects(withAws({ vpcId: "vpc-1" }), "haplane:aws.vpcId", /vpc-0123456789abcdef0/);
    });

    it("requires the aws section and a region, and keeps it off other platforms", () => {
        const none = awsConfig();
        delete none.aws;
        rejects(none, "haplane:aws", /is required when platform is aws/);
        rejects(withAws({ region: "Ireland" }), "haplane:aws.region", /eu-west-1/);
        const gce = awsConfig();
        gce.platform = "gce";
        gce.gce = { project: "prod-project", region: "europe-west1" };
        gce.controlPlane = { replicas: [{ name: "a", zone: "europe-west1-b" }] };
        rejects(gce, "haplane:aws", /platform aws only/);
    });

    it("keeps etcd stacked and kubeadm real on aws", () => {
        const external = awsConfig();
        external.etcd = { topology: "external" };
        rejects(external, "haplane:etcd.topology", /onprem only/);
        const dry = awsConfig();
        dry.kubeadm = { dryRun: true };
        rejects(dry, "haplane:kubeadm.dryRun", /on-prem labs only/);
    });

    it("takes the Route53 hosted zone id for DNS", () => {
        const config = awsConfig();
        config.endpoint = { dns: { managedZone: "example-com", name: "api.prod.example.com" } };
        rejects(config, "haplane:endpoint.dns.managedZone", /Route53 hosted zone id/);
    });

    it("needs an internal endpoint's address in the first zone's subnet, and only there", () => {
        assert.doesNotThrow(() => parseStackConfig(awsInternalConfig(["a", "b", "c"])));
        const missing = awsInternalConfig(["a"]);
        (missing.endpoint as Record<string, unknown>).address = undefined;
        rejects(missing, "haplane:endpoint.address", /is required on aws with endpoint.internal/, /eu-west-1a/);
        const outside = awsInternalConfig(["a"]);
        (outside.endpoint as Record<string, unknown>).address = "10.0.16.10";
        rejects(outside, "haplane:endpoint.address", /10\.0\.0\.0\/20/);
        const reserved = awsInternalConfig(["a"]);
        (reserved.endpoint as Record<string, unknown>).address = "10.0.0.1";
        rejects(reserved, "haplane:endpoint.address", /not an assignable address/);
        const elsewhere = awsInternalConfig(["b"]);
        elsewhere.controlPlane = { replicas: [{ name: "b", zone: "eu-west-1b" }] };
        rejects(elsewhere, "haplane:controlPlane.replicas", /must run in eu-west-1a/);
        const publicWithAddress = awsConfig();
        publicWithAddress.endpoint = { address: "10.0.0.10" };
        rejects(publicWithAddress, "haplane:endpoint.address", /internal endpoint/);
    });

    it("carves created subnets by zone letter, so zones never renumber", () => {
        assert.equal(createdSubnetCidr("10.0.0.0/16", "eu-west-1a"), "10.0.0.0/20");
        assert.equal(createdSubnetCidr("10.0.0.0/16", "eu-west-1c"), "10.0.32.0/20");
        assert.equal(zoneSubnetCidr("10.42.0.0/24", 15), "10.42.0.240/28");
        assert.ok(assignableInSubnet("10.0.0.0/20", "10.0.0.4"));
        assert.ok(!assignableInSubnet("10.0.0.0/20", "10.0.0.3"));
        assert.ok(!assignableInSubnet("10.0.0.0/20", "10.0.15.255"));
    });
});
