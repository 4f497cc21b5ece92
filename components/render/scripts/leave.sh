#!/usr/bin/env bash
# The local half of a delete-time action on a host: a member's removal (run on its sponsor)
# or an on-prem host's release (run on the host). Runs where Pulumi runs.
# usage: leave.sh arm|remove
#   arm    (create/update): only checks that the SSH key parses;
#   remove (delete):        runs REMOTE_COMMAND on SPONSOR over SSH, with bounded retries.
# Running locally keeps the action free of any dependency on the target's machine, so
# neither a break-glass destroy of another replica nor a target that is still booting
# touches it. Environment: MEMBER, SPONSOR, SSH_USER, SSH_PORT, SSH_KEY (secret),
# SSH_BASTION (user@host:port, optional), CONNECT_TIMEOUT, CONNECT_ATTEMPTS, REMOTE_COMMAND,
# ON_UNREACHABLE (fail, the default, or skip: a dead host needs no release).
set -euo pipefail
mode=${1:?usage: leave.sh arm|remove}
keyfile=$(mktemp)
trap 'rm -f "$keyfile"' EXIT
chmod 600 "$keyfile"
printf '%s\n' "$SSH_KEY" >"$keyfile"
if ! ssh-keygen -y -f "$keyfile" >/dev/null 2>&1; then
    echo "haplane: the SSH private key (haplane:sshPrivateKey) for $MEMBER's removal does not parse" >&2
    exit 1
fi
[[ $mode == remove ]] || exit 0

common=(-i "$keyfile" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
    -o ConnectTimeout="$CONNECT_TIMEOUT" -o ConnectionAttempts="$CONNECT_ATTEMPTS")
opts=("${common[@]}" -p "$SSH_PORT" -o ServerAliveInterval=10 -o ServerAliveCountMax=3)
if [[ -n ${SSH_BASTION:-} ]]; then
    bastion_host=${SSH_BASTION%:*}
    bastion_port=${SSH_BASTION##*:}
    # ProxyCommand (not -J) so that the jump uses the same key.
    opts+=(-o "ProxyCommand=ssh ${common[*]} -p $bastion_port -W %h:%p $bastion_host")
fi

set +e
timeout 900 ssh "${opts[@]}" "$SSH_USER@$SPONSOR" "$REMOTE_COMMAND"
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
