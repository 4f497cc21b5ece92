#!/usr/bin/env bash
# Build the offline toolchain from the Go module proxy (these machines reach no other part of
# the internet):
# - the pulumi CLI and the Node.js language host, and the command provider from this repo
#   (tools/command-provider, our own implementation of command 1.2.1's local and remote
#   Command; upstream's module is not served);
# - Kubernetes v1.32.5 from k8s.io/kubernetes through the wrapper module tools/kubeadm-build:
#   kubeadm, kube-apiserver, kube-controller-manager and kube-scheduler, which the engine tier
#   uses to validate the kubeadm configuration haplane renders and the component flags it
#   carries, and kubelet and kubectl, which the lab's hosts run for a real control plane;
# - the Pulumi Kubernetes provider 4.25.0 (tools/kubernetes-provider-build), with which the
#   lab applies the program's Kubernetes resources to its real control plane;
# - actionlint, which the workflows tier (npm run test:workflows) runs on .github/workflows;
# - for the lab's real control plane, the rest of what kubeadm 1.32.5 runs: etcd, etcdctl and
#   etcdutl v3.5.16 (tools/etcd-build), pause 3.10 (compiled from k8s.io/kubernetes's
#   build/pause), CoreDNS v1.11.3, and an OCI image archive of each image kubeadm pulls but
#   kube-proxy's (see "images" below for why not that one).
#
#   scripts/toolchain.sh [--without-command] [--without-kubeadm] [--without-control-plane]
#                        [--without-node] [--without-actionlint] [--without-etcd]
#                        [--without-coredns] [--without-images] [--without-lab]
#                        [--without-kubernetes]
#
# Cold build times here (2 cores, empty Go build cache, module cache filled; each piece after
# the ones before it, which share packages with it) and module downloads:
#   --without-command         the command provider (about 60 s)
#   --without-kubeadm         kubeadm (about 165 s; 70 MB of modules, most of what the other
#                             Kubernetes binaries need too; plus 75 MB for go1.23.8 itself)
#   --without-control-plane   kube-apiserver, kube-controller-manager, kube-scheduler (about
#                             280 s); also skips the images
#   --without-node            kubelet and kubectl (about 75 s, 2 MB more)
#   --without-actionlint      actionlint (about 40 s, 5 MB)
#   --without-kubernetes      the Kubernetes provider (about 14 minutes alone, 160 MB binary;
#                             4.7 GB of Go build cache)
#   --without-etcd            etcd, etcdctl, etcdutl (about 60 s after the above, 2 minutes
#                             alone; 37 MB of modules, many shared); also skips the images
#   --without-coredns         CoreDNS and its image (about 190 s; 190 MB of modules: it links
#                             every DNS backend plugin)
#   --without-images          pause (under 1 s), CoreDNS and the image archives (about 15 s)
#   --without-lab             all of the lab's pieces: the same as --without-node
#                             --without-etcd --without-images
# A second run takes a few seconds.
# A pinned module the proxy does not serve is reported at the end and makes the run exit 1.
#
# Kubernetes, etcd and CoreDNS are built with go1.23.8 (GOTOOLCHAIN=go1.23.8: the go command
# fetches that release from the module proxy once); see CLUSTER_GO below for why. The rest is
# built with the Go installed here.
#
# Everything is cached under $HAPLANE_TOOLCHAIN_DIR (default ~/.cache/haplane-toolchain),
# outside the repo:
#   bin/                     the commands: on PATH with scripts/engine-env.sh, and bound over
#                            /usr/local/bin in the lab's hosts (pulumi, pulumi-language-nodejs,
#                            kubeadm, kube-apiserver, kube-controller-manager, kube-scheduler,
#                            kubelet, kubectl, actionlint, and etcd, etcdctl and etcdutl 3.5.16,
#                            which shadow Debian's etcd 3.4 in the lab's hosts: kubeadm 1.31+
#                            needs external etcd >= 3.5.11)
#   etcd-v3.5.16/bin/        etcd, etcdctl, etcdutl 3.5.16
#   pause-3.10/bin/pause     the pause binary (only for its image)
#   coredns-v1.11.3/bin/     coredns (only for its image)
#   images/                  <name>_<tag>.tar per image, an OCI image layout in a tar, and
#                            images.json: [{"ref": ..., "file": ...}], file relative to images/.
#                            `ctr -n k8s.io images import --base-name <ref without :tag> <file>`
#                            names the image exactly <ref>, the name kubeadm asks for
#   providers/ pulumi-home/  the command and Kubernetes providers, installed as plugins of
#                            pulumi-home
#   work/ logs/ stamps/      build trees, one log per build step, one stamp per piece
# A stamp holds the key a piece was built with (versions, Go release, a hash of the wrapper
# module's go.mod and go.sum or of the sources; for an image, the hashes of the binaries in it
# and of its recipe): while it matches and the outputs exist, the piece is not rebuilt, so a
# second run is a no-op. Use the toolchain with: source scripts/engine-env.sh
set -euo pipefail

# The pieces live in scripts/toolchain/, sourced in this order (each file's functions keep
# these shell options): versions.sh (the pins), then, after the options below, common.sh
# (directories, Go environment, logging, helpers), pulumi.sh (pulumi CLI, Node.js language
# host, command provider, kubernetes provider), kubernetes.sh, actionlint.sh, etcd.sh and
# images.sh (pause, CoreDNS, the images).
TOOLCHAIN_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")/toolchain" && pwd)"
# shellcheck source=SCRIPTDIR/toolchain/versions.sh
source "$TOOLCHAIN_LIB/versions.sh"

WITH_COMMAND=true
WITH_KUBEADM=true
WITH_CONTROL_PLANE=true
WITH_NODE=true
WITH_ACTIONLINT=true
WITH_ETCD=true
WITH_COREDNS=true
WITH_IMAGES=true
WITH_KUBERNETES=true
for arg in "$@"; do
  case "$arg" in
    --without-command) WITH_COMMAND=false ;;
    --without-kubeadm) WITH_KUBEADM=false ;;
    --without-control-plane) WITH_CONTROL_PLANE=false ;;
    --without-node) WITH_NODE=false ;;
    --without-actionlint) WITH_ACTIONLINT=false ;;
    --without-etcd) WITH_ETCD=false ;;
    --without-coredns) WITH_COREDNS=false ;;
    --without-images) WITH_IMAGES=false ;;
    --without-lab) WITH_NODE=false; WITH_ETCD=false; WITH_IMAGES=false ;;
    --without-kubernetes) WITH_KUBERNETES=false ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "toolchain.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
# CoreDNS is built for its image only.
if ! $WITH_IMAGES; then WITH_COREDNS=false; fi

# shellcheck source=SCRIPTDIR/toolchain/common.sh
source "$TOOLCHAIN_LIB/common.sh"
# shellcheck source=SCRIPTDIR/toolchain/pulumi.sh
source "$TOOLCHAIN_LIB/pulumi.sh"
# shellcheck source=SCRIPTDIR/toolchain/kubernetes.sh
source "$TOOLCHAIN_LIB/kubernetes.sh"
# shellcheck source=SCRIPTDIR/toolchain/actionlint.sh
source "$TOOLCHAIN_LIB/actionlint.sh"
# shellcheck source=SCRIPTDIR/toolchain/etcd.sh
source "$TOOLCHAIN_LIB/etcd.sh"
# shellcheck source=SCRIPTDIR/toolchain/images.sh
source "$TOOLCHAIN_LIB/images.sh"

total_start=$SECONDS
log "toolchain dir: $TOOLCHAIN_DIR ($GO_VERSION; Kubernetes, etcd and CoreDNS with $CLUSTER_GO)"
# The images hold the control plane's binaries and etcd's; without those there are none.
if $WITH_IMAGES && ! { $WITH_CONTROL_PLANE && $WITH_ETCD; }; then
  log "images: skipped (they need the control-plane binaries and etcd)"
  WITH_IMAGES=false; WITH_COREDNS=false
fi
# umoci unpacks and setcap writes file capabilities only as root.
if $WITH_IMAGES && ((EUID != 0)); then
  warn "images: skipped, making them needs root (umoci unpack, setcap); run as root, or pass --without-images"
  WITH_IMAGES=false; WITH_COREDNS=false
fi
build_pulumi
build_nodejs_host
if $WITH_COMMAND; then build_command; fi
if $WITH_KUBEADM; then build_kubeadm; fi
if $WITH_CONTROL_PLANE; then build_control_plane; fi
if $WITH_NODE; then build_node; fi
if $WITH_ACTIONLINT; then build_actionlint; fi
if $WITH_ETCD; then build_etcd; fi
if $WITH_IMAGES; then build_pause; fi
if $WITH_COREDNS; then build_coredns; fi
if $WITH_IMAGES; then build_images; fi
if $WITH_KUBERNETES; then build_kubernetes; fi
log "toolchain done in $((SECONDS - total_start))s"

"$BIN/pulumi" version
# The command provider is installed as a plugin of this PULUMI_HOME (a copy on PATH would
# make every run warn "using pulumi-resource-command from $PATH").
"$BIN/pulumi" plugin ls 2>/dev/null | sed -n '1,5p'
if $WITH_KUBEADM; then echo "kubeadm $("$BIN/kubeadm" version -o short)"; fi
if $WITH_CONTROL_PLANE; then
  for name in "${CONTROL_PLANE_BINARIES[@]}"; do echo "$name $("$BIN/$name" --version)"; done
fi
if $WITH_NODE; then
  echo "kubelet $("$BIN/kubelet" --version)"
  echo "kubectl $("$BIN/kubectl" version --client -o json | jq -r '.clientVersion.gitVersion')"
fi
if $WITH_ACTIONLINT; then echo "actionlint $("$BIN/actionlint" -version | head -n 1)"; fi
if $WITH_ETCD; then
  echo "etcd $("$ETCD_BIN/etcd" --version | sed -n 's/^etcd Version: //p') in $ETCD_BIN (etcd, etcdctl, etcdutl; also in bin/)"
fi
if $WITH_IMAGES; then
  echo "pause: $("$PAUSE_BIN" -v) ($PAUSE_BIN)"
  if $WITH_COREDNS; then echo "coredns: $("$COREDNS_BIN" -version | head -n 1) ($COREDNS_BIN)"; fi
  echo "images in $IMAGES (listed in images.json):"
  for entry in "${IMAGE_LIST[@]}"; do
    printf '  %-52s %s (%s)\n' "${entry% *}" "${entry#* }" "$(du -h "$IMAGES/${entry#* }" | cut -f1)"
  done
  echo "  import: ctr -n k8s.io images import --base-name <ref without :tag> <file>"
fi
echo "export PATH=$BIN:\$PATH PULUMI_HOME=$PULUMI_HOME   # or: source scripts/engine-env.sh"

if ((${#MISSING[@]})); then
  printf 'toolchain.sh: ERROR: unavailable offline (the Go module proxy does not serve the pinned module):\n' >&2
  printf '  - %s\n' "${MISSING[@]}" >&2
  exit 1
fi
