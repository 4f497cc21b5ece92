#!/usr/bin/env bash
# Prepares an on-prem host for the control plane. usage: host-prepare.sh distribution|preinstalled <kubernetes version>
#   distribution: installs containerd, keepalived, haproxy, jq, curl, etcd-client and a pinned
#                 kubeadm/kubelet/kubectl from the distribution's and Kubernetes' repositories;
#   preinstalled: air-gapped hosts; only checks that everything needed is there.
set -euo pipefail
mode=${1:?usage: host-prepare.sh distribution|preinstalled <kubernetes version>}
version=${2:?usage: host-prepare.sh distribution|preinstalled <kubernetes version>}
needed=(containerd keepalived haproxy jq curl etcdctl kubeadm kubelet kubectl)

if [[ $mode == distribution ]]; then
    export DEBIAN_FRONTEND=noninteractive
    minor=${version%.*}
    repo="https://pkgs.k8s.io/core:/stable:/v${minor}/deb/"
    apt-get update -qq
    apt-get install -y -qq containerd keepalived haproxy jq curl etcd-client gpg ca-certificates >/dev/null
    if ! command -v kubeadm >/dev/null || [[ $(kubeadm version -o short) != "v$version" ]]; then
        mkdir -p /etc/apt/keyrings
        curl -fsSL "${repo}Release.key" | gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes.gpg
        echo "deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] $repo /" >/etc/apt/sources.list.d/kubernetes.list
        apt-get update -qq
        apt-get install -y -qq --allow-change-held-packages "kubelet=${version}-*" "kubeadm=${version}-*" "kubectl=${version}-*" >/dev/null
        apt-mark hold kubelet kubeadm kubectl >/dev/null
    fi
fi

missing=()
for tool in "${needed[@]}"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "haplane: $(hostname) lacks ${missing[*]} (haplane:onprem.packages is '$mode')" >&2
    exit 1
fi

# Kernel settings kubeadm's preflight checks expect.
printf 'overlay\nbr_netfilter\n' >/etc/modules-load.d/kubernetes.conf
modprobe overlay 2>/dev/null || true
modprobe br_netfilter 2>/dev/null || true
printf 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n' >/etc/sysctl.d/90-kubernetes.conf
sysctl --system >/dev/null 2>&1 || true
echo "haplane: $(hostname) is prepared ($mode packages, Kubernetes $version)"
