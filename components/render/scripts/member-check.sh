#!/usr/bin/env bash
# Run on the sponsor: waits (bounded) until <node name> is a started, voting etcd member,
# so that a join is only considered done once the learner has been promoted.
# usage: member-check.sh <node name>
set -euo pipefail
name=${1:?usage: member-check.sh <node name>}
pki=/etc/kubernetes/pki/etcd
for _ in $(seq 1 30); do
    state=$(ETCDCTL_API=3 timeout 15 etcdctl --endpoints https://127.0.0.1:2379 --cacert "$pki/ca.crt" \
        --cert "$pki/healthcheck-client.crt" --key "$pki/healthcheck-client.key" member list -w json |
        jq -r --arg n "$name" '.members[] | select(.name == $n) | if .isLearner then "learner" else "voter" end') ||
        state="unreachable"
    if [[ "$state" == "voter" ]]; then
        echo "haplane: $name is a voting etcd member"
        exit 0
    fi
    sleep 5
done
echo "haplane: $name did not become a voting etcd member within 150 s (state: ${state:-absent})" >&2
exit 1
