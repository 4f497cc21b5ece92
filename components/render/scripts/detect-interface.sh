#!/usr/bin/env bash
# Prints the network interface this host uses to reach the VIP. usage: detect-interface.sh <vip>
# keepalived must be told the interface and cannot find it itself; the route to the VIP names
# the segment the VIP floats on. Exit 1, with the reason on stderr, when there is none.
set -euo pipefail
vip=${1:?usage: detect-interface.sh <vip>}

# The word after `dev` in `ip -o` output, e.g. "10.0.0.100 dev eth0 src 10.0.0.1 uid 0 \ cache".
dev_of() {
    local -a words
    read -ra words <<<"$1"
    local i
    for ((i = 0; i + 1 < ${#words[@]}; i++)); do
        if [[ ${words[i]} == dev ]]; then
            printf '%s\n' "${words[i + 1]}"
            return 0
        fi
    done
    return 1
}

if ! route=$(ip -o route get "$vip" 2>&1); then
    echo "haplane: no route from this host to the VIP $vip: $route" >&2
    exit 1
fi

case $route in
local\ *)
    # This host holds the address already (keepalived gave it the VIP): the route says `lo`,
    # and the interface is the one that carries the address. "4: eth0    inet 10.0.0.100/32 ..."
    holder=$(ip -o addr show to "$vip") || holder=""
    if [[ -n $holder ]]; then
        read -r _ name _ <<<"$holder" # the first line is enough
        printf '%s\n' "$name"
        exit 0
    fi
    ;;
unreachable\ * | blackhole\ * | prohibit\ * | throw\ *)
    echo "haplane: the VIP $vip is not reachable from this host: $route" >&2
    exit 1
    ;;
esac

if ! dev=$(dev_of "$route"); then
    echo "haplane: the route to the VIP $vip names no interface: $route" >&2
    exit 1
fi
if [[ $route == *" via "* ]]; then
    # Not on a segment of this host: VRRP only works when the nodes share the VIP's segment.
    echo "haplane: warning: the VIP $vip is reached through a gateway on $dev; is it on the nodes' subnet?" >&2
fi
printf '%s\n' "$dev"
