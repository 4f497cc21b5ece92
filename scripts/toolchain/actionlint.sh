# shellcheck shell=bash
# Sourced by scripts/toolchain.sh: actionlint.
# shellcheck disable=SC2016 # the bash -c script takes its arguments as $1...

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
