// Control-plane membership, and etcd's when it is stacked (every platform): each replica's
// join step (membership/join.ts: kubeadm init on the founder; a ticket on the sponsor, then
// kubeadm join, one replica at a time) and leave step (membership/leave.ts: a removal that
// runs on a surviving peer before the machine goes). Why each step waits is in
// membership/steps.ts. With external etcd (ExternalEtcdCluster, on-prem) the API servers are
// pointed at it and a leave removes only the Node.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "./config/schema";
import { ControlPlaneNode } from "./ControlPlaneNode";
import { EtcdClient } from "./ExternalEtcdCluster";
import { joinStep } from "./membership/join";
import { leaveStep } from "./membership/leave";
import { MemberPlan, planMembership } from "./planning/membership";
import { MembershipCommands } from "./render/commands";

export interface EtcdClusterArgs {
    /** The stack config: SSH settings, kubeadm's configuration, the topology. */
    config: StackConfig;
    /** The control-plane nodes in join order. */
    nodes: ControlPlaneNode[];
    /** Per replica, the endpoint's and the load balancer's pieces on its node (on-prem: keepalived, haproxy). */
    endpointOnNodes: Map<string, pulumi.Resource[]>;
    /** The endpoint address (kubeadm's controlPlaneEndpoint, unless a DNS name is set). */
    endpointAddress: pulumi.Output<string>;
    /** SSH private key for the nodes (a Pulumi secret). */
    sshPrivateKey: pulumi.Output<string>;
    /** Joins discover the cluster through the endpoint: it serves the founder once these exist. */
    endpointReady: pulumi.Resource[];
    /** What runs for each membership step (kubeadm and etcdctl on real nodes). */
    membership: MembershipCommands;
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
        const { config, sshPrivateKey } = args;
        const external = args.externalEtcd;
        const run = args.membership;
        const nodes = new Map(args.nodes.map((n) => [n.replica.name, n]));
        const plans = planMembership(args.nodes.map((n) => n.replica));
        const joinContext = {
            config,
            sshPrivateKey,
            run,
            endpointAddress: args.endpointAddress,
            endpointReady: args.endpointReady,
            endpointOnNodes: args.endpointOnNodes,
            // The etcd client's key is secret: only a member's stdin ever holds it.
            externalEtcd: external && {
                parameters: pulumi.all([external.endpoints, external.credentials]).apply(([endpoints, client]) => ({ endpoints, client })),
                ready: external.ready,
            },
            desired: plans.map((p) => p.name),
            parent: this,
        };
        const leaveContext = { config, sshPrivateKey, run, parent: this };

        const joins = new Map<string, command.remote.Command>();
        this.members = plans.map((plan) => {
            const step = joinStep(joinContext, plan, nodes.get(plan.name)!, nodes.get(plan.sponsor)!, plan.after ? joins.get(plan.after) : undefined);
            joins.set(plan.name, step.join);
            return { plan, ...step, removal: leaveStep(leaveContext, plan, nodes) };
        });

        this.memberNames = pulumi.output(plans.map((p) => p.name));
        this.registerOutputs({ members: this.memberNames });
    }
}
