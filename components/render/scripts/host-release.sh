#!/usr/bin/env bash
# Releases an on-prem host after its etcd member was removed: stops the endpoint services and
# haplane's etcd, resets kubeadm and removes what haplane wrote, so the host can be reused.
set -euo pipefail
for service in keepalived haproxy etcd; do
    systemctl disable --now "$service" >/dev/null 2>&1 || true
done
rm -f /etc/keepalived/keepalived.conf /etc/keepalived/check-apiserver.sh /etc/haproxy/haproxy.cfg
# External etcd: only haplane's own files (the distribution's etcd keeps its default data).
rm -rf /etc/etcd/haplane.yaml /etc/etcd/pki /var/lib/etcd/haplane /etc/systemd/system/etcd.service
systemctl daemon-reload >/dev/null 2>&1 || true
if command -v kubeadm >/dev/null; then
    kubeadm reset -f >/dev/null 2>&1 || true
fi
rm -rf /etc/kubernetes/haplane
echo "haplane: released $(hostname)"
