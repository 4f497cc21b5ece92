// Why each membership step waits, as the pure plan states it (components/membership/steps.ts);
// the plans' dependsOn edges are checked against it in the platform tests and the engine tier.
import { strict as assert } from "assert";
import { memberWaits, removalPlan, ticketWaits } from "../../components/membership/steps";
import { planMembership } from "../../components/planning/membership";

const plans = planMembership(["a", "b", "c"].map((name, i) => ({ name, zone: `rack-${i}` })));
const on = (waits: { on: string }[]) => waits.map((w) => w.on);

describe("membership steps", () => {
    it("founds without waiting for any other replica or the endpoint", () => {
        assert.deepEqual(on(memberWaits(plans[0], "stacked")), ["own machine", "endpoint on own node"]);
        assert.deepEqual(ticketWaits(plans[0]), [], "the founder has no ticket");
    });
    it("joins one replica at a time, with its ticket, through an endpoint that serves the founder", () => {
        assert.deepEqual(on(memberWaits(plans[2], "stacked")), ["own machine", "endpoint on own node", "previous join", "join ticket", "endpoint serves the founder"]);
        assert.deepEqual(on(ticketWaits(plans[2])), ["previous join", "endpoint serves the founder"]);
        assert.match(memberWaits(plans[2], "stacked").find((w) => w.on === "previous join")!.because, /one membership change at a time/);
        assert.match(memberWaits(plans[0], "stacked").find((w) => w.on === "endpoint on own node")!.because, /keepalived may hold the VIP/);
    });
    it("starts every API server only once haplane's external etcd votes", () => {
        for (const plan of plans) assert.ok(on(memberWaits(plan, "external")).includes("external etcd"), plan.name);
        for (const plan of plans) assert.ok(!on(memberWaits(plan, "stacked")).includes("external etcd"), plan.name);
    });
    it("leaves through a live peer, before its own machine goes and after nothing else", () => {
        assert.equal(removalPlan(plans[0]).runsOn, "b", "the founder leaves through the next replica");
        assert.equal(removalPlan(plans[1]).runsOn, "a");
        for (const plan of plans) assert.deepEqual(on(removalPlan(plan).waits), ["own machine"]);
    });
});
