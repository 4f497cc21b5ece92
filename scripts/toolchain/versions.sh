# shellcheck shell=bash
# Sourced by scripts/toolchain.sh: the pinned versions and sources of every piece.
# shellcheck disable=SC2034 # read by the other files of scripts/toolchain/

PULUMI_VERSION=v3.248.0

# The Node host is its own untagged module in the pulumi repo, at the commit of tag
# pkg/v3.248.0; the pseudo-version encodes that commit's time (2026-06-24T18:00:30Z).
NODEJS_HOST_MODULE=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
NODEJS_HOST_VERSION=v3.0.0-20260624180030-dc7edd58bc13
# The proxy here does not serve that pseudo-version. sdk/v3 up to v3.68.0 still held the host
# as a package of the sdk module, so that tagged release is the fallback.
NODEJS_HOST_FALLBACK=v3.68.0

# Command provider: ours, in tools/command-provider. It reports version 1.2.1, the version
# @pulumi/command 1.2.1 asks the engine for. (Upstream's github.com/pulumi/pulumi-command/provider
# is answered 403 by the proxy at any pseudo-version.)
COMMAND_VERSION=1.2.1
COMMAND_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tools/command-provider" && pwd)"

# The Go release Kubernetes, etcd and CoreDNS are built with: go1.23.8, the one upstream built
# Kubernetes v1.32.5 with (its .go-version). Newer Go breaks kubeadm 1.32.5: from go1.24.8 and
# go1.25.2 on, net/url rejects an IPv4 literal in brackets, and kubeadm's HTTPProxyCIDR
# preflight check formats the first address of the service and pod CIDRs that way, failing
# init and join with `parse "https://[10.96.0.1]:1234/": invalid IP-literal` (no GODEBUG
# setting restores the old parsing). GOTOOLCHAIN=go1.23.8 makes the go command fetch that
# release from the module proxy (module golang.org/toolchain, checked against the checksum
# database) into the module cache, once.
CLUSTER_GO=go1.23.8

# kubeadm and the other Kubernetes binaries: the newest 1.32 patch for which the proxy serves
# k8s.io/kubernetes and every one of its staging modules (later 1.32 patches lack some, e.g.
# k8s.io/kube-proxy v0.32.13). The wrapper module pins it (go.mod, go.sum); this must name the
# same version.
K8S_VERSION=v1.32.5
K8S_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tools/kubeadm-build" && pwd)"
# Built from k8s.io/kubernetes/cmd/<name>; tools.go of the wrapper imports each. The control
# plane's binaries for the engine tier's flag checks and the lab's images; the node's for the
# lab's hosts (kubeadm's preflight runs `kubelet --version`).
CONTROL_PLANE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler)
NODE_BINARIES=(kubelet kubectl)

# etcd: the version kubeadm 1.32.5 runs (image registry.k8s.io/etcd:3.5.16-0). The wrapper
# module tools/etcd-build pins go.etcd.io/etcd/{server,etcdctl,etcdutl}/v3 at it; etcd is
# upstream's own main package, go.etcd.io/etcd/server/v3, as etcd's build.sh builds it.
# ETCD_GIT_SHA is what build.sh stamps in (`git rev-parse --short` of tag v3.5.16; the proxy's
# origin record of go.etcd.io/etcd/v3 v3.5.16 names the commit f20bbadd404b).
ETCD_VERSION=v3.5.16
ETCD_GIT_SHA=f20bbad
ETCD_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tools/etcd-build" && pwd)"
ETCD_BINARIES=(etcd etcdctl etcdutl)

# pause: build/pause/linux/pause.c of k8s.io/kubernetes $K8S_VERSION, whose Makefile tags it
# 3.10, the sandbox image kubeadm 1.32.5 names.
PAUSE_VERSION=3.10

# CoreDNS: the version kubeadm 1.32.5 deploys; a tagged module without replace directives, so
# `go install module@version` builds it as released. COREDNS_GIT_COMMIT: the short commit of
# tag v1.11.3 (the proxy's origin record), which its Makefile stamps in.
COREDNS_MODULE=github.com/coredns/coredns
COREDNS_VERSION=v1.11.3
COREDNS_GIT_COMMIT=a7ed346

# Images: the time of tag v1.32.5, as the creation time of every image and the modification time
# of every file in them, so that the same binaries make the same archives.
IMAGE_TIME=2025-05-15T09:05:02Z

# actionlint: the newest release the proxy serves (v1.7.12, 2026-03-30); a tagged module, so
# `go install module@version` builds it as released.
ACTIONLINT_MODULE=github.com/rhysd/actionlint/cmd/actionlint
ACTIONLINT_VERSION=v1.7.12

# Kubernetes provider: the only version of github.com/pulumi/pulumi-kubernetes/provider/v4 the
# proxy serves (the module is untagged; this pseudo-version is the commit of tag v4.25.0), so
# @pulumi/kubernetes is pinned to 4.25.0 on npm, the release that asks for this plugin. The
# wrapper module tools/kubernetes-provider-build pins it (go.mod, go.sum).
KUBERNETES_VERSION=4.25.0
KUBERNETES_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
KUBERNETES_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
KUBERNETES_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tools/kubernetes-provider-build" && pwd)"
