# shellcheck shell=bash
# The lab systemctl's unit files: finding a unit, reading it and its drop-ins into the globals
# below, word splitting and specifiers as systemd does them. Sourced by ../systemctl.

unit=""      # canonical name without .service
unit_file="" # the main file
declare -A single=()        # last value of single-valued keys
declare -a env_assign=()    # NAME=value, in order (Environment=)
declare -a env_files=()     # EnvironmentFile= values
declare -a exec_start_pre=() exec_start=() exec_start_post=() exec_reload=() exec_stop=()
declare -a conditions=()    # Key=value of ConditionPathExists= / ConditionFileNotEmpty=

# Splits $1 into the array WORDS: whitespace separates, "..." and '...' group, backslash escapes.
split_words() {
    local s=$1 word="" quote="" c i have=false
    WORDS=()
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ -n $quote ]]; then
            if [[ $c == "$quote" ]]; then
                quote=""
            elif [[ $c == "\\" && $quote == '"' && $((i + 1)) -lt ${#s} ]]; then
                i=$((i + 1))
                word+=${s:i:1}
            else
                word+=$c
            fi
        elif [[ $c == '"' || $c == "'" ]]; then
            quote=$c
            have=true
        elif [[ $c == "\\" && $((i + 1)) -lt ${#s} ]]; then
            i=$((i + 1))
            word+=${s:i:1}
            have=true
        elif [[ $c == [[:space:]] ]]; then
            if $have; then WORDS+=("$word"); fi
            word=""
            have=false
        else
            word+=$c
            have=true
        fi
    done
    [[ -z $quote ]] || return 1
    if $have; then WORDS+=("$word"); fi
    return 0
}

specifiers() { # expands %n %N %p %i %H %% in $1
    local s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ $c == % && $((i + 1)) -lt ${#s} ]]; then
            i=$((i + 1))
            case ${s:i:1} in
            n) out+="$unit.service" ;;
            N | p) out+=$unit ;;
            i) ;;
            H) out+=$(hostname) ;;
            %) out+=% ;;
            *) out+="%${s:i:1}" ;;
            esac
        else
            out+=$c
        fi
    done
    printf '%s' "$out"
}

resolve_unit() { # sets unit and unit_file for the name $1
    local name=${1%.service} dir target
    [[ $name == *.* ]] && die "only .service units are supported, not '$1'"
    [[ -n $name && $name != */* ]] || die "bad unit name '$1'"
    for dir in "${UNIT_DIRS[@]}"; do
        if [[ -e $dir/$name.service ]]; then
            unit_file=$dir/$name.service
            if [[ -L $unit_file ]]; then # an alias (etcd2 -> etcd)
                target=$(readlink -f "$unit_file")
                name=$(basename "$target" .service)
                unit_file=$target
            fi
            unit=$name
            return 0
        fi
    done
    unit=$name
    unit_file=""
}

load_unit() { # parses unit_file and its drop-ins into the variables above
    single=()
    env_assign=() env_files=() exec_start_pre=() exec_start=() exec_start_post=()
    exec_reload=() exec_stop=() conditions=()
    [[ -n $unit_file ]] || die "Unit $unit.service not found."
    local -a files=("$unit_file")
    local dropin base dir
    local -A seen=()
    for dir in /lib/systemd/system /etc/systemd/system; do
        for dropin in "$dir/$unit.service.d"/*.conf; do
            [[ -f $dropin ]] && seen[$(basename "$dropin")]=$dropin # /etc wins over /lib
        done
    done
    while IFS= read -r base; do
        [[ -n $base ]] && files+=("${seen[$base]}")
    done < <(printf '%s\n' "${!seen[@]}" | sort)
    local file
    for file in "${files[@]}"; do
        parse_file "$file"
    done
}

parse_file() {
    local line="" raw section="" key value w
    while IFS= read -r raw || [[ -n $raw ]]; do
        if [[ $raw == *\\ ]]; then # continuation
            line+="${raw%\\} "
            continue
        fi
        line+=$raw
        line=${line#"${line%%[![:space:]]*}"}
        if [[ -z $line || $line == \#* || $line == \;* ]]; then
            line=""
            continue
        fi
        line=${line%"${line##*[![:space:]]}"}
        if [[ $line == \[*\] ]]; then
            section=${line:1:-1}
            line=""
            continue
        fi
        key=${line%%=*}
        key=${key%"${key##*[![:space:]]}"}
        value=${line#*=}
        value=${value#"${value%%[![:space:]]*}"}
        line=""
        [[ $section == Service || $section == Unit ]] || continue
        case $section:$key in
        Service:Environment)
            if [[ -z $value ]]; then env_assign=(); continue; fi
            split_words "$(specifiers "$value")" || die "$unit: bad quoting in Environment=$value"
            for w in "${WORDS[@]}"; do
                [[ $w == *=* ]] && env_assign+=("$w")
            done
            ;;
        Service:EnvironmentFile)
            if [[ -z $value ]]; then env_files=(); else env_files+=("$(specifiers "$value")"); fi ;;
        Service:ExecStartPre) if [[ -z $value ]]; then exec_start_pre=(); else exec_start_pre+=("$value"); fi ;;
        Service:ExecStart) if [[ -z $value ]]; then exec_start=(); else exec_start+=("$value"); fi ;;
        Service:ExecStartPost) if [[ -z $value ]]; then exec_start_post=(); else exec_start_post+=("$value"); fi ;;
        Service:ExecReload) if [[ -z $value ]]; then exec_reload=(); else exec_reload+=("$value"); fi ;;
        Service:ExecStop) if [[ -z $value ]]; then exec_stop=(); else exec_stop+=("$value"); fi ;;
        Unit:ConditionPathExists | Unit:ConditionFileNotEmpty)
            if [[ -z $value ]]; then conditions=(); else conditions+=("$key=$(specifiers "$value")"); fi ;;
        Service:User | Service:Group | Service:WorkingDirectory | Service:Type | Service:KillMode | \
            Service:LimitNOFILE | Service:RemainAfterExit | Service:PermissionsStartOnly)
            single[$key]=$(specifiers "$value") ;;
        esac
    done <"$1"
}
