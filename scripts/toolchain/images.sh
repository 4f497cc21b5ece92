# shellcheck shell=bash
# Sourced by scripts/toolchain.sh: pause, CoreDNS, and the lab's container images.
# shellcheck disable=SC2016 # the bash -c scripts take their arguments as $1...

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
