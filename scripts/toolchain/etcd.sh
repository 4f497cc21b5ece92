# shellcheck shell=bash
# Sourced by scripts/toolchain.sh: etcd, etcdctl and etcdutl.
# shellcheck disable=SC2016 # the bash -c script takes its arguments as $1...

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
