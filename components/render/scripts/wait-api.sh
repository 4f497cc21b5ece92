#!/usr/bin/env bash
# Where Pulumi runs, before the cluster's Kubernetes provider is used: wait until the API
# answers /readyz through the endpoint, verified against the cluster's CA (both from the
# environment, read as data: API_URL, CA_PEM, TIMEOUT_SECONDS). /readyz answers anonymous
# clients. Bounded: fails after TIMEOUT_SECONDS with the last answer.
set -euo pipefail
url=${API_URL:?API_URL is required}
timeout=${TIMEOUT_SECONDS:?TIMEOUT_SECONDS is required}
if [[ ! $url =~ ^https://[A-Za-z0-9.-]+:[0-9]+$ ]] || [[ ! $timeout =~ ^[0-9]+$ ]]; then
    echo "haplane: wait-api.sh: API_URL must be https://<host>:<port> and TIMEOUT_SECONDS a number" >&2
    exit 2
fi
ca=$(mktemp)
trap 'rm -f "$ca"' EXIT
printf '%s\n' "${CA_PEM:?CA_PEM is required}" >"$ca"
deadline=$((SECONDS + timeout))
last=""
while :; do
    if last=$(curl -sS --cacert "$ca" --max-time 5 "$url/readyz" 2>&1) && [[ $last == ok ]]; then
        echo "haplane: $url/readyz: ok"
        exit 0
    fi
    if ((SECONDS >= deadline)); then
        echo "haplane: $url/readyz did not answer ok within ${timeout}s; last answer: ${last:0:300}" >&2
        exit 1
    fi
    sleep 2
done
