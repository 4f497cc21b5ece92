#!/usr/bin/env bash
# Hands the VIP over when a host leaves, run on the leaving host first and then on each other
# replica (the leaving host's <host>-vip-handover step; unreachable hosts are skipped):
#   - on the leaving host: stops keepalived, so that it lets the VIP go now rather than at its
#     release, and drops the VIP if anything left it there;
#   - on another host: if it holds the VIP, announces it with gratuitous ARP, so that
#     neighbours whose ARP entry still points at the leaving host send to this one at once
#     instead of waiting for the entry to expire. A single remaining replica holds the VIP as
#     a plain address, which keepalived never announces.
# usage: vip-handover.sh <vip> <leaving host's address>   (IPv4: on-prem VIPs are IPv4)
set -euo pipefail
usage="usage: vip-handover.sh <vip> <leaving host's address>"
vip=${1:?$usage}
leaving=${2:?$usage}
octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
for address in "$vip" "$leaving"; do
    if ! [[ $address =~ ^$octet\.$octet\.$octet\.$octet$ ]]; then
        echo "haplane: vip-handover.sh: '$address' is not an IPv4 address" >&2
        exit 2
    fi
done

# The interface holding an address on this host ("4: eth0    inet 10.0.0.100/32 ..."), or nothing.
holder() {
    local line
    line=$(ip -o -4 addr show to "$1/32")
    [[ -n $line ]] || return 0
    read -r _ dev _ <<<"$line"
    echo "$dev"
}

if [[ -n $(holder "$leaving") ]]; then
    systemctl stop keepalived >/dev/null 2>&1 || true
    dev=$(holder "$vip")
    if [[ -n $dev ]]; then ip addr del "$vip/32" dev "$dev"; fi
    echo "haplane: $(hostname) is leaving: keepalived stopped, $vip let go"
    exit 0
fi

# Three announcements a second apart (a neighbour ignores an update within its locktime, 1 s
# on Linux, of the previous one), each only while this host still holds the VIP: another
# leaving host stops announcing the moment its own handover stops its keepalived.
announced_on=""
for attempt in 1 2 3; do
    ((attempt == 1)) || sleep 1
    dev=$(holder "$vip")
    [[ -n $dev ]] || break
    arping -q -U -c 1 -I "$dev" "$vip"
    announced_on=$dev
done
if [[ -n $announced_on ]]; then
    echo "haplane: $(hostname) announced $vip on $announced_on"
else
    echo "haplane: $(hostname) does not hold $vip; nothing to announce"
fi
