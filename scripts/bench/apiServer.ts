// Stopping and starting a lab host's real kube-apiserver, as an operator would stop a static
// Pod: its manifest moves out of the kubelet's manifest directory (the kubelet stops the pod)
// and back in (the kubelet starts it again). Bench only.
import { LabHost, labSsh } from "../lab/hosts";

const MANIFEST = "/etc/kubernetes/manifests/kube-apiserver.yaml";
const PARKED = "/etc/kubernetes/haplane-bench/kube-apiserver.yaml";

/** The shell command (fixed text, no values) that parks the API server's manifest. */
export const STOP_API_SERVER = `install -d -m 0700 /etc/kubernetes/haplane-bench && mv ${MANIFEST} ${PARKED}`;

/** Puts every parked manifest back (idempotent: a running API server is left alone). */
export function startApiServers(hosts: LabHost[]): void {
    for (const h of hosts) {
        const r = labSsh(h, `if [ -f ${PARKED} ]; then mv ${PARKED} ${MANIFEST}; fi`, { timeoutMs: 30_000 });
        if (r.status !== 0) throw new Error(`lab: could not restore the API server's manifest on ${h.name}: ${r.stderr.trim()}`);
    }
}

/** Kills the host's kube-apiserver process outright (the lab host's own PID namespace); the kubelet restarts it. */
export const KILL_API_SERVER = "pkill -KILL -x kube-apiserver";
