#!/usr/bin/env bash
# Stand-ins for cloud resources and for membership commands in the engine tests. Every
# event goes to "$DIR/events.log" so that the tests can check the order the real Pulumi
# engine ran things in; rule violations fail the operation (and so the `pulumi up`).
#
# Local (run by command:local:Command; env NAME, HOLDS, BACKENDS, DIR):
#   machine-create|machine-update|machine-delete   a machine that may carry the address
#   frontend-create|frontend-update|frontend-delete a load balancer frontend holding it
# Remote (run over SSH on a stand-in host; args DIR NAME):
#   found|join|update|ticket|remove                membership changes
#   admin-kubeconfig                               an admin kubeconfig as kubeadm writes it (throwaway CA)
set -euo pipefail
op=${1:?usage: standin.sh <op> [DIR NAME]}
if [[ $# -ge 3 ]]; then
    DIR=$2
    NAME=$3
fi
: "${DIR:?DIR is required}"
mkdir -p "$DIR/machines" "$DIR/members"
host=local
if [[ -n ${SSH_CONNECTION:-} ]]; then
    read -r _ _ host _ <<<"$SSH_CONNECTION"
fi

log() {
    (
        flock 8
        printf '%s %s\n' "$(date +%s.%N)" "$*" >>"$DIR/events.log"
    ) 8>>"$DIR/events.lock"
}

fail() {
    log "violation $*"
    echo "stand-in: $*" >&2
    exit 1
}

# The endpoint address: one holder at a time, or the claim fails.
claim() {
    (
        flock 9
        current=$(cat "$DIR/address.holder" 2>/dev/null || true)
        if [[ -n $current && $current != "$1" ]]; then
            log "violation address-claim $1 held-by $current"
            echo "stand-in: the endpoint address is already held by $current" >&2
            exit 1
        fi
        printf '%s\n' "$1" >"$DIR/address.holder"
        [[ $current == "$1" ]] || log "claim $1"
    ) 9>>"$DIR/address.lock"
}

release() {
    (
        flock 9
        current=$(cat "$DIR/address.holder" 2>/dev/null || true)
        if [[ $current == "$1" ]]; then
            rm -f "$DIR/address.holder"
            log "release $1"
        fi
    ) 9>>"$DIR/address.lock"
}

# One membership change at a time across all hosts: a second concurrent one fails.
begin_change() {
    mkdir "$DIR/busy" 2>/dev/null || fail "concurrent membership change: $op $NAME while $(cat "$DIR/busy.what" 2>/dev/null)"
    printf '%s %s\n' "$op" "$NAME" >"$DIR/busy.what"
    trap 'rm -f "$DIR/busy.what"; rmdir "$DIR/busy"' EXIT
}

case "$op" in
machine-create)
    touch "$DIR/machines/$NAME"
    log "machine-create $NAME"
    if [[ $HOLDS == 1 ]]; then claim "node:$NAME"; fi
    ;;
machine-update)
    # Cloud updates take seconds: a frontend that does not wait for this one would find the
    # address still held, rather than win a race by luck.
    sleep 2
    if [[ $HOLDS == 1 ]]; then claim "node:$NAME"; else release "node:$NAME"; fi
    log "machine-update $NAME holds=$HOLDS"
    ;;
machine-delete)
    [[ ! -e "$DIR/members/$NAME" ]] || fail "machine-delete $NAME while it is still an etcd member"
    release "node:$NAME"
    rm -f "$DIR/machines/$NAME"
    log "machine-delete $NAME"
    ;;
frontend-create)
    claim lb
    log "frontend-create backends=$BACKENDS"
    ;;
frontend-update)
    log "frontend-update backends=$BACKENDS"
    ;;
frontend-delete)
    sleep 2
    release lb
    log "frontend-delete"
    ;;
found | join)
    cat >/dev/null
    [[ -e "$DIR/machines/$NAME" ]] || fail "$op $NAME before its machine exists"
    if [[ -e "$DIR/members/$NAME" ]]; then
        log "$op $NAME skipped: already a member"
        exit 0
    fi
    begin_change
    sleep 0.5
    touch "$DIR/members/$NAME"
    log "$op $NAME on $host"
    ;;
update)
    cat >/dev/null
    [[ -e "$DIR/members/$NAME" ]] || fail "update $NAME, which is not a member"
    log "member-update $NAME on $host"
    ;;
ticket)
    log "ticket via $host"
    jq -cn '{token: "abcdef.0123456789abcdef", caCertHash: "sha256:00", certificateKey: "00"}'
    ;;
admin-kubeconfig)
    [[ -e "$DIR/members/$NAME" ]] || fail "admin-kubeconfig from $NAME, which is not a member"
    (
        flock 6
        if [[ ! -e "$DIR/pki/admin.crt" ]]; then
            mkdir -p "$DIR/pki"
            cd "$DIR/pki"
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt -days 365 -subj /CN=kubernetes 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout admin.key -out admin.csr -subj /O=kubeadm:cluster-admins/CN=kubernetes-admin 2>/dev/null
            openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 365 2>/dev/null
        fi
    ) 6>>"$DIR/pki.lock"
    log "admin-kubeconfig from $NAME on $host"
    # JSON is YAML: the shape of kubeadm's admin.conf, its server a node's own address as a
    # stand-in for what must be replaced.
    jq -n --arg ca "$(base64 -w0 "$DIR/pki/ca.crt")" --arg crt "$(base64 -w0 "$DIR/pki/admin.crt")" --arg key "$(base64 -w0 "$DIR/pki/admin.key")" --arg server "https://$host:6443" \
        '{apiVersion: "v1", kind: "Config", clusters: [{name: "kubernetes", cluster: {server: $server, "certificate-authority-data": $ca}}],
          users: [{name: "kubernetes-admin", user: {"client-certificate-data": $crt, "client-key-data": $key}}],
          contexts: [{name: "kubernetes-admin@kubernetes", context: {cluster: "kubernetes", user: "kubernetes-admin"}}],
          "current-context": "kubernetes-admin@kubernetes"}'
    ;;
remove)
    (
        flock 7
        begin_change
        if [[ ! -e "$DIR/members/$NAME" ]]; then
            log "remove $NAME skipped: not a member"
            exit 0
        fi
        members=$(find "$DIR/members" -mindepth 1 | wc -l)
        if [[ $members -eq 1 ]]; then
            log "remove $NAME skipped: last member"
            exit 0
        fi
        log "remove-start $NAME via $host"
        sleep 1
        rm -f "$DIR/members/$NAME"
        log "remove $NAME via $host"
    ) 7>>"$DIR/host-$host.lock"
    ;;
*)
    echo "stand-in: unknown op $op" >&2
    exit 2
    ;;
esac
