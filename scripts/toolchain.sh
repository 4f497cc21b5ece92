#!/usr/bin/env bash
# Build the offline Pulumi toolchain: the pulumi CLI and the Node.js language host from the
# Go module proxy, and the command provider from this repo (tools/command-provider, our own
# implementation of command 1.2.1's local and remote Command; upstream's module is not served).
# Also kubeadm, kube-apiserver, kube-controller-manager and kube-scheduler, from k8s.io/kubernetes
# through the wrapper module tools/kubeadm-build, which the engine tier uses to validate the
# kubeadm configuration haplane renders and the component flags it carries. And actionlint,
# which the workflows tier (npm run test:workflows) runs on .github/workflows.
# These normally download from the internet, which this project's machines cannot reach.
#
#   scripts/toolchain.sh [--without-command] [--without-kubeadm] [--without-control-plane]
#                        [--without-actionlint] [--with-kubernetes]
#
# --without-command skips the command provider, --without-kubeadm skips kubeadm (cold: about
# 2 minutes on 2 cores, 65 MB of module downloads), --without-control-plane skips the three
# control-plane binaries (cold: about 3 minutes more on 2 cores, 17 MB more downloads).
# --without-actionlint skips actionlint (cold: about 40 s on 2 cores with an empty Go build
# cache, 5 MB of module downloads).
# --with-kubernetes also builds the kubernetes provider, whose pinned module the proxy does not
# serve: that is reported at the end and makes the run exit 1.
#
# Builds are cached under $HAPLANE_TOOLCHAIN_DIR (default ~/.cache/haplane-toolchain), outside
# the repo; bin/ holds the binaries. Stamp files keyed by version, commit or source hash make a
# second run a no-op. Use it with: source scripts/engine-env.sh
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

# kubeadm and the control-plane binaries: the newest 1.32 patch for which the proxy serves
# k8s.io/kubernetes and every one of its staging modules (later 1.32 patches lack some, e.g.
# k8s.io/kube-proxy v0.32.13). The wrapper module pins it (go.mod, go.sum); this must name the
# same version.
K8S_VERSION=v1.32.5
K8S_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/kubeadm-build" && pwd)"
# Built by build_control_plane from k8s.io/kubernetes/cmd/<name>; each is a tool of the wrapper.
CONTROL_PLANE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler)

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
WITH_ACTIONLINT=true
WITH_KUBERNETES=false
for arg in "$@"; do
  case "$arg" in
    --without-command) WITH_COMMAND=false ;;
    --without-kubeadm) WITH_KUBEADM=false ;;
    --without-control-plane) WITH_CONTROL_PLANE=false ;;
    --without-actionlint) WITH_ACTIONLINT=false ;;
    --with-kubernetes) WITH_KUBERNETES=true ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "toolchain.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

TOOLCHAIN_DIR="${HAPLANE_TOOLCHAIN_DIR:-$HOME/.cache/haplane-toolchain}"
BIN="$TOOLCHAIN_DIR/bin"
WORK="$TOOLCHAIN_DIR/work"
STAMPS="$TOOLCHAIN_DIR/stamps"
LOGS="$TOOLCHAIN_DIR/logs"
PROVIDERS="$TOOLCHAIN_DIR/providers" # provider binaries that must not be on PATH
mkdir -p "$BIN" "$WORK" "$STAMPS" "$LOGS" "$PROVIDERS"
# The private Pulumi home of scripts/engine-env.sh: plugins are installed there.
export PULUMI_HOME="$TOOLCHAIN_DIR/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true

# Go as installed on these machines; never fetch a toolchain.
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

# --- kubeadm and the control-plane binaries ------------------------------------------------
# tools/kubeadm-build requires k8s.io/kubernetes and replaces each staging module (required
# there at v0.0.0) with its published version; go.sum pins them all. Built like a release:
# static, trimmed, tags selinux,notest, with the version variables set as hack/lib/version.sh
# sets them, so that `kubeadm version -o short` prints $K8S_VERSION (kubeadm also compares it
# with the kubernetesVersion of the configurations it reads) and `kube-apiserver --version`
# prints "Kubernetes $K8S_VERSION".
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
  timed "$step" bash -c '
    cd "$1" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath \
      -tags selinux,notest -ldflags "$2" -o "$3/" "${@:4}"
  ' _ "$K8S_SRC" "$K8S_LDFLAGS" "$BIN" "${pkgs[@]}"
}

build_kubeadm() {
  local key; key="kubeadm $K8S_VERSION src:$(k8s_sources_hash) $GO_VERSION"
  if up_to_date kubeadm "$key" kubeadm; then log "kubeadm $K8S_VERSION: up to date"; return; fi
  build_k8s_commands "kubeadm-$K8S_VERSION" kubeadm
  local got; got="$("$BIN/kubeadm" version -o short)" || die "the built kubeadm does not run"
  [[ "$got" == "$K8S_VERSION" ]] || die "the built kubeadm reports version '$got', expected $K8S_VERSION"
  echo "$key" >"$STAMPS/kubeadm"
}

# kube-apiserver, kube-controller-manager and kube-scheduler: the engine tier runs each with
# the extraArgs haplane renders for it, to check that the binary of the cluster's minor version
# knows every flag and feature gate.
build_control_plane() {
  local key; key="control-plane $K8S_VERSION ${CONTROL_PLANE_BINARIES[*]} src:$(k8s_sources_hash) $GO_VERSION"
  if up_to_date control-plane "$key" "${CONTROL_PLANE_BINARIES[@]}"; then
    log "${CONTROL_PLANE_BINARIES[*]} $K8S_VERSION: up to date"; return
  fi
  build_k8s_commands "control-plane-$K8S_VERSION" "${CONTROL_PLANE_BINARIES[@]}"
  local name got
  for name in "${CONTROL_PLANE_BINARIES[@]}"; do
    got="$("$BIN/$name" --version)" || die "the built $name does not run"
    [[ "$got" == "Kubernetes $K8S_VERSION" ]] \
      || die "the built $name reports version '$got', expected 'Kubernetes $K8S_VERSION'"
  done
  echo "$key" >"$STAMPS/control-plane"
}

# --- actionlint ------------------------------------------------------------------------------
build_actionlint() {
  local key="actionlint $ACTIONLINT_VERSION $GO_VERSION"
  if up_to_date actionlint "$key" actionlint; then log "actionlint $ACTIONLINT_VERSION: up to date"; return; fi
  # GOFLAGS without -mod=mod: `go install module@version` refuses it outside a module.
  timed "actionlint-$ACTIONLINT_VERSION" bash -c '
    cd "$1" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOBIN="$2" go install -trimpath -ldflags "-s -w" "$3@$4"
  ' _ "$WORK" "$BIN" "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION"
  local got; got="$("$BIN/actionlint" -version | head -n 1)" || die "the built actionlint does not run"
  [[ "$got" == "$ACTIONLINT_VERSION" ]] || die "the built actionlint reports version '$got', expected $ACTIONLINT_VERSION"
  echo "$key" >"$STAMPS/actionlint"
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
log "toolchain dir: $TOOLCHAIN_DIR ($GO_VERSION)"
build_pulumi
build_nodejs_host
if $WITH_COMMAND; then build_command; fi
if $WITH_KUBEADM; then build_kubeadm; fi
if $WITH_CONTROL_PLANE; then build_control_plane; fi
if $WITH_ACTIONLINT; then build_actionlint; fi
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
if $WITH_ACTIONLINT; then echo "actionlint $("$BIN/actionlint" -version | head -n 1)"; fi
echo "export PATH=$BIN:\$PATH PULUMI_HOME=$PULUMI_HOME   # or: source scripts/engine-env.sh"

if ((${#MISSING[@]})); then
  printf 'toolchain.sh: ERROR: unavailable offline (the Go module proxy does not serve the pinned module):\n' >&2
  printf '  - %s\n' "${MISSING[@]}" >&2
  exit 1
fi
