// The local lab's hosts: up to seven Linux network namespaces on one bridge, each with its own
// /etc, /var/lib, /run (and /var/log, /root, /tmp) and its own sshd, so that the on-prem
// platform can be deployed on this machine for real, over SSH. Lab only; needs root.
//
//   root namespace: bridge haplane-br0 198.18.0.1/24 (no route anywhere else)
//     veth haplane-l<i>  <->  eth0 198.18.0.(10+i)/24 in network namespace lab-<i>
//   lab-<i>: ip netns exec lab-<i> unshare --mount --uts --pid --fork --mount-proc
//            --propagation private bash host-init.sh ...  ->  sshd -D (PID 1 of the host)
//
// host-init.sh bind-mounts the host's directories from LAB_DIR/hosts/lab-<i>/ over the real
// paths inside that private mount namespace only; nothing is mounted in the root namespace
// and nothing propagates back. A PID namespace per host keeps `pidof haproxy` (keepalived's
// track script) and friends to the host's own processes; when sshd, the host's PID 1, dies,
// the kernel ends every process of the host. Everything the lab creates is named lab-<i>,
// haplane-l<i>, haplane-br0 or lives under LAB_DIR, and links carry the alias "haplane-lab",
// so that labDown() removes exactly that.
//
// This module is the public face of the folder: one file per concern behind it.
export { cutOff, restore } from "./cutOff";
export type { RunResult } from "./exec";
export {
    BRIDGE,
    BRIDGE_ADDRESS,
    DEFAULT_HOSTS,
    hostAddress,
    hostDir,
    hostName,
    LAB_DIR,
    labKeyPath,
    LabUsageError,
    MAX_HOSTS,
    MIN_HOSTS,
    parseHostCount,
    PREFIX_LENGTH,
    resolveHost,
    SSH_PORT,
} from "./layout";
export type { LabHost } from "./layout";
export { labDown, labUp } from "./lifecycle";
export { pidAlive } from "./processes";
export { labSsh, labSshOptions } from "./sshClient";
export { formatStatus, labHosts, labStatus, WATCHED_SERVICES } from "./status";
export type { HostStatus } from "./status";
