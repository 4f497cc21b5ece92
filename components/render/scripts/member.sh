#!/usr/bin/env bash
# Makes this node a control-plane member. usage: member.sh init|join|update
#   init:   found the cluster (kubeadm init) - the first replica only;
#   join:   join as a new etcd member and API server (kubeadm join --control-plane);
#   update: inputs changed on an existing member - never re-join, only keep the API
#           server certificate naming every address of this node, the controllers' leader
#           election flags and (external etcd) the API server's etcd list up to date.
# stdin: JSON (components/membership/stdin.ts) {"name", "kubeadm": "<this step's kubeadm config
# YAML>", "sans": [...], "leaderElection": {"<flag>": "<value>", ...}}; for join also "phases":
# "<InitConfiguration+ClusterConfiguration of this node>" (the founder's is its "kubeadm"), the
# configuration of later kubeadm phases. For join the kubeadm config holds the ticket's token
# and certificate key, so it is removed after use. With external etcd also "etcdEndpoints": [...] and the secret "etcdClient":
# {caCert, cert, key}, the API server's etcd client files, installed before kubeadm runs.
# "dryRun": true (haplane:kubeadm.dryRun) runs every kubeadm step with --dry-run: a lab with no
# kubelet; what kubeadm would have done is kept in the logs, and marker files stand for the
# kubeconfig a real run leaves behind.
# Joins run one at a time: each waits for the previous replica's join in the Pulumi graph,
# and kubeadm adds the etcd member as a learner and promotes it once it has caught up.
set -euo pipefail
umask 077
mode=${1:?usage: member.sh init|join|update}
dir=/etc/kubernetes/haplane
pki=/etc/kubernetes/pki
mkdir -p "$dir"
params=$(cat)
# First boot installs kubeadm (cloud-init on cloud machines): wait for it, bounded. Only
# where cloud-init runs this boot (its /run directory); installed but unused, it never ends.
if command -v cloud-init >/dev/null && [[ -d /run/cloud-init ]]; then
    timeout 900 cloud-init status --wait >/dev/null || true
fi
command -v kubeadm >/dev/null || { echo "haplane: kubeadm is not installed on $(hostname)" >&2; exit 1; }
mapfile -t sans < <(jq -r '.sans[]' <<<"$params")
external_etcd=$(jq -r 'has("etcdClient")' <<<"$params")
dry_run=()
if [[ $(jq -r '.dryRun // false' <<<"$params") == true ]]; then
    dry_run=(--dry-run)
fi
# What shows that this node is a member: kubeadm's admin kubeconfig, or the dry-run's marker.
member_marker=/etc/kubernetes/admin.conf
((${#dry_run[@]} == 0)) || member_marker=$dir/dry-run-member

# kubeadm's output includes join secrets: keep it on the node, root-only, and show a
# filtered tail on failure.
run_kubeadm() {
    local log=$1
    shift
    if ! kubeadm "$@" "${dry_run[@]}" >"$log" 2>&1; then
        tail -n 30 "$log" | grep -v -i -E 'token|certificate-key|discovery' >&2 || true
        echo "haplane: 'kubeadm ${*:1:4}' failed on $(hostname); full log in $log" >&2
        return 1
    fi
}

# This node's InitConfiguration + ClusterConfiguration, where later kubeadm phases read it.
write_phases() {
    jq -r '.phases // .kubeadm' <<<"$params" >"$dir/phases.yaml"
}

# kubeadm join takes certSANs from the cluster-wide configuration, which cannot know
# machines added later: re-issue the certificate when one of this node's names is missing.
ensure_apiserver_sans() {
    # A dry-run leaves no certificate behind to check.
    ((${#dry_run[@]} == 0)) || return 0
    local present missing=0 name
    present=$(openssl x509 -in "$pki/apiserver.crt" -noout -ext subjectAltName | tr ',' '\n' | sed -E 's/^ *(DNS|IP Address)://')
    for name in "${sans[@]}"; do
        grep -qxF "$name" <<<"$present" || missing=1
    done
    [[ $missing -eq 1 ]] || return 0
    # The phases configuration's certSANs, advertise address and controlPlaneEndpoint are this node's.
    write_phases
    mv "$pki/apiserver.crt" "$pki/apiserver.crt.old"
    mv "$pki/apiserver.key" "$pki/apiserver.key.old"
    run_kubeadm "$dir/certs.log" init phase certs apiserver --config "$dir/phases.yaml"
    # The kubelet restarts a static pod whose manifest changed; moving it out and back does.
    mv /etc/kubernetes/manifests/kube-apiserver.yaml "$dir/kube-apiserver.yaml.restart"
    sleep 20
    mv "$dir/kube-apiserver.yaml.restart" /etc/kubernetes/manifests/kube-apiserver.yaml
    echo "haplane: re-issued the API server certificate of $(hostname) with ${sans[*]}"
}

# External etcd: the API server's client files where kubeadm's configuration points.
install_etcd_client() {
    [[ $external_etcd == true ]] || return 0
    install -d -m 0700 "$pki/etcd"
    jq -j '.etcdClient.caCert' <<<"$params" | install -m 0644 /dev/stdin "$pki/etcd/ca.crt"
    jq -j '.etcdClient.cert' <<<"$params" | install -m 0644 /dev/stdin "$pki/apiserver-etcd-client.crt"
    jq -j '.etcdClient.key' <<<"$params" | install -m 0600 /dev/stdin "$pki/apiserver-etcd-client.key"
}

# External etcd members came or went: re-render the API server's static pod (the kubelet
# restarts it) and the cluster's stored configuration, so later joins see the same list.
ensure_etcd_servers() {
    [[ $external_etcd == true ]] || return 0
    local want have state=$dir/etcd-servers
    want=$(jq -r '.etcdEndpoints | join(",")' <<<"$params")
    if ((${#dry_run[@]} == 0)); then
        have=$(grep -oE -- '--etcd-servers=[^"[:space:]]*' /etc/kubernetes/manifests/kube-apiserver.yaml 2>/dev/null | cut -d= -f2- || true)
    else
        have=$(cat "$state" 2>/dev/null || true)
    fi
    [[ "$want" != "$have" ]] || return 0
    write_phases
    run_kubeadm "$dir/phases.log" init phase control-plane apiserver --config "$dir/phases.yaml"
    # A dry-run has no cluster to store the configuration in.
    ((${#dry_run[@]} > 0)) || run_kubeadm "$dir/upload-config.log" init phase upload-config kubeadm --config "$dir/phases.yaml"
    # The list the API server was last rendered with (read back by the lab's health summary).
    printf '%s\n' "$want" >"$state"
    echo "haplane: the API server of $(hostname) now uses etcd at $want"
}

# The controller-manager's and scheduler's leader election follow the stack
# (controlPlane.leaderElection) on running members too: where a flag differs from what the
# static pod runs, kubeadm re-renders that manifest from this node's configuration (the kubelet
# restarts the pod), and the cluster's stored configuration is updated so that later joins
# and upgrades render the same flags.
ensure_leader_election() {
    ((${#dry_run[@]} == 0)) || return 0
    local component manifest flag value changed=()
    for component in controller-manager scheduler; do
        manifest=/etc/kubernetes/manifests/kube-$component.yaml
        [[ -f $manifest ]] || continue
        while IFS=$'\t' read -r flag value; do
            if ! sed -E 's/^[[:space:]]+//' "$manifest" | grep -qxF -- "- --$flag=$value"; then
                changed+=("$component")
                break
            fi
        done < <(jq -r '.leaderElection // {} | to_entries[] | "\(.key)\t\(.value)"' <<<"$params")
    done
    ((${#changed[@]} > 0)) || return 0
    write_phases
    for component in "${changed[@]}"; do
        run_kubeadm "$dir/phases.log" init phase control-plane "$component" --config "$dir/phases.yaml"
    done
    run_kubeadm "$dir/upload-config.log" init phase upload-config kubeadm --config "$dir/phases.yaml"
    echo "haplane: re-rendered ${changed[*]} on $(hostname) with the stack's leader election settings"
}

# A join is done only once kubeadm's learner has been promoted to a voting member.
wait_voter() {
    local etcd_pki=$pki/etcd state=absent
    for _ in $(seq 1 30); do
        state=$(ETCDCTL_API=3 timeout 15 etcdctl --endpoints https://127.0.0.1:2379 --cacert "$etcd_pki/ca.crt" \
            --cert "$etcd_pki/healthcheck-client.crt" --key "$etcd_pki/healthcheck-client.key" member list -w json |
            jq -r --arg n "$(jq -r '.name' <<<"$params")" \
                '.members[] | select(.name == $n) | if .isLearner then "learner" else "voter" end') || state=unreachable
        if [[ "$state" == "voter" ]]; then
            return 0
        fi
        sleep 5
    done
    echo "haplane: $(hostname) did not become a voting etcd member within 150 s (state: ${state:-absent})" >&2
    return 1
}

case "$mode" in
init)
    jq -r '.kubeadm' <<<"$params" >"$dir/kubeadm.yaml"
    if [[ -f $member_marker ]]; then
        echo "haplane: $(hostname) already runs a control plane"
    else
        install_etcd_client
        if ((${#dry_run[@]} == 0)); then
            run_kubeadm "$dir/init.log" init --config "$dir/kubeadm.yaml" --upload-certs
        else
            # Nothing to upload certificates to; preflight checks a kubelet the lab lacks.
            run_kubeadm "$dir/init.log" init --config "$dir/kubeadm.yaml" --ignore-preflight-errors=all
            touch "$member_marker"
        fi
        echo "haplane: $(hostname) founded the control plane${dry_run:+ (kubeadm dry-run)}"
    fi
    ensure_etcd_servers
    ensure_leader_election
    ;;
join)
    if [[ -f $member_marker ]]; then
        echo "haplane: $(hostname) is already a member"
    else
        jq -r '.kubeadm' <<<"$params" >"$dir/join.yaml"
        trap 'rm -f "$dir/join.yaml"' EXIT
        install_etcd_client
        if ((${#dry_run[@]} == 0)); then
            run_kubeadm "$dir/join.log" join --config "$dir/join.yaml"
        else
            run_kubeadm "$dir/join.log" join --config "$dir/join.yaml" --ignore-preflight-errors=all
            touch "$member_marker"
        fi
        echo "haplane: $(hostname) joined the control plane${dry_run:+ (kubeadm dry-run)}"
    fi
    # Stacked etcd: kubeadm made this node an etcd learner; it counts once promoted.
    [[ $external_etcd == true ]] || wait_voter
    ensure_etcd_servers
    ensure_apiserver_sans
    ensure_leader_election
    ;;
update)
    if [[ ! -f $member_marker ]]; then
        echo "haplane: $(hostname) is not a control-plane member; replace the replica to rejoin it" >&2
        exit 1
    fi
    install_etcd_client
    ensure_etcd_servers
    ensure_apiserver_sans
    ensure_leader_election
    ;;
*)
    echo "usage: member.sh init|join|update" >&2
    exit 2
    ;;
esac
