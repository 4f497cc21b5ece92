// haproxy.cfg for the on-prem endpoint: haproxy on every control-plane node balances the VIP's
// TCP connections across all API servers, checking each one's /readyz. Pure.
//
// Ports: the API servers keep kubeadm's default, every address of their node on 6443, so the
// kubelet, kubeadm's probes and the track script's 127.0.0.1 check work unchanged. haproxy
// listens on the VIP's port, 8443 by default, on every address (`*`): nodes that do not hold
// the VIP need no non-local bind, and a VIP move needs nothing from haproxy (kubeadm's HA guide
// splits the ports the same way). The other layout, haproxy on <VIP>:6443 with each API server
// bound to its node address only (--bind-address), is available by passing the VIP as
// bindAddress; haproxy then binds it `transparent` to start on nodes without the VIP.
//
// Reloads: `systemctl reload haproxy` (Debian runs haproxy -Ws, master-worker) starts new
// workers on the same listening sockets, so no connection is refused, and old workers keep
// serving their established connections until those end or `hard-stop-after` passes.
import { block, checkAddress, checkInteger, checkName, ConfigTextError, comment, directive, renderSections } from "./configText";

export const DEFAULT_BIND_PORT = 8443;
export const DEFAULT_API_SERVER_PORT = 6443;
/** The runtime API: `echo "show servers state kube-apiservers" | socat stdio <socket>`. */
export const ADMIN_SOCKET = "/run/haproxy/admin.sock";
export const BACKEND_NAME = "kube-apiservers";
const FRONTEND_NAME = "kube-apiserver";

/**
 * In TCP mode client/server timeouts are inactivity timeouts on the whole TLS stream. Clients
 * hold long-lived, often quiet connections: watches (which the API server itself ends after
 * 30-60 min), `logs -f`, `exec`, `port-forward`. A typical 30-50 s timeout would cut them
 * all the time; 4 h only ends abandoned ones, and TCP keepalives catch vanished peers sooner.
 */
const DEFAULT_IDLE_TIMEOUT_SECONDS = 4 * 3600;
/**
 * After a reload, old workers serve at most this long: by then the API servers have ended
 * every watch anyway, so only long interactive sessions are cut (and clients reconnect).
 * Without it, old workers with an old backend list could live for hours.
 */
const DEFAULT_HARD_STOP_AFTER_SECONDS = 3600;

export interface HaproxyBackend {
    /** The node's name, used as the server name in logs and the runtime API. */
    name: string;
    address: string;
    port: number;
}

export interface HaproxyArgs {
    /** `*` (every IPv4 address, the default) or the VIP. */
    bindAddress?: string;
    /** The VIP's port, which clients use; defaults to 8443. */
    bindPort?: number;
    /** Every API server, this node's own included. */
    backends: HaproxyBackend[];
    idleTimeoutSeconds?: number;
    hardStopAfterSeconds?: number;
}

/** haproxy time format: the largest whole unit. */
function duration(seconds: number): string {
    if (seconds % 3600 === 0) return `${seconds / 3600}h`;
    if (seconds % 60 === 0) return `${seconds / 60}m`;
    return `${seconds}s`;
}

function hostPort(address: string, port: number): string {
    return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

function checkArgs(args: HaproxyArgs): { bindAddress: string; bindPort: number } {
    const bindAddress = args.bindAddress ?? "*";
    const bindPort = checkInteger("haproxy bindPort", args.bindPort ?? DEFAULT_BIND_PORT, 1, 65535);
    if (bindAddress !== "*") checkAddress("haproxy bindAddress", bindAddress);
    if (args.backends.length === 0) throw new ConfigTextError("haproxy needs at least one backend (API server)");
    const names = new Set<string>();
    const endpoints = new Set<string>();
    for (const b of args.backends) {
        checkName("haproxy backend name", b.name);
        checkAddress(`haproxy backend ${b.name} address`, b.address);
        checkInteger(`haproxy backend ${b.name} port`, b.port, 1, 65535);
        if (names.has(b.name)) throw new ConfigTextError(`haproxy backend name ${b.name} appears twice`);
        const endpoint = hostPort(b.address, b.port);
        if (endpoints.has(endpoint)) throw new ConfigTextError(`haproxy backend ${endpoint} appears twice`);
        names.add(b.name);
        endpoints.add(endpoint);
        if (bindAddress === "*" && b.port === bindPort) {
            throw new ConfigTextError(
                `haproxy on *:${bindPort} would collide with the local API server on port ${b.port}: ` +
                    "use another bindPort, or bind the VIP with the API servers bound to their node address",
            );
        }
        if (b.address === bindAddress) throw new ConfigTextError(`haproxy backend ${b.name} must not be the VIP ${bindAddress} itself`);
    }
    return { bindAddress, bindPort };
}

export function renderHaproxyCfg(args: HaproxyArgs): string {
    const { bindAddress, bindPort } = checkArgs(args);
    const idle = duration(checkInteger("haproxy idleTimeoutSeconds", args.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS, 1, 24 * 3600));
    const hardStop = duration(checkInteger("haproxy hardStopAfterSeconds", args.hardStopAfterSeconds ?? DEFAULT_HARD_STOP_AFTER_SECONDS, 1, 24 * 3600));
    const bind = bindAddress === "*" ? directive("bind", `*:${bindPort}`) : directive("bind", hostPort(bindAddress, bindPort), "transparent");

    return renderSections([
        comment("Rendered by haplane; changes are overwritten. Apply with `systemctl reload haproxy`,"),
        comment("which keeps established connections."),
        block("global", [
            directive("log", "/dev/log", "local0"),
            directive("chroot", "/var/lib/haproxy"),
            directive("user", "haproxy"),
            directive("group", "haproxy"),
            // The runtime API (`show servers state`), and the listening sockets handed to new
            // workers on reload.
            directive("stats", "socket", ADMIN_SOCKET, "mode", "660", "level", "admin", "expose-fd", "listeners"),
            directive("stats", "timeout", "30s"),
            directive("hard-stop-after", hardStop),
        ]),
        block("defaults", [
            directive("log", "global"),
            directive("option", "tcplog"),
            directive("option", "dontlognull"),
            directive("option", "clitcpka"),
            directive("option", "srvtcpka"),
            // API servers are on the local network: a connect taking a second means a dead
            // host, and the attempt moves on (the lab's bench saw a 5 s wait per dead host).
            directive("timeout", "connect", "1s"),
            // A check unanswered within a second counts as failed (without it a cut-off
            // host's checks wait for the connect timeout).
            directive("timeout", "check", "1s"),
            directive("timeout", "client", idle),
            directive("timeout", "server", idle),
            // Half-closed connections need not wait for the idle timeout.
            directive("timeout", "client-fin", "30s"),
            directive("timeout", "server-fin", "30s"),
            // A connection refused by (or timing out to) an API server the checks have not
            // caught yet is retried on another one, from the first retry on.
            directive("retries", 3),
            directive("option", "redispatch", 1),
        ]),
        // TCP passthrough: TLS runs end to end between clients and API servers.
        block(["frontend", FRONTEND_NAME], [directive("mode", "tcp"), bind, directive("default_backend", BACKEND_NAME)]),
        block(["backend", BACKEND_NAME], [
            directive("mode", "tcp"),
            directive("balance", "roundrobin"),
            // /readyz is readable anonymously; the check verifies readiness, not identity.
            directive("option", "httpchk"),
            directive("http-check", "send", "meth", "GET", "uri", "/readyz"),
            directive("http-check", "expect", "status", 200),
            // Down after 2 failed checks a second apart; its sessions are closed so that clients
            // reconnect to a ready API server instead of waiting on a dead one.
            directive("default-server", "check-ssl", "verify", "none", "inter", "1s", "fall", 2, "rise", 2, "on-marked-down", "shutdown-sessions"),
            ...args.backends.map((b) => directive("server", b.name, hostPort(b.address, b.port), "check")),
        ]),
    ]);
}

/**
 * The API servers a rendered haproxy.cfg balances to, in order: for checks that a node's file
 * names exactly the current control plane.
 */
export function listBackendServers(cfgText: string): HaproxyBackend[] {
    const servers: HaproxyBackend[] = [];
    let inBackend = false;
    for (const line of cfgText.split("\n")) {
        if (/^\S/.test(line)) inBackend = line.trim() === `backend ${BACKEND_NAME}`;
        const m = inBackend && /^\s+server\s+(\S+)\s+\[?([^\s\]]+?)\]?:(\d+)(\s|$)/.exec(line);
        if (m) servers.push({ name: m[1], address: m[2], port: Number(m[3]) });
    }
    return servers;
}
