// The join step of one replica: on the founder `kubeadm init`; on any other replica a join
// ticket minted on its sponsor, then `kubeadm join --control-plane` on the node. Each waits for
// what steps.ts says, mapped here to resources.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "../config/schema";
import { sshConnection } from "../connection";
import { ControlPlaneNode } from "../ControlPlaneNode";
import { MemberPlan } from "../planning/membership";
import { MembershipCommands } from "../render/commands";
import { JoinTicket, KubeadmNode } from "../render/kubeadm";
import { EtcdClientParameters, founderStdin, joinerStdin, MemberFacts } from "./stdin";
import { memberWaits, ticketWaits, Wait } from "./steps";

/** What a join step reaches for, shared by every replica's step. */
export interface JoinContext {
    config: StackConfig;
    sshPrivateKey: pulumi.Output<string>;
    run: MembershipCommands;
    endpointAddress: pulumi.Output<string>;
    /** The endpoint serves the founder once these exist. */
    endpointReady: pulumi.Resource[];
    /** Per replica, the endpoint's and the load balancer's pieces on its node. */
    endpointOnNodes: Map<string, pulumi.Resource[]>;
    /** External etcd: its client URLs and credentials (secret), and the resources after which every member votes. */
    externalEtcd?: { parameters: pulumi.Output<EtcdClientParameters>; ready: pulumi.Resource[] };
    /** Every replica's name in join order (a sponsor makes way for this set before a join). */
    desired: string[];
    parent: pulumi.Resource;
}

export interface JoinStep {
    /** kubeadm init or join on the node itself. */
    join: command.remote.Command;
    /** Mints the join ticket on the sponsor (absent for the founder). */
    ticket?: command.remote.Command;
}

function connect(ctx: JoinContext, node: ControlPlaneNode) {
    return sshConnection(ctx.config, node.internalIp, ctx.sshPrivateKey);
}

function facts(ctx: JoinContext, plan: MemberPlan, node: ControlPlaneNode): pulumi.Output<MemberFacts> {
    const etcd = ctx.externalEtcd ? ctx.externalEtcd.parameters : pulumi.output<EtcdClientParameters | undefined>(undefined);
    return pulumi.all([ctx.endpointAddress, node.internalIp, node.externalIp, etcd]).apply(([endpointAddress, internalIp, externalIp, etcdParameters]) => {
        const kubeadmNode: KubeadmNode = { name: plan.name, zone: node.replica.zone, internalIp, extraAddresses: externalIp ? [externalIp] : [] };
        return { config: ctx.config, endpointAddress, node: kubeadmNode, etcd: etcdParameters };
    });
}

export function joinStep(ctx: JoinContext, plan: MemberPlan, node: ControlPlaneNode, sponsor: ControlPlaneNode, previous: command.remote.Command | undefined): JoinStep {
    const resourcesFor = (wait: Wait, ticket?: command.remote.Command): pulumi.Resource[] => {
        switch (wait) {
            case "own machine":
                return node.machine.resources;
            case "endpoint on own node":
                return ctx.endpointOnNodes.get(plan.name) ?? [];
            case "previous join":
                return previous ? [previous] : [];
            case "endpoint serves the founder":
                return ctx.endpointReady;
            case "external etcd":
                return ctx.externalEtcd?.ready ?? [];
            case "join ticket":
                return ticket ? [ticket] : [];
        }
    };
    const member = facts(ctx, plan, node);

    let ticket: command.remote.Command | undefined;
    let stdin: pulumi.Output<string>;
    if (plan.founder) {
        const init = member.apply((f) => JSON.stringify(founderStdin(f)));
        // With external etcd the stdin carries the API server's etcd client key.
        stdin = ctx.externalEtcd ? pulumi.secret(init) : init;
    } else {
        ticket = new command.remote.Command(
            `${plan.name}-ticket`,
            {
                connection: connect(ctx, sponsor),
                // Departures first (see MembershipCommands.prepareJoin; its report goes to
                // stderr), then the ticket, the only thing on stdout.
                create: sponsor.internalIp.apply((ip) => `${ctx.run.prepareJoin(ctx.desired)} >&2 && ${ctx.run.ticket(ip)}`),
                update: "true",
                logging: "none",
            },
            {
                parent: ctx.parent,
                dependsOn: ticketWaits(plan).flatMap((w) => resourcesFor(w.on)),
                additionalSecretOutputs: ["stdout", "stderr"],
                // A ticket is minted once, at join time; a later change of sponsor (its first
                // replica removed) or of the replica set (in its command) must not mint
                // another, nor show as a change of this replica.
                ignoreChanges: ["connection", "create"],
            },
        );
        const minted = pulumi.secret(ticket.stdout).apply((out) => JSON.parse(out) as JoinTicket);
        stdin = pulumi.secret(pulumi.all([member, minted]).apply(([f, t]) => JSON.stringify(joinerStdin(f, t))));
    }

    const join = new command.remote.Command(
        `${plan.name}-member`,
        {
            connection: connect(ctx, node),
            create: plan.founder ? ctx.run.found(plan.name) : ctx.run.join(plan.name),
            // Changed inputs never re-run init or join: update only re-checks the node.
            update: ctx.run.update(plan.name),
            stdin,
        },
        {
            parent: ctx.parent,
            dependsOn: memberWaits(plan, ctx.externalEtcd ? "external" : "stacked").flatMap((w) => resourcesFor(w.on, ticket)),
            additionalSecretOutputs: ["stdout", "stderr"],
        },
    );
    return { join, ticket };
}
