// Control-plane membership, and etcd's when it is stacked: kubeadm init on the founder, joins
// one at a time, and per member a removal hook that runs on a surviving peer before the
// machine goes. With external etcd (ExternalEtcdCluster) the API servers are pointed at it.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";
import { sshConnection } from "./connection";
import { ControlPlaneNode } from "./ControlPlaneNode";
import { EtcdClient } from "./ExternalEtcdCluster";
import { MemberPlan, planMembership } from "./planning/membership";
import { kubeadmMembership, MembershipCommands } from "./render/commands";
import { sshDeleteHook } from "./sshHook";
import { apiServerSans, endpointHost, JoinTicket, KubeadmNode, leaderElectionArgs, renderInitConfig, renderJoinConfig } from "./render/kubeadm";

export interface EtcdClusterArgs {
    config: StackConfig;
    /** Nodes in join order. */
    nodes: ControlPlaneNode[];
    endpointAddress: pulumi.Output<string>;
    sshPrivateKey: pulumi.Output<string>;
    /** Joins discover the cluster through the endpoint: wait until it serves the founder. */
    endpointReady: pulumi.Resource[];
    /** What runs for each membership step (default: kubeadm and etcdctl). */
    membership?: MembershipCommands;
    /** External etcd: the API servers use it instead of kubeadm's own etcd. */
    externalEtcd?: EtcdClient;
}

export interface Member {
    plan: MemberPlan;
    /** kubeadm init or join on the node itself. */
    join: command.remote.Command;
    /** Mints the join ticket on the sponsor (absent for the founder). */
    ticket?: command.remote.Command;
    /** Its delete removes the member through the sponsor. */
    removal: command.local.Command;
}

export class EtcdCluster extends pulumi.ComponentResource {
    readonly members: Member[];
    readonly memberNames: pulumi.Output<string[]>;

    constructor(name: string, args: EtcdClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:EtcdCluster", name, {}, opts);
        const { config } = args;
        const external = args.externalEtcd;
        const dryRun = config.kubeadm.dryRun;
        const run = args.membership ?? kubeadmMembership(external ? "external" : "stacked", dryRun ? "dry-run" : "real");
        const etcdEndpoints = external ? external.endpoints : pulumi.output<string[] | undefined>(undefined);
        // The etcd client's key is secret: only a member's stdin ever holds it.
        const etcdClient = external ? { etcdClient: external.credentials } : {};
        const byName = new Map(args.nodes.map((n) => [n.replica.name, n]));
        const connect = (node: ControlPlaneNode) => sshConnection(config, node.internalIp, args.sshPrivateKey);
        const plans = planMembership(args.nodes.map((n) => n.replica));

        const joins = new Map<string, command.remote.Command>();
        this.members = plans.map((plan) => {
            const node = byName.get(plan.name)!;
            // One membership change at a time: each join waits for the previous one.
            const previous = plan.after ? [joins.get(plan.after)!] : [];
            const parameters = pulumi.all([args.endpointAddress, node.internalIp, node.externalIp, etcdEndpoints, pulumi.output(etcdClient)]).apply(
                ([endpoint, internalIp, externalIp, etcd, client]) => {
                    const kn: KubeadmNode = { name: plan.name, zone: node.replica.zone, internalIp, extraAddresses: externalIp ? [externalIp] : [] };
                    return {
                        endpoint,
                        node: kn,
                        etcd,
                        common: {
                            name: plan.name,
                            sans: apiServerSans(config, endpoint, kn),
                            advertiseAddress: internalIp,
                            controlPlaneEndpoint: `${endpointHost(config, endpoint)}:${config.endpoint.port}`,
                            ...(dryRun ? { dryRun } : {}),
                            // What later kubeadm phases on this member render from: the
                            // controllers when leader election changes, the API server when
                            // external etcd members move.
                            phases: renderInitConfig(config, endpoint, kn, etcd),
                            leaderElection: leaderElectionArgs(config),
                            ...(etcd ? { etcdEndpoints: etcd, ...client } : {}),
                        },
                    };
                },
            );

            let ticket: command.remote.Command | undefined;
            let stdin: pulumi.Output<string>;
            if (plan.founder) {
                const init = parameters.apply((p) => JSON.stringify({ ...p.common, kubeadm: renderInitConfig(config, p.endpoint, p.node, p.etcd) }));
                stdin = external ? pulumi.secret(init) : init;
            } else {
                ticket = new command.remote.Command(
                    `${plan.name}-ticket`,
                    {
                        connection: connect(byName.get(plan.sponsor)!),
                        // Departures first (see MembershipCommands.prepareJoin; its report goes to
                        // stderr), then the ticket, the only thing on stdout.
                        create: byName.get(plan.sponsor)!.internalIp.apply((ip) => `${run.prepareJoin(plans.map((p) => p.name))} >&2 && ${run.ticket(ip)}`),
                        update: "true",
                        logging: "none",
                    },
                    {
                        parent: this,
                        dependsOn: [...previous, ...args.endpointReady],
                        additionalSecretOutputs: ["stdout", "stderr"],
                        // A ticket is minted once, at join time; a later change of sponsor
                        // (its first replica removed) or of the replica set (in its command)
                        // must not mint another, nor show as a change of this replica.
                        ignoreChanges: ["connection", "create"],
                    },
                );
                const minted = pulumi.secret(ticket.stdout).apply((out) => JSON.parse(out) as JoinTicket);
                stdin = pulumi.secret(
                    pulumi.all([parameters, minted]).apply(([p, t]) => JSON.stringify({ ...p.common, kubeadm: renderJoinConfig(config, p.endpoint, p.node, t) })),
                );
            }

            const join = new command.remote.Command(
                `${plan.name}-member`,
                {
                    connection: connect(node),
                    create: plan.founder ? run.found(plan.name) : run.join(plan.name),
                    // Changed inputs never re-run init or join: update only re-checks the node.
                    update: run.update(plan.name),
                    stdin,
                },
                {
                    parent: this,
                    dependsOn: [
                        ...node.machine.resources,
                        ...previous,
                        ...(ticket ? [ticket] : []),
                        ...(plan.founder ? [] : args.endpointReady),
                        ...(external ? external.ready : []),
                    ],
                    additionalSecretOutputs: ["stdout", "stderr"],
                },
            );
            joins.set(plan.name, join);
            return { plan, join, ticket, removal: this.removal(plan, byName.get(plan.sponsor)!, node, args, run) };
        });

        this.memberNames = pulumi.output(plans.map((p) => p.name));
        this.registerOutputs({ members: this.memberNames });
    }

    /**
     * The member's removal: a local command whose delete reaches the sponsor over SSH and
     * removes the member there. It depends on the member's machine only, so the engine runs
     * it before deleting that machine, and nothing of any other replica depends on it.
     */
    private removal(plan: MemberPlan, sponsor: ControlPlaneNode, node: ControlPlaneNode, args: EtcdClusterArgs, run: MembershipCommands) {
        return sshDeleteHook(
            `${plan.name}-removal`,
            { config: args.config, member: plan.name, host: sponsor.internalIp, sshPrivateKey: args.sshPrivateKey, remoteCommand: run.remove(plan.name) },
            { parent: this, dependsOn: node.machine.resources },
        );
    }
}
