#!/usr/bin/env bash
# Applies this host's haproxy configuration. stdin: JSON {"enabled", "cfg"}.
# Validated with `haproxy -c` first; a reload starts new workers on the same sockets, so
# established connections are not dropped.
set -euo pipefail
params=$(cat)
cfg=/etc/haproxy/haproxy.cfg
if [[ $(jq -r '.enabled' <<<"$params") != true ]]; then
    systemctl disable --now haproxy >/dev/null 2>&1 || true
    echo "haplane: haproxy is off on $(hostname) (one control-plane node: the VIP reaches its API server directly)"
    exit 0
fi
mkdir -p /etc/haproxy /run/haproxy
jq -r '.cfg' <<<"$params" >"$cfg.new"
if ! haproxy -c -q -f "$cfg.new"; then
    echo "haplane: the rendered haproxy.cfg does not validate on $(hostname); kept the old one" >&2
    exit 1
fi
mv "$cfg.new" "$cfg"
systemctl enable haproxy >/dev/null 2>&1 || true
if systemctl is-active --quiet haproxy; then systemctl reload haproxy; else systemctl start haproxy; fi
echo "haplane: haproxy configured on $(hostname)"
