#!/usr/bin/env bash
# Builds the offline plans of two commits for the plan diff: each commit is checked out in a
# temporary git worktree and `npm run --silent plan` runs there for every stack file.
#
#   scripts/planDiff/buildPlans.sh <base rev> <head rev> <out dir> [Pulumi.<stack>.yaml ...]
#
# Without stack files: every Pulumi.<stack>.yaml at either commit. Writes, per stack,
# <out>/<stack>/base.json and head.json. A stack file missing at a commit gives an empty plan
# and <side>.absent; a plan that fails gives <side>.error (its stderr) instead of JSON.
# <out>/base.sha and head.sha name the commits.
#
# A worktree whose package-lock.json equals this checkout's links this checkout's
# node_modules (run `npm ci` here first); otherwise it runs its own `npm ci`.
#
# Endpoint holder: the real program asks the cloud who holds the endpoint address; offline,
# the head plan assumes what the base plan leaves behind. That changes the head plan only when
# the base plan's load balancer holds the address and the head plan has one replica (the
# first run of 3 -> 1), so that head plan is made again with --endpoint-holder loadBalancer.
set -euo pipefail

usage="usage: buildPlans.sh <base rev> <head rev> <out dir> [Pulumi.<stack>.yaml ...]"
(($# >= 3)) || { echo "$usage" >&2; exit 2; }
base_rev=$1 head_rev=$2 out=$3
shift 3

root=$(git rev-parse --show-toplevel)
base_sha=$(git rev-parse --verify --quiet "$base_rev^{commit}") || { echo "buildPlans.sh: no commit $base_rev" >&2; exit 2; }
head_sha=$(git rev-parse --verify --quiet "$head_rev^{commit}") || { echo "buildPlans.sh: no commit $head_rev" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
printf '%s\n' "$base_sha" >"$out/base.sha"
printf '%s\n' "$head_sha" >"$out/head.sha"

work=$(mktemp -d "${TMPDIR:-/tmp}/haplane-plans.XXXXXX")
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    local side
    for side in base head; do
        [[ -d $work/$side ]] && git -C "$root" worktree remove --force "$work/$side" 2>/dev/null
    done
    rm -rf "$work"
    git -C "$root" worktree prune
}
trap cleanup EXIT

checkout() { # side sha
    local dir=$work/$1
    git -C "$root" worktree add --detach --quiet "$dir" "$2"
    if [[ -e $dir/node_modules || -L $dir/node_modules ]]; then
        echo "buildPlans.sh: $1 ($2) has node_modules in git; not touching it" >&2
        exit 1
    elif [[ -d $root/node_modules ]] && cmp -s "$root/package-lock.json" "$dir/package-lock.json"; then
        ln -s "$root/node_modules" "$dir/node_modules"
    else
        echo "buildPlans.sh: $1 ($2) has other dependencies: npm ci there" >&2
        (cd "$dir" && npm ci --no-audit --no-fund >"$work/$1-npm-ci.log" 2>&1) || {
            tail -n 20 "$work/$1-npm-ci.log" >&2
            echo "buildPlans.sh: npm ci failed for $1 ($2)" >&2
            exit 1
        }
    fi
}

# plan side stack-file dest-dir [plan flags...]: a plan, an empty plan, or the error.
plan() {
    local side=$1 file=$2 dest=$3
    shift 3
    rm -f "$dest/$side.json" "$dest/$side.absent" "$dest/$side.error"
    if [[ ! -f $work/$side/$file ]]; then
        printf '{"resources":[],"outputs":{}}\n' >"$dest/$side.json"
        touch "$dest/$side.absent"
    elif ! (cd "$work/$side" && npm run --silent plan -- "$file" "$@") >"$dest/$side.json" 2>"$dest/$side.stderr"; then
        mv "$dest/$side.stderr" "$dest/$side.error"
        rm -f "$dest/$side.json"
    fi
    rm -f "$dest/$side.stderr"
}

endpoint_mode() { # plan.json
    [[ -f $1 ]] || return 0
    node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String((p.outputs || {}).endpointMode || ""))' "$1"
}

stack_files() {
    local f
    if (($#)); then
        for f in "$@"; do
            [[ $f =~ ^(\./)?Pulumi\.[A-Za-z0-9_.-]+\.ya?ml$ ]] || { echo "buildPlans.sh: $f: give stack files as Pulumi.<stack>.yaml, relative to the repository root" >&2; exit 2; }
            printf '%s\n' "${f#./}"
        done
        return
    fi
    { git -C "$root" ls-tree --name-only "$base_sha"; git -C "$root" ls-tree --name-only "$head_sha"; } |
        grep -E '^Pulumi\.[A-Za-z0-9_.-]+\.ya?ml$' | sort -u || true
}

checkout base "$base_sha"
checkout head "$head_sha"

# One stack: base and head plans in parallel (each is a few seconds of ts-node).
stack_plans() { # file
    local file=$1 stack dest side
    stack=${file#Pulumi.}
    stack=${stack%.yaml}
    stack=${stack%.yml}
    dest=$out/$stack
    mkdir -p "$dest"
    plan base "$file" "$dest" &
    plan head "$file" "$dest" &
    wait
    if [[ $(endpoint_mode "$dest/base.json") == loadBalancer && $(endpoint_mode "$dest/head.json") == node ]]; then
        plan head "$file" "$dest" --endpoint-holder loadBalancer
    fi
    for side in base head; do
        if [[ -f $dest/$side.error ]]; then
            echo "buildPlans.sh: $file at $side: plan failed: $(head -n 1 "$dest/$side.error")" >&2
        elif [[ -f $dest/$side.absent ]]; then
            echo "buildPlans.sh: $file at $side: no such stack file (empty plan)" >&2
        fi
    done
}

files=$(stack_files "$@")
pids=()
for file in $files; do
    stack_plans "$file" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
echo "buildPlans.sh: ${#pids[@]} stack(s), base ${base_sha:0:12}, head ${head_sha:0:12}, in $out" >&2
exit "$status"
