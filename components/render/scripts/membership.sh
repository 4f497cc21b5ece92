#!/usr/bin/env bash
# Membership changes made on a surviving peer (the sponsor), so that a dead replica is
# removed as surely as a live one. Serialized per host with flock; every step is bounded.
# usage:
#   membership.sh remove stacked <name>  the replica's etcd member (kubeadm's etcd on the
#                                        control-plane nodes), then its Node;
#   membership.sh remove node <name>     its Node only (external etcd is the EtcdCluster's);
#   membership.sh remove etcd <name>     an external etcd member, run on another etcd host;
#   membership.sh prune stacked <desired names, comma-separated>
#       before a replica joins: removes every departing member (not among the desired names)
#       as `remove stacked` does, and its control-plane mirror Pods, so that kubeadm's
#       check-etcd (which dials every etcd Pod's advertised URL) never waits on a dead member
#       that a later delete of this same run would remove, and the join never passes through a
#       cluster that counts it in its quorum;
#   membership.sh add etcd <name> <peer URL> <desired names, comma-separated>
#       adds an external etcd member as a learner and prints JSON {initialCluster}, what the
#       new member starts with. Departing members (not among the desired names) are removed
#       first, so that replacing a dead member never passes through a cluster that counts the
#       dead one in its quorum. Refused while a learner is pending or a member is unhealthy;
#       re-running after the add prints the same answer.
# Removal order: move etcd leadership away if the leaving member leads, remove the member,
# then delete the Node.
set -euo pipefail
usage="usage: membership.sh remove stacked|node|etcd <name> | prune stacked <desired names> | add etcd <name> <peer URL> <desired names>"
action=${1:?$usage}
mode=${2:?$usage}
name=${3:?$usage}
export KUBECONFIG=/etc/kubernetes/admin.conf

exec 9>/run/haplane-membership.lock
flock -w 600 9 || { echo "haplane: another membership change holds the lock on $(hostname)" >&2; exit 1; }

case "$mode" in
stacked)
    pki=/etc/kubernetes/pki/etcd
    # Every member the API knows of, not only the local one: the local member may be one
    # that an earlier removal in this same run already took out.
    endpoints=$(timeout 30 kubectl get pods -n kube-system -l component=etcd -o json 2>/dev/null |
        jq -r '[.items[].metadata.annotations["kubeadm.kubernetes.io/etcd.advertise-client-urls"] // empty] | join(",")' || true)
    endpoints=${endpoints:-https://127.0.0.1:2379}
    ;;
etcd)
    pki=/etc/etcd/pki
    endpoints=https://127.0.0.1:2379
    ;;
node)
    if [[ $action != remove ]]; then echo "$usage" >&2; exit 2; fi
    if [[ -f $KUBECONFIG ]]; then
        timeout 30 kubectl delete node "$name" --ignore-not-found --wait=false
    else
        echo "haplane: $(hostname) has no admin kubeconfig (kubeadm dry-run?); no Node to delete for $name"
    fi
    exit 0
    ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac

etcd() {
    ETCDCTL_API=3 timeout 20 etcdctl --endpoints "$endpoints" --cacert "$pki/ca.crt" \
        --cert "$pki/healthcheck-client.crt" --key "$pki/healthcheck-client.key" --command-timeout 10s "$@"
}
# Member IDs are 64-bit: read them as etcdctl prints them (hex) in its simple output
# ("ID, status, name, peer URLs, client URLs, is learner"); JSON numbers would lose digits.
list_members() {
    members=$(etcd member list)
    if [[ $mode == etcd ]]; then
        # Ask every member from here on: the local one may be leaving too.
        endpoints=$(awk -F', ' '$5 != "" { print $5 }' <<<"$members" | paste -sd, -)
    fi
}
field() { awk -F', ' -v name="$1" -v col="$2" '$3 == name { print $col }' <<<"$members"; }

remove_member() {
    local leaving=$1 id count leader successor leaving_url attempt
    list_members
    id=$(field "$leaving" 1)
    count=$(grep -c . <<<"$members")
    if [[ -n "$id" && $count -eq 1 ]]; then
        # The last member goes with the cluster itself (pulumi destroy); etcd cannot remove it.
        echo "haplane: $leaving is the last etcd member; nothing to remove"
        return 0
    elif [[ -z "$id" ]]; then
        echo "haplane: $leaving is not an etcd member (already removed)"
        return 0
    fi
    # endpoint status: "endpoint, ID, version, db size, is leader, ..."
    leader=$(etcd endpoint status --cluster 2>/dev/null | awk -F', ' '$5 == "true" { print $2; exit }' || true)
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
            return 0
        fi
        [[ $attempt -lt 5 ]] || { echo "haplane: could not remove etcd member $leaving after 5 attempts" >&2; return 1; }
        sleep 5
        # A removal can take effect although its answer was lost (a leader that removes
        # itself steps down mid-request: "server stopped"); then the member is gone.
        # (An empty list is a failed read, not a removal.)
        members=$(etcd member list 2>/dev/null || true)
        if [[ -n $members && -z $(field "$leaving" 1) ]]; then
            echo "haplane: removed etcd member $leaving ($id; its first answer was lost)"
            return 0
        fi
    done
}

add_member() {
    local peer=${1:?$usage} desired=${2:?$usage} departing pending
    list_members
    if [[ -z $(awk -F', ' -v peer="$peer" '$4 == peer { print $1 }' <<<"$members") ]]; then
        departing=$(awk -F', ' -v desired=",$desired," '$3 != "" && index(desired, "," $3 ",") == 0 { print $3 }' <<<"$members")
        for leaving in $departing; do
            remove_member "$leaving" >&2
        done
        list_members
        pending=$(awk -F', ' '$6 == "true" { print ($3 == "" ? "(unstarted)" : $3) }' <<<"$members")
        if [[ -n $pending ]]; then
            echo "haplane: etcd member $pending is still a learner; one membership change at a time" >&2
            return 1
        fi
        if ! etcd endpoint health >/dev/null 2>&1; then
            etcd endpoint health >&2 || true
            echo "haplane: not every etcd member is healthy; not adding $name" >&2
            return 1
        fi
        # strict-reconfig-check refuses an add ("unhealthy cluster") until every voter has been
        # connected for 5 s, as right after the previous member started: retry, bounded.
        for attempt in $(seq 1 30); do
            if out=$(etcd member add "$name" --learner --peer-urls "$peer" 2>&1); then
                break
            fi
            if ((attempt == 30)) || ! grep -q "unhealthy cluster" <<<"$out"; then
                echo "$out" >&2
                echo "haplane: etcd refused to add $name" >&2
                return 1
            fi
            sleep 2
        done
        echo "haplane: added etcd learner $name at $peer" >&2
        list_members
    fi
    # name=peerURL for every member; the new one has no name until it starts.
    awk -F', ' -v name="$name" -v peer="$peer" '
        $4 == peer { print name "=" peer; next }
        $3 != ""   { print $3 "=" $4 }' <<<"$members" | paste -sd, - | jq -cR '{initialCluster: .}'
}

# A stacked replica leaves the API too: its Node, and (for a dead one, whose kubelet cannot)
# its mirror Pods, which name its etcd to kubeadm.
forget_node() {
    timeout 30 kubectl delete node "$1" --ignore-not-found --wait=false
    timeout 30 kubectl delete pods -n kube-system --field-selector "spec.nodeName=$1" --force --grace-period=0 --ignore-not-found >/dev/null 2>&1 || true
}

case "$action" in
remove)
    remove_member "$name"
    if [[ $mode == stacked ]]; then
        forget_node "$name"
    fi
    ;;
prune)
    [[ $mode == stacked ]] || { echo "$usage" >&2; exit 2; }
    # $name holds the desired names here.
    list_members
    departing=$(awk -F', ' -v desired=",$name," '$3 != "" && index(desired, "," $3 ",") == 0 { print $3 }' <<<"$members")
    for leaving in $departing; do
        echo "haplane: $leaving is leaving: removing it before the next join"
        remove_member "$leaving"
        forget_node "$leaving"
    done
    ;;
add)
    [[ $mode == etcd ]] || { echo "$usage" >&2; exit 2; }
    add_member "${4:-}" "${5:-}"
    ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac
