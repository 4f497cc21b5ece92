#!/usr/bin/env bash
# keepalived's track script: exit 0 only while this node may hold the VIP, that is while its
# API server is ready and, where haproxy fronts the API servers (two or more nodes), haproxy
# runs. usage: check-apiserver.sh <api-server-port> [haproxy]
# keepalived runs it every second and kills it after its timeout, so every step is bounded.
set -euo pipefail
port=${1:?usage: check-apiserver.sh <api-server-port> [haproxy]}
expect=${2:-}
if [[ ! $port =~ ^[0-9]+$ ]] || [[ -n $expect && $expect != haproxy ]]; then
    echo "haplane: usage: check-apiserver.sh <api-server-port> [haproxy]" >&2
    exit 2
fi

# -k: the check asks for readiness, not identity; /readyz answers anonymous clients.
if ! curl -fsk --max-time 2 -o /dev/null "https://127.0.0.1:$port/readyz"; then
    echo "haplane: the local API server on port $port is not ready" >&2
    exit 1
fi
if [[ $expect == haproxy ]] && ! pidof haproxy >/dev/null; then
    echo "haplane: haproxy is not running" >&2
    exit 1
fi
