import { strict as assert } from "assert";
import { endpointMode, planEndpoint } from "../../components/planning/endpoint";
import { planMembership } from "../../components/planning/membership";
import { maxMembersPerZone, placeReplicas, zonesNeeded } from "../../components/planning/placement";
import { awsProfile } from "../../components/platform/aws/config";
import { gceProfile } from "../../components/platform/gce/config";

const ZONES = ["europe-west1-b", "europe-west1-c", "europe-west1-d"];

describe("placement", () => {
    it("spreads a count round-robin with stable per-zone names", () => {
        const three = placeReplicas(gceProfile, 3, ZONES);
        assert.deepEqual(three.map((r) => r.name), ["cp-b-1", "cp-c-1", "cp-d-1"]);
        const five = placeReplicas(gceProfile, 5, ZONES);
        assert.deepEqual(five.map((r) => `${r.name}@${r.zone}`), [
            "cp-b-1@europe-west1-b", "cp-c-1@europe-west1-c", "cp-d-1@europe-west1-d", "cp-b-2@europe-west1-b", "cp-c-2@europe-west1-c",
        ]);
        // growing keeps every earlier name
        assert.deepEqual(five.slice(0, 3), three);
    });
    it("keeps explicit replicas as given", () => {
        assert.deepEqual(placeReplicas(gceProfile, [{ name: "x", zone: "z" }]), [{ name: "x", zone: "z" }]);
    });
    it("derives regions from zone names per platform", () => {
        assert.equal(gceProfile.regionOfZone("europe-west1-b"), "europe-west1");
        assert.equal(awsProfile.regionOfZone("eu-west-1a"), "eu-west-1");
        assert.equal(gceProfile.regionOfZone("nonsense"), undefined);
    });
    it("computes the zone-failure limits", () => {
        assert.deepEqual([1, 3, 5, 7].map(maxMembersPerZone), [1, 1, 2, 3]);
        assert.deepEqual([3, 5, 7].map(zonesNeeded), [3, 3, 3]);
    });
});

describe("membership", () => {
    const replicas = placeReplicas(gceProfile, 3, ZONES);
    it("founds on the first replica and joins the rest one after another", () => {
        const plan = planMembership(replicas);
        assert.deepEqual(plan.map((m) => [m.name, m.founder, m.after]), [
            ["cp-b-1", true, undefined],
            ["cp-c-1", false, "cp-b-1"],
            ["cp-d-1", false, "cp-c-1"],
        ]);
    });
    it("sponsors every member by the first other replica, so a middle removal changes no sponsor", () => {
        const before = planMembership(placeReplicas(gceProfile, 5, ZONES));
        const after = planMembership(before.filter((m) => m.name !== "cp-d-1"));
        assert.equal(before[0].sponsor, "cp-c-1");
        for (const m of after) assert.equal(m.sponsor, before.find((b) => b.name === m.name)!.sponsor);
    });
    it("lets a single replica sponsor itself", () => {
        assert.equal(planMembership(replicas.slice(0, 1))[0].sponsor, "cp-b-1");
    });
});

describe("endpoint", () => {
    it("puts the address on the node for one replica and on a load balancer from two", () => {
        assert.equal(endpointMode(1), "node");
        assert.equal(endpointMode(3), "loadBalancer");
    });
    it("attaches to the single node on a first deploy and when the address is free", () => {
        for (const holder of ["absent", "free", "node"] as const) {
            const p = planEndpoint(["a"], holder);
            assert.equal(p.attachTo, "a");
            assert.equal(p.handoffPending, false);
        }
    });
    it("detaches from the node when growing to a load balancer", () => {
        const p = planEndpoint(["a", "b", "c"], "node");
        assert.equal(p.mode, "loadBalancer");
        assert.equal(p.attachTo, undefined);
        assert.equal(p.frontendWaitsForNodes, true, "the frontend waits for the node's release");
        assert.equal(planEndpoint(["a", "b", "c"], "loadBalancer").frontendWaitsForNodes, false);
        // An address that looks free (e.g. an internal alias IP GCE does not report as in use)
        // still makes the frontend wait: harmless when nobody holds it.
        assert.equal(planEndpoint(["a", "b", "c"], "free").frontendWaitsForNodes, true);
    });
    it("does not attach in the run that drops the load balancer, and says a second run is needed", () => {
        const p = planEndpoint(["a"], "loadBalancer");
        assert.equal(p.attachTo, undefined);
        assert.equal(p.handoffPending, true);
        assert.match(p.status, /run 'pulumi up' once more to attach it to a/);
    });
});
