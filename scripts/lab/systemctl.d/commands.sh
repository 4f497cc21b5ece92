# shellcheck shell=bash
# The lab systemctl's way of running a unit's commands: its environment and conditions, Exec*=
# lines expanded, as its User=, in the foreground with a time bound. Sourced by ../systemctl.

# The unit's environment (NAME=value lines, later wins) from Environment= and EnvironmentFile=.
declare -A unit_env=()
build_env() {
    unit_env=()
    local a f optional k v raw
    for a in "${env_assign[@]}"; do
        unit_env[${a%%=*}]=${a#*=}
    done
    for f in "${env_files[@]}"; do
        optional=false
        if [[ $f == -* ]]; then optional=true; f=${f#-}; fi
        if [[ ! -r $f ]]; then
            $optional && continue
            die "$unit: EnvironmentFile $f is missing"
        fi
        while IFS= read -r raw || [[ -n $raw ]]; do
            raw=${raw#"${raw%%[![:space:]]*}"}
            [[ -z $raw || $raw == \#* || $raw == \;* || $raw != *=* ]] && continue
            k=${raw%%=*}
            k=${k%"${k##*[![:space:]]}"}
            k=${k#export }
            v=${raw#*=}
            v=${v#"${v%%[![:space:]]*}"}
            v=${v%"${v##*[![:space:]]}"}
            if [[ ${#v} -ge 2 && (($v == \"*\" ) || ($v == \'*\')) ]]; then v=${v:1:-1}; fi
            [[ $k =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] && unit_env[$k]=$v
        done <"$f"
    done
}

conditions_hold() {
    local c key path negate
    for c in "${conditions[@]}"; do
        key=${c%%=*}
        path=${c#*=}
        negate=false
        if [[ $path == !* ]]; then negate=true; path=${path#!}; fi
        local ok=false
        case $key in
        ConditionPathExists) [[ -e $path ]] && ok=true ;;
        ConditionFileNotEmpty) [[ -f $path && -s $path ]] && ok=true ;;
        esac
        if $negate; then
            if $ok; then ok=false; else ok=true; fi
        fi
        if ! $ok; then
            echo "systemctl (haplane lab): $unit.service: condition $c not met, not started" >&2
            return 1
        fi
    done
    return 0
}

lookup() { # the value of variable $1 for Exec*= lines: $MAINPID, else the unit's environment
    if [[ $1 == MAINPID ]]; then printf '%s' "${MAINPID:-}"; else printf '%s' "${unit_env[$1]:-}"; fi
}

# Expands one Exec*= line into the array ARGV; sets PRIV (run as root) and IGNORE (failure ok).
expand_exec() {
    local line=$1 prefix="" noexpand=false drop_argv0=false w name
    PRIV=false
    IGNORE=false
    while [[ $line == [-@+!:]* ]]; do
        prefix=${line:0:1}
        line=${line:1}
        case $prefix in
        -) IGNORE=true ;;
        @) drop_argv0=true ;;
        +|!) PRIV=true ;;
        :) noexpand=true ;;
        esac
    done
    split_words "$(specifiers "$line")" || die "$unit: bad quoting in: $1"
    ARGV=()
    for w in "${WORDS[@]}"; do
        if $noexpand; then
            ARGV+=("$w")
        elif [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
            name=${BASH_REMATCH[1]}
            local -a parts=()
            read -ra parts <<<"$(lookup "$name")"
            ARGV+=("${parts[@]}")
        else
            local n
            for ((n = 0; n < 32; n++)); do # bounded: a value may itself contain ${...}
                [[ $w =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]] || break
                name=${BASH_REMATCH[1]}
                w=${w//"\${$name}"/"$(lookup "$name")"}
            done
            ARGV+=("${w//\$\$/\$}")
        fi
    done
    if $drop_argv0 && ((${#ARGV[@]} > 1)); then ARGV=("${ARGV[0]}" "${ARGV[@]:2}"); fi
    ((${#ARGV[@]})) || die "$unit: empty command line: $1"
}

# Builds RUNNER (env + optional setpriv) for the current ARGV; $1: "main" or "aux".
build_runner() {
    local kind=$1 user=${single[User]:-} group=${single[Group]:-} k
    RUNNER=(env -i "PATH=$DEFAULT_PATH" LANG=C.UTF-8)
    for k in "${!unit_env[@]}"; do RUNNER+=("$k=${unit_env[$k]}"); done
    [[ -n ${MAINPID:-} ]] && RUNNER+=("MAINPID=$MAINPID")
    if $PRIV || [[ -z $user || $user == root ]]; then
        RUNNER+=(HOME=/root USER=root LOGNAME=root)
        return
    fi
    if [[ $kind == aux && ${single[PermissionsStartOnly]:-} =~ ^(true|yes|1|on)$ ]]; then
        RUNNER+=(HOME=/root USER=root LOGNAME=root)
        return
    fi
    id -u "$user" >/dev/null 2>&1 || die "$unit: User=$user does not exist"
    [[ -n $group ]] || group=$(id -gn "$user")
    RUNNER+=("HOME=$(getent passwd "$user" | cut -d: -f6)" "USER=$user" "LOGNAME=$user"
        setpriv "--reuid=$user" "--regid=$group" --init-groups)
}

workdir() {
    local d=${single[WorkingDirectory]:-/}
    [[ $d == "~" ]] && d=/root
    printf '%s' "${d#-}"
}

run_aux() { # runs the Exec*= lines given as arguments in the foreground; fails on the first failure
    local line rc
    for line in "$@"; do
        expand_exec "$line"
        build_runner aux
        (
            cd "$(workdir)" || exit 1
            exec timeout -k 5 "$EXEC_TIMEOUT" "${RUNNER[@]}" "${ARGV[@]}"
        ) </dev/null >>"$LOG_DIR/$unit.log" 2>&1
        rc=$?
        if ((rc != 0)) && ! $IGNORE; then
            echo "systemctl (haplane lab): $unit.service: '$line' failed (exit $rc); see $LOG_DIR/$unit.log:" >&2
            tail -n 5 "$LOG_DIR/$unit.log" >&2
            return 1
        fi
    done
    return 0
}
