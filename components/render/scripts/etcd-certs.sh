#!/usr/bin/env bash
# Issues external-etcd certificates with kubeadm's etcd certificate phases (Kubernetes' "HA
# etcd with kubeadm" guide), in a private directory on tmpfs (the configuration's
# certificatesDir, /run/haplane-etcd-certs) that is removed on exit, one run at a time, and
# prints them as JSON for the stack's secrets. Nothing is left on the host.
# usage: etcd-certs.sh ca|member
#   ca:     stdin {"kubeadm"}: a new etcd CA and the API servers' etcd client certificate;
#           prints {caCert, caKey, apiServerClientCert, apiServerClientKey}
#   member: stdin {"kubeadm", "caCert", "caKey"}: one member's server, peer and client
#           certificates; prints {serverCert, serverKey, peerCert, peerKey, clientCert, clientKey}
set -euo pipefail
umask 077
mode=${1:?usage: etcd-certs.sh ca|member}
params=$(cat)
command -v kubeadm >/dev/null || { echo "haplane: kubeadm is not installed on $(hostname); it issues the etcd certificates" >&2; exit 1; }
pki=/run/haplane-etcd-certs
exec 9>/run/haplane-etcd-certs.lock
flock -w 300 9 || { echo "haplane: another certificate run holds the lock on $(hostname)" >&2; exit 1; }
rm -rf "$pki"
trap 'rm -rf "$pki"' EXIT
install -d -m 0700 "$pki" "$pki/etcd"
jq -r '.kubeadm' <<<"$params" >"$pki/kubeadm.yaml"
if ! grep -qx "certificatesDir: $pki" "$pki/kubeadm.yaml"; then
    echo "haplane: the kubeadm configuration must set certificatesDir: $pki" >&2
    exit 1
fi

phase() {
    # The CA key must never reach kubeadm's log; the log shows only file names.
    if ! kubeadm init phase certs "$1" --config "$pki/kubeadm.yaml" >"$pki/phase.log" 2>&1; then
        cat "$pki/phase.log" >&2
        echo "haplane: 'kubeadm init phase certs $1' failed on $(hostname)" >&2
        exit 1
    fi
}

case "$mode" in
ca)
    phase etcd-ca
    phase apiserver-etcd-client
    jq -cn --rawfile caCert "$pki/etcd/ca.crt" --rawfile caKey "$pki/etcd/ca.key" \
        --rawfile apiServerClientCert "$pki/apiserver-etcd-client.crt" --rawfile apiServerClientKey "$pki/apiserver-etcd-client.key" \
        '{caCert: $caCert, caKey: $caKey, apiServerClientCert: $apiServerClientCert, apiServerClientKey: $apiServerClientKey}'
    ;;
member)
    jq -r '.caCert' <<<"$params" >"$pki/etcd/ca.crt"
    jq -r '.caKey' <<<"$params" >"$pki/etcd/ca.key"
    phase etcd-server
    phase etcd-peer
    phase etcd-healthcheck-client
    jq -cn --rawfile serverCert "$pki/etcd/server.crt" --rawfile serverKey "$pki/etcd/server.key" \
        --rawfile peerCert "$pki/etcd/peer.crt" --rawfile peerKey "$pki/etcd/peer.key" \
        --rawfile clientCert "$pki/etcd/healthcheck-client.crt" --rawfile clientKey "$pki/etcd/healthcheck-client.key" \
        '{serverCert: $serverCert, serverKey: $serverKey, peerCert: $peerCert, peerKey: $peerKey, clientCert: $clientCert, clientKey: $clientKey}'
    ;;
*)
    echo "usage: etcd-certs.sh ca|member" >&2
    exit 2
    ;;
esac
