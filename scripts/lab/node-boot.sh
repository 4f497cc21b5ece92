#!/usr/bin/env bash
# What makes a lab host a Kubernetes node (lab only; called by host-init.sh, never by hand).
#   node-boot.sh early <host dir> <host name> <images dir>
#       before host-init.sh binds the host's own directories: the cgroup hierarchies (which
#       `ip netns exec` leaves out of the sysfs it mounts) with a subtree /<host name> for the
#       whole host, the kernel tunables the kubelet sets, and the preloaded images in view;
#   node-boot.sh late <host name>
#       after them: IPv4 forwarding in the host's network namespace, the pods' route to the
#       `kubernetes` Service (the lab's stand-in for kube-proxy: a DNAT of the Service's address
#       to the host's own API server, from /etc/haplane-lab/service-route.json, which
#       nodeFiles.ts writes with the pod network's CNI configuration), containerd, and the
#       preloaded images imported into it (once per host).
# The host's processes live in /<host name>/host of every cgroup hierarchy, the kubelet's pods
# under /<host name>/kubepods (its cgroup root, /etc/default/kubelet), so a host's memory and
# CPU are read in one place and labDown() removes exactly those cgroups.
set -euo pipefail
readonly CONTROLLERS=(cpu cpuacct cpuset memory devices freezer blkio pids)
# The tunables the kubelet writes at start (kernel defaults it insists on). They are not
# namespaced: in the host's mount namespace regular files stand in for them, so the kubelet
# never changes the machine's values.
readonly KUBELET_SYSCTLS=(vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1
    kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000)
# Where the host sees the images: its own /run, which host-init.sh binds from <host dir>/run.
readonly IMAGES_IN_RUN=haplane-lab/images
readonly IMAGES_VIEW=/run/$IMAGES_IN_RUN

early() {
    local host=$1 name=$2 images=$3
    mount -t tmpfs -o mode=755,nosuid,nodev,noexec tmpfs /sys/fs/cgroup
    local c
    for c in "${CONTROLLERS[@]}"; do
        mkdir -p "/sys/fs/cgroup/$c"
        mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c"
    done
    mkdir -p /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
    mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
    mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
    mount -o remount,ro /sys/fs/cgroup
    for c in "${CONTROLLERS[@]}" systemd; do
        local d=/sys/fs/cgroup/$c/$name
        mkdir -p "$d/host"
        if [[ $c == cpuset ]]; then
            cat /sys/fs/cgroup/cpuset/cpuset.cpus >"$d/cpuset.cpus"
            cat /sys/fs/cgroup/cpuset/cpuset.mems >"$d/cpuset.mems"
            cat "$d/cpuset.cpus" >"$d/host/cpuset.cpus"
            cat "$d/cpuset.mems" >"$d/host/cpuset.mems"
        fi
        # PID 1 of the host (host-init.sh), and so everything it starts from now on.
        echo 1 >"$d/host/cgroup.procs"
    done

    mkdir -p "$host/sysctl"
    local kv key
    for kv in "${KUBELET_SYSCTLS[@]}"; do
        key=${kv%%=*}
        printf '%s\n' "${kv#*=}" >"$host/sysctl/${key//\//.}"
        mount --bind "$host/sysctl/${key//\//.}" "/proc/sys/$key"
    done

    # host-init.sh binds the host's run directory over /run recursively, which carries this.
    mkdir -p "$host/run/$IMAGES_IN_RUN"
    mount --bind "$images" "$host/run/$IMAGES_IN_RUN"
    mount -o remount,bind,ro "$host/run/$IMAGES_IN_RUN"
}

late() {
    local name=$1
    sysctl -qw net.ipv4.ip_forward=1
    local route=/etc/haplane-lab/service-route.json to
    to="$(jq -r '"\(.apiServer):\(.apiServerPort)"' "$route")"
    # -C first: a restarted host keeps its network namespace and so its rule.
    local rule=(PREROUTING -d "$(jq -r .serviceIp "$route")/32" -p tcp --dport "$(jq -r .servicePort "$route")" -j DNAT --to-destination "$to")
    iptables -t nat -C "${rule[@]}" 2>/dev/null || iptables -t nat -A "${rule[@]}"
    mkdir -p /var/log/haplane-lab /run/containerd /etc/cni/net.d
    setsid containerd --config /etc/containerd/config.toml >>/var/log/haplane-lab/containerd.log 2>&1 </dev/null &
    local i
    for i in $(seq 1 300); do
        [[ -S /run/containerd/containerd.sock ]] && ctr version >/dev/null 2>&1 && break
        ((i < 300)) || { echo "haplane lab: containerd did not start on $name; see /var/log/haplane-lab/containerd.log" >&2; exit 1; }
        sleep 0.1
    done
    # Import each image once (a restarted host keeps its /var/lib/containerd).
    [[ -f $IMAGES_VIEW/images.json ]] || { echo "haplane lab: no $IMAGES_VIEW/images.json on $name" >&2; exit 1; }
    local have ref file list
    list=$(jq -r '.[] | [.ref, .file] | @tsv' "$IMAGES_VIEW/images.json")
    have=$(ctr -n k8s.io images ls -q)
    while IFS=$'\t' read -r ref file; do
        grep -qxF "$ref" <<<"$have" && continue
        ctr -n k8s.io images import --base-name "${ref%:*}" "$IMAGES_VIEW/$file" >/dev/null
        # (Read whole before grep: with pipefail, grep -q ending early would fail the pipe.)
        have=$(ctr -n k8s.io images ls -q)
        grep -qxF "$ref" <<<"$have" || { echo "haplane lab: importing $file did not give $ref on $name" >&2; exit 1; }
    done <<<"$list"
}

case ${1:-} in
early) early "${@:2}" ;;
late) late "${@:2}" ;;
*)
    echo "usage: node-boot.sh early <host dir> <host name> <images dir> | late <host name>" >&2
    exit 2
    ;;
esac
