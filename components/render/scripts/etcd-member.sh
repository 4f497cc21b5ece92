#!/usr/bin/env bash
# Runs this host's external etcd member. usage: etcd-member.sh start|update
#   start:  install certificates, configuration and unit; start etcd; a member that joined
#           as a learner is promoted once it has caught up (etcd refuses promotion before);
#   update: inputs changed on an existing member: rewrite the files and restart etcd only
#           when one of them changed (members update one at a time, in join order).
# stdin: JSON {"name", "cluster": [client URLs of the other members it started with],
# "config", "unit", "caCert", "serverCert", "serverKey", "peerCert", "peerKey", "clientCert",
# "clientKey"}; the keys are secret and written 0600 for etcd only.
set -euo pipefail
umask 077
mode=${1:?usage: etcd-member.sh start|update}
params=$(cat)
name=$(jq -r '.name' <<<"$params")
pki=/etc/etcd/pki
data=/var/lib/etcd/haplane
command -v etcd >/dev/null || { echo "haplane: etcd is not installed on $(hostname)" >&2; exit 1; }
owner=root
id -u etcd >/dev/null 2>&1 && owner=etcd

changed=0
# put <json field> <path> <mode>: replace the file only when its content differs.
put() {
    local new
    new=$(mktemp "$2.XXXXXX")
    jq -j --arg f "$1" '.[$f]' <<<"$params" >"$new"
    chown "$owner:$owner" "$new"
    chmod "$3" "$new"
    if [[ -f $2 ]] && cmp -s "$new" "$2"; then
        rm -f "$new"
    else
        mv "$new" "$2"
        changed=1
    fi
}
install -d -m 0700 -o "$owner" -g "$owner" "$pki" "$data"
install -d -m 0755 /etc/etcd
put caCert "$pki/ca.crt" 0644
put serverCert "$pki/server.crt" 0644
put serverKey "$pki/server.key" 0600
put peerCert "$pki/peer.crt" 0644
put peerKey "$pki/peer.key" 0600
put clientCert "$pki/healthcheck-client.crt" 0644
put clientKey "$pki/healthcheck-client.key" 0600
put config /etc/etcd/haplane.yaml 0644
put unit /etc/systemd/system/etcd.service 0644

etcd_at() {
    local endpoints=$1
    shift
    ETCDCTL_API=3 timeout 20 etcdctl --endpoints "$endpoints" --cacert "$pki/ca.crt" \
        --cert "$pki/healthcheck-client.crt" --key "$pki/healthcheck-client.key" --command-timeout 10s "$@"
}
local_etcd() { etcd_at https://127.0.0.1:2379 "$@"; }
# A learner answers only status; membership comes from the members it joined.
cluster=$(jq -r '.cluster | join(",")' <<<"$params")

systemctl daemon-reload
systemctl enable etcd >/dev/null 2>&1 || true
if ! systemctl is-active --quiet etcd; then
    systemctl start etcd
elif [[ $changed -eq 1 ]]; then
    systemctl restart etcd
fi

# Serving (a learner answers status, not reads), bounded.
for _ in $(seq 1 60); do
    local_etcd endpoint status >/dev/null 2>&1 && break
    sleep 1
done
local_etcd endpoint status >/dev/null || { echo "haplane: etcd on $(hostname) did not start serving within 60 s" >&2; exit 1; }

# "ID, status, name, peer URLs, client URLs, is learner"
learner() { etcd_at "$cluster" member list | awk -F', ' -v name="$name" '$3 == name { print $6 }'; }
if [[ -n $cluster && $(learner) == true ]]; then
    id=$(etcd_at "$cluster" member list | awk -F', ' -v name="$name" '$3 == name { print $1 }')
    for _ in $(seq 1 60); do
        # Refused until the learner has caught up with the leader's log.
        etcd_at "$cluster" member promote "$id" >/dev/null 2>&1 && break
        sleep 2
    done
    [[ $(learner) == false ]] || { echo "haplane: etcd learner $name did not catch up to be promoted within 120 s" >&2; exit 1; }
    echo "haplane: promoted etcd member $name to a voting member"
fi
for _ in $(seq 1 30); do
    local_etcd endpoint health >/dev/null 2>&1 && break
    sleep 1
done
local_etcd endpoint health >/dev/null || { echo "haplane: etcd member $name on $(hostname) is not healthy" >&2; exit 1; }
echo "haplane: etcd member $name runs on $(hostname) ($mode)"
