// The external etcd topology: haplane runs etcd itself on its own hosts (or on the
// control-plane hosts), with peer and client TLS and mutual authentication.
//
// - `etcd-ca`, once, on the first etcd host: kubeadm's etcd CA phase makes the CA and the API
//   servers' client certificate; they live in the stack's secrets, never on a host's disk.
// - per member, on its sponsor (the founder on itself): kubeadm's etcd-server, etcd-peer and
//   etcd-healthcheck-client phases issue its certificates (secrets);
// - per joining member, on the sponsor: `etcdctl member add --learner`, one at a time, each
//   waiting for the previous member to run as a voter;
// - per member, on its host: install the files, start etcd, promote the learner;
// - per member, a removal hook that runs `etcdctl member remove` on the sponsor before the
//   host is released.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";
import { sshConnection } from "./connection";
import { MemberPlan, planMembership } from "./planning/membership";
import { scriptCommand } from "./render/commands";
import { clientUrl, clientUrlsOf, EtcdMember, initialCluster, peerUrl, renderEtcdCertConfig, renderEtcdConfig, renderEtcdUnit } from "./render/etcd";
import { sshDeleteHook } from "./sshHook";

export interface EtcdHost {
    name: string;
    zone: string;
    address: pulumi.Input<string>;
    /** The host's own resources (prepare, release): etcd starts after them and leaves before them. */
    resources: pulumi.Resource[];
}

export interface ExternalEtcdClusterArgs {
    /** The stack config: SSH settings, the cluster name and version, etcd's raft timing. */
    config: StackConfig;
    /** Members in join order. */
    hosts: EtcdHost[];
    /** SSH private key for the hosts (a Pulumi secret). */
    sshPrivateKey: pulumi.Output<string>;
}

/** The API servers' view of the cluster. */
export interface EtcdClient {
    endpoints: pulumi.Output<string[]>;
    /** {caCert, cert, key}: a Pulumi secret. */
    credentials: pulumi.Output<{ caCert: string; cert: string; key: string }>;
    /** Every member runs (and is a voter) once these exist. */
    ready: pulumi.Resource[];
}

interface CaBundle {
    caCert: string;
    caKey: string;
    apiServerClientCert: string;
    apiServerClientKey: string;
}

interface MemberCerts {
    serverCert: string;
    serverKey: string;
    peerCert: string;
    peerKey: string;
    clientCert: string;
    clientKey: string;
}

export interface ExternalEtcdMember {
    plan: MemberPlan;
    certs: command.remote.Command;
    /** `etcdctl member add` on the sponsor (absent for the founder). */
    add?: command.remote.Command;
    /** etcd running on the member's host. */
    service: command.remote.Command;
    removal: command.local.Command;
}

export class ExternalEtcdCluster extends pulumi.ComponentResource {
    readonly members: ExternalEtcdMember[];
    readonly client: EtcdClient;

    constructor(name: string, args: ExternalEtcdClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:ExternalEtcdCluster", name, {}, opts);
        const { config, sshPrivateKey } = args;
        const byName = new Map(args.hosts.map((h) => [h.name, h]));
        const connect = (host: EtcdHost) => sshConnection(config, host.address, sshPrivateKey);
        const member = (host: EtcdHost) => pulumi.output(host.address).apply((address): EtcdMember => ({ name: host.name, address }));
        const plans = planMembership(args.hosts.map((h) => ({ name: h.name, zone: h.zone })));
        const founder = byName.get(plans[0].name)!;
        const timing = { heartbeatIntervalMs: config.etcd.heartbeatIntervalMs, electionTimeoutMs: config.etcd.electionTimeoutMs };
        const desired = plans.map((p) => p.name).join(",");

        // Minted once: a later change of the first host must not make a new CA.
        const ca = new command.remote.Command(
            "etcd-ca",
            {
                connection: connect(founder),
                create: scriptCommand("etcd-certs", ["ca"]),
                stdin: member(founder).apply((m) => JSON.stringify({ kubeadm: renderEtcdCertConfig(config.clusterName, config.kubernetesVersion, m) })),
                // stdout carries the keys; stderr only kubeadm's messages when a phase fails.
                logging: "stderr",
            },
            { parent: this, dependsOn: founder.resources, additionalSecretOutputs: ["stdout", "stderr"], ignoreChanges: ["connection", "stdin"] },
        );
        const bundle = pulumi.secret(ca.stdout).apply((out) => JSON.parse(out) as CaBundle);

        const services = new Map<string, command.remote.Command>();
        this.members = plans.map((plan) => {
            const host = byName.get(plan.name)!;
            const sponsor = byName.get(plan.sponsor)!;
            const self = member(host);
            const previous = plan.after ? [services.get(plan.after)!] : [];

            // Issued on the sponsor (which has kubeadm and is known to be up), once.
            const certs = new command.remote.Command(
                `${plan.name}-etcd-certs`,
                {
                    connection: connect(plan.founder ? host : sponsor),
                    create: scriptCommand("etcd-certs", ["member"]),
                    stdin: pulumi.secret(
                        pulumi.all([self, bundle]).apply(([m, b]) =>
                            JSON.stringify({ kubeadm: renderEtcdCertConfig(config.clusterName, config.kubernetesVersion, m), caCert: b.caCert, caKey: b.caKey }),
                        ),
                    ),
                    logging: "stderr",
                },
                {
                    parent: this,
                    dependsOn: [ca, ...(plan.founder ? host.resources : sponsor.resources)],
                    additionalSecretOutputs: ["stdout", "stderr"],
                    ignoreChanges: ["connection", "stdin"],
                },
            );
            const issued = pulumi.secret(certs.stdout).apply((out) => JSON.parse(out) as MemberCerts);

            let add: command.remote.Command | undefined;
            let startsWith: pulumi.Output<{ initialCluster: string; state: "new" | "existing" }>;
            if (plan.founder) {
                startsWith = self.apply((m) => ({ initialCluster: initialCluster([m]), state: "new" as const }));
            } else {
                // One change at a time: the add waits until the previous member runs as a voter.
                add = new command.remote.Command(
                    `${plan.name}-etcd-add`,
                    {
                        connection: connect(sponsor),
                        create: self.apply((m) => scriptCommand("membership", ["add", "etcd", m.name, peerUrl(m), desired])),
                        update: "true",
                    },
                    // Departures are named at add time only; the answer is what the member started with.
                    { parent: this, dependsOn: [...previous, ...host.resources], ignoreChanges: ["connection", "create"] },
                );
                startsWith = add.stdout.apply((out) => ({ initialCluster: (JSON.parse(out) as { initialCluster: string }).initialCluster, state: "existing" as const }));
            }

            const service = new command.remote.Command(
                `${plan.name}-etcd`,
                {
                    connection: connect(host),
                    create: scriptCommand("etcd-member", ["start"]),
                    update: scriptCommand("etcd-member", ["update"]),
                    stdin: pulumi.secret(
                        pulumi.all([self, startsWith, bundle, issued]).apply(([m, start, b, c]) =>
                            JSON.stringify({
                                name: m.name,
                                // Whom a learner asks about membership (it cannot answer itself).
                                cluster: clientUrlsOf(start.initialCluster).filter((u) => u !== clientUrl(m)),
                                config: renderEtcdConfig({
                                    clusterName: config.clusterName,
                                    member: m,
                                    initialCluster: start.initialCluster,
                                    initialClusterState: start.state,
                                    timing,
                                }),
                                unit: renderEtcdUnit(config.clusterName),
                                caCert: b.caCert,
                                ...c,
                            }),
                        ),
                    ),
                },
                { parent: this, dependsOn: [...host.resources, ...previous, certs, ...(add ? [add] : [])], additionalSecretOutputs: ["stdout", "stderr"] },
            );
            services.set(plan.name, service);

            const removal = sshDeleteHook(
                `${plan.name}-etcd-removal`,
                {
                    config,
                    member: plan.name,
                    action: "removal",
                    hosts: [sponsor.address],
                    sshPrivateKey,
                    remoteCommand: scriptCommand("membership", ["remove", "etcd", plan.name]),
                },
                // Its delete runs before the service's and the host's: the member leaves etcd first.
                { parent: this, dependsOn: [...host.resources, service] },
            );
            return { plan, certs, add, service, removal };
        });

        this.client = {
            endpoints: pulumi.all(args.hosts.map(member)).apply((ms) => ms.map(clientUrl)),
            credentials: pulumi.secret(bundle.apply((b) => ({ caCert: b.caCert, cert: b.apiServerClientCert, key: b.apiServerClientKey }))),
            ready: [...services.values()],
        };
        this.registerOutputs({ members: plans.map((p) => p.name), endpoints: this.client.endpoints });
    }
}
