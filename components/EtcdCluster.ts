// etcd (stacked) and control-plane membership: kubeadm init on the founder, joins one at a
// time, and a removal per member that runs on a surviving peer before the machine goes.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";
import { sshConnection } from "./connection";
import { ControlPlaneNode } from "./ControlPlaneNode";
import { MemberPlan, planMembership } from "./planning/membership";
import { scriptCommand } from "./render/commands";
import { apiServerSans, endpointHost, JoinTicket, KubeadmNode, renderInitConfig, renderJoinConfig } from "./render/kubeadm";

export interface EtcdClusterArgs {
    config: StackConfig;
    /** Nodes in join order. */
    nodes: ControlPlaneNode[];
    endpointAddress: pulumi.Output<string>;
    sshPrivateKey: pulumi.Output<string>;
    /** Joins discover the cluster through the endpoint: wait until it serves. */
    endpointReady: pulumi.Resource[];
}

export interface Member {
    plan: MemberPlan;
    /** kubeadm init or join on the node itself. */
    join: command.remote.Command;
    /** Mints the join ticket on the sponsor (absent for the founder). */
    ticket?: command.remote.Command;
    /** Checks the member on the sponsor; its delete removes the member (absent with one replica). */
    removal?: command.remote.Command;
}

export class EtcdCluster extends pulumi.ComponentResource {
    readonly members: Member[];
    readonly memberNames: pulumi.Output<string[]>;

    constructor(name: string, args: EtcdClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("haplane:index:EtcdCluster", name, {}, opts);
        const { config } = args;
        const byName = new Map(args.nodes.map((n) => [n.replica.name, n]));
        const connect = (node: ControlPlaneNode) => sshConnection(config, node.internalIp, args.sshPrivateKey);
        const plans = planMembership(args.nodes.map((n) => n.replica));

        const joins = new Map<string, command.remote.Command>();
        this.members = plans.map((plan) => {
            const node = byName.get(plan.name)!;
            const previous = plan.after ? [joins.get(plan.after)!] : [];
            const sponsor = plan.sponsor ? byName.get(plan.sponsor)! : undefined;
            const kubeadmNode = pulumi
                .all([node.internalIp, node.externalIp])
                .apply(([internalIp, externalIp]): KubeadmNode => ({ name: plan.name, internalIp, extraAddresses: externalIp ? [externalIp] : [] }));
            const common = pulumi.all([args.endpointAddress, kubeadmNode]).apply(([endpoint, kn]) => ({
                sans: apiServerSans(config, endpoint, kn),
                advertiseAddress: kn.internalIp,
                controlPlaneEndpoint: `${endpointHost(config, endpoint)}:${config.endpoint.port}`,
            }));

            let ticket: command.remote.Command | undefined;
            let stdin: pulumi.Output<string>;
            if (plan.founder) {
                stdin = pulumi
                    .all([args.endpointAddress, kubeadmNode, common])
                    .apply(([endpoint, kn, c]) => JSON.stringify({ kubeadm: renderInitConfig(config, endpoint, kn), ...c }));
            } else {
                ticket = new command.remote.Command(
                    `${plan.name}-ticket`,
                    {
                        connection: connect(sponsor!),
                        create: scriptCommand("join-ticket"),
                        update: "true",
                        logging: "none",
                    },
                    {
                        parent: this,
                        dependsOn: [...previous, ...args.endpointReady],
                        additionalSecretOutputs: ["stdout", "stderr"],
                        // A ticket is minted once, at join time; a later change of sponsor
                        // (its first replica removed) must not mint another.
                        ignoreChanges: ["connection"],
                    },
                );
                const minted = pulumi.secret(ticket.stdout).apply((out) => JSON.parse(out) as JoinTicket);
                stdin = pulumi.secret(
                    pulumi
                        .all([args.endpointAddress, kubeadmNode, common, minted])
                        .apply(([endpoint, kn, c, t]) => JSON.stringify({ kubeadm: renderJoinConfig(config, endpoint, kn, t), ...c })),
                );
            }

            const join = new command.remote.Command(
                `${plan.name}-member`,
                {
                    connection: connect(node),
                    create: scriptCommand("member", [plan.founder ? "init" : "join"]),
                    // Changed inputs never re-run init or join: update only re-checks the node.
                    update: scriptCommand("member", ["update"]),
                    stdin,
                },
                {
                    parent: this,
                    dependsOn: [...node.machine.resources, ...previous, ...(ticket ? [ticket] : []), ...(plan.founder ? [] : args.endpointReady)],
                    additionalSecretOutputs: ["stdout", "stderr"],
                },
            );
            joins.set(plan.name, join);

            return { plan, join, ticket };
        });

        let previousRemoval: command.remote.Command | undefined;
        for (const member of this.members) {
            const plan = member.plan;
            if (!plan.sponsor) continue; // a single replica has no peer: removing it ends the cluster
            member.removal = new command.remote.Command(
                `${plan.name}-removal`,
                {
                    connection: connect(byName.get(plan.sponsor)!),
                    create: scriptCommand("member-check", [plan.name]),
                    update: scriptCommand("member-check", [plan.name]),
                    delete: scriptCommand("member-remove", [plan.name]),
                },
                {
                    parent: this,
                    // Depending on the join (and so on the machine) makes the engine delete
                    // this, and so remove the etcd member, before the machine is deleted.
                    // The chain through the previous removal keeps removals one at a time.
                    dependsOn: [member.join, joins.get(plan.sponsor)!, ...(previousRemoval ? [previousRemoval] : [])],
                },
            );
            previousRemoval = member.removal;
        }

        this.memberNames = pulumi.output(plans.map((p) => p.name));
        this.registerOutputs({ members: this.memberNames });
    }
}
