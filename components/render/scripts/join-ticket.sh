#!/usr/bin/env bash
# Runs on a live member (the sponsor) and prints, as JSON, what one new control-plane node
# needs to join: a short-lived bootstrap token, the CA public key hash and a fresh
# certificate key for the uploaded control-plane certificates (valid two hours).
# The output is secret: the Pulumi resource marks stdout secret and disables logging.
# usage: join-ticket.sh real|dry-run <this node's advertise address>
#   dry-run (haplane:kubeadm.dryRun): no cluster exists to register a token with; a fresh
#   token and certificate key are still made, and `kubeadm join --dry-run` discovers its
#   own fake cluster-info whatever the hash says.
set -euo pipefail
mode=${1:-real}
address=${2:?usage: join-ticket.sh real|dry-run <advertise address>}
export KUBECONFIG=/etc/kubernetes/admin.conf
if [[ $mode == dry-run ]]; then
    jq -cn --arg token "$(kubeadm token generate)" --arg hash "sha256:$(printf '0%.0s' {1..64})" --arg key "$(kubeadm certs certificate-key)" \
        '{token: $token, caCertHash: $hash, certificateKey: $key}'
    exit 0
fi
token=$(kubeadm token create --ttl 30m --description "haplane join ticket")
hash=$(openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null |
    openssl dgst -sha256 -hex | sed 's/^.* //')
key=$(kubeadm certs certificate-key)
# upload-certs works from a configuration: the cluster's own ClusterConfiguration (with
# external etcd it then uploads the API servers' etcd client files too, which a join
# downloads), and an InitConfiguration naming this node's address (kubeadm would take it from
# the default route, which an air-gapped node may lack) and the key (kubeadm takes no
# --certificate-key beside --config). The file is root-only and removed; JSON is YAML to
# kubeadm, and the two documents are kubeadm's own outputs joined by YAML's separator.
config=$(mktemp)
trap 'rm -f "$config"' EXIT
{
    jq -n --arg address "$address" --arg key "$key" \
        '{apiVersion: "kubeadm.k8s.io/v1beta4", kind: "InitConfiguration", localAPIEndpoint: {advertiseAddress: $address}, certificateKey: $key}'
    echo "---"
    timeout 30 kubectl get configmap kubeadm-config -n kube-system -o jsonpath='{.data.ClusterConfiguration}'
} >"$config"
kubeadm init phase upload-certs --upload-certs --config "$config" >/dev/null
jq -cn --arg token "$token" --arg hash "sha256:$hash" --arg key "$key" \
    '{token: $token, caCertHash: $hash, certificateKey: $key}'
