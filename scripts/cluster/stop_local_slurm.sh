#!/usr/bin/env bash
# stop_local_slurm.sh - stop the cluster started by start_local_slurm.sh (same ALKANNOT_SLURM_DIR).
# Cancels the jobs still in that cluster, then ends only the daemons named by its PID files (checking
# each PID still runs the expected binary; never kills by name) and removes the /etc/slurm/slurm.conf
# link if it is ours. Idempotent.
#   ALKANNOT_SLURM_DIR      state dir                          [${TMPDIR:-/tmp}/alkannot-slurm]
#   ALKANNOT_SLURM_PURGE=1  also delete the state dir (logs, key, job state)
set -uo pipefail

STATE_DIR=${ALKANNOT_SLURM_DIR:-${TMPDIR:-/tmp}/alkannot-slurm}
ETC_CONF=/etc/slurm/slurm.conf
log() { printf '[alkannot-slurm] %s\n' "$*" >&2; }

[[ -d $STATE_DIR ]] || { log "no state dir $STATE_DIR: nothing to stop"; exit 0; }
STATE_DIR=$(cd "$STATE_DIR" && pwd -P)
CONF=$STATE_DIR/etc/slurm.conf
export SLURM_CONF=$CONF

pid_ok() {  # PIDFILE EXE-REGEX
    local f=$1 re=$2 pid exe
    [[ -s $f ]] || return 1
    pid=$(<"$f"); [[ $pid =~ ^[0-9]+$ ]] || return 1
    exe=$(readlink -f "/proc/$pid/exe" 2>/dev/null) || return 1
    [[ $(basename "$exe") =~ $re ]]
}
stop_one() {  # NAME PIDFILE EXE-REGEX
    local name=$1 f=$2 re=$3 pid
    if ! pid_ok "$f" "$re"; then
        [[ -e $f ]] && rm -f "$f"
        return 0
    fi
    pid=$(<"$f")
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 150; i++)); do [[ -e /proc/$pid ]] || break; sleep 0.1; done
    if [[ -e /proc/$pid ]]; then
        log "$name (pid $pid) ignored SIGTERM for 15 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null; sleep 0.5
    fi
    rm -f "$f"
    log "stopped $name (pid $pid)"
}

active() { squeue -h -o '%i' -t PENDING,RUNNING,SUSPENDED,CONFIGURING,COMPLETING 2>/dev/null; }
if pid_ok "$STATE_DIR/run/slurmctld.pid" '^slurmctld'; then
    # cancel through slurm first so the jobs' slurmstepd processes end cleanly
    jobs=$(active | tr '\n' ' ')
    if [[ -n ${jobs// /} ]]; then
        log "cancelling jobs: $jobs"
        # shellcheck disable=SC2086
        scancel $jobs 2>/dev/null
        for ((i = 0; i < 150; i++)); do [[ -z $(active) ]] && break; sleep 0.2; done
    fi
fi
stop_one slurmd "$STATE_DIR/run/slurmd.pid" '^slurmd'
stop_one slurmctld "$STATE_DIR/run/slurmctld.pid" '^slurmctld'
stop_one munged "$STATE_DIR/munge/run/munged.pid" '^munged$'

if [[ -L $ETC_CONF && $(readlink "$ETC_CONF") == "$CONF" ]]; then
    rm -f "$ETC_CONF"
    rmdir /etc/slurm 2>/dev/null || true
fi
if [[ ${ALKANNOT_SLURM_PURGE:-0} == 1 ]]; then
    rm -rf "$STATE_DIR"
    log "purged $STATE_DIR"
fi
exit 0
