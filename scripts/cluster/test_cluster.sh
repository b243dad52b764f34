#!/usr/bin/env bash
# test_cluster.sh - run the demo cohort on a real (one-node, local) SLURM cluster through
# `--profile profiles/slurm` and check the outputs are byte-identical to a local run.
#
#   scripts/cluster/test_cluster.sh            (root; Debian; ~1 min; installs slurm/munge on first use)
#
# Both runs use their own working directory under $ALKANNOT_CLUSTER_WORK (default: a fresh temp dir) with
# config/ and test-data/ linked from the repository, so they never touch the repository's results/ or
# logs/ or .snakemake/. The cluster is started by scripts/cluster/start_local_slurm.sh and stopped on
# exit (only if this script started it). Exit status 0 = all outputs equal.
#   ALKANNOT_CLUSTER_TIMEOUT   seconds allowed for each snakemake run [600]
#   ALKANNOT_CLUSTER_KEEP=1    keep the work dir (printed) and the cluster
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
HERE=$REPO/scripts/cluster
TIMEOUT=${ALKANNOT_CLUSTER_TIMEOUT:-600}
export ALKANNOT_SLURM_DIR=${ALKANNOT_SLURM_DIR:-${TMPDIR:-/tmp}/alkannot-slurm}
WORK=${ALKANNOT_CLUSTER_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/alkannot-cluster-test.XXXXXX")}
SNAKEMAKE=$REPO/.venv/bin/snakemake
[[ -x $SNAKEMAKE ]] || SNAKEMAKE=$(command -v snakemake)
# the jobs run `alkannot` from the venv: sbatch exports this PATH to them
export PATH=$REPO/.venv/bin:$PATH
unset SLURM_CONF

log() { printf '[test_cluster] %s\n' "$*" >&2; }
started=0
cleanup() {
    local rc=$?
    if ((started)) && [[ ${ALKANNOT_CLUSTER_KEEP:-0} != 1 ]]; then
        "$HERE/stop_local_slurm.sh" || true
    fi
    if [[ ${ALKANNOT_CLUSTER_KEEP:-0} == 1 ]]; then
        log "kept $WORK"
    elif [[ -z ${ALKANNOT_CLUSTER_WORK:-} ]]; then
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python=$REPO/.venv/bin/python
"$python" -c "import snakemake_executor_plugin_slurm" 2>/dev/null \
    || { log "snakemake-executor-plugin-slurm is not installed: pip install -e '.[cluster]'"; exit 2; }

# 1. cluster up (remember whether it was already running, to leave it as we found it)
pidf=$ALKANNOT_SLURM_DIR/run/slurmctld.pid
if [[ -s $pidf && -e /proc/$(<"$pidf") ]]; then
    log "cluster already running (state dir $ALKANNOT_SLURM_DIR): using it, leaving it up"
else
    started=1
fi
t0=$SECONDS
"$HERE/start_local_slurm.sh"
t_start=$((SECONDS - t0))

# 2. two working dirs sharing the repository's config and inputs
for d in local slurm; do
    mkdir -p "$WORK/$d"
    ln -sfn "$REPO/config" "$WORK/$d/config"
    ln -sfn "$REPO/test-data" "$WORK/$d/test-data"
done

run() {  # NAME ARGS... : one snakemake run in $WORK/NAME; unlock after a timeout
    local name=$1; shift
    local t=$SECONDS rc=0
    timeout -k 10 "$TIMEOUT" "$SNAKEMAKE" -s "$REPO/Snakefile" --directory "$WORK/$name" "$@" \
        > "$WORK/$name.log" 2>&1 || rc=$?
    if ((rc != 0)); then
        tail -n 40 "$WORK/$name.log" >&2
        ((rc == 124 || rc == 137)) && {
            log "$name run timed out after ${TIMEOUT}s"
            "$SNAKEMAKE" -s "$REPO/Snakefile" --directory "$WORK/$name" --unlock >/dev/null 2>&1 || true
        }
        log "$name run failed (exit $rc); full log: $WORK/$name.log"
        ALKANNOT_CLUSTER_KEEP=1
        return "$rc"
    fi
    log "$name run: $((SECONDS - t)) s"
}

t0=$SECONDS
run local --cores 2
t_local=$((SECONDS - t0))
t0=$SECONDS
run slurm --profile "$REPO/profiles/slurm"
t_slurm=$((SECONDS - t0))

# 3. the jobs really went through SLURM
n_jobs=$(grep -cE "Job [0-9]+ has been submitted with SLURM jobid|submitted with SLURM jobid" "$WORK/slurm.log" || true)
if ((n_jobs == 0)); then
    log "no SLURM submissions in $WORK/slurm.log"; ALKANNOT_CLUSTER_KEEP=1; exit 1
fi

# 4. same files, byte for byte
list() { (cd "$1" && find . -type f \( -name '*.json' -o -name '*.tsv' -o -name '*.html' \) | sort); }
if ! diff <(list "$WORK/local/results") <(list "$WORK/slurm/results") >&2; then
    log "the two runs wrote different sets of files"; ALKANNOT_CLUSTER_KEEP=1; exit 1
fi
n=0 bad=0
while read -r f; do
    n=$((n + 1))
    cmp -s "$WORK/local/results/$f" "$WORK/slurm/results/$f" || { log "differs: $f"; bad=$((bad + 1)); }
done < <(list "$WORK/local/results")
((n > 0)) || { log "no outputs found"; exit 1; }
((bad == 0)) || { ALKANNOT_CLUSTER_KEEP=1; exit 1; }
log "OK: $n output files identical; $n_jobs SLURM job(s); cluster start ${t_start}s, local run ${t_local}s, slurm run ${t_slurm}s"
