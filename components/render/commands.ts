// Command lines for node scripts. Scripts are static files, so shellcheck validates exactly
// what runs on the nodes; the script text and its arguments are single-quoted.
import * as fs from "fs";
import * as path from "path";

/** POSIX single quoting: the only character to treat is the single quote itself. */
export function shellQuote(arg: string): string {
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `[sudo] bash -c '<script>' <name> <args...>`: runs a script without copying files first. */
export function scriptLine(text: string, name: string, args: string[] = [], sudo = true): string {
    return [...(sudo ? ["sudo"] : []), "bash", "-c", text, name, ...args].map(shellQuote).join(" ");
}

/**
 * The commands that change control-plane membership. EtcdCluster decides when and where each
 * runs (the ordering); an implementation decides what runs (kubeadm on real nodes, or the
 * engine tests' stand-ins that record events).
 */
export interface MembershipCommands {
    /** On the first replica: found the cluster. stdin: the member's JSON parameters. */
    found(name: string): string;
    /** On a new replica: join as an etcd member and API server. stdin: JSON with the ticket. */
    join(name: string): string;
    /** On an existing member whose inputs changed: never re-join. */
    update(name: string): string;
    /** On the sponsor (whose own address is given): print a join ticket as JSON {token, caCertHash, certificateKey}. */
    ticket(sponsorAddress: string): string;
    /**
     * On the sponsor, before each join: make way for it (stacked etcd: remove the members that
     * are not among `desired`, which this run's deletes would remove only after every join).
     */
    prepareJoin(desired: string[]): string;
    /** On the sponsor: remove `name` from etcd (moving leadership first if it leads). */
    remove(name: string): string;
    /** On member `name`: print its admin kubeconfig (a secret), as kubeadm wrote it. */
    adminKubeconfig(name: string): string;
}

export type NodeScript =
    | "member"
    | "join-ticket"
    | "membership"
    | "admin-kubeconfig"
    // external etcd
    | "etcd-certs"
    | "etcd-member"
    // on-prem hosts
    | "host-prepare"
    | "host-release"
    | "detect-interface"
    | "check-apiserver"
    | "vip-apply"
    | "vip-handover"
    | "lb-apply";
/** Scripts that run where Pulumi runs. */
export type LocalScript = "leave" | "wait-api";

export function scriptPath(script: NodeScript): string {
    return path.join(__dirname, "scripts", `${script}.sh`);
}

export function localScriptPath(script: LocalScript): string {
    return path.join(__dirname, "scripts", `${script}.sh`);
}

export function scriptText(script: NodeScript): string {
    return fs.readFileSync(scriptPath(script), "utf8");
}

export function scriptCommand(script: NodeScript, args: string[] = []): string {
    return scriptLine(scriptText(script), script, args);
}

/**
 * Membership through kubeadm and etcdctl on real control-plane nodes. With stacked etcd a
 * leaving replica's etcd member goes with it; with external etcd the EtcdCluster removes
 * etcd members and this removes only the Node.
 */
export function kubeadmMembership(topology: "stacked" | "external", kubeadmMode: "real" | "dry-run" = "real"): MembershipCommands {
    return {
        // member.sh reads the member's name from its JSON parameters on stdin.
        found: () => scriptCommand("member", ["init"]),
        join: () => scriptCommand("member", ["join"]),
        update: () => scriptCommand("member", ["update"]),
        ticket: (sponsorAddress) => scriptCommand("join-ticket", [kubeadmMode, sponsorAddress]),
        // External etcd's departures are the EtcdCluster's (removed before each add).
        prepareJoin: (desired) => (topology === "stacked" && kubeadmMode === "real" ? scriptCommand("membership", ["prune", "stacked", desired.join(",")]) : "true"),
        remove: (name) => scriptCommand("membership", ["remove", topology === "stacked" ? "stacked" : "node", name]),
        adminKubeconfig: () => scriptCommand("admin-kubeconfig"),
    };
}
