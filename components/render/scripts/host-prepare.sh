#!/usr/bin/env bash
# Prepares an on-prem host for its roles.
# usage: host-prepare.sh distribution|preinstalled <kubernetes version> <roles> real|dry-run
#   roles: comma-separated control-plane and/or etcd (haplane's external etcd);
#   dry-run: kubeadm only dry-runs (haplane:kubeadm.dryRun), so no kubelet, container
#            runtime or kernel settings are needed;
#   distribution: installs what the roles need (containerd, keepalived, haproxy, arping, jq,
#                 curl, etcd-client, etcd-server) and a pinned kubeadm/kubelet/kubectl from the
#                 distribution's and Kubernetes' repositories;
#   preinstalled: air-gapped hosts; only checks that everything needed is there.
set -euo pipefail
usage="usage: host-prepare.sh distribution|preinstalled <kubernetes version> <roles> real|dry-run"
mode=${1:?$usage}
version=${2:?$usage}
roles=${3:?$usage}
kubeadm_mode=${4:-real}
needed=(jq etcdctl kubeadm)
packages=(jq etcd-client gpg ca-certificates)
# An etcd host issues members' certificates with kubeadm, so it gets kubeadm too.
if [[ ,$roles, == *,control-plane,* ]]; then
    # arping: the VIP handover's announcement (vip-handover.sh).
    needed+=(keepalived haproxy curl arping)
    packages+=(keepalived haproxy curl iputils-arping)
    if [[ $kubeadm_mode == real ]]; then
        needed+=(containerd kubelet kubectl)
        packages+=(containerd)
    fi
fi
if [[ ,$roles, == *,etcd,* ]]; then
    needed+=(etcd)
    packages+=(etcd-server curl)
fi

if [[ $mode == distribution ]]; then
    export DEBIAN_FRONTEND=noninteractive
    minor=${version%.*}
    repo="https://pkgs.k8s.io/core:/stable:/v${minor}/deb/"
    apt-get update -qq
    apt-get install -y -qq "${packages[@]}" >/dev/null
    if ! command -v kubeadm >/dev/null || [[ $(kubeadm version -o short) != "v$version" ]]; then
        mkdir -p /etc/apt/keyrings
        curl -fsSL "${repo}Release.key" | gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes.gpg
        echo "deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] $repo /" >/etc/apt/sources.list.d/kubernetes.list
        apt-get update -qq
        kube=("kubeadm=${version}-*")
        [[ ,$roles, != *,control-plane,* || $kubeadm_mode != real ]] || kube+=("kubelet=${version}-*" "kubectl=${version}-*")
        apt-get install -y -qq --allow-change-held-packages "${kube[@]}" >/dev/null
        apt-mark hold "${kube[@]%%=*}" >/dev/null
    fi
fi

missing=()
for tool in "${needed[@]}"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "haplane: $(hostname) lacks ${missing[*]} for its roles ($roles; haplane:onprem.packages is '$mode')" >&2
    exit 1
fi

# kubeadm 1.31 and later refuse external etcd older than 3.5.11 (their ExternalEtcdVersion
# check); say so here, where the host is named, rather than in the API server's join.
readonly MIN_ETCD=3.5.11
if [[ ,$roles, == *,etcd,* ]]; then
    etcd_version=$(etcd --version | sed -n 's/^etcd Version: //p')
    if [[ $(printf '%s\n' "$MIN_ETCD" "$etcd_version" | sort -V | head -n 1) != "$MIN_ETCD" ]]; then
        echo "haplane: $(hostname) has etcd ${etcd_version:-of unknown version}; kubeadm needs external etcd $MIN_ETCD or newer" \
            "(Debian 12's etcd-server is 3.4): install etcd 3.5 on the etcd hosts" >&2
        exit 1
    fi
fi

# Kernel settings kubeadm's preflight checks expect on a control-plane node.
if [[ ,$roles, == *,control-plane,* && $kubeadm_mode == real ]]; then
    printf 'overlay\nbr_netfilter\n' >/etc/modules-load.d/kubernetes.conf
    modprobe overlay 2>/dev/null || true
    modprobe br_netfilter 2>/dev/null || true
    printf 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n' >/etc/sysctl.d/90-kubernetes.conf
    sysctl --system >/dev/null 2>&1 || true
fi
echo "haplane: $(hostname) is prepared as $roles ($mode packages, Kubernetes $version, kubeadm $kubeadm_mode)"
