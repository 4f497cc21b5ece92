// What the lab hosts themselves say about the control plane: who holds the VIP, the etcd
// members and leader, and which API backends each haproxy sees up. Read over SSH; used by
// `lab deploy`'s summary and asserted by the lab test after every step. What the Kubernetes
// API says (readyz, leases, nodes) is apiHealth.ts.
import { LabHost, labSsh } from "./hosts";
import { LAB_VIP } from "./stack";

export interface EtcdMemberView {
    id: string;
    name: string;
    peerUrl: string;
    learner: boolean;
    started: boolean;
}

export interface EtcdView {
    /** The host that answered. */
    askedVia: string;
    members: EtcdMemberView[];
    /** Name of the leader, per `endpoint status`. */
    leader?: string;
    /** Client URL -> healthy, for every member. */
    health: Record<string, boolean>;
}

export interface HaproxyView {
    running: boolean;
    /** Backend server name -> status (UP, DOWN, MAINT, ...), for the API backend. */
    servers: Record<string, string>;
}

export interface LabHealth {
    vipHolders: string[];
    etcd?: EtcdView;
    haproxy: Record<string, HaproxyView>;
    /** The etcd list each API server's static Pod manifest gives it (`--etcd-servers`). */
    apiServerEtcd: Record<string, string>;
    unreachable: string[];
}

// kubeadm's stacked etcd keeps its certificates in /etc/kubernetes/pki/etcd, haplane's
// external etcd in /etc/etcd/pki; both issue a healthcheck client certificate.
const ETCDCTL =
    'pki=/etc/etcd/pki; [ -f /etc/kubernetes/pki/etcd/healthcheck-client.crt ] && pki=/etc/kubernetes/pki/etcd; ' +
    'ETCDCTL_API=3 etcdctl --cacert "$pki/ca.crt" --cert "$pki/healthcheck-client.crt" --key "$pki/healthcheck-client.key" --command-timeout 5s';

function ssh(host: LabHost, command: string): string | undefined {
    const r = labSsh(host, command, { timeoutMs: 20_000, connectTimeoutSeconds: 3 });
    return r.status === 0 ? r.stdout : undefined;
}

/** Reads from every host in `hosts` that answers; `hosts` should include cut-off ones to prove they hold nothing reachable. */
export function readHealth(hosts: LabHost[]): LabHealth {
    const health: LabHealth = { vipHolders: [], haproxy: {}, apiServerEtcd: {}, unreachable: [] };
    for (const host of hosts) {
        const out = ssh(
            host,
            [
                `ip -4 -o addr show | grep -qF ' ${LAB_VIP}/' && echo vip=yes || echo vip=no`,
                "pidof haproxy >/dev/null && echo haproxy=yes || echo haproxy=no",
                "echo 'show stat' | socat -t 2 stdio /run/haproxy/admin.sock 2>/dev/null | sed 's/^/stat:/' || true",
                // What the running API server was rendered with (kubeadm's static Pod manifest).
                "echo \"etcdservers=$(grep -oE -- '--etcd-servers=[^\\\"[:space:]]*' /etc/kubernetes/manifests/kube-apiserver.yaml 2>/dev/null | cut -d= -f2-)\"",
            ].join("; "),
        );
        if (out === undefined) {
            health.unreachable.push(host.name);
            continue;
        }
        if (/^vip=yes$/m.test(out)) health.vipHolders.push(host.name);
        const servers: Record<string, string> = {};
        for (const line of out.split("\n").filter((l) => l.startsWith("stat:kube-apiservers,"))) {
            // show stat CSV: pxname,svname,...; status is the 18th field.
            const f = line.slice("stat:".length).split(",");
            if (f[1] !== "BACKEND" && f[1] !== "FRONTEND") servers[f[1]] = f[17].split(" ")[0];
        }
        health.haproxy[host.name] = { running: /^haproxy=yes$/m.test(out), servers };
        const etcdServers = /^etcdservers=(.*)$/m.exec(out)?.[1] ?? "";
        if (etcdServers) health.apiServerEtcd[host.name] = etcdServers;
    }
    for (const host of hosts.filter((h) => !health.unreachable.includes(h.name))) {
        const view = readEtcd(host);
        if (view) {
            health.etcd = view;
            break;
        }
    }
    return health;
}

/** etcd as one member sees it. Simple output keeps 64-bit member IDs exact (hex). */
function readEtcd(host: LabHost): EtcdView | undefined {
    const list = ssh(host, `${ETCDCTL} --endpoints https://127.0.0.1:2379 member list`);
    if (list === undefined) return undefined;
    // "ID, status, name, peer URLs, client URLs, is learner"
    const members = list
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => {
            const f = line.split(", ");
            return { id: f[0], started: f[1] === "started", name: f[2], peerUrl: f[3], clientUrl: f[4], learner: f[5] === "true" };
        });
    const endpoints = members.map((m) => m.clientUrl).filter(Boolean).join(",");
    const view: EtcdView = { askedVia: host.name, members: members.map(({ clientUrl: _c, ...m }) => m), health: {} };
    // "endpoint, ID, version, db size, is leader, ..."
    const status = ssh(host, `${ETCDCTL} --endpoints ${endpoints} endpoint status 2>/dev/null || true`) ?? "";
    for (const line of status.trim().split("\n").filter(Boolean)) {
        const f = line.split(", ");
        if (f[4] === "true") view.leader = members.find((m) => m.id === f[1])?.name;
    }
    // "<url> is healthy: ..." / "<url> is unhealthy: ..."
    const healthOut = ssh(host, `${ETCDCTL} --endpoints ${endpoints} endpoint health 2>&1 || true`) ?? "";
    for (const m of members.filter((x) => x.clientUrl)) {
        view.health[m.clientUrl] = new RegExp(`^${m.clientUrl.replace(/[.]/g, "\\.")} is healthy`, "m").test(healthOut);
    }
    return view;
}

/** A few lines for people: what deploy prints at the end. */
export function formatHealth(h: LabHealth): string {
    const lines = [`VIP ${LAB_VIP} held by: ${h.vipHolders.join(", ") || "nobody"}`];
    if (h.etcd) {
        const members = h.etcd.members.map((m) => `${m.name || "(unstarted)"}${m.learner ? " (learner)" : ""}`).join(", ");
        const healthy = Object.values(h.etcd.health).filter(Boolean).length;
        lines.push(`etcd: ${h.etcd.members.length} members [${members}], leader ${h.etcd.leader ?? "none"}, ${healthy}/${h.etcd.members.length} healthy`);
    } else {
        lines.push("etcd: no member answered");
    }
    for (const [host, lb] of Object.entries(h.haproxy)) {
        const servers = Object.entries(lb.servers).map(([name, status]) => `${name} ${status}`);
        lines.push(`haproxy on ${host}: ${lb.running ? (servers.length ? servers.join(", ") : "running, no backend stats") : "not running"}`);
    }
    for (const [host, list] of Object.entries(h.apiServerEtcd)) lines.push(`API server on ${host} uses etcd ${list}`);
    if (h.unreachable.length) lines.push(`unreachable: ${h.unreachable.join(", ")}`);
    return lines.join("\n");
}
