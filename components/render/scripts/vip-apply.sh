#!/usr/bin/env bash
# Applies this host's keepalived configuration. stdin: JSON {"enabled", "conf", "check"}.
# The new file is validated with `keepalived -t` before it replaces the old one, and keepalived
# reloads (it keeps the VIP where it is while doing so).
set -euo pipefail
params=$(cat)
conf=/etc/keepalived/keepalived.conf
if [[ $(jq -r '.enabled' <<<"$params") != true ]]; then
    systemctl disable --now keepalived >/dev/null 2>&1 || true
    rm -f "$conf"
    echo "haplane: keepalived is off on $(hostname)"
    exit 0
fi
mkdir -p /etc/keepalived
# enable_script_security: the track script must be root-owned and not writable by others.
install -o root -g root -m 0755 /dev/stdin /etc/keepalived/check-apiserver.sh <<<"$(jq -r '.check' <<<"$params")"
jq -r '.conf' <<<"$params" >"$conf.new"
if ! keepalived -t -f "$conf.new"; then
    echo "haplane: the rendered keepalived.conf does not validate on $(hostname); kept the old one" >&2
    exit 1
fi
mv "$conf.new" "$conf"
systemctl enable keepalived >/dev/null 2>&1 || true
if systemctl is-active --quiet keepalived; then systemctl reload keepalived; else systemctl start keepalived; fi
echo "haplane: keepalived configured on $(hostname)"
