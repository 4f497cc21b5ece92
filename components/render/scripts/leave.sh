#!/usr/bin/env bash
# The local half of a delete-time action on a host: a member's removal (run on its sponsor)
# or an on-prem host's release (run on the host). Runs where Pulumi runs.
# usage: leave.sh arm|remove
#   arm    (create/update): only checks that the SSH key and the client configuration parse;
#   remove (delete):        runs REMOTE_COMMAND on SPONSOR over SSH, with bounded retries.
# Running locally keeps the action free of any dependency on the target's machine, so
# neither a break-glass destroy of another replica nor a target that is still booting
# touches it. Environment (read as data, never as shell text): MEMBER, SPONSOR (an address),
# SSH_KEY (secret), SSH_CONFIG (an ssh_config rendered by components/render/sshConfig.ts: user,
# port, timeouts and the bastion, if any, as ProxyJump), CONNECT_TIMEOUT and CONNECT_ATTEMPTS
# (numbers, for messages), REMOTE_COMMAND, ON_UNREACHABLE (fail,
# the default, or skip: a dead host needs no release).
set -euo pipefail
mode=${1:?usage: leave.sh arm|remove}
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
keyfile=$workdir/key
(umask 077 && printf '%s\n' "$SSH_KEY" >"$keyfile")
if ! ssh-keygen -y -f "$keyfile" >/dev/null 2>&1; then
    echo "haplane: the SSH private key (haplane:sshPrivateKey) for $MEMBER's removal does not parse" >&2
    exit 1
fi
printf '%s' "$SSH_CONFIG" >"$workdir/ssh_config"
# The rendered config names the key file through this variable (IdentityFile ${HAPLANE_SSH_KEY_FILE}).
export HAPLANE_SSH_KEY_FILE=$keyfile
# Checks the configuration without connecting.
if ! ssh -G -F "$workdir/ssh_config" "$SPONSOR" >/dev/null; then
    echo "haplane: the SSH client configuration for $MEMBER's removal does not parse" >&2
    exit 1
fi
[[ $mode == remove ]] || exit 0

set +e
timeout 900 ssh -F "$workdir/ssh_config" -- "$SPONSOR" "$REMOTE_COMMAND"
status=$?
set -e
if [[ $status -eq 255 && ${ON_UNREACHABLE:-fail} == skip ]]; then
    echo "haplane: $SPONSOR ($MEMBER) is unreachable; skipped its release: wipe the host before reusing it" >&2
    exit 0
elif [[ $status -eq 255 ]]; then
    echo "haplane: could not reach $MEMBER's sponsor $SPONSOR over SSH ($CONNECT_ATTEMPTS attempts of ${CONNECT_TIMEOUT}s);" \
        "$MEMBER is still an etcd member and its machine stays. Bring $SPONSOR back and run 'pulumi up' again." >&2
elif [[ $status -eq 124 ]]; then
    echo "haplane: removing $MEMBER on $SPONSOR did not finish within 900 s; its machine stays" >&2
elif [[ $status -ne 0 ]]; then
    echo "haplane: removing $MEMBER on $SPONSOR failed (exit $status); its machine stays" >&2
fi
exit "$status"
