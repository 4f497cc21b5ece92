// The offline plan diff on plan pairs made by the same machinery as `npm run plan`: the
// control-plane story and the danger flags a reviewer reads first.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan } from "../../scripts/offline/evaluate";
import { dangers, warnings } from "../../scripts/planDiff/dangers";
import { renderReview } from "../../scripts/planDiff/markdown";
import { Review, reviewPlans } from "../../scripts/planDiff/review";
import { namedReplicas, plan, withReplicas, ZONES } from "../support/stacks";

const root = path.resolve(__dirname, "..", "..");
const FIVE = namedReplicas(["a", "b", "c", "d", "e"]); // zones b, c, d, b, c
const gce = (names: string[], extra: Record<string, unknown> = {}) => ({ ...withReplicas(FIVE.filter((r) => names.includes(r.name)).map((r) => ({ ...r }))), ...extra });

const RACKS = ["rack-a", "rack-b", "rack-c"];
function onprem(names: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.4",
        controlPlane: { replicas: names.map((name, i) => ({ name, zone: RACKS[i % 3], address: `198.18.0.${11 + i}` })) },
        endpoint: { address: "198.18.0.100", port: 6443 },
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
        ...extra,
    };
}

interface Case {
    review: Review;
    md: string;
    rules: string[];
}

function compare(base: Plan, head: Plan): Case {
    const review = reviewPlans(base, head);
    return { review, md: renderReview(review), rules: dangers(review).map((d) => d.rule) };
}

/** The bullet of the control-plane story that starts with `start`. */
function line(md: string, start: string): string {
    const found = md.split("\n").find((l) => l.startsWith(`- ${start}`));
    assert.ok(found, `no story line starting with "${start}" in:\n${md}`);
    return found!;
}

describe("plan diff", function () {
    this.timeout(60000);
    const plans: Record<string, Plan> = {};

    before(async () => {
        plans.one = await plan(gce(["a"]));
        plans.three = await plan(gce(["a", "b", "c"]));
        plans.five = await plan(gce(["a", "b", "c", "d", "e"]));
        plans.fiveWithoutMiddle = await plan(gce(["a", "c", "e"]));
        // The run that drops the load balancer: haplane sees it holding the address.
        plans.oneAfterLb = await plan(gce(["a"]), { endpointHolder: "loadBalancer" });
        const bigger = gce(["a", "b", "c"]);
        (bigger.gce as Record<string, unknown>).machineType = "e2-standard-8";
        plans.threeBigger = await plan(bigger);
        plans.threeInternal = await plan(gce(["a", "b", "c"], { endpoint: { port: 6443, internal: true } }));
    });

    it("1 -> 3: two replicas added by name and zone, the address moves to the load balancer, joins one at a time", () => {
        const { md, rules, review } = compare(plans.one, plans.three);
        assert.deepEqual(rules, []);
        assert.match(md, /^\*\*24 to create, 3 to update, 0 to delete, 0 to replace\*\*$/m);
        // CoreDNS goes from kubeadm's shape (2 replicas, preferring distinct nodes) to HA mode:
        // an update of haplane's patch, through the cluster's Kubernetes provider.
        assert.match(md, /^- \*\*update\*\* DeploymentPatch `coredns-coredns`$/m);
        assert.match(md, /^  - `spec\.replicas`: `2` -> `3`$/m);
        assert.equal(line(md, "Replicas"), `- Replicas 1 -> 3: adds \`b\` (${ZONES[1]}) and \`c\` (${ZONES[2]}); keeps \`a\``);
        assert.match(line(md, "Endpoint"), /^- Endpoint `[\d.]+` moves from node `a` to the load balancer in this run: the node releases it/);
        assert.match(line(md, "etcd"), /1 -> 3 members \(quorum 1 -> 2/);
        assert.match(line(md, "Joins"), /in this order: `b` after `a` \(sponsor `a`\), then `c` after `b` \(sponsor `a`\)/);
        assert.equal(review.diff.counts.replace, 0);
        assert.match(md, /^No dangerous changes\.$/m);
    });

    it("3 -> 5: adds two replicas after the last one, nothing replaced, the endpoint stays", () => {
        const { md, rules } = compare(plans.three, plans.five);
        assert.deepEqual(rules, []);
        assert.match(md, /^\*\*16 to create, 0 to update, 0 to delete, 0 to replace\*\*$/m);
        assert.equal(line(md, "Replicas"), `- Replicas 3 -> 5: adds \`d\` (${ZONES[0]}) and \`e\` (${ZONES[1]}); keeps \`a\`, \`b\` and \`c\``);
        assert.match(line(md, "Endpoint"), /stays on the load balancer$/);
        assert.match(line(md, "Joins"), /`d` after `c` \(sponsor `a`\), then `e` after `d`/);
    });

    it("5 -> 3 without the middle replicas: they leave through their sponsor, one at a time, after the creates and updates", () => {
        const { md, rules, review } = compare(plans.five, plans.fiveWithoutMiddle);
        assert.deepEqual(rules, []);
        assert.deepEqual(review.diff.counts, { create: 0, update: 1, delete: 16, replace: 0 });
        assert.equal(line(md, "Replicas"), `- Replicas 5 -> 3: removes \`b\` (${ZONES[1]}) and \`d\` (${ZONES[0]}); keeps \`a\`, \`c\` and \`e\``);
        assert.match(line(md, "etcd"), /5 -> 3 members \(quorum 3 -> 2, tolerates 2 -> 1 failed\)/);
        assert.match(line(md, "Leave"), /^- Leave after every create and update of this run: `b` and `d` through `a`, one at a time/);
        // The first replica's own sponsor was `b`, which leaves: its removal hook is re-pointed.
        assert.match(line(md, "Sponsors change"), /`a` now through `c` \(was `b`\)/);
        // Survivors' machines and the load balancer's frontend are untouched (zone order of the backends is a set).
        assert.ok(!review.diff.changes.some((c) => c.op !== "delete" && c.name !== "a-removal"), JSON.stringify(review.diff.changes.filter((c) => c.op !== "delete")));
    });

    it("3 -> 1: flags the quorum drop and tells the two-run handoff", () => {
        const { md, rules } = compare(plans.three, plans.oneAfterLb);
        assert.deepEqual(rules, ["quorum"]);
        assert.match(md, /^- \*\*Quorum:\*\* Drops below quorum in one step: 1 of 3 etcd members stays untouched, fewer than the quorum of 2; `b` and `c` leave/m);
        assert.match(line(md, "Endpoint"), /leaves the load balancer and stays unattached until the next `pulumi up` attaches it to `a`/);
        assert.match(line(md, "Leave"), /`b` and `c` through `a`/);
        assert.match(line(md, "Sponsors change"), /`a` sponsors itself \(was `b`\)/);
    });

    it("3 -> 1, second run: the freed address is attached to the last node, nothing else changes", () => {
        const { md, rules, review } = compare(plans.oneAfterLb, plans.one);
        assert.deepEqual(rules, []);
        assert.deepEqual(review.diff.counts, { create: 0, update: 1, delete: 0, replace: 0 });
        assert.match(line(md, "Endpoint"), /^- Endpoint `[\d.]+` is attached to node `a` \(the second run of the handoff\)$/);
        assert.match(line(md, "Kept node `a`: Instance"), /natIp` `[\d.]+` -> `[\d.]+` \(in place\)$/);
    });

    it("quorum is the base cluster's: 5 -> 1 is flagged, 5 -> 3 and 3 -> 5 are not", () => {
        assert.deepEqual(compare(plans.five, plans.one).rules, ["quorum"]);
        assert.deepEqual(compare(plans.five, plans.three).rules, []);
        assert.deepEqual(compare(plans.three, plans.five).rules, []);
    });

    it("a machine-type change: every node updated in place, no danger, a warning that GCE needs the instance stopped", () => {
        const { md, rules, review } = compare(plans.three, plans.threeBigger);
        assert.deepEqual(rules, []);
        assert.deepEqual(review.diff.counts, { create: 0, update: 3, delete: 0, replace: 0 });
        assert.equal(line(md, "Kept nodes"), "- Kept nodes `a`, `b` and `c`: Instance `machineType` `e2-standard-4` -> `e2-standard-8` (in place, on a stopped machine)");
        assert.equal(line(md, "Replicas"), "- Replicas: unchanged, 3 (`a`, `b` and `c`)");
        assert.deepEqual(warnings(review).map((w) => w.rule), ["needs-stop"]);
        assert.match(md, /`machineType` of `a`, `b` and `c` change in place, which GCE does only on a stopped instance; haplane does not set `allowStoppingForUpdate`/);
    });

    it("an endpoint-address change (GCE external -> internal): flagged, with the protected address that cannot be replaced", () => {
        const { md, rules, review } = compare(plans.three, plans.threeInternal);
        assert.deepEqual(rules, ["endpoint-address"]);
        assert.match(md, /^- \*\*Endpoint address:\*\* Changes the endpoint address: `198\.18\.[\d.]+` -> `10\.128\.[\d.]+`; its address resource `api` is replaced \(`addressType`/m);
        assert.match(line(md, "Endpoint address changes"), /-> `10\.128\./);
        assert.ok(warnings(review).some((w) => w.rule === "protected" && /Address `api` is protected/.test(w.text)));
    });

    it("an endpoint-address change (on-prem VIP): flagged, the hosts' keepalived and haproxy updated in place", async () => {
        const { md, rules } = compare(await plan(onprem(["h1", "h2", "h3"])), await plan(onprem(["h1", "h2", "h3"], { endpoint: { address: "198.18.0.101", port: 6443 } })));
        assert.deepEqual(rules, ["endpoint-address"]);
        assert.match(md, /Changes the endpoint address: `198\.18\.0\.100` -> `198\.18\.0\.101`\./);
        assert.match(line(md, "Kept nodes `h1`, `h2` and `h3`: remote Command `<replica>-keepalived`"), /`stdin` text changed/);
    });

    it("matches a resource that moved under an alias to the one it was: no delete, no create", async () => {
        const head = await plan(onprem(["h1", "h2", "h3"]));
        // The plan as it was before keepalived moved under Vip and haproxy under LoadBalancer:
        // each moved resource at its alias, the one URN it had.
        // (The Kubernetes SDK gives each of its resources aliases of its own: older API versions.)
        const moved = head.resources.filter((r) => r.options.aliases?.length && !r.type.startsWith("kubernetes:"));
        assert.deepEqual(moved.map((r) => r.name).sort(), ["h1-haproxy", "h1-keepalived", "h1-vip-interface", "h2-haproxy", "h2-keepalived", "h2-vip-interface", "h3-haproxy", "h3-keepalived", "h3-vip-interface"]);
        const nodeOf = (r: Plan["resources"][number]) => head.resources.find((n) => n.type === "haplane:index:ControlPlaneNode" && r.name.startsWith(`${n.name}-`))!;
        for (const r of moved) assert.deepEqual(r.options.aliases, [`urn:pulumi:test::haplane::haplane:index:ControlPlaneNode$command:remote:Command::${r.name}`], r.name);
        const base: Plan = {
            ...head,
            resources: head.resources
                .filter((r) => !r.name.endsWith("-vip-handover"))
                .map((r) => (moved.includes(r) ? { ...r, urn: r.options.aliases![0], parent: nodeOf(r).urn, options: { ...r.options, aliases: [] } } : r)),
        };
        const { review } = compare(base, head);
        assert.deepEqual(
            review.diff.changes.map((c) => `${c.op} ${c.name}`).sort(),
            ["create h1-vip-handover", "create h2-vip-handover", "create h3-vip-handover"],
            "only what is new; the moved ones are neither deleted nor created",
        );
        // Without the aliases the same pair is a delete and a create of every moved resource.
        const unaliased: Plan = { ...head, resources: head.resources.map((r) => (moved.includes(r) ? { ...r, options: { ...r.options, aliases: [] } } : r)) };
        assert.equal(compare(base, unaliased).review.diff.changes.filter((c) => c.op === "delete").length, moved.length);
    });

    it("flags the replacement of a surviving node (zone moved) without a quorum flag while a majority stays", async () => {
        const moved = gce(["a", "b", "c"]);
        (moved.controlPlane as { replicas: { name: string; zone: string }[] }).replicas[1].zone = "europe-west1-e";
        const { md, rules, review } = compare(plans.three, await plan(moved));
        assert.deepEqual(rules, ["replaced-node"]);
        assert.match(md, /\*\*Replaces a surviving control-plane node:\*\* Replaces parts of surviving node `b`: Instance `b` \(`zone` changed\): a new machine/);
        assert.match(line(md, "Replicas"), /moves `b` from europe-west1-c to europe-west1-e/);
        assert.ok(review.diff.changes.some((c) => c.op === "replace" && c.name === "b-member") === false, "the member command updates, never replaces");
    });

    it("flags every node replaced by a new image, and the quorum they take with them", async () => {
        const { rules } = compare(plans.three, await plan(gce(["a", "b", "c"], { gce: { project: "prod-project", region: "europe-west1", image: "debian-cloud/debian-12" } })));
        assert.deepEqual(rules, ["quorum", "replaced-node", "replaced-node", "replaced-node"]);
    });

    it("flags a removal through a sponsor that leaves in the same run", async () => {
        // `e`'s sponsor is the first replica, `a`; `a`'s is `b`, which stays.
        const { md, rules } = compare(plans.five, await plan(gce(["b", "c", "d"])));
        assert.deepEqual(rules, ["leaving-sponsor"]);
        assert.match(md, /`e` leaves through its sponsor `a`, which leaves in the same run: nothing orders `e`'s removal before `a`'s own removal and machine deletion/);
    });

    it("external etcd: departing members leave first, inside the first add", async () => {
        const external = { etcd: { topology: "external" } };
        const { md, rules } = compare(await plan(onprem(["h1", "h2", "h3"], external)), await plan(onprem(["h1", "h5", "h3"], external)));
        assert.deepEqual(rules, []);
        assert.match(line(md, "Departing"), /^- Departing `h2` leaves first: the first add \(`h5`, on `h1`\) removes it/);
        assert.match(line(md, "etcd (external)"), /3 -> 3 members/);
    });

    it("compares plans of one stack made from differently named stack files", () => {
        const renamed = JSON.parse(JSON.stringify(plans.three).replace(/urn:pulumi:test::/g, "urn:pulumi:other::"));
        renamed.stack = "other";
        assert.equal(compare(plans.three, renamed).review.diff.changes.length, 0);
    });

    it("never prints a secret's value, only that it may have changed", async () => {
        const revealed = await plan(gce(["a"]), { revealSecrets: true });
        const md = renderReview(reviewPlans(plans.one, plans.three));
        assert.ok(!md.includes("test-key-material"));
        assert.match(md, /`environment\.SSH_KEY`: \[secret\] \(may have changed\)/);
        assert.ok(JSON.stringify(revealed).includes("test-key-material"), "the check above must be able to fail");
    });

    it("npm run plan-diff: one 'no changes' line for identical plans, one error line for a missing file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haplane-plan-diff-"));
        const a = path.join(dir, "a.json");
        const b = path.join(dir, "b.json");
        fs.writeFileSync(a, JSON.stringify(plans.three));
        fs.writeFileSync(b, JSON.stringify(plans.three));
        const same = spawnSync("npm", ["run", "--silent", "plan-diff", "--", a, b], { cwd: root, encoding: "utf8" });
        assert.equal(same.status, 0, same.stderr);
        assert.deepEqual(same.stdout.trimEnd().split("\n"), ["No changes to stack `test`: both plans declare the same resources with the same inputs."]);
        const missing = spawnSync("npm", ["run", "--silent", "plan-diff", "--", a, path.join(dir, "nope.json")], { cwd: root, encoding: "utf8" });
        assert.equal(missing.status, 1);
        assert.equal(missing.stdout, "");
        assert.match(missing.stderr, /^plan-diff: .*nope\.json: no such file\n$/);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
