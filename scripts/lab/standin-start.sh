#!/usr/bin/env bash
# Lab only: installs and starts the stand-in API server on this lab host (see
# standin-apiserver.py), with a self-signed certificate for the host's name and address.
# usage: standin-start.sh <host name> <address>; stdin: JSON {"unit", "server"} (the unit file
# and the server's Python source, installed in the host's own /etc: hosts see neither the
# repository's /tmp nor /root).
set -euo pipefail
name=${1:?usage: standin-start.sh <host name> <address>}
address=${2:?usage: standin-start.sh <host name> <address>}
dir=/etc/haplane-lab
mkdir -p "$dir"
if [[ ! -f $dir/apiserver.crt ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -subj "/CN=$name" -addext "subjectAltName=DNS:$name,IP:$address,IP:127.0.0.1" \
        -keyout "$dir/apiserver.key" -out "$dir/apiserver.crt" 2>/dev/null
fi
params=$(cat)
jq -r '.server' <<<"$params" >"$dir/standin-apiserver.py"
jq -r '.unit' <<<"$params" >/etc/systemd/system/haplane-lab-apiserver.service
systemctl daemon-reload
systemctl is-active --quiet haplane-lab-apiserver || systemctl start haplane-lab-apiserver
for _ in $(seq 1 50); do
    curl -fsk --max-time 1 -o /dev/null https://127.0.0.1:6443/readyz && exit 0
    sleep 0.1
done
echo "lab: the stand-in API server on $name does not answer /readyz" >&2
exit 1
