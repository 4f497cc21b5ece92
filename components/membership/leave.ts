// The leave step of one replica: a local command whose delete reaches the replica's sponsor
// over SSH and removes the member there (membership.sh: leadership moved first if it leads).
// It depends on the member's machine only (steps.ts, removalPlan), so the engine runs it before
// deleting that machine, and nothing of any other replica depends on it.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { StackConfig } from "../config/schema";
import { ControlPlaneNode } from "../ControlPlaneNode";
import { MemberPlan } from "../planning/membership";
import { MembershipCommands } from "../render/commands";
import { sshDeleteHook } from "../sshHook";
import { removalPlan } from "./steps";

export interface LeaveContext {
    config: StackConfig;
    sshPrivateKey: pulumi.Output<string>;
    run: MembershipCommands;
    parent: pulumi.Resource;
}

export function leaveStep(ctx: LeaveContext, plan: MemberPlan, nodes: Map<string, ControlPlaneNode>): command.local.Command {
    const removal = removalPlan(plan);
    const node = nodes.get(plan.name)!;
    const sponsor = nodes.get(removal.runsOn)!;
    return sshDeleteHook(
        `${plan.name}-removal`,
        { config: ctx.config, member: plan.name, action: "removal", hosts: [sponsor.internalIp], sshPrivateKey: ctx.sshPrivateKey, remoteCommand: ctx.run.remove(plan.name) },
        { parent: ctx.parent, dependsOn: removal.waits.flatMap((w) => (w.on === "own machine" ? node.machine.resources : [])) },
    );
}
