// How each figure is measured, printed before the trials so that the numbers can be read right.
import { DEFAULT_LEADER_ELECTION, KUBERNETES_LEADER_ELECTION } from "../../../components/config/schema";
import { LAB_VIP } from "../../lab/stack";
import { API_PORT } from "../labState";
import { fmtMs } from "../probes";
import { Options } from "./args";
import { timingText } from "./leaderTakeover";
import { say } from "./say";
import { ADMIN_POLL_MS, BACKEND_VIP_POLL_MS, BACKEND_VIP_TIMEOUT_MS, ETCD_PUT_EVERY_MS, ETCD_PUT_TIMEOUT_MS, TCP_POLL_MS, VIP_ATTEMPT_TIMEOUT_MS, VIP_OBSERVE_AFTER_MS, VIP_POLL_MS } from "./settings";

export function printMethods(opts: Options): void {
    say("How each figure is measured (all from the lab's root namespace, clock: this process's monotonic clock):");
    if (opts.only.includes("vip") || opts.only.includes("vip1s")) {
        say(
            `  VIP takeover: settle; then an HTTPS GET /readyz to ${LAB_VIP}:${API_PORT} on a fresh connection is started every ${VIP_POLL_MS} ms` +
                ` (each given up after ${VIP_ATTEMPT_TIMEOUT_MS} ms); the VIP holder's eth0 is set down (as cutOff does, by an \`ip -n <host> -batch -\`` +
                " started beforehand, so the cut lands within about 1 ms of the clock reading); the figure is the time from the cut to the end" +
                ` of the first successful attempt started after it. Then ${fmtMs(VIP_OBSERVE_AFTER_MS)} more` +
                " of polling (failures after the first success = attempts haproxy still sent to the cut host's backend), restore, settle.",
        );
    }
    if (opts.only.includes("backend")) {
        say(
            `  Killed API server: on a host that does not hold the VIP, \`pkill -KILL -x kube-apiserver\` (over SSH, in the host's PID namespace); its death is the first refused` +
                ` TCP connect to <host>:${API_PORT} (probed every ${TCP_POLL_MS} ms). haproxy on the VIP holder is read through its admin socket` +
                ` (/run/haproxy/admin.sock, \`show stat\`, every ${ADMIN_POLL_MS} ms): from the death to that haproxy showing the server DOWN, and to UP again` +
                " once the kubelet has restarted the container; its counters (sessions, connect errors, retries, redispatches) show what it still sent" +
                ` there while dead. Meanwhile GET /version through the VIP every ${BACKEND_VIP_POLL_MS} ms (fresh connections, ${BACKEND_VIP_TIMEOUT_MS} ms limit);` +
                " the figure is how many of them failed between the death and UP again (+2.5 s).",
        );
    }
    if (opts.only.includes("etcd")) {
        say(
            `  etcd writes: an in-process gRPC client (HTTP/2, mutual TLS with a host's healthcheck-client certificate, one kept-alive connection per member)` +
                ` starts a Put of one key every ${ETCD_PUT_EVERY_MS} ms, each independent, round-robin over the 3 members, each given up after` +
                ` ${ETCD_PUT_TIMEOUT_MS} ms (the stream is cancelled; the connection stays). The leader (etcdctl endpoint status) has its host` +
                " cut off 2 s in; the figure is the longest gap between consecutive acknowledged puts that ends after the cut. Restore, settle.",
        );
    }
    if (opts.only.includes("leader")) {
        say(
            "  Leader takeover: the host holding the kube-controller-manager (or, taking turns, the kube-scheduler) lease is cut off; both leases are read" +
                " every 100 ms from a surviving host's own API server (not the VIP). The figure is the new holder's acquireTime minus the cut's wall-clock time" +
                " (both this machine's clock); a trial gives a sample to each lease the cut host held. Runs with haplane's defaults" +
                ` (${timingText(DEFAULT_LEADER_ELECTION)}) and, after a real pulumi up, Kubernetes' (${timingText(KUBERNETES_LEADER_ELECTION)}). The leases'` +
                " leaseDurationSeconds are checked against the stack first. In every other figure, a lease that changed holder although its holder's host" +
                " was not the one disturbed counts as an unasked handover.",
        );
    }
    say(
        "  Settled (before every trial): every link up; the VIP on exactly one host, keepalived MASTER there and BACKUP elsewhere at the expected" +
            " advert interval (keepalived's own data dump); every haproxy has every backend UP; every API server answers; etcd: one leader, every member healthy; the VIP answers." +
            " Twice in a row, 1 s apart.",
    );
}
