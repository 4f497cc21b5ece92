#!/usr/bin/env bash
# Removes one replica's etcd member and Node, run on a surviving peer (the sponsor), so that
# a dead replica is removed as surely as a live one. usage: member-remove.sh <node name>
# Order: move etcd leadership away if the leaving member leads, remove the member, delete
# the Node. Every step is bounded; removals through this host are serialized with flock.
set -euo pipefail
leaving=${1:?usage: member-remove.sh <node name>}
export KUBECONFIG=/etc/kubernetes/admin.conf
pki=/etc/kubernetes/pki/etcd
# Talk to every member the API knows of, not only the local one: the local member may be
# one that an earlier removal in this same run already took out.
endpoints=$(timeout 30 kubectl get pods -n kube-system -l component=etcd -o json 2>/dev/null |
    jq -r '[.items[].metadata.annotations["kubeadm.kubernetes.io/etcd.advertise-client-urls"] // empty] | join(",")' || true)
endpoints=${endpoints:-https://127.0.0.1:2379}
etcd() {
    ETCDCTL_API=3 timeout 20 etcdctl --endpoints "$endpoints" --cacert "$pki/ca.crt" \
        --cert "$pki/healthcheck-client.crt" --key "$pki/healthcheck-client.key" --command-timeout 10s "$@"
}

exec 9>/run/haplane-membership.lock
flock -w 600 9 || { echo "haplane: another membership change holds the lock on $(hostname)" >&2; exit 1; }

# Member IDs are 64-bit: read them as etcdctl prints them (hex) in its simple output
# ("ID, status, name, peer URLs, client URLs, is learner"); JSON numbers would lose digits.
members=$(etcd member list)
field() { awk -F', ' -v name="$1" -v col="$2" '$3 == name { print $col }' <<<"$members"; }
id=$(field "$leaving" 1)
count=$(grep -c . <<<"$members")
if [[ -n "$id" && $count -eq 1 ]]; then
    # The last member goes with the cluster itself (pulumi destroy); etcd cannot remove it.
    echo "haplane: $leaving is the last etcd member; nothing to remove"
    exit 0
elif [[ -z "$id" ]]; then
    echo "haplane: $leaving is not an etcd member (already removed)"
else
    # endpoint status: "endpoint, ID, version, db size, is leader, ..."
    leader=$(etcd endpoint status --cluster | awk -F', ' '$5 == "true" { print $2; exit }')
    if [[ "$leader" == "$id" ]]; then
        successor=$(awk -F', ' -v name="$leaving" '$3 != name && $6 == "false" { print $1; exit }' <<<"$members")
        leaving_url=$(field "$leaving" 5)
        # move-leader must reach the leader itself. A dead leader cannot hand over; etcd then
        # elects a new one by itself once the member is gone.
        etcd --endpoints "${leaving_url%%,*}" move-leader "$successor" ||
            echo "haplane: $leaving leads etcd but did not hand over leadership (unreachable?); removing it anyway"
    fi
    for attempt in 1 2 3 4 5; do
        if etcd member remove "$id"; then
            echo "haplane: removed etcd member $leaving ($id)"
            break
        fi
        [[ $attempt -lt 5 ]] || { echo "haplane: could not remove etcd member $leaving after 5 attempts" >&2; exit 1; }
        sleep 5
    done
fi
timeout 30 kubectl delete node "$leaving" --ignore-not-found --wait=false
