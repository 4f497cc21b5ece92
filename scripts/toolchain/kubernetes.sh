# shellcheck shell=bash
# Sourced by scripts/toolchain.sh: the Go release of the cluster pieces, and Kubernetes.
# shellcheck disable=SC2016 # the bash -c scripts take their arguments as $1...

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
