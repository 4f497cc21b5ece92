#!/usr/bin/env bash
# Releases an on-prem host after its etcd member was removed: stops the endpoint services,
# resets kubeadm and removes what haplane wrote, so the host can be reused.
set -euo pipefail
for service in keepalived haproxy; do
    systemctl disable --now "$service" >/dev/null 2>&1 || true
done
rm -f /etc/keepalived/keepalived.conf /etc/keepalived/check-apiserver.sh /etc/haproxy/haproxy.cfg
if command -v kubeadm >/dev/null; then
    kubeadm reset -f >/dev/null 2>&1 || true
fi
rm -rf /etc/kubernetes/haplane
echo "haplane: released $(hostname)"
