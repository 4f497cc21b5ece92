// The external etcd topology on-prem: config rules, the EtcdCluster's resources and their
// order, the API servers pointed at it, and secrets.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { parseStackConfig } from "../../../components/config/parse";
import { Plan } from "../../../scripts/offline/evaluate";
import { find, plan } from "../../support/stacks";
import { rejects } from "../../support/configErrors";

const RACKS = ["rack-a", "rack-b", "rack-c"];
const VIP = "198.18.0.100";
const CP = ["h1", "h2", "h3", "h4", "h5"];
const address = (i: number) => `198.18.0.${11 + i}`;
const hosts = (names: string[], offset = 0) => names.map((name, i) => ({ name, zone: RACKS[i % 3], address: address(offset + i) }));
const REMOTE = "command:remote:Command";
const LOCAL = "command:local:Command";

function onprem(cp: string[], etcd: Record<string, unknown> = { topology: "external" }): Record<string, unknown> {
    return {
        platform: "onprem",
        clusterName: "lab",
        kubernetesVersion: "1.32.4",
        controlPlane: { replicas: cp.map((name) => hosts(CP).find((h) => h.name === name)!) },
        etcd,
        endpoint: { address: VIP, port: 6443 },
        apiCidrs: ["198.18.0.0/24"],
        adminCidrs: ["198.18.0.0/24"],
        ssh: { user: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJl0uQ7 test" },
    };
}
const ownHosts = (names: string[]) => ({ topology: "external", hosts: hosts(names, 20) });

const stdinOf = (p: Plan, name: string) => JSON.parse(String(find(p, REMOTE, name).inputs.stdin));
const etcdNames = (p: Plan) => p.resources.filter((r) => r.type === REMOTE && /-etcd$/.test(r.name)).map((r) => r.name.replace(/-etcd$/, ""));

describe("external etcd config", () => {
    it("accepts external etcd on the control-plane hosts or on hosts of its own", () => {
        assert.equal(parseStackConfig(onprem(["h1", "h2", "h3"])).etcd.topology, "external");
        assert.equal(parseStackConfig(onprem(["h1"], ownHosts(["e1", "e2", "e3"]))).etcd.hosts?.length, 3);
    });
    it("offers it on-prem only", () => {
        const gce = {
            ...onprem(["h1"]),
            platform: "gce",
            gce: { project: "prod-project", region: "europe-west1" },
            endpoint: { port: 6443 },
            controlPlane: { replicas: [{ name: "a", zone: "europe-west1-b" }] },
        };
        rejects(gce, "haplane:etcd.topology", /onprem only/);
    });
    it("applies the etcd membership rules to its own hosts", () => {
        rejects(onprem(["h1"], ownHosts(["e1", "e2"])), "haplane:etcd.hosts", /2 etcd hosts is not allowed: the etcd member count must be odd/);
        const oneRack = ownHosts(["e1", "e2", "e3"]);
        for (const h of oneRack.hosts) h.zone = "rack-a";
        rejects(onprem(["h1"], oneRack), "haplane:etcd.hosts", /spread 3 etcd hosts over at least 3 zones/);
        rejects(onprem(["h1"], ownHosts(["e1", "e1", "e3"])), "haplane:etcd.hosts", /'e1' is used twice/);
    });
    it("keeps etcd hosts apart from control-plane hosts and the VIP", () => {
        rejects(onprem(["h1"], ownHosts(["h1"])), "haplane:etcd.hosts[0].name", /also a control-plane host; .*omit etcd.hosts/);
        const sameAddress = ownHosts(["e1"]);
        sameAddress.hosts[0].address = address(0);
        rejects(onprem(["h1"], sameAddress), "haplane:etcd.hosts[0].address", /also the address of h1/);
        sameAddress.hosts[0].address = VIP;
        rejects(onprem(["h1"], sameAddress), "haplane:etcd.hosts[0].address", /endpoint VIP/);
        const noAddress = ownHosts(["e1"]) as { hosts: { address?: string }[] };
        delete noAddress.hosts[0].address;
        rejects(onprem(["h1"], noAddress), "haplane:etcd.hosts[0].address", /is required/);
    });
    it("lists hosts only for the external topology, and checks the raft timing", () => {
        rejects(onprem(["h1"], { topology: "stacked", hosts: hosts(["e1"], 20) }), "haplane:etcd.hosts", /external' only/);
        rejects(onprem(["h1"], { topology: "external", heartbeatIntervalMs: 200, electionTimeoutMs: 900 }), "haplane:etcd.electionTimeoutMs", /at least 5 times .*1000 ms/);
    });
});

describe("external etcd plans", function () {
    this.timeout(60000);
    const colocated = new Map<number, Plan>();
    let own: Plan;
    let revealed: Plan;
    before(async () => {
        for (const n of [1, 3, 5]) colocated.set(n, await plan(onprem(CP.slice(0, n))));
        own = await plan(onprem(["h1", "h2", "h3"], ownHosts(["e1", "e2", "e3"])));
        revealed = await plan(onprem(["h1", "h2", "h3"]), { revealSecrets: true });
    });

    it("runs one etcd member per host, on the control-plane hosts when it has none of its own", () => {
        for (const [n, p] of colocated) assert.deepEqual(etcdNames(p), CP.slice(0, n));
        assert.deepEqual(etcdNames(own), ["e1", "e2", "e3"]);
        // Own hosts are prepared for the etcd role only, and released like any host.
        assert.match(String(find(own, REMOTE, "e2").inputs.create), /'host-prepare' 'distribution' '1\.32\.4' 'etcd' 'real'$/);
        assert.match(String(find(own, REMOTE, "h2").inputs.create), /'control-plane' 'real'$/);
        assert.match(String(find(colocated.get(3)!, REMOTE, "h2").inputs.create), /'control-plane,etcd' 'real'$/);
        assert.ok(find(own, LOCAL, "e2-release"));
    });

    it("adds members one at a time on the sponsor, each after the previous member runs", () => {
        const p = colocated.get(5)!;
        assert.throws(() => find(p, REMOTE, "h1-etcd-add"), /no command:remote:Command named h1-etcd-add/, "the founder starts the cluster");
        for (let i = 1; i < 5; i++) {
            const add = find(p, REMOTE, `${CP[i]}-etcd-add`);
            assert.ok(add.dependsOn.includes(find(p, REMOTE, `${CP[i - 1]}-etcd`).urn), `${CP[i]} waits for ${CP[i - 1]}`);
            const create = String(add.inputs.create);
            assert.match(create, new RegExp(`'membership' 'add' 'etcd' '${CP[i]}' 'https://${address(i).replace(/\./g, "\\.")}:2380' 'h1,h2,h3,h4,h5'$`));
            // Minted on the sponsor, h1, over SSH: the connection is secret, so check the options.
            assert.deepEqual([...add.options.ignoreChanges].sort(), ["connection", "create"]);
            const service = find(p, REMOTE, `${CP[i]}-etcd`);
            assert.ok(service.dependsOn.includes(add.urn));
            assert.ok(service.dependsOn.includes(find(p, REMOTE, CP[i]).urn), "etcd starts on a prepared host");
        }
    });

    it("removes a member through its sponsor before its service and host go", () => {
        const p = colocated.get(3)!;
        for (const name of ["h1", "h2", "h3"]) {
            const removal = find(p, LOCAL, `${name}-etcd-removal`);
            const env = removal.inputs.environment as Record<string, string>;
            assert.equal(env.HOSTS, name === "h1" ? address(1) : address(0));
            assert.ok(env.REMOTE_COMMAND.endsWith(`'membership' 'remove' 'etcd' '${name}'`));
            assert.equal(env.ON_UNREACHABLE, "fail", "a removal never skips: the sponsor must be reached");
            assert.ok(removal.dependsOn.includes(find(p, REMOTE, `${name}-etcd`).urn));
            assert.ok(removal.dependsOn.includes(find(p, LOCAL, `${name}-release`).urn), "member removal before host release");
            // The control-plane side removes only the Node: the etcd member is the cluster's.
            const cpRemoval = find(p, LOCAL, `${name}-removal`).inputs.environment as Record<string, string>;
            assert.ok(cpRemoval.REMOTE_COMMAND.endsWith(`'membership' 'remove' 'node' '${name}'`));
        }
    });

    it("renders each member's etcd with mutual TLS on peer and client URLs", () => {
        const p = revealed;
        const founder = stdinOf(p, "h1-etcd");
        const cfg = YAML.parse(founder.config);
        assert.equal(cfg["initial-cluster"], `h1=https://${address(0)}:2380`);
        assert.equal(cfg["initial-cluster-state"], "new");
        for (const side of ["client-transport-security", "peer-transport-security"]) {
            assert.equal(cfg[side]["client-cert-auth"], true, side);
            assert.equal(cfg[side]["trusted-ca-file"], "/etc/etcd/pki/ca.crt", side);
        }
        assert.equal(founder.serverKey, "offline serverKey\n", "the member's certificates come from its -etcd-certs run");
        assert.equal(founder.caCert, "offline caCert\n");
        assert.equal(founder.caKey, undefined, "the CA key never goes to a member");
        const joiner = YAML.parse(stdinOf(p, "h2-etcd").config);
        assert.equal(joiner["initial-cluster-state"], "existing");
        assert.equal(joiner["initial-cluster"], "(etcdctl member add answers at apply time)");
        assert.equal(joiner["advertise-client-urls"], `https://${address(1)}:2379`);
    });

    it("issues certificates with kubeadm's etcd phases: the CA once on the first host, each member's on its sponsor", () => {
        const p = revealed;
        const ca = find(p, REMOTE, "etcd-ca");
        assert.match(String(ca.inputs.create), /'etcd-certs' 'ca'$/);
        assert.deepEqual([...ca.options.ignoreChanges].sort(), ["connection", "stdin"], "a later first host never mints a new CA");
        const h2 = find(p, REMOTE, "h2-etcd-certs");
        assert.match(String(h2.inputs.create), /'etcd-certs' 'member'$/);
        assert.equal((h2.inputs.connection as { host: string }).host, address(0), "h2's sponsor h1 signs");
        const req = JSON.parse(String(h2.inputs.stdin));
        assert.equal(req.caKey, "offline caKey\n");
        const [init, cluster] = YAML.parseAllDocuments(req.kubeadm).map((d) => d.toJSON());
        assert.equal(init.nodeRegistration.name, "h2");
        assert.equal(init.localAPIEndpoint.advertiseAddress, address(1));
        assert.deepEqual(cluster.etcd.local.serverCertSANs, [address(1)]);
        assert.deepEqual(cluster.etcd.local.peerCertSANs, [address(1)]);
    });

    it("points every API server at all members with the client certificate", () => {
        const p = revealed;
        const members = [0, 1, 2].map((i) => `https://${address(i)}:2379`);
        const founder = stdinOf(p, "h1-member");
        const cluster = YAML.parseAllDocuments(founder.kubeadm).map((d) => d.toJSON())[1];
        assert.deepEqual(cluster.etcd, {
            external: {
                endpoints: members,
                caFile: "/etc/kubernetes/pki/etcd/ca.crt",
                certFile: "/etc/kubernetes/pki/apiserver-etcd-client.crt",
                keyFile: "/etc/kubernetes/pki/apiserver-etcd-client.key",
            },
        });
        for (const name of ["h1", "h2", "h3"]) {
            const params = stdinOf(p, `${name}-member`);
            assert.deepEqual(params.etcdEndpoints, members);
            assert.deepEqual(params.etcdClient, { caCert: "offline caCert\n", cert: "offline apiServerClientCert\n", key: "offline apiServerClientKey\n" });
            // The founder's phases configuration is its init configuration, carried once.
            assert.equal(name === "h1", params.phases === undefined, "only joiners carry a separate phases configuration");
            const phases = YAML.parseAllDocuments(params.phases ?? params.kubeadm).map((d) => d.toJSON());
            assert.deepEqual(phases[1].etcd.external.endpoints, members);
            assert.equal(phases[0].localAPIEndpoint.advertiseAddress, address(CP.indexOf(name)));
            // The founder's kubeadm init waits until every member runs.
            const member = find(colocated.get(3)!, REMOTE, `${name}-member`);
            for (const e of ["h1", "h2", "h3"]) assert.ok(member.dependsOn.includes(find(colocated.get(3)!, REMOTE, `${e}-etcd`).urn));
        }
    });

    it("keeps survivors' etcd resources and URNs when a middle host leaves", async () => {
        const before = colocated.get(5)!;
        const after = await plan(onprem(["h1", "h3", "h5"]));
        const etcdUrns = (p: Plan, name: string) => p.resources.filter((r) => r.name.startsWith(`${name}-etcd`)).map((r) => r.urn).sort();
        for (const name of ["h1", "h3", "h5"]) assert.deepEqual(etcdUrns(after, name), etcdUrns(before, name), name);
        // A member's own etcd inputs do not mention the others: nothing restarts when one leaves.
        for (const name of ["h1", "h3", "h5"]) {
            assert.deepEqual(find(after, REMOTE, `${name}-etcd`).inputs, find(before, REMOTE, `${name}-etcd`).inputs, name);
        }
        // The API servers are re-pointed at the survivors (an update of each member).
        const shrunk = await plan(onprem(["h1", "h3", "h5"]), { revealSecrets: true });
        assert.deepEqual(stdinOf(shrunk, "h3-member").etcdEndpoints, [0, 2, 4].map((i) => `https://${address(i)}:2379`));
    });

    it("keeps every key secret", () => {
        for (const p of [...colocated.values(), own]) {
            const text = JSON.stringify(p);
            for (const secret of ["offline caKey", "offline serverKey", "offline apiServerClientKey", "test-key-material"]) {
                assert.ok(!text.includes(secret), secret);
            }
            for (const r of p.resources.filter((x) => x.type === REMOTE && /-etcd(-certs)?$|^etcd-ca$|-member$/.test(x.name))) {
                // The CA run's request holds no key; everything else's does.
                if (r.name !== "etcd-ca") assert.equal(r.inputs.stdin, "[secret]", `${r.name}'s stdin`);
                assert.ok(r.options.additionalSecretOutputs.includes("stdout"), `${r.name}'s stdout`);
            }
        }
    });
});

describe("kubeadm dry-run (the lab's setting)", function () {
    this.timeout(60000);
    it("is for on-prem only", () => {
        const gce = {
            ...onprem(["h1"], { topology: "stacked" }),
            platform: "gce",
            gce: { project: "prod-project", region: "europe-west1" },
            endpoint: { port: 6443 },
            controlPlane: { replicas: [{ name: "a", zone: "europe-west1-b" }] },
            kubeadm: { dryRun: true },
        };
        rejects(gce, "haplane:kubeadm.dryRun", /on-prem labs only/);
    });
    it("dry-runs every kubeadm step and prepares hosts without a kubelet", async () => {
        const p = await plan({ ...onprem(["h1", "h2", "h3"]), kubeadm: { dryRun: true } }, { revealSecrets: true });
        for (const name of ["h1", "h2", "h3"]) {
            assert.equal(stdinOf(p, `${name}-member`).dryRun, true);
            assert.match(String(find(p, REMOTE, name).inputs.create), /'control-plane,etcd' 'dry-run'$/);
        }
        assert.match(String(find(p, REMOTE, "h2-ticket").inputs.create), /^true >&2 && .*'join-ticket' 'dry-run' '198\.18\.0\.11'$/s);
        const real = colocatedPlan ?? (await plan(onprem(["h1"]), { revealSecrets: true }));
        assert.equal(stdinOf(real, "h1-member").dryRun, undefined, "a real stack's inputs do not mention it");
    });
});
let colocatedPlan: Plan | undefined;
