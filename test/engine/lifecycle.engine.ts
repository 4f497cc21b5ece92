// Engine tier: the real Pulumi CLI runs HaControlPlane on stand-in resources (command
// provider) and stand-in hosts (loopback sshd). What the mocks cannot show is checked here:
// the order the engine really runs things in, and that the address is never held twice.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineStack, EventLog, PROJECT_DIR, StepOps } from "./support/engine";
import { SSH_PORT, StandinHosts } from "./support/hosts";

const ZONES = ["europe-west1-b", "europe-west1-c", "europe-west1-d"];
const NAMES = ["a", "b", "c", "d", "e"];
const ADDRESSES = Object.fromEntries(NAMES.map((n, i) => [n, `127.0.1.${i + 1}`]));

function replicas(names: string[]) {
    return names.map((name) => ({ name, zone: ZONES[NAMES.indexOf(name) % 3] }));
}

/** A fresh stack of the engine project with its own state, stand-in folder and hosts. */
async function newCluster(label: string) {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `haplane-engine-${label}-`));
    const standinDir = path.join(workDir, "standin");
    fs.mkdirSync(standinDir);
    const hosts = new StandinHosts(path.join(workDir, "hosts"), ADDRESSES);
    await hosts.startAll();
    const stack = new EngineStack({
        workDir,
        stack: label,
        projectDir: PROJECT_DIR,
        env: { HAPLANE_STANDIN_DIR: standinDir, HAPLANE_STANDIN_HOSTS: JSON.stringify(ADDRESSES) },
    });
    stack.init(fs.readFileSync(hosts.clientKey, "utf8"));
    stack.configure({
        platform: "gce",
        clusterName: label,
        kubernetesVersion: "1.32.4",
        gce: { project: "engine", region: "europe-west1" },
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "root", port: SSH_PORT, publicKey: hosts.clientPublicKey, dialErrorLimit: 2, perDialTimeoutSeconds: 2 },
        // No API server answers on stand-in hosts: no in-cluster objects (so no provider either).
        addons: { ha: false },
    });
    const events = new EventLog(path.join(standinDir, "events.log"));
    const listing = (folder: string) => (fs.existsSync(path.join(standinDir, folder)) ? fs.readdirSync(path.join(standinDir, folder)).sort() : []);
    const holder = () => (fs.existsSync(path.join(standinDir, "address.holder")) ? fs.readFileSync(path.join(standinDir, "address.holder"), "utf8").trim() : "");
    return { workDir, stack, hosts, events, members: () => listing("members"), machines: () => listing("machines"), holder };
}

/** Resource names a replica owns in the stand-in program (type::name as in preview). */
function replicaResources(name: string, founder: boolean): string[] {
    const own = [
        `haplane:index:ControlPlaneNode::${name}`,
        `command:local:Command::${name}`,
        `command:remote:Command::${name}-member`,
        `command:local:Command::${name}-removal`,
    ];
    return founder ? own : [...own, `command:remote:Command::${name}-ticket`];
}

const sorted = (xs: string[]) => [...xs].sort();

function assertOrder(events: string[], before: string, after: string) {
    const i = events.indexOf(before);
    const j = events.indexOf(after);
    assert.ok(i >= 0, `missing event '${before}' in:\n${events.join("\n")}`);
    assert.ok(j >= 0, `missing event '${after}' in:\n${events.join("\n")}`);
    assert.ok(i < j, `'${before}' must come before '${after}':\n${events.join("\n")}`);
}

function assertNoViolation(events: string[]) {
    const bad = events.filter((e) => e.startsWith("violation"));
    assert.deepEqual(bad, [], events.join("\n"));
}

describe("engine: the endpoint handoff and membership order through 1 -> 3 -> 5 -> 3 -> 1", function () {
    this.timeout(20 * 60 * 1000);
    let cluster: Awaited<ReturnType<typeof newCluster>>;
    before(async () => {
        cluster = await newCluster("walk");
    });
    after(async () => {
        await cluster?.hosts.stopAll();
    });

    /** Sets the replicas, checks the preview, runs one `pulumi up`, returns its events. */
    function step(names: string[], expected: StepOps): string[] {
        cluster.stack.configure({ controlPlane: { replicas: replicas(names) } });
        const { ops } = cluster.stack.preview();
        assert.deepEqual(ops.replace, [], "no replacements");
        assert.deepEqual(ops.create, sorted(expected.create), "creates");
        assert.deepEqual(ops.update, sorted(expected.update), "updates");
        assert.deepEqual(ops.delete, sorted(expected.delete), "deletes");
        cluster.events.sinceMark();
        cluster.stack.upOrThrow();
        const events = cluster.events.sinceMark();
        assertNoViolation(events);
        assert.deepEqual(cluster.members(), sorted(names), "etcd members");
        assert.deepEqual(cluster.machines(), sorted(names), "machines");
        return events;
    }

    const lb = ["haplane:index:LoadBalancer::api", "command:local:Command::api-frontend"];

    it("1: founds the cluster and attaches the address to the only node", () => {
        const events = step(["a"], {
            create: [
                "haplane:index:HaControlPlane::walk",
                "haplane:index:Vip::endpoint",
                "haplane:index:EtcdCluster::etcd",
                "command:local:Command::api",
                "command:remote:Command::admin-kubeconfig",
                ...replicaResources("a", true),
            ],
            update: [],
            delete: [],
            replace: [],
        });
        assertOrder(events, "machine-create a", "found a on 127.0.1.1");
        assertOrder(events, "found a on 127.0.1.1", "admin-kubeconfig from a on 127.0.1.1");
        // The kubeconfig output: a secret in the stack's outputs, its server the endpoint.
        const outputs = cluster.stack.outputs();
        assert.equal(outputs.kubeconfig, "[secret]");
        const kubeconfig = YAML.parse(cluster.stack.secretOutput("kubeconfig"));
        assert.equal(kubeconfig.clusters[0].cluster.server, outputs.apiServerUrl);
        assert.notEqual(kubeconfig.clusters[0].cluster.server, "https://127.0.1.1:6443", "a node's own address");
        assert.match(String(outputs.clusterCaCertificate), /^-----BEGIN CERTIFICATE-----/);
        assert.equal(cluster.holder(), "node:a");
        assert.match(String(cluster.stack.outputs().endpointHandoff), /attached to a/);
    });

    it("1 -> 3: detaches the address from the node before the frontend claims it, joins one at a time", () => {
        const events = step(["a", "b", "c"], {
            create: [...replicaResources("b", false), ...replicaResources("c", false), ...lb],
            update: ["command:local:Command::a", "command:local:Command::a-removal"],
            delete: [],
            replace: [],
        });
        assertOrder(events, "release node:a", "claim lb");
        assertOrder(events, "claim lb", "join b on 127.0.1.2");
        assertOrder(events, "join b on 127.0.1.2", "join c on 127.0.1.3");
        assert.equal(cluster.holder(), "lb");
    });

    it("3 -> 5: joins the new replicas one at a time and touches no survivor but the frontend", () => {
        const events = step(NAMES, {
            create: [...replicaResources("d", false), ...replicaResources("e", false)],
            update: ["command:local:Command::api-frontend"],
            delete: [],
            replace: [],
        });
        assertOrder(events, "join d on 127.0.1.4", "join e on 127.0.1.5");
        assert.ok(events.includes("frontend-update backends=a,b,c,d,e"));
    });

    it("5 -> 3: removes two members one at a time, each on a survivor before its machine, even with one of them dead", async () => {
        await cluster.hosts.stop("d"); // d is unreachable: its removal still runs through a
        const events = step(["a", "b", "c"], {
            create: [],
            update: ["command:local:Command::api-frontend"],
            delete: [...replicaResources("d", false), ...replicaResources("e", false)],
            replace: [],
        });
        for (const name of ["d", "e"]) {
            assertOrder(events, `remove ${name} via 127.0.1.1`, `machine-delete ${name}`);
        }
        // One at a time: each removal finishes before the other starts.
        const starts = events.filter((e) => e.startsWith("remove-start"));
        assert.equal(starts.length, 2);
        const first = starts[0].split(" ")[1];
        assertOrder(events, `remove ${first} via 127.0.1.1`, starts[1]);
        assertOrder(events, "frontend-update backends=a,b,c", "remove-start d via 127.0.1.1");
        await cluster.hosts.start("d");
    });

    it("3 -> 1: drops the load balancer first and attaches the address in a second run, as documented", () => {
        const events = step(["a"], {
            create: [],
            update: ["command:local:Command::a-removal"],
            delete: [...replicaResources("b", false), ...replicaResources("c", false), ...lb],
            replace: [],
        });
        assertOrder(events, "remove b via 127.0.1.1", "machine-delete b");
        assertOrder(events, "remove c via 127.0.1.1", "machine-delete c");
        assert.ok(events.includes("frontend-delete"));
        assert.equal(cluster.holder(), "", "nobody holds the address between the two runs");
        assert.match(String(cluster.stack.outputs().endpointHandoff), /^pending: .*run 'pulumi up' once more to attach it to a/);

        const second = step(["a"], { create: [], update: ["command:local:Command::a"], delete: [], replace: [] });
        assert.ok(second.includes("claim node:a"));
        assert.equal(cluster.holder(), "node:a");
        assert.match(String(cluster.stack.outputs().endpointHandoff), /attached to a/);
    });
});

describe("engine: break-glass and dead hosts", function () {
    this.timeout(20 * 60 * 1000);
    let cluster: Awaited<ReturnType<typeof newCluster>>;
    before(async () => {
        cluster = await newCluster("glass");
        cluster.stack.configure({ controlPlane: { replicas: replicas(NAMES) } });
        cluster.stack.upOrThrow();
        assert.deepEqual(cluster.members(), NAMES);
    });
    after(async () => {
        await cluster?.hosts.stopAll();
    });

    it("destroy --target <replica> --target-dependents removes exactly that replica, member first", () => {
        cluster.events.sinceMark();
        const urn = cluster.stack.urn("command:local:Command", "c");
        const r = cluster.stack.destroy(["--target", urn, "--target-dependents"]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const events = cluster.events.sinceMark();
        assertNoViolation(events);
        assertOrder(events, "remove c via 127.0.1.1", "machine-delete c");
        assert.deepEqual(cluster.members(), ["a", "b", "d", "e"]);
        assert.deepEqual(cluster.machines(), ["a", "b", "d", "e"]);
        assert.ok(!events.some((e) => /^(remove|machine-delete|frontend-delete) (a|b|d|e)\b/.test(e)), events.join("\n"));
    });

    it("a `pulumi up` after the break-glass brings the replica back, rejoining it", () => {
        cluster.events.sinceMark();
        cluster.stack.upOrThrow();
        const events = cluster.events.sinceMark();
        assertNoViolation(events);
        assertOrder(events, "machine-create c", "join c on 127.0.1.3");
        assert.deepEqual(cluster.members(), NAMES);
    });

    it("an unreachable sponsor fails the removal in bounded time with a clear message and keeps the machine", async () => {
        await cluster.hosts.stop("a"); // a sponsors d and e
        cluster.stack.configure({ controlPlane: { replicas: replicas(["a", "b", "c"]) } });
        cluster.events.sinceMark();
        const started = Date.now();
        const r = cluster.stack.up();
        const seconds = (Date.now() - started) / 1000;
        assert.notEqual(r.status, 0, "the run must fail");
        assert.match(r.stdout + r.stderr, /could not reach [de]'s sponsor 127\.0\.1\.1 over SSH/);
        assert.ok(seconds < 90, `failed after ${seconds} s`);
        const events = cluster.events.sinceMark();
        assert.ok(!events.some((e) => /^machine-delete [de]$/.test(e)), events.join("\n"));
        assert.ok(cluster.machines().includes("d") && cluster.machines().includes("e"), "machines stay");
        assert.ok(cluster.members().includes("d") && cluster.members().includes("e"), "members stay");
    });

    it("recovers by bringing the sponsor back and running `pulumi up` again", async () => {
        await cluster.hosts.start("a");
        cluster.events.sinceMark();
        cluster.stack.upOrThrow();
        const events = cluster.events.sinceMark();
        assertNoViolation(events);
        for (const name of ["d", "e"]) assertOrder(events, `remove ${name} via 127.0.1.1`, `machine-delete ${name}`);
        assert.deepEqual(cluster.members(), ["a", "b", "c"]);
    });
});
