#!/usr/bin/env bash
# The local half of a delete-time action: a member's removal (run on its sponsor), an on-prem
# host's release (run on the host) or a leaving host's VIP handover (run on that host, then on
# each other replica). Runs where Pulumi runs.
# usage: leave.sh arm|remove
#   arm    (create/update): only checks that the SSH key and the client configuration parse;
#   remove (delete):        runs REMOTE_COMMAND on each of HOSTS over SSH in turn, with
#                           bounded retries, stopping at the first failure.
# Running locally keeps the action free of any dependency on the target's machine, so
# neither a break-glass destroy of another replica nor a target that is still booting
# touches it. Environment (read as data, never as shell text): MEMBER, ACTION (removal,
# release or VIP handover, for messages), HOSTS (addresses, one per line; may be empty),
# SSH_KEY (secret), SSH_CONFIG (an ssh_config rendered by components/render/sshConfig.ts: user,
# port, timeouts and the bastion, if any, as ProxyJump), CONNECT_TIMEOUT and CONNECT_ATTEMPTS
# (numbers, for messages), REMOTE_COMMAND, ON_UNREACHABLE (fail, the default, or skip: a dead
# host needs no release, and has no VIP to announce).
set -euo pipefail
mode=${1:?usage: leave.sh arm|remove}
action=${ACTION:-removal}
hosts=()
while IFS= read -r host; do
    [[ -z $host ]] || hosts+=("$host")
done <<<"${HOSTS:-}"
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
keyfile=$workdir/key
(umask 077 && printf '%s\n' "$SSH_KEY" >"$keyfile")
if ! ssh-keygen -y -f "$keyfile" >/dev/null 2>&1; then
    echo "haplane: the SSH private key (haplane:sshPrivateKey) for $MEMBER's $action does not parse" >&2
    exit 1
fi
printf '%s' "$SSH_CONFIG" >"$workdir/ssh_config"
# The rendered config names the key file through this variable (IdentityFile ${HAPLANE_SSH_KEY_FILE}).
export HAPLANE_SSH_KEY_FILE=$keyfile
# Checks the configuration without connecting (with no hosts, against a name that is never dialled).
if ! ssh -G -F "$workdir/ssh_config" "${hosts[0]:-localhost}" >/dev/null; then
    echo "haplane: the SSH client configuration for $MEMBER's $action does not parse" >&2
    exit 1
fi
[[ $mode == remove ]] || exit 0

# A removal that fails keeps the member's machine (the engine deletes it only after this).
stays="its machine stays"
[[ $action == removal ]] || stays="run 'pulumi up' again to retry it"
for host in "${hosts[@]}"; do
    set +e
    timeout 900 ssh -F "$workdir/ssh_config" -- "$host" "$REMOTE_COMMAND"
    status=$?
    set -e
    if [[ $status -eq 255 && ${ON_UNREACHABLE:-fail} == skip ]]; then
        if [[ $action == release ]]; then
            echo "haplane: $host ($MEMBER) is unreachable; skipped its release: wipe the host before reusing it" >&2
        else
            echo "haplane: $host is unreachable; skipped $MEMBER's $action there" >&2
        fi
        continue
    elif [[ $status -eq 255 ]]; then
        echo "haplane: could not reach $MEMBER's sponsor $host over SSH ($CONNECT_ATTEMPTS attempts of ${CONNECT_TIMEOUT}s);" \
            "$MEMBER is still an etcd member and its machine stays. Bring $host back and run 'pulumi up' again." >&2
    elif [[ $status -eq 124 ]]; then
        echo "haplane: $MEMBER's $action on $host did not finish within 900 s; $stays" >&2
    elif [[ $status -ne 0 ]]; then
        echo "haplane: $MEMBER's $action on $host failed (exit $status); $stays" >&2
    fi
    [[ $status -eq 0 ]] || exit "$status"
done
