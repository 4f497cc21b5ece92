# shellcheck shell=bash
# Sourced by scripts/toolchain.sh after its options: the toolchain's directories, the Go
# environment, logging, and the helpers every piece uses (stamps, module downloads, builds).
# shellcheck disable=SC2034 # read by the other files of scripts/toolchain/

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
