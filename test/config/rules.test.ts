import { strict as assert } from "assert";
import { parseStackConfig } from "../../components/config/parse";
import { baseConfig, plan, withReplicas, ZONES } from "../support/stacks";
import { rejects } from "../support/configErrors";

describe("stack config validation", () => {
    it("accepts the base config and applies defaults", () => {
        const cfg = parseStackConfig(baseConfig());
        assert.equal(cfg.endpoint.port, 6443);
        assert.equal(cfg.etcd.topology, "stacked");
        assert.equal(cfg.apiServerIdentity.enabled, true);
        // The fixed identity lease timing may still be stated, and is then accepted.
        assert.doesNotThrow(() => parseStackConfig({ ...baseConfig(), apiServerIdentity: { renewIntervalSeconds: 10, leaseDurationSeconds: 3600 }, etcd: { quorumRead: true } }));
    });

    for (const n of [2, 4, 6]) {
        it(`rejects ${n} replicas as a count, saying the count must be odd and why`, () => {
            const config = baseConfig();
            config.controlPlane = { replicas: n, zones: ZONES };
            rejects(config, "haplane:controlPlane.replicas", /odd/, /quorum/);
        });
        it(`rejects ${n} named replicas`, () => {
            const names = Array.from({ length: n }, (_, i) => ({ name: `cp-${i}`, zone: ZONES[i % 3] }));
            rejects(withReplicas(names), "haplane:controlPlane.replicas", /must be odd/);
        });
    }

    it("rejects more than 7 replicas", () => {
        const config = baseConfig();
        config.controlPlane = { replicas: 9, zones: ZONES };
        rejects(config, "haplane:controlPlane.replicas", /at most 7/);
    });

    it("rejects a zone from another region, naming both regions", () => {
        const config = baseConfig();
        config.controlPlane = { replicas: 3, zones: ["europe-west1-b", "europe-west1-c", "us-east1-b"] };
        rejects(config, "haplane:controlPlane.zones", /us-east1-b/, /region us-east1/, /europe-west1/);
    });

    it("rejects a named replica in another region", () => {
        rejects(
            withReplicas([
                { name: "a", zone: "europe-west1-b" },
                { name: "b", zone: "europe-west4-a" },
                { name: "c", zone: "europe-west1-d" },
            ]),
            "haplane:controlPlane.replicas",
            /europe-west4/,
        );
    });

    it("rejects 3 replicas in 2 zones, saying 3 zones are needed", () => {
        const config = baseConfig();
        config.controlPlane = { replicas: 3, zones: ZONES.slice(0, 2) };
        rejects(config, "haplane:controlPlane.zones", /holds? 2 of 3/, /at least 3 zones/);
    });

    it("accepts 5 replicas over 3 zones (2+2+1) and rejects 5 named replicas with 3 in one zone", () => {
        const config = baseConfig();
        config.controlPlane = { replicas: 5, zones: ZONES };
        assert.doesNotThrow(() => parseStackConfig(config));
        const names = ["a", "b", "c", "d", "e"].map((name, i) => ({ name, zone: i < 3 ? ZONES[0] : ZONES[1 + (i % 2)] }));
        rejects(withReplicas(names), "haplane:controlPlane.replicas", /3 of 5/, /more than 2/, /at least 3 zones/);
    });

    it("accepts 7 replicas over 3 zones (3+2+2) and rejects them over 2 zones", () => {
        const config = baseConfig();
        config.controlPlane = { replicas: 7, zones: ZONES };
        assert.doesNotThrow(() => parseStackConfig(config));
        config.controlPlane = { replicas: 7, zones: ZONES.slice(0, 2) };
        rejects(config, "haplane:controlPlane.zones", /at least 3 zones/);
    });

    it("allows a single replica anywhere", () => {
        assert.doesNotThrow(() => parseStackConfig(withReplicas([{ name: "solo", zone: "europe-west1-b" }])));
    });

    it("rejects duplicate replica names", () => {
        rejects(
            withReplicas([
                { name: "a", zone: ZONES[0] },
                { name: "a", zone: ZONES[1] },
                { name: "c", zone: ZONES[2] },
            ]),
            "haplane:controlPlane.replicas",
            /'a' is used twice/,
        );
    });

    it("rejects a count without zones, and zones next to named replicas", () => {
        const config = baseConfig();
        config.controlPlane = { replicas: 3 };
        rejects(config, "haplane:controlPlane.zones", /is required/);
        config.controlPlane = { replicas: [{ name: "a", zone: ZONES[0] }], zones: ZONES };
        rejects(config, "haplane:controlPlane.zones", /must not be set/);
    });

    it("rejects unknown keys, naming them", () => {
        const config = baseConfig();
        config.controlplane = {};
        rejects(config, "haplane:controlplane", /unknown key/);
        const cfg2 = baseConfig();
        (cfg2.endpoint as Record<string, unknown>).prot = 1;
        rejects(cfg2, "haplane:endpoint", /'prot'/);
    });

    it("rejects invalid values with what is allowed", () => {
        const c1 = baseConfig();
        c1.platform = "azure";
        rejects(c1, "haplane:platform", /"gce"/);
        const c0 = baseConfig();
        delete c0.platform;
        rejects(c0, "haplane:platform", /is required: one of "gce", "aws", "onprem"/);
        const c2 = baseConfig();
        c2.etcd = { quorumRead: false };
        rejects(c2, "haplane:etcd.quorumRead", /always reads etcd with quorum/);
        const c3 = baseConfig();
        c3.etcd = { topology: "external" };
        rejects(c3, "haplane:etcd.topology", /onprem only/);
        const c4 = baseConfig();
        c4.apiServerIdentity = { renewIntervalSeconds: 60 };
        rejects(c4, "haplane:apiServerIdentity.renewIntervalSeconds", /must be 10: kube-apiserver 1\.31 and later/);
        c4.apiServerIdentity = { leaseDurationSeconds: 30 };
        rejects(c4, "haplane:apiServerIdentity.leaseDurationSeconds", /must be 3600/);
        const c5 = baseConfig();
        c5.kubernetesVersion = "1.29.0";
        rejects(c5, "haplane:kubernetesVersion", /1\.31 or newer/);
        const c6 = baseConfig();
        c6.apiCidrs = ["10.0.0.0/33"];
        rejects(c6, "haplane:apiCidrs[0]", /CIDR/);
        const c7 = baseConfig();
        c7.endpoint = { dns: { managedZone: "z", name: "api.example.com", ttl: 3600 } };
        rejects(c7, "haplane:endpoint.dns.ttl", /at most 300/);
        const c8 = baseConfig();
        delete c8.gce;
        rejects(c8, "haplane:gce", /is required/);
    });

    it("fails the program before registering any resource when the config is invalid", async () => {
        const config = baseConfig();
        config.controlPlane = { replicas: 2, zones: ZONES };
        await assert.rejects(plan(config), /haplane:controlPlane\.replicas: .*odd/);
    });

    it("requires the SSH private key to be a secret", async () => {
        await assert.rejects(plan(baseConfig(), { keySecret: false }), /haplane:sshPrivateKey: must be a secret/);
    });
});
