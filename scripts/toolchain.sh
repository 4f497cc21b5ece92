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
# - actionlint, which the workflows tier (npm run test:workflows) runs on .github/workflows;
# - for the lab's real control plane, the rest of what kubeadm 1.32.5 runs: etcd, etcdctl and
#   etcdutl v3.5.16 (tools/etcd-build), pause 3.10 (compiled from k8s.io/kubernetes's
#   build/pause), CoreDNS v1.11.3, and an OCI image archive of each image kubeadm pulls but
#   kube-proxy's (see "images" below for why not that one).
#
#   scripts/toolchain.sh [--without-command] [--without-kubeadm] [--without-control-plane]
#                        [--without-node] [--without-actionlint] [--without-etcd]
#                        [--without-coredns] [--without-images] [--without-lab]
#                        [--with-kubernetes]
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
#   --without-etcd            etcd, etcdctl, etcdutl (about 60 s after the above, 2 minutes
#                             alone; 37 MB of modules, many shared); also skips the images
#   --without-coredns         CoreDNS and its image (about 190 s; 190 MB of modules: it links
#                             every DNS backend plugin)
#   --without-images          pause (under 1 s), CoreDNS and the image archives (about 15 s)
#   --without-lab             all of the lab's pieces: the same as --without-node
#                             --without-etcd --without-images
# A second run takes a few seconds.
# --with-kubernetes also builds the kubernetes provider, whose pinned module the proxy does not
# serve: that is reported at the end and makes the run exit 1.
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
#   providers/ pulumi-home/  the command provider, installed as a plugin of pulumi-home
#   work/ logs/ stamps/      build trees, one log per build step, one stamp per piece
# A stamp holds the key a piece was built with (versions, Go release, a hash of the wrapper
# module's go.mod and go.sum or of the sources; for an image, the hashes of the binaries in it
# and of its recipe): while it matches and the outputs exist, the piece is not rebuilt, so a
# second run is a no-op. Use the toolchain with: source scripts/engine-env.sh
set -euo pipefail

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
COMMAND_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/command-provider" && pwd)"

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
K8S_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/kubeadm-build" && pwd)"
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
ETCD_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/etcd-build" && pwd)"
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

# Kubernetes provider 4.32.0: likewise untagged as a module, commit a03ff6ba58d2.
KUBERNETES_VERSION=4.32.0
KUBERNETES_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
KUBERNETES_MODULE_VERSION=v4.0.0-20260608201737-a03ff6ba58d2

WITH_COMMAND=true
WITH_KUBEADM=true
WITH_CONTROL_PLANE=true
WITH_NODE=true
WITH_ACTIONLINT=true
WITH_ETCD=true
WITH_COREDNS=true
WITH_IMAGES=true
WITH_KUBERNETES=false
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
    --with-kubernetes) WITH_KUBERNETES=true ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "toolchain.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
# CoreDNS is built for its image only.
if ! $WITH_IMAGES; then WITH_COREDNS=false; fi

TOOLCHAIN_DIR="${HAPLANE_TOOLCHAIN_DIR:-$HOME/.cache/haplane-toolchain}"
BIN="$TOOLCHAIN_DIR/bin"
WORK="$TOOLCHAIN_DIR/work"
STAMPS="$TOOLCHAIN_DIR/stamps"
LOGS="$TOOLCHAIN_DIR/logs"
PROVIDERS="$TOOLCHAIN_DIR/providers" # provider binaries that must not be on PATH
# Binaries that must not be in bin/ (see the header).
ETCD_BIN="$TOOLCHAIN_DIR/etcd-$ETCD_VERSION/bin"
PAUSE_BIN="$TOOLCHAIN_DIR/pause-$PAUSE_VERSION/bin/pause"
COREDNS_BIN="$TOOLCHAIN_DIR/coredns-$COREDNS_VERSION/bin/coredns"
IMAGES="$TOOLCHAIN_DIR/images"
mkdir -p "$BIN" "$WORK" "$STAMPS" "$LOGS" "$PROVIDERS"
# The private Pulumi home of scripts/engine-env.sh: plugins are installed there.
export PULUMI_HOME="$TOOLCHAIN_DIR/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true

# Go as installed on these machines; no other toolchain unless named (CLUSTER_GO).
if ! command -v go >/dev/null 2>&1; then export PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || { echo "toolchain.sh: go not found (expected /usr/local/go/bin)" >&2; exit 1; }
export GOTOOLCHAIN=local
# Only the module proxy: no "direct" fallback to VCS hosts, which are unreachable anyway.
export GOPROXY=https://proxy.golang.org
export GOFLAGS="-mod=mod -buildvcs=false"
# The checksum database has no record of pkg/v3 v3.248.0 (lookups answer 404), so that module
# is taken from the proxy unverified; everything else is still checked.
export GONOSUMDB=github.com/pulumi/pulumi/pkg/v3
GO_VERSION="$(go env GOVERSION)"

log() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'toolchain.sh: ERROR: %s\n' "$*" >&2; exit 1; }

command -v jq >/dev/null 2>&1 || die "jq is needed to read go's JSON output (apt-get install jq)"

# A piece is up to date when its stamp holds the same key and its binaries (in bin/ unless
# given as absolute paths) exist.
up_to_date() { # name key binaries...
  local name="$1" key="$2"; shift 2
  [[ -f "$STAMPS/$name" && "$(cat "$STAMPS/$name")" == "$key" ]] || return 1
  local b; for b in "$@"; do [[ "$b" == /* ]] || b="$BIN/$b"; [[ -x "$b" ]] || return 1; done
}

# Download module@version and print its directory in the module cache; on failure print
# nothing and tell why on stderr.
module_dir() {
  local json; json="$(go mod download -json "$1" 2>/dev/null || true)"
  if [[ -z "$json" ]] || jq -e '.Error' >/dev/null <<<"$json"; then
    warn "$(jq -r '.Error // empty' <<<"$json" 2>/dev/null | head -n 2 || true)"
    return 0
  fi
  jq -r '.Dir' <<<"$json"
}

# Pieces whose pinned module the proxy does not serve; reported at the end.
MISSING=()

# Copy a module tree out of the read-only module cache so replace paths can point into it.
copy_module() { # src dest
  rm -rf "$2"; mkdir -p "$(dirname "$2")"
  cp -r "$1" "$2"
  chmod -R u+w "$2"
}

# Run a build step with its output in a log file; report its duration, fail loudly.
timed() { # name command...
  local name="$1"; shift
  local logf="$LOGS/$name.log" start=$SECONDS
  log "building $name (log: $logf)"
  if ! "$@" >"$logf" 2>&1; then
    tail -n 40 "$logf" >&2
    die "build of $name failed after $((SECONDS - start))s; full log: $logf"
  fi
  log "built $name in $((SECONDS - start))s"
}

# --- pulumi CLI --------------------------------------------------------------------------
# pkg's go.mod replaces sdk/v3 => ../sdk, so both trees sit side by side as in the repo.
PULUMI_SRC="$WORK/pulumi-$PULUMI_VERSION"

prepare_pulumi_tree() {
  [[ -f "$PULUMI_SRC/.complete" ]] && return 0
  local pkg sdk
  pkg="$(module_dir "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION")"
  sdk="$(module_dir "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION")"
  [[ -n "$pkg" && -n "$sdk" ]] || die "cannot download pulumi pkg/sdk $PULUMI_VERSION from the Go module proxy"
  copy_module "$pkg" "$PULUMI_SRC/pkg"
  copy_module "$sdk" "$PULUMI_SRC/sdk"
  touch "$PULUMI_SRC/.complete"
}

build_pulumi() {
  local key="pulumi $PULUMI_VERSION $GO_VERSION"
  if up_to_date pulumi "$key" pulumi; then log "pulumi $PULUMI_VERSION: up to date"; return; fi
  prepare_pulumi_tree
  timed "pulumi-$PULUMI_VERSION" bash -c '
    cd "$1/pkg" && CGO_ENABLED=0 go build -o "$2/pulumi" -tags osusergo,grpcnotrace \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$3" ./cmd/pulumi
  ' _ "$PULUMI_SRC" "$BIN" "$PULUMI_VERSION"
  echo "$key" >"$STAMPS/pulumi"
}

# --- Node.js language host -----------------------------------------------------------------
build_nodejs_host() {
  local pinned_key="nodejs-host $NODEJS_HOST_VERSION $GO_VERSION"
  local fallback_key="nodejs-host sdk/$NODEJS_HOST_FALLBACK $GO_VERSION"
  if up_to_date nodejs-host "$pinned_key" pulumi-language-nodejs; then
    log "pulumi-language-nodejs $NODEJS_HOST_VERSION: up to date"; return
  fi

  local host; host="$(module_dir "$NODEJS_HOST_MODULE@$NODEJS_HOST_VERSION")"
  if [[ -n "$host" ]]; then
    # Its go.mod replaces ../../../../pkg and ../../.., i.e. it lives inside the sdk tree
    # (the sdk module zip leaves it out, being a nested module), so overlay it there.
    prepare_pulumi_tree
    copy_module "$host" "$PULUMI_SRC/sdk/nodejs/cmd/pulumi-language-nodejs"
    timed "pulumi-language-nodejs-$NODEJS_HOST_VERSION" bash -c '
      cd "$1/sdk/nodejs/cmd/pulumi-language-nodejs" && CGO_ENABLED=0 go build \
        -o "$2/pulumi-language-nodejs" -tags osusergo,grpcnotrace \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$3" .
    ' _ "$PULUMI_SRC" "$BIN" "$PULUMI_VERSION"
    echo "$pinned_key" >"$STAMPS/nodejs-host"
    return
  fi

  if up_to_date nodejs-host "$fallback_key" pulumi-language-nodejs; then
    log "pulumi-language-nodejs (sdk $NODEJS_HOST_FALLBACK fallback): up to date"; return
  fi
  warn "the Go module proxy does not serve $NODEJS_HOST_MODULE@$NODEJS_HOST_VERSION;"
  warn "building the Node.js language host of sdk/v3 $NODEJS_HOST_FALLBACK instead."
  local sdk; sdk="$(module_dir "github.com/pulumi/pulumi/sdk/v3@$NODEJS_HOST_FALLBACK")"
  [[ -n "$sdk" ]] || die "cannot download pulumi sdk/v3 $NODEJS_HOST_FALLBACK from the Go module proxy"
  # That go.mod has a replace directive, which `go install pkg@version` refuses: build a copy.
  local src="$WORK/pulumi-sdk-$NODEJS_HOST_FALLBACK"
  copy_module "$sdk" "$src"
  timed "pulumi-language-nodejs-sdk-$NODEJS_HOST_FALLBACK" bash -c '
    cd "$1" && CGO_ENABLED=0 go build -o "$2/pulumi-language-nodejs" \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$3" \
      ./nodejs/cmd/pulumi-language-nodejs
  ' _ "$src" "$BIN" "$NODEJS_HOST_FALLBACK"
  echo "$fallback_key" >"$STAMPS/nodejs-host"
}

# --- command provider ----------------------------------------------------------------------
# Built from the repo; the stamp is keyed on a hash of its sources, so an edit rebuilds it.
command_sources_hash() {
  (cd "$COMMAND_SRC" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

build_command() {
  local key; key="command $COMMAND_VERSION src:$(command_sources_hash) $GO_VERSION"
  # Built outside bin/ and used as the installed plugin resource-command v1.2.1 in the
  # toolchain's PULUMI_HOME: a copy on PATH would take precedence, with a warning on every run.
  local out="$PROVIDERS/pulumi-resource-command"
  rm -f "$BIN/pulumi-resource-command"
  if up_to_date command "$key" "$out"; then
    log "pulumi-resource-command $COMMAND_VERSION (tools/command-provider): up to date"
  else
    # -mod=readonly: the build never rewrites the committed go.mod and go.sum.
    timed "pulumi-resource-command" bash -c '
      cd "$1" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -o "$2" .
    ' _ "$COMMAND_SRC" "$out"
    echo "$key" >"$STAMPS/command"
  fi
  local installed="$PULUMI_HOME/plugins/resource-command-v$COMMAND_VERSION/pulumi-resource-command"
  if ! cmp -s "$out" "$installed"; then
    "$BIN/pulumi" plugin install resource command "$COMMAND_VERSION" --file "$out" --reinstall \
      >"$LOGS/command-plugin-install.log" 2>&1 \
      || { cat "$LOGS/command-plugin-install.log" >&2; die "pulumi plugin install of the command provider failed"; }
    log "installed plugin resource command $COMMAND_VERSION into $PULUMI_HOME"
  fi
}

# --- the Go release of the cluster pieces -------------------------------------------------
# Checks, once, that GOTOOLCHAIN=$CLUSTER_GO runs that release (fetching it the first time).
CLUSTER_GO_READY=false
use_cluster_go() {
  $CLUSTER_GO_READY && return 0
  local got
  got="$(GOTOOLCHAIN="$CLUSTER_GO" go env GOVERSION 2>"$LOGS/cluster-go.log")" \
    || { cat "$LOGS/cluster-go.log" >&2; die "cannot get $CLUSTER_GO from the Go module proxy (module golang.org/toolchain)"; }
  [[ "$got" == "$CLUSTER_GO" ]] || die "GOTOOLCHAIN=$CLUSTER_GO runs $got"
  CLUSTER_GO_READY=true
}

# --- Kubernetes: kubeadm, the control plane, the node --------------------------------------
# tools/kubeadm-build requires k8s.io/kubernetes and replaces each staging module (required
# there at v0.0.0) with its published version; go.sum pins them all. Built like a release with
# $CLUSTER_GO: static (CGO_ENABLED=0, the kubelet too, which upstream alone links with cgo;
# nothing the lab runs needs that), trimmed, tags selinux,notest, with the version variables
# set as hack/lib/version.sh sets them, so that `kubeadm version -o short` prints $K8S_VERSION
# (kubeadm also compares it with the kubernetesVersion of the configurations it reads, and
# with the kubelet's) and `kube-apiserver --version` prints "Kubernetes $K8S_VERSION".
k8s_sources_hash() {
  (cd "$K8S_SRC" && cat go.mod go.sum | sha256sum | cut -c1-16)
}

# Sets K8S_LDFLAGS, once: checks that the wrapper pins $K8S_VERSION and takes the tag's commit
# and time as the git commit and build date of a release build.
K8S_LDFLAGS=""
k8s_release_ldflags() {
  [[ -z "$K8S_LDFLAGS" ]] || return 0
  local pinned
  pinned="$(cd "$K8S_SRC" && GOFLAGS="-mod=readonly" go list -m -f '{{.Version}}' k8s.io/kubernetes)" \
    || die "cannot read the k8s.io/kubernetes version of $K8S_SRC/go.mod"
  [[ "$pinned" == "$K8S_VERSION" ]] \
    || die "$K8S_SRC/go.mod pins k8s.io/kubernetes $pinned, but this script builds $K8S_VERSION"
  local json commit info date
  json="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION")" \
    || die "cannot download k8s.io/kubernetes $K8S_VERSION from the Go module proxy: $(jq -r '.Error // empty' <<<"$json" 2>/dev/null)"
  commit="$(jq -r '.Origin.Hash // empty' <<<"$json")"
  info="$(jq -r '.Info // empty' <<<"$json")"
  date="$(jq -r '.Time // empty' "$info" 2>/dev/null || true)"
  [[ -n "$commit" && -n "$date" ]] || die "no commit or time recorded for k8s.io/kubernetes $K8S_VERSION"
  local minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
  local ldflags="-s -w" pkg var
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for var in "gitVersion=$K8S_VERSION" "gitMajor=1" "gitMinor=$minor" "gitCommit=$commit" \
      "gitTreeState=clean" "buildDate=$date"; do
      ldflags+=" -X $pkg.$var"
    done
  done
  K8S_LDFLAGS="$ldflags"
}

# Build k8s.io/kubernetes/cmd/<name> for each name into bin/ (one go build, so shared packages
# compile once). -mod=readonly: the build never rewrites the committed go.mod and go.sum.
build_k8s_commands() { # step-name names...
  local step="$1"; shift
  local pkgs=() name
  for name in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$name"); done
  k8s_release_ldflags
  use_cluster_go
  timed "$step" env GOTOOLCHAIN="$CLUSTER_GO" bash -c '
    cd "$1" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath \
      -tags selinux,notest -ldflags "$2" -o "$3/" "${@:4}"
  ' _ "$K8S_SRC" "$K8S_LDFLAGS" "$BIN" "${pkgs[@]}"
}

# Fails unless each binary prints "Kubernetes $K8S_VERSION" for --version.
check_k8s_versions() { # names...
  local name got
  for name in "$@"; do
    got="$("$BIN/$name" --version)" || die "the built $name does not run"
    [[ "$got" == "Kubernetes $K8S_VERSION" ]] \
      || die "the built $name reports version '$got', expected 'Kubernetes $K8S_VERSION'"
  done
}

build_kubeadm() {
  local key; key="kubeadm $K8S_VERSION src:$(k8s_sources_hash) $CLUSTER_GO"
  if up_to_date kubeadm "$key" kubeadm; then log "kubeadm $K8S_VERSION: up to date"; return; fi
  build_k8s_commands "kubeadm-$K8S_VERSION" kubeadm
  local got; got="$("$BIN/kubeadm" version -o short)" || die "the built kubeadm does not run"
  [[ "$got" == "$K8S_VERSION" ]] || die "the built kubeadm reports version '$got', expected $K8S_VERSION"
  echo "$key" >"$STAMPS/kubeadm"
}

# kube-apiserver, kube-controller-manager and kube-scheduler: the engine tier runs each with
# the extraArgs haplane renders for it, to check that the binary of the cluster's minor version
# knows every flag and feature gate; the lab runs them in their images.
build_control_plane() {
  local key; key="control-plane $K8S_VERSION ${CONTROL_PLANE_BINARIES[*]} src:$(k8s_sources_hash) $CLUSTER_GO"
  if up_to_date control-plane "$key" "${CONTROL_PLANE_BINARIES[@]}"; then
    log "${CONTROL_PLANE_BINARIES[*]} $K8S_VERSION: up to date"; return
  fi
  build_k8s_commands "control-plane-$K8S_VERSION" "${CONTROL_PLANE_BINARIES[@]}"
  check_k8s_versions "${CONTROL_PLANE_BINARIES[@]}"
  echo "$key" >"$STAMPS/control-plane"
}

# kubelet and kubectl, which the lab's hosts run beside kubeadm (kubeadm's preflight checks
# the kubelet's version against its own).
build_node() {
  local key; key="node $K8S_VERSION ${NODE_BINARIES[*]} src:$(k8s_sources_hash) $CLUSTER_GO"
  if up_to_date node "$key" "${NODE_BINARIES[@]}"; then
    log "${NODE_BINARIES[*]} $K8S_VERSION: up to date"; return
  fi
  build_k8s_commands "node-$K8S_VERSION" "${NODE_BINARIES[@]}"
  check_k8s_versions kubelet
  local got; got="$("$BIN/kubectl" version --client -o json | jq -r '.clientVersion.gitVersion')" \
    || die "the built kubectl does not run"
  [[ "$got" == "$K8S_VERSION" ]] || die "the built kubectl reports version '$got', expected $K8S_VERSION"
  echo "$key" >"$STAMPS/node"
}

# --- actionlint ------------------------------------------------------------------------------
build_actionlint() {
  local key="actionlint $ACTIONLINT_VERSION $GO_VERSION"
  if up_to_date actionlint "$key" actionlint; then log "actionlint $ACTIONLINT_VERSION: up to date"; return; fi
  # GOFLAGS without -mod=mod: `go install module@version` refuses it outside a module.
  timed "actionlint-$ACTIONLINT_VERSION" bash -c '
    cd "$1" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOBIN="$2" go install -trimpath -ldflags "-s -w" "$3@$4"
  ' _ "$WORK" "$BIN" "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION"
  local got; got="$("$BIN/actionlint" -version)" || die "the built actionlint does not run"
  got=${got%%$'\n'*} # the first line (read whole: with pipefail, head could fail the pipe)
  [[ "$got" == "$ACTIONLINT_VERSION" ]] || die "the built actionlint reports version '$got', expected $ACTIONLINT_VERSION"
  echo "$key" >"$STAMPS/actionlint"
}

# --- etcd, etcdctl, etcdutl ------------------------------------------------------------------
etcd_sources_hash() {
  (cd "$ETCD_SRC" && cat go.mod go.sum | sha256sum | cut -c1-16)
}

# Into $ETCD_BIN, static and trimmed, with the commit stamped in as etcd's build.sh does.
build_etcd() {
  local key; key="etcd $ETCD_VERSION $ETCD_GIT_SHA src:$(etcd_sources_hash) $CLUSTER_GO"
  local name binaries=()
  for name in "${ETCD_BINARIES[@]}"; do binaries+=("$ETCD_BIN/$name"); done
  if up_to_date etcd "$key" "${binaries[@]}"; then
    log "${ETCD_BINARIES[*]} $ETCD_VERSION: up to date"
  else
    local module pinned
    for module in server etcdctl etcdutl; do
      pinned="$(cd "$ETCD_SRC" && GOFLAGS="-mod=readonly" go list -m -f '{{.Version}}' "go.etcd.io/etcd/$module/v3")" \
        || die "cannot read the go.etcd.io/etcd/$module/v3 version of $ETCD_SRC/go.mod"
      [[ "$pinned" == "$ETCD_VERSION" ]] \
        || die "$ETCD_SRC/go.mod pins go.etcd.io/etcd/$module/v3 $pinned, but this script builds $ETCD_VERSION"
    done
    use_cluster_go
    mkdir -p "$ETCD_BIN"
    timed "etcd-$ETCD_VERSION" env GOTOOLCHAIN="$CLUSTER_GO" bash -c '
      cd "$1" || exit 1
      export CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
      ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$2"
      go build -trimpath -ldflags "$ldflags" -o "$3/etcd" go.etcd.io/etcd/server/v3 &&
        go build -trimpath -ldflags "$ldflags" -o "$3/etcdctl" go.etcd.io/etcd/etcdctl/v3 &&
        go build -trimpath -ldflags "$ldflags" -o "$3/etcdutl" go.etcd.io/etcd/etcdutl/v3
    ' _ "$ETCD_SRC" "$ETCD_GIT_SHA" "$ETCD_BIN"
    local want="${ETCD_VERSION#v}" got
    got="$("$ETCD_BIN/etcd" --version)" || die "the built etcd does not run"
    got=${got%%$'\n'*} # the first line (read whole: with pipefail, head could fail the pipe)
    [[ "$got" == "etcd Version: $want" ]] || die "the built etcd reports '$got', expected 'etcd Version: $want'"
    for name in etcdctl etcdutl; do
      got="$("$ETCD_BIN/$name" version)" || die "the built $name does not run"
      got=${got%%$'\n'*} # the first line (read whole: with pipefail, head could fail the pipe)
      [[ "$got" == "$name version: $want" ]] || die "the built $name reports '$got', expected '$name version: $want'"
    done
    echo "$key" >"$STAMPS/etcd"
  fi
  # All three also go into bin/, which shadows Debian's etcd 3.4 in the lab's hosts: kubeadm
  # 1.31+ refuses external etcd older than 3.5.11 (its ExternalEtcdVersion preflight check), so
  # the lab's external etcd members run this etcd too (haplane's unit starts `etcd` from PATH).
  for name in "${ETCD_BINARIES[@]}"; do
    cmp -s "$ETCD_BIN/$name" "$BIN/$name" || install -m 0755 "$ETCD_BIN/$name" "$BIN/$name"
  done
}

# --- pause -------------------------------------------------------------------------------------
# Compiled as build/pause/Makefile does (-DVERSION=v$(TAG)-$(REV), REV being `git describe` of
# the release, then stripped): `pause -v` prints "pause.c v3.10-v1.32.5". Static with this
# machine's glibc, which is part of the key.
build_pause() {
  if ! command -v gcc >/dev/null 2>&1 || ! command -v strip >/dev/null 2>&1; then
    die "gcc and strip are needed to compile pause (apt-get install gcc libc6-dev)"
  fi
  local key
  key="pause $PAUSE_VERSION k8s.io/kubernetes $K8S_VERSION gcc $(gcc -dumpfullversion) $(getconf GNU_LIBC_VERSION)"
  if up_to_date pause "$key" "$PAUSE_BIN"; then log "pause $PAUSE_VERSION: up to date"; return; fi
  local dir; dir="$(module_dir "k8s.io/kubernetes@$K8S_VERSION")"
  [[ -n "$dir" ]] || die "cannot download k8s.io/kubernetes $K8S_VERSION from the Go module proxy"
  grep -qx "TAG ?= $PAUSE_VERSION" "$dir/build/pause/Makefile" \
    || die "k8s.io/kubernetes $K8S_VERSION's build/pause/Makefile does not tag pause $PAUSE_VERSION"
  mkdir -p "$(dirname "$PAUSE_BIN")"
  timed "pause-$PAUSE_VERSION" bash -c '
    gcc -Os -Wall -Werror -static -DVERSION="$3" -o "$2" "$1" && strip "$2"
  ' _ "$dir/build/pause/linux/pause.c" "$PAUSE_BIN" "v$PAUSE_VERSION-$K8S_VERSION"
  local got; got="$("$PAUSE_BIN" -v)" || die "the built pause does not run"
  [[ "$got" == "pause.c v$PAUSE_VERSION-$K8S_VERSION" ]] || die "the built pause reports '$got'"
  echo "$key" >"$STAMPS/pause"
}

# --- CoreDNS ----------------------------------------------------------------------------------
build_coredns() {
  local key="coredns $COREDNS_VERSION $COREDNS_GIT_COMMIT $CLUSTER_GO"
  if up_to_date coredns "$key" "$COREDNS_BIN"; then log "coredns $COREDNS_VERSION: up to date"; return; fi
  use_cluster_go
  # GOFLAGS without -mod=mod: `go install module@version` refuses it outside a module.
  timed "coredns-$COREDNS_VERSION" env GOTOOLCHAIN="$CLUSTER_GO" bash -c '
    cd "$1" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOBIN="$2" go install -trimpath \
      -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$5" "$3@$4"
  ' _ "$WORK" "$(dirname "$COREDNS_BIN")" "$COREDNS_MODULE" "$COREDNS_VERSION" "$COREDNS_GIT_COMMIT"
  local got; got="$("$COREDNS_BIN" -version)" || die "the built coredns does not run"
  got=${got%%$'\n'*} # the first line (read whole: with pipefail, head could fail the pipe)
  [[ "$got" == "CoreDNS-${COREDNS_VERSION#v}" ]] || die "the built coredns reports '$got'"
  echo "$key" >"$STAMPS/coredns"
}

# --- images -----------------------------------------------------------------------------------
# One OCI image layout per image, made with umoci from an empty image and one layer, packed
# in a tar: images/<name>_<tag>.tar, whose index tags the manifest <tag> (annotation
# org.opencontainers.image.ref.name), so `ctr images import --base-name <name>` names it
# <name>:<tag>. Each holds what the upstream image holds that the control plane uses, at the
# same paths, with the same entrypoint, user and environment, but for one thing: upstream's
# kube-* images run /go-runner, a wrapper that runs its arguments as a command, and the proxy
# does not serve its module (k8s.io/release), so these have no entrypoint, which runs a given
# command alike (kubeadm's manifests give one: `kube-apiserver ...`, found on PATH). File times,
# image time and history are fixed, so the same binaries make the same archive.
# No kube-proxy image: upstream's builds on distroless-iptables, i.e. it needs iptables,
# ip6tables, conntrack and nft with their shared libraries, which a static binary cannot stand
# in for; the lab skips the kube-proxy addon. (kube-proxy itself would build in about a minute.)

# The files of distroless/static that matter here (the kube-* and etcd images build on it; the
# CoreDNS image on its nonroot variant).
rootfs_static() { # rootfs
  local r="$1"
  install -d -m 0755 "$r/etc" "$r/usr/local/bin"
  install -d -m 0700 "$r/root"
  install -d -m 0700 -o 65532 -g 65532 "$r/home/nonroot"
  install -d -m 1777 "$r/tmp"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$r/etc/group"
  echo 'hosts: files dns' >"$r/etc/nsswitch.conf"
}
# kube-controller-manager, kube-scheduler: the binary in /usr/local/bin.
rootfs_kube() { # rootfs binary
  rootfs_static "$1"
  install -m 0755 "$2" "$1/usr/local/bin/"
}
# kube-apiserver: the same, allowed to bind ports below 1024 as non-root, as upstream's.
rootfs_kube_apiserver() { # rootfs binary
  rootfs_kube "$@"
  setcap cap_net_bind_service=+ep "$1/usr/local/bin/$(basename "$2")"
}
# etcd: etcd, etcdctl and etcdutl in /usr/local/bin.
rootfs_etcd() { # rootfs binaries...
  local r="$1"; shift
  rootfs_static "$r"
  install -m 0755 "$@" "$r/usr/local/bin/"
}
# pause: FROM scratch, only /pause.
rootfs_pause() { # rootfs binary
  install -m 0755 "$2" "$1/pause"
}
# CoreDNS: /coredns, allowed to bind port 53 as the nonroot user it runs as.
rootfs_coredns() { # rootfs binary
  rootfs_static "$1"
  install -m 0755 "$2" "$1/coredns"
  setcap cap_net_bind_service=+ep "$1/coredns"
}
IMAGE_PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Runs in its own `bash -e` (see make_image), so that any failing command fails the build.
image_build() { # dir tag file rootfs-function input-count inputs... umoci-config-args...
  local dir="$1" tag="$2" file="$3" populate="$4" n="$5"; shift 5
  local inputs=("${@:1:n}"); shift "$n"
  rm -rf "$dir"; mkdir -p "$dir"
  umoci init --layout "$dir/oci"
  umoci new --image "$dir/oci:$tag"
  umoci unpack --image "$dir/oci:$tag" "$dir/bundle"
  "$populate" "$dir/bundle/rootfs" "${inputs[@]}"
  find "$dir/bundle/rootfs" -exec touch -h -d "$IMAGE_TIME" {} +
  umoci repack --image "$dir/oci:$tag" --history.created "$IMAGE_TIME" \
    --history.created_by "haplane scripts/toolchain.sh $populate" "$dir/bundle"
  umoci config --image "$dir/oci:$tag" --no-history --created "$IMAGE_TIME" \
    --architecture amd64 --os linux "$@"
  umoci gc --layout "$dir/oci"
  tar --sort=name --mtime="$IMAGE_TIME" --owner=0 --group=0 --numeric-owner \
    -C "$dir/oci" -cf "$file.partial" .
  mv "$file.partial" "$file"
  rm -rf "$dir"
}

# The images made (or up to date) in this run, as "ref file" for images.json.
IMAGE_LIST=()
make_image() { # ref rootfs-function inputs... -- umoci-config-args...
  local ref="$1" populate="$2"; shift 2
  local inputs=()
  while [[ "$1" != -- ]]; do inputs+=("$1"); shift; done
  shift
  local name="${ref%:*}" tag="${ref##*:}"
  local file="${name##*/}_$tag.tar" stamp="image-${name##*/}_$tag"
  # The key: the binaries' hashes and the whole recipe (the rootfs_* functions, image_build,
  # the config, umoci's version).
  local key recipe
  mapfile -t recipe < <(compgen -A function rootfs_)
  key="image $ref $(sha256sum "${inputs[@]}" | cut -c1-16 | paste -sd ' ')"
  key+=" recipe:$({ declare -f image_build "${recipe[@]}"; echo "$populate"; \
    printf '%s\n' "$IMAGE_TIME" "$@"; umoci --version; } | sha256sum | cut -c1-16)"
  IMAGE_LIST+=("$ref $file")
  if [[ -f "$STAMPS/$stamp" && "$(cat "$STAMPS/$stamp")" == "$key" && -f "$IMAGES/$file" ]]; then
    log "image $ref: up to date"; return
  fi
  timed "$stamp" bash -e -c 'image_build "$@"' _ "$WORK/images/${name##*/}-$tag" "$tag" "$IMAGES/$file" \
    "$populate" "${#inputs[@]}" "${inputs[@]}" "$@"
  echo "$key" >"$STAMPS/$stamp"
}

build_images() {
  command -v umoci >/dev/null 2>&1 || die "umoci is needed to make the images (apt-get install umoci)"
  command -v setcap >/dev/null 2>&1 || die "setcap is needed to make the images (apt-get install libcap2-bin)"
  mkdir -p "$IMAGES" "$WORK/images"
  export -f image_build rootfs_static rootfs_kube rootfs_kube_apiserver rootfs_etcd rootfs_pause rootfs_coredns
  export IMAGE_TIME
  local env=(--config.env "$IMAGE_PATH_ENV")
  make_image "registry.k8s.io/kube-apiserver:$K8S_VERSION" rootfs_kube_apiserver "$BIN/kube-apiserver" -- "${env[@]}"
  make_image "registry.k8s.io/kube-controller-manager:$K8S_VERSION" rootfs_kube "$BIN/kube-controller-manager" -- "${env[@]}"
  make_image "registry.k8s.io/kube-scheduler:$K8S_VERSION" rootfs_kube "$BIN/kube-scheduler" -- "${env[@]}"
  make_image "registry.k8s.io/etcd:${ETCD_VERSION#v}-0" rootfs_etcd "$ETCD_BIN/etcd" "$ETCD_BIN/etcdctl" "$ETCD_BIN/etcdutl" -- \
    "${env[@]}" --config.workingdir / --config.exposedports 2379/tcp --config.exposedports 2380/tcp \
    --config.exposedports 4001/tcp --config.exposedports 7001/tcp
  make_image "registry.k8s.io/pause:$PAUSE_VERSION" rootfs_pause "$PAUSE_BIN" -- \
    --config.user 65535:65535 --config.entrypoint /pause
  if $WITH_COREDNS; then
    make_image "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" rootfs_coredns "$COREDNS_BIN" -- \
      "${env[@]}" --config.user 65532:65532 --config.entrypoint /coredns \
      --config.exposedports 53/tcp --config.exposedports 53/udp
  fi
  local json entry
  json="$(for entry in "${IMAGE_LIST[@]}"; do
    jq -n --arg ref "${entry% *}" --arg file "${entry#* }" '{ref: $ref, file: $file}'
  done | jq -s .)"
  if [[ "$(cat "$IMAGES/images.json" 2>/dev/null || true)" != "$json" ]]; then
    printf '%s\n' "$json" >"$IMAGES/images.json.partial"
    mv "$IMAGES/images.json.partial" "$IMAGES/images.json"
  fi
}

# --- kubernetes provider (optional) ----------------------------------------------------------
build_kubernetes() {
  local key="kubernetes $KUBERNETES_VERSION $KUBERNETES_MODULE_VERSION $GO_VERSION"
  if up_to_date kubernetes "$key" pulumi-resource-kubernetes; then
    log "pulumi-resource-kubernetes $KUBERNETES_VERSION: up to date"; return
  fi
  local dir; dir="$(module_dir "$KUBERNETES_MODULE@$KUBERNETES_MODULE_VERSION")"
  if [[ -z "$dir" ]]; then
    MISSING+=("kubernetes provider $KUBERNETES_VERSION: $KUBERNETES_MODULE@$KUBERNETES_MODULE_VERSION")
    return
  fi
  # Not written yet, as the module cannot be had: it needs sdk/ beside provider/ (replace
  # sdk/v4 => ../sdk) and `VERSION=4.32.0 go generate` before the build.
  die "kubernetes provider: the module is now served, but its build is not implemented yet"
}

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
