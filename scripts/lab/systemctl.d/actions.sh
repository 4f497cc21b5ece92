# shellcheck shell=bash
# The lab systemctl's actions on one unit: start, stop, reload and status. Sourced by ../systemctl.

do_start() {
    is_active && return 0
    conditions_hold || return 0 # systemd: a failed condition skips the start, without error
    build_env
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    rm -f "$(pid_file)" "$RUN_DIR/$unit.start" "$RUN_DIR/$unit.oneshot"
    echo "--- $(date -Is) start $unit.service" >>"$LOG_DIR/$unit.log"
    run_aux "${exec_start_pre[@]}" || return 1
    ((${#exec_start[@]})) || die "$unit.service has no ExecStart="
    if [[ ${single[Type]:-} == oneshot ]]; then
        run_aux "${exec_start[@]}" || return 1
        if [[ ${single[RemainAfterExit]:-} =~ ^(true|yes|1|on)$ ]]; then : >"$RUN_DIR/$unit.oneshot"; fi
        run_aux "${exec_start_post[@]}" || return 1
        return 0
    fi
    [[ ${single[Type]:-simple} != forking ]] || die "$unit.service: Type=forking is not supported by the lab shim"
    ((${#exec_start[@]} == 1)) || die "$unit.service: more than one ExecStart= for a non-oneshot service"
    expand_exec "${exec_start[0]}"
    build_runner main
    local nofile=${single[LimitNOFILE]:-}
    (
        cd "$(workdir)" || exit 1
        # LimitNOFILE=, capped at the hard limit this machine allows.
        if [[ $nofile =~ ^[0-9]+$ ]]; then ulimit -n "$nofile" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; fi
        # Not a process-group leader (no job control here), so setsid keeps this PID.
        exec setsid "${RUNNER[@]}" "${ARGV[@]}"
    ) </dev/null >>"$LOG_DIR/$unit.log" 2>&1 &
    local pid=$!
    printf '%s\n' "$pid" >"$(pid_file)"
    proc_field "$pid" 20 >"$RUN_DIR/$unit.start" 2>/dev/null
    # A process that dies at once (bad flags, bad config) fails the start, as with Type=notify.
    local i
    for ((i = 0; i < 5; i++)); do
        sleep 0.1
        if ! alive "$pid"; then
            wait "$pid" 2>/dev/null
            echo "systemctl (haplane lab): $unit.service exited at once; see $LOG_DIR/$unit.log:" >&2
            tail -n 10 "$LOG_DIR/$unit.log" >&2
            rm -f "$(pid_file)" "$RUN_DIR/$unit.start"
            return 1
        fi
    done
    MAINPID=$pid run_aux "${exec_start_post[@]}" || return 1
    return 0
}

do_stop() {
    local pid mode=${single[KillMode]:-control-group}
    if [[ ${single[Type]:-} == oneshot ]]; then
        build_env
        [[ -e $RUN_DIR/$unit.oneshot ]] && run_aux "${exec_stop[@]}"
        rm -f "$RUN_DIR/$unit.oneshot"
        return 0
    fi
    if ! pid=$(main_pid); then
        rm -f "$(pid_file)" "$RUN_DIR/$unit.start"
        return 0
    fi
    build_env
    echo "--- $(date -Is) stop $unit.service (pid $pid)" >>"$LOG_DIR/$unit.log"
    MAINPID=$pid run_aux "${exec_stop[@]}" || true
    local -a targets=("$pid")
    if [[ $mode == control-group ]]; then mapfile -t targets < <(session_members "$pid"); fi
    kill -TERM "${targets[@]}" "$pid" 2>/dev/null
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    if alive "$pid"; then
        echo "systemctl (haplane lab): $unit.service did not stop within ${STOP_TIMEOUT}s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null
    fi
    if [[ $mode != process ]]; then
        mapfile -t targets < <(session_members "$pid")
        ((${#targets[@]})) && kill -KILL "${targets[@]}" 2>/dev/null
    fi
    deadline=$((SECONDS + 5))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    rm -f "$(pid_file)" "$RUN_DIR/$unit.start"
    ! alive "$pid"
}

do_reload() {
    local pid
    pid=$(main_pid) || { echo "Job for $unit.service failed: the unit is not active." >&2; return 1; }
    ((${#exec_reload[@]})) || { echo "Failed to reload $unit.service: Job type reload is not applicable for unit $unit.service." >&2; return 1; }
    build_env
    echo "--- $(date -Is) reload $unit.service (pid $pid)" >>"$LOG_DIR/$unit.log"
    MAINPID=$pid run_aux "${exec_reload[@]}"
}

do_status() {
    local pid
    if pid=$(main_pid); then
        echo "● $unit.service - haplane lab shim"
        echo "     Loaded: loaded ($unit_file)"
        echo "     Active: active (running)"
        echo "   Main PID: $pid"
    elif is_active; then
        echo "● $unit.service - haplane lab shim"
        echo "     Active: active (exited)"
    else
        echo "○ $unit.service - haplane lab shim"
        echo "     Loaded: ${unit_file:-not-found}"
        echo "     Active: inactive (dead)"
    fi
    [[ -r $LOG_DIR/$unit.log ]] && tail -n 10 "$LOG_DIR/$unit.log"
    is_active
}
