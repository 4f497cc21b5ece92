#!/usr/bin/env bash
# Announces the VIP from this host if it holds it: gratuitous ARP, so that neighbours whose ARP
# entry still points at a host that just let the VIP go send to this one at once instead of
# waiting for the entry to expire. A no-op on a host that does not hold the VIP.
# usage: vip-announce.sh <vip>   (an IPv4 address; on-prem VIPs are IPv4)
# Runs on each remaining replica after a leaving host was released (the leaving host's
# vip-handover step): a single remaining replica holds the VIP as a plain address, and
# keepalived announces nothing for it.
set -euo pipefail
vip=${1:?usage: vip-announce.sh <vip>}
octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
if ! [[ $vip =~ ^$octet\.$octet\.$octet\.$octet$ ]]; then
    echo "haplane: vip-announce.sh: '$vip' is not an IPv4 address" >&2
    exit 2
fi
# "4: eth0    inet 10.0.0.100/32 scope global eth0 ..."; the first line is enough.
holder=$(ip -o -4 addr show to "$vip/32")
if [[ -z $holder ]]; then
    echo "haplane: $(hostname) does not hold $vip; nothing to announce"
    exit 0
fi
read -r _ dev _ <<<"$holder"
# Three unsolicited ARP requests a second apart: a neighbour ignores an update that comes
# within its locktime (1 s on Linux) of the previous one.
arping -q -U -c 3 -I "$dev" "$vip"
echo "haplane: $(hostname) announced $vip on $dev"
