# shellcheck shell=bash
# The lab systemctl's processes: a unit's recorded main PID, whether it still runs, its session.
# Sourced by ../systemctl.

pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$unit"; }

proc_field() { # proc_field <pid> <n>: field n (1-based, after the comm field: 1=state) of /proc/pid/stat
    local stat rest
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    rest=${stat##*) }
    local -a f
    read -ra f <<<"$rest"
    printf '%s' "${f[$2 - 1]}"
}

alive() { # the process exists, is not a zombie, and is the one recorded (same start time)
    local pid=$1 want=${2:-} state start
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    state=$(proc_field "$pid" 1) || return 1
    [[ $state != Z && $state != X ]] || return 1
    if [[ -n $want ]]; then
        start=$(proc_field "$pid" 20) || return 1
        [[ $start == "$want" ]] || return 1
    fi
    return 0
}

main_pid() { # prints the live main PID of $unit, or fails
    local pid start=""
    [[ -r $(pid_file) ]] || return 1
    read -r pid <"$(pid_file)" || return 1
    [[ -r $RUN_DIR/$unit.start ]] && read -r start <"$RUN_DIR/$unit.start"
    alive "$pid" "$start" || return 1
    printf '%s' "$pid"
}

is_active() {
    if [[ ${single[Type]:-} == oneshot ]]; then
        [[ -e $RUN_DIR/$unit.oneshot ]]
        return
    fi
    main_pid >/dev/null
}

session_members() { # PIDs whose session is $1
    local f pid
    for f in /proc/[0-9]*/stat; do
        pid=${f#/proc/}
        pid=${pid%/stat}
        [[ $(proc_field "$pid" 4 2>/dev/null) == "$1" ]] && printf '%s\n' "$pid"
    done
}
