# shellcheck shell=bash
# Sourced by scripts/toolchain.sh: the pulumi CLI, the Node.js language host, the command
# provider, and the kubernetes provider (optional).
# shellcheck disable=SC2016 # the bash -c scripts take their arguments as $1...

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

# Install a provider binary as plugin resource <name> <version> of the toolchain's PULUMI_HOME,
# unless that very binary is installed already.
install_plugin() { # name version binary
  local name=$1 version=$2 out=$3
  local installed="$PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"
  cmp -s "$out" "$installed" && return 0
  "$BIN/pulumi" plugin install resource "$name" "$version" --file "$out" --reinstall \
    >"$LOGS/$name-plugin-install.log" 2>&1 \
    || { cat "$LOGS/$name-plugin-install.log" >&2; die "pulumi plugin install of the $name provider failed"; }
  log "installed plugin resource $name $version into $PULUMI_HOME"
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
  install_plugin command "$COMMAND_VERSION" "$out"
}

# --- kubernetes provider -------------------------------------------------------------------
# tools/kubernetes-provider-build serves the provider of the pinned provider/v4 module with
# the two embedded files its go:generate step writes (absent from the module zip). The wrapper
# is copied to work/ with the module's schema.json and terraform-mapping.json, the module's own
# generate.go writes the embedded files with the release's version, then the wrapper builds.
# Installed, like the command provider, as a plugin of the toolchain's PULUMI_HOME.
kubernetes_wrapper_hash() {
  (cd "$KUBERNETES_SRC" && sha256sum go.mod go.sum main.go | sha256sum | cut -c1-16)
}

build_kubernetes() {
  local key; key="kubernetes $KUBERNETES_VERSION $KUBERNETES_MODULE_VERSION src:$(kubernetes_wrapper_hash) $GO_VERSION"
  local out="$PROVIDERS/pulumi-resource-kubernetes"
  if up_to_date kubernetes "$key" "$out"; then
    log "pulumi-resource-kubernetes $KUBERNETES_VERSION: up to date"
  else
    local dir; dir="$(module_dir "$KUBERNETES_MODULE@$KUBERNETES_MODULE_VERSION")"
    if [[ -z "$dir" ]]; then
      MISSING+=("kubernetes provider $KUBERNETES_VERSION: $KUBERNETES_MODULE@$KUBERNETES_MODULE_VERSION")
      return
    fi
    local src="$WORK/kubernetes-provider-$KUBERNETES_VERSION"
    copy_module "$KUBERNETES_SRC" "$src"
    install -m 644 "$dir"/cmd/pulumi-resource-kubernetes/{generate.go,schema.json,terraform-mapping.json} "$src/"
    # -mod=readonly: the build never rewrites the committed go.mod and go.sum.
    timed "pulumi-resource-kubernetes-$KUBERNETES_VERSION" bash -c '
      cd "$1" && export CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
      VERSION="$3" go run generate.go && rm generate.go schema.json terraform-mapping.json
      go build -trimpath -ldflags "-s -w -X $4/pkg/version.Version=$3" -o "$2" .
    ' _ "$src" "$out" "$KUBERNETES_VERSION" "$KUBERNETES_MODULE"
    echo "$key" >"$STAMPS/kubernetes"
  fi
  install_plugin kubernetes "$KUBERNETES_VERSION" "$out"
}
