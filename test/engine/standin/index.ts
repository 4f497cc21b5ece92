// A stand-in platform and membership for the engine tests: the same components and
// ordering as production, with command-provider resources in place of cloud resources and
// kubeadm. Machines and the load balancer frontend are local commands that claim and release
// the endpoint address through a holder file; membership runs over real SSH on stand-in hosts
// (one sshd per loopback address).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { EndpointHolder } from "../../../components/planning/endpoint";
import { MembershipCommands, scriptLine } from "../../../components/render/commands";
import { ClusterContext, EndpointAddress, LoadBalancerArgs, Machine, MachineArgs, Platform } from "../../../components/platform/types";

const script = fs.readFileSync(path.join(__dirname, "standin.sh"), "utf8");
const local = (op: string) => scriptLine(script, "standin", [op], false);

export interface StandinSettings {
    /** State folder shared by the stand-ins (holder file, events log). */
    dir: string;
    /** Replica name -> the stand-in host's address (where its sshd listens). */
    hosts: Record<string, string>;
}

export function standinPlatform(settings: StandinSettings): Platform {
    const { dir, hosts } = settings;
    return {
        name: "gce",
        network: () => [],
        dnsRecord: () => undefined,

        endpointAddress(ctx: ClusterContext, parent: pulumi.Resource): EndpointAddress {
            const reserved = new command.local.Command("api", { create: "true", update: "true" }, { parent });
            return { address: pulumi.output("198.18.0.100"), ref: pulumi.output("198.18.0.100"), resources: [reserved] };
        },

        observeEndpointHolder(): pulumi.Output<EndpointHolder> {
            const file = path.join(dir, "address.holder");
            const holder = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "";
            return pulumi.output<EndpointHolder>(holder === "lb" ? "loadBalancer" : holder.startsWith("node:") ? "node" : "free");
        },

        machine(ctx: ClusterContext, args: MachineArgs, parent: pulumi.Resource): Machine {
            const name = args.replica.name;
            const host = hosts[name];
            if (!host) throw new Error(`stand-in: no host address for replica ${name}`);
            const machine = new command.local.Command(
                name,
                {
                    create: local("machine-create"),
                    update: local("machine-update"),
                    delete: local("machine-delete"),
                    environment: { DIR: dir, NAME: name, HOLDS: pulumi.output(args.holdsEndpoint).apply((h) => (h ? "1" : "0")) },
                },
                { parent },
            );
            return {
                internalIp: pulumi.output(host),
                externalIp: pulumi.output<string | undefined>(undefined),
                ref: pulumi.output(name),
                resources: [machine],
            };
        },

        loadBalancer(ctx: ClusterContext, args: LoadBalancerArgs, parent: pulumi.Resource) {
            const frontend = new command.local.Command(
                "api-frontend",
                {
                    create: local("frontend-create"),
                    update: local("frontend-update"),
                    delete: local("frontend-delete"),
                    environment: { DIR: dir, BACKENDS: args.members.map((m) => m.replica.name).join(",") },
                },
                { parent, dependsOn: args.claimAfter },
            );
            return { frontend: frontend.id, ready: [frontend] };
        },
    };
}

export function standinMembership(dir: string): MembershipCommands {
    const remote = (op: string, name: string) => scriptLine(script, "standin", [op, dir, name], false);
    return {
        found: (name) => remote("found", name),
        join: (name) => remote("join", name),
        update: (name) => remote("update", name),
        ticket: () => remote("ticket", "-"),
        prepareJoin: () => "true",
        remove: (name) => remote("remove", name),
        adminKubeconfig: (name) => remote("admin-kubeconfig", name),
    };
}
