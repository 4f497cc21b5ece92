// keepalived.conf for the on-prem endpoint: VRRPv3 with unicast peers floats the VIP across
// the control-plane nodes. Pure. keepalived cannot find the interface for the VIP by itself,
// so the caller runs scripts/detect-interface.sh on the host first and passes the name in.
import { createHash } from "crypto";
import { block, checkAddress, checkInteger, checkName, ConfigTextError, comment, directive, Entry, isBareWord, quoted, renderBraced } from "./configText";

/** Where the node-side track script (scripts/check-apiserver.sh) is installed. */
export const CHECK_APISERVER_PATH = "/etc/keepalived/check-apiserver.sh";

/**
 * VRRPv3 allows centisecond adverts. A backup declares the master dead after
 * 3 × advert + skew (skew < advert), so 0.2 s fails over within 0.8 s of a host loss (about
 * 0.65 s for the top backup), at 5 small unicast packets a second per peer. Much lower, and a
 * keepalived briefly starved of CPU on a busy control-plane node starts spurious failovers.
 */
export const DEFAULT_ADVERT_INTERVAL_SECONDS = 0.2;

const INSTANCE_NAME = "haplane_endpoint";
const SCRIPT_NAME = "check_apiserver";
/** Priority of index 0; PRIORITY_STEP apart down to the seventh node (60). */
const BASE_PRIORITY = 240;
/**
 * A backup declares the master dead after 3 adverts + skew, skew = (256 - priority) / 256
 * adverts. Priorities one apart put two backups' timers under a millisecond apart at 0.2 s
 * adverts, and the lab's failover bench saw both become MASTER; 30 apart is 23 ms, time for
 * the first one's advert to reach the other.
 */
const PRIORITY_STEP = 30;
const MAX_NODES = 7;

/**
 * A stable VRRP router id (1..255) from the cluster's identity: the same inputs give the same
 * id on every run, so a later `pulumi up` never re-randomizes it. Ids share one 8-bit space per
 * network segment, so two VRRP setups on one segment can collide; users pin `vrid` in the
 * stack config to rule that out.
 */
export function vridFor(clusterName: string, endpointAddress: string): number {
    if (clusterName === "" || endpointAddress === "") throw new ConfigTextError("vridFor needs a cluster name and an endpoint address");
    const digest = createHash("sha256").update(`${clusterName}\n${endpointAddress}`).digest();
    return (digest.readUInt32BE(0) % 255) + 1;
}

/**
 * A unique priority per node: higher is preferred when nodes start together. Pass a stable
 * index (creation order). With preemption off, a priority only breaks ties at election, so a
 * shift after a removal changes no VIP placement.
 */
export function priorityFor(index: number): number {
    checkInteger("keepalived priority index", index, 0, MAX_NODES - 1);
    return BASE_PRIORITY - PRIORITY_STEP * index;
}

export interface TrackScript {
    /** Absolute path on the node; root-owned and not writable by others (enable_script_security). */
    path: string;
    args: string[];
    intervalSeconds: number;
    /** keepalived kills the script and counts a failure after this long. */
    timeoutSeconds: number;
    /** Consecutive failures before the node gives up the VIP. */
    fall: number;
    /** Consecutive successes before the node may hold the VIP again. */
    rise: number;
    /**
     * 0 (the default): a failing script puts the instance into FAULT, which releases the VIP at
     * once. A non-zero weight only lowers the priority, which moves the VIP only with preemption.
     */
    weight: number;
}

/**
 * The track script for a control-plane node: its API server answers /readyz, and haproxy runs
 * where it fronts the API servers. Detection takes about fall × interval (2 s), timeout 3 s
 * leaves room for the script's own 2 s curl limit.
 */
export function apiServerTrackScript(apiServerPort: number, haproxy: boolean, overrides: Partial<TrackScript> = {}): TrackScript {
    checkInteger("apiServerPort", apiServerPort, 1, 65535);
    return {
        path: CHECK_APISERVER_PATH,
        args: haproxy ? [String(apiServerPort), "haproxy"] : [String(apiServerPort)],
        intervalSeconds: 1,
        timeoutSeconds: 3,
        fall: 2,
        rise: 2,
        weight: 0,
        ...overrides,
    };
}

export interface KeepalivedArgs {
    /** This node's name; keepalived's router_id. */
    nodeName: string;
    /** The interface that reaches the VIP, as printed by detect-interface.sh on the node. */
    interface: string;
    vip: string;
    /** Defaults to a host route: 32 for IPv4, 128 for IPv6. */
    vipPrefixLength?: number;
    vrid: number;
    /** Unique per node, 1..254 (255 is reserved for an address owner); see priorityFor. */
    priority: number;
    /** This node's own address, the source of its adverts. */
    unicastSourceIp: string;
    /** Every other control-plane node's address, never this node's. Empty: see below. */
    unicastPeers: string[];
    advertIntervalSeconds?: number;
    trackScript: TrackScript;
    /**
     * Off by default: every move of the VIP resets the clients' connections through it (watches
     * re-list, exec sessions end), so a recovered node must not pull it back — the VIP moves
     * only when its holder fails. Preemption also would flap the VIP if a node's health flaps.
     */
    preempt?: boolean;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** Upper bounds of failover times in seconds, for the README and for tuning. */
export interface FailoverEstimate {
    /** The holder dies or loses its network: backups wait 3 adverts plus their skew (< 1 advert). */
    hostLoss: number;
    /**
     * The holder's check fails fast (refused, not ready): `fall` failed runs, up to one interval
     * until the first run notices, then a priority-0 advert hands over within one skew.
     */
    unhealthy: number;
    /** As `unhealthy`, but every run hangs until keepalived's timeout. */
    unhealthyHanging: number;
}

export function failoverEstimate(advertIntervalSeconds: number, trackScript: TrackScript): FailoverEstimate {
    const advert = checkAdvert(advertIntervalSeconds);
    const { intervalSeconds: interval, timeoutSeconds: timeout, fall } = trackScript;
    return {
        hostLoss: round2(4 * advert),
        unhealthy: round2(interval + fall * interval + advert),
        unhealthyHanging: round2(interval + fall * Math.max(interval, timeout) + advert),
    };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function checkAdvert(seconds: number): number {
    // VRRPv3 carries the interval in centiseconds in a 12-bit field.
    const centis = Math.round(seconds * 100);
    if (!(seconds >= 0.01 && seconds <= 40.95) || Math.abs(centis - seconds * 100) > 1e-6) {
        throw new ConfigTextError(`keepalived advertIntervalSeconds must be 0.01..40.95 in steps of 0.01 (VRRPv3), got ${seconds}`);
    }
    return centis / 100;
}

function checkTrackScript(script: TrackScript, preempt: boolean): void {
    if (!script.path.startsWith("/") || !isBareWord(script.path)) {
        throw new ConfigTextError(`keepalived track script path ${JSON.stringify(script.path)} must be an absolute path of plain characters`);
    }
    for (const arg of script.args) {
        if (!isBareWord(arg)) throw new ConfigTextError(`keepalived track script argument ${JSON.stringify(arg)} must be one plain word`);
    }
    checkInteger("keepalived track script intervalSeconds", script.intervalSeconds, 1, 4294);
    checkInteger("keepalived track script timeoutSeconds", script.timeoutSeconds, 1, 4294);
    checkInteger("keepalived track script fall", script.fall, 1, 100);
    checkInteger("keepalived track script rise", script.rise, 1, 100);
    checkInteger("keepalived track script weight", script.weight, -253, 253);
    if (script.weight !== 0 && !preempt) {
        throw new ConfigTextError(
            "keepalived track script weight must be 0 (fault) without preemption: a lowered priority never takes the VIP from its holder",
        );
    }
}

/** Checks every argument and returns the VIP's family. */
function checkArgs(args: KeepalivedArgs): 4 | 6 {
    checkName("keepalived nodeName", args.nodeName);
    if (!IFNAME.test(args.interface)) {
        throw new ConfigTextError(`keepalived interface ${JSON.stringify(args.interface)} is not a network interface name (1-15 of A-Z a-z 0-9 _ . -)`);
    }
    const family = checkAddress("keepalived vip", args.vip);
    checkInteger("keepalived vrid", args.vrid, 1, 255);
    checkInteger("keepalived priority", args.priority, 1, 254);
    const addresses = [["unicastSourceIp", args.unicastSourceIp], ...args.unicastPeers.map((p, i) => [`unicastPeers[${i}]`, p])];
    for (const [what, address] of addresses) {
        if (checkAddress(`keepalived ${what}`, address) !== family) {
            throw new ConfigTextError(`keepalived ${what} ${address} is not in the VIP's address family (IPv${family})`);
        }
    }
    if (args.unicastPeers.includes(args.unicastSourceIp)) {
        throw new ConfigTextError(`keepalived unicastPeers must not include this node's own address ${args.unicastSourceIp}`);
    }
    if (new Set(args.unicastPeers).size !== args.unicastPeers.length) {
        throw new ConfigTextError(`keepalived unicastPeers lists an address twice: ${args.unicastPeers.join(", ")}`);
    }
    if (args.unicastPeers.includes(args.vip) || args.unicastSourceIp === args.vip) {
        throw new ConfigTextError(`keepalived vip ${args.vip} must not be a node's own address`);
    }
    checkTrackScript(args.trackScript, args.preempt ?? false);
    return family;
}

/**
 * The keepalived.conf of one control-plane node. With peers: one VRRP instance, BACKUP on
 * every node so that priorities (not start order) elect the holder. Without peers (a single
 * node) the VIP is a static address: unicast VRRP needs at least one peer, and multicast
 * adverts would leak onto a segment that may run other VRRP routers.
 */
/** How often the VIP holder re-sends gratuitous ARP while it holds the VIP. */
export const GARP_MASTER_REFRESH_SECONDS = 1;

export function renderKeepalivedConf(args: KeepalivedArgs): string {
    const family = checkArgs(args);
    const prefix = checkInteger("keepalived vipPrefixLength", args.vipPrefixLength ?? (family === 4 ? 32 : 128), 1, family === 4 ? 32 : 128);
    const advert = checkAdvert(args.advertIntervalSeconds ?? DEFAULT_ADVERT_INTERVAL_SECONDS);
    const vipLine = directive(`${args.vip}/${prefix}`, "dev", args.interface);
    const header = comment(`Rendered by haplane for ${args.nodeName}; changes are overwritten.`);
    const globals = block("global_defs", [
        directive("router_id", args.nodeName),
        directive("vrrp_version", 3),
        // Track scripts run as root, and keepalived refuses scripts others could modify.
        directive("script_user", "root"),
        directive("enable_script_security"),
    ]);
    if (args.unicastPeers.length === 0) {
        return renderBraced([header, comment("A single node: the VIP is a plain address, no VRRP."), globals, block("static_ipaddress", [vipLine])]);
    }

    const script = args.trackScript;
    const entries: Entry[] = [
        header,
        globals,
        block(["vrrp_script", SCRIPT_NAME], [
            directive("script", quoted([script.path, ...script.args].join(" "))),
            directive("interval", script.intervalSeconds),
            directive("timeout", script.timeoutSeconds),
            directive("fall", script.fall),
            directive("rise", script.rise),
            directive("weight", script.weight),
            // A starting node counts as unhealthy until its API server is ready, so a join
            // never attracts the VIP early.
            directive("init_fail"),
        ]),
        block(["vrrp_instance", INSTANCE_NAME], [
            directive("state", "BACKUP"),
            directive("interface", args.interface),
            directive("virtual_router_id", args.vrid),
            directive("priority", args.priority),
            directive("advert_int", advert),
            // A leaving host can hold the VIP for a while after the survivors stopped advertising
            // to it (their peers are updated before its release runs); when it lets go, clients'
            // ARP caches still point at it. A master re-announcing every second heals them.
            directive("garp_master_refresh", GARP_MASTER_REFRESH_SECONDS),
            !args.preempt && directive("nopreempt"),
            directive("unicast_src_ip", args.unicastSourceIp),
            block("unicast_peer", args.unicastPeers.map((peer) => directive(peer))),
            block("virtual_ipaddress", [vipLine]),
            block("track_script", [directive(SCRIPT_NAME)]),
        ]),
    ];
    return renderBraced(entries);
}
