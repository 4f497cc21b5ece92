#!/usr/bin/env bash
# Prints kubeadm's admin kubeconfig of this control-plane node, for the stack's kubeconfig
# output (the caller keeps stdout secret: it carries the admin's client key).
# usage: admin-kubeconfig.sh
set -euo pipefail
conf=/etc/kubernetes/admin.conf
if [[ ! -s $conf ]]; then
    echo "haplane: $(hostname) has no $conf: kubeadm init or join has not written it" >&2
    exit 1
fi
cat "$conf"
