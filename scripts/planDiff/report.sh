#!/usr/bin/env bash
# Turns the plans of buildPlans.sh into one Markdown comment per stack,
# <out>/comments/<stack>.md, each starting with the marker by which the comment step finds its
# earlier comment (<!-- haplane-plan-diff:<stack> -->). Appends them to $GITHUB_STEP_SUMMARY
# when that is set, so every run shows them, forks included.
#
#   scripts/planDiff/report.sh <out dir>
set -euo pipefail

(($# == 1)) || { echo "usage: report.sh <out dir>" >&2; exit 2; }
out=$(cd "$1" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$out/comments"

short() { head -c 12 "$1" 2>/dev/null || echo unknown; }

failure() { # side dir
    printf 'The offline plan of the %s commit failed, so there is nothing to compare:\n\n```\n' "$1"
    head -n 20 "$2/$1.error"
    printf '```\n'
}

# shellcheck disable=SC2016 # backticks are Markdown here, not expansions
comment() { # stack dir
    local stack=$1 dir=$2
    printf '<!-- haplane-plan-diff:%s -->\n' "$stack"
    printf '### Offline plan diff: `Pulumi.%s.yaml`\n\n' "$stack"
    printf 'Base `%s`, head `%s`.' "$(short "$out/base.sha")" "$(short "$out/head.sha")"
    [[ -f $dir/base.absent ]] && printf ' The stack file is new: compared with an empty stack.'
    [[ -f $dir/head.absent ]] && printf ' The stack file is removed: compared with an empty stack.'
    printf '\n\n'
    if [[ -f $dir/base.error || -f $dir/head.error ]]; then
        [[ -f $dir/base.error ]] && failure base "$dir"
        [[ -f $dir/head.error ]] && failure head "$dir"
    else
        (cd "$root" && npm run --silent plan-diff -- "$dir/base.json" "$dir/head.json")
    fi
    printf '\n<sub>Offline: evaluated with stand-ins for the cloud, no state and no credentials. The preview job runs the real `pulumi preview --diff`.</sub>\n'
}

count=0
for dir in "$out"/*/; do
    dir=${dir%/}
    stack=$(basename "$dir")
    [[ $stack != comments && ( -f $dir/base.json || -f $dir/base.error ) ]] || continue
    comment "$stack" "$dir" >"$out/comments/$stack.md"
    if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
        cat "$out/comments/$stack.md" >>"$GITHUB_STEP_SUMMARY"
    fi
    count=$((count + 1))
done
echo "report.sh: $count comment(s) in $out/comments" >&2
