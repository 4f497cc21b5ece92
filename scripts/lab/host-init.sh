#!/usr/bin/env bash
# The first process of a lab host (lab only; started by scripts/lab/hosts/boot.ts, never by hand).
# usage: host-init.sh <host dir> <host name> <lab sbin dir> [<toolchain bin dir> [<images dir>]]
#
# It runs as PID 1 of the host's own PID namespace, inside the host's network namespace, in a
# fresh mount and UTS namespace whose mounts are private, that is:
#   ip netns exec lab-N unshare --mount --uts --pid --fork --mount-proc --propagation private \
#       bash host-init.sh ...
# It gives the host its own /etc, /var/lib, /run, /var/log, /root, /tmp, /var/tmp and /dev/shm
# by bind mounts from <host dir> (the real directories are never written), puts the lab shims
# over /usr/local/sbin and the toolchain over /usr/local/bin, sets the host name and becomes
# the host's sshd. Every mount made here lives and dies with this mount namespace. With an
# images dir the host is a Kubernetes node too: node-boot.sh (installed among the lab shims as
# haplane-node-boot) gives it cgroups, containerd and the preloaded images.
set -euo pipefail
host=${1:?usage: host-init.sh <host dir> <host name> <lab sbin dir> [<toolchain bin dir>]}
name=${2:?usage: host-init.sh <host dir> <host name> <lab sbin dir> [<toolchain bin dir>]}
sbin=${3:?usage: host-init.sh <host dir> <host name> <lab sbin dir> [<toolchain bin dir>]}
toolbin=${4:-}
images=${5:-}

if [[ $$ != 1 ]]; then
    echo "haplane lab: host-init.sh must run as PID 1 of a new PID namespace (see scripts/lab/hosts/boot.ts)" >&2
    exit 2
fi
# Belt and braces: unshare --propagation private did this already; nothing may leak back.
mount --make-rprivate /

# Drop this namespace's copies of the lab's network namespace handles, so that deleting a
# namespace elsewhere is not kept from taking effect by a reference held here.
mapfile -t netns_mounts < <(awk '$5 == "/run/netns" || $5 ~ "^/run/netns/" { print $5 }' /proc/self/mountinfo | sort -r)
for target in "${netns_mounts[@]}"; do
    umount -l "$target" 2>/dev/null || true
done

bind() { # bind <source> <target> [ro]
    mount --bind "$1" "$2"
    if [[ ${3:-} == ro ]]; then
        mount -o remount,bind,ro "$2"
    fi
}

# Programs first, while the real paths are still in view.
bind "$sbin" /usr/local/sbin ro
if [[ -x /usr/bin/systemctl ]]; then
    # Absolute /usr/bin/systemctl (and /bin/systemctl on merged-/usr systems) reach the shim too.
    bind "$sbin/systemctl" /usr/bin/systemctl ro
fi
if [[ -n $toolbin && -d $toolbin ]]; then
    bind "$toolbin" /usr/local/bin ro
fi
# The package database stays readable (dpkg -l, dpkg-query) but cannot be changed from a host:
# /usr is shared with the real machine, so installing packages inside a host must fail.
bind /var/lib/dpkg "$host/var-lib/dpkg" ro

if [[ -n $images ]]; then
    /usr/local/sbin/haplane-node-boot early "$host" "$name" "$images"
fi

# The host's own directories.
mount --rbind "$host/var-lib" /var/lib
umount "$host/var-lib/dpkg" # only needed as the source of the recursive bind above
bind "$host/etc" /etc
bind "$host/log" /var/log
bind "$host/root" /root
bind "$host/tmp" /tmp
mount --rbind "$host/run" /run # recursive: node-boot.sh's view of the images comes along
bind "$host/var-tmp" /var/tmp # last: <host dir> lives under the real /var/tmp
mount -t tmpfs -o mode=1777,nosuid,nodev,size=64m tmpfs /dev/shm

hostname "$name"
cd /
if [[ -n $images ]]; then
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /usr/local/sbin/haplane-node-boot late "$name"
fi
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config
