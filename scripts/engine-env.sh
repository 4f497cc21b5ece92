# Environment for running the real Pulumi engine offline with the toolchain built by
# scripts/toolchain.sh. Source it, do not run it:
#
#   source scripts/engine-env.sh
#
# No `set -e` here: this file runs inside the caller's shell.

export HAPLANE_TOOLCHAIN_DIR="${HAPLANE_TOOLCHAIN_DIR:-$HOME/.cache/haplane-toolchain}"

# The CLI finds its language host and provider plugins on PATH.
case ":$PATH:" in
  *":$HAPLANE_TOOLCHAIN_DIR/bin:"*) ;;
  *) export PATH="$HAPLANE_TOOLCHAIN_DIR/bin:$PATH" ;;
esac

# Nothing may try the internet: no update check, no plugin downloads, no version check of the
# CLI by the automation API.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true

# A private Pulumi home, so plugins and credentials of a user's ~/.pulumi stay out of view.
export PULUMI_HOME="$HAPLANE_TOOLCHAIN_DIR/pulumi-home"

# Local file backend and a fixed passphrase for the secrets provider, both only for tests;
# either can be overridden by setting it before sourcing.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-haplane-test-passphrase}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$HAPLANE_TOOLCHAIN_DIR/state}"

mkdir -p "$PULUMI_HOME"
case "$PULUMI_BACKEND_URL" in
  file://~*) _haplane_state="${PULUMI_BACKEND_URL#file://~}"; mkdir -p "$HOME$_haplane_state"; unset _haplane_state ;;
  file://*) mkdir -p "${PULUMI_BACKEND_URL#file://}" ;;
esac
