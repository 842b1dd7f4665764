#!/usr/bin/env bash
# End-to-end test of a sweep on a real SLURM scheduler (run as root, e.g. by .ci/run).
#
#   tests/cluster/slurm_e2e.sh
#
# 1. installs slurm-wlm and munge (apt-get) and snakemake-executor-plugin-slurm
#    (pip, into the active Python environment) when they are missing;
# 2. brings up a one-node cluster on localhost without systemd: munged, slurmctld
#    and slurmd, configured by /etc/slurm/slurm.conf (from tests/cluster/slurm.conf.in),
#    with their state, logs and pid files in $SLURM_E2E_DIR/state;
# 3. runs a tiny sweep (tests/cluster/sweep_e2e.yaml: 4 models on a generated
#    MNIST-like fixture) up to its summary through workflow/profiles/slurm, and
#    the same sweep locally with --cores 2, each in its own copy of the repository
#    (the repository's own results/ is never touched);
# 4. checks that every non-local job went through SLURM (one COMPLETED job per
#    rule instance) and that both runs wrote byte-identical parameter files;
# 5. stops every daemon it started by the PID in its pid file, also on failure.
#
# A rerun stops the daemons a killed run left behind (found through the same pid
# files) before starting afresh.  Environment: SLURM_E2E_DIR (work folder,
# default /tmp/mnistnn-slurm-e2e), SLURM_E2E_TIMEOUT (seconds per Snakemake run,
# default 600), PYTHON (default python).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${SLURM_E2E_DIR:-/tmp/mnistnn-slurm-e2e}
state=$work/state
run_timeout=${SLURM_E2E_TIMEOUT:-600}
python=${PYTHON:-python}
node=$(hostname -s)
# the default path: Snakemake's jobstep executor drops SLURM_CONF from a job's
# environment, so the srun inside each job reads only this one
slurm_conf=/etc/slurm/slurm.conf
marker="# written by mnistnn's tests/cluster/slurm_e2e.sh"

say() { printf '[slurm_e2e %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() {
    say "FAIL: $*"
    exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.2 s until it succeeds
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local tries=$((seconds * 5))
    until "$@" >/dev/null 2>&1; do
        tries=$((tries - 1))
        ((tries > 0)) || fail "timed out after ${seconds} s waiting for $what"
        sleep 0.2
    done
}

# stop_daemon NAME PIDFILE: stop the process the pid file names, if it is still NAME
# (a PID recycled by another program since is left alone)
stop_daemon() {
    local name=$1 pidfile=$2 pid
    [[ -s $pidfile ]] || return 0
    pid=$(<"$pidfile")
    if [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]; then
        say "stopping $name (pid $pid)"
        kill "$pid" 2>/dev/null || true
        local tries=50
        while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$pidfile"
}

controller_running() {
    [[ -s $state/slurmctld.pid ]] && kill -0 "$(<"$state/slurmctld.pid")" 2>/dev/null
}

# cancel_jobs: cancel the jobs still queued or running on this test cluster, so
# no job step outlives slurmd
cancel_jobs() {
    controller_running || return 0
    local jobs
    jobs=$(timeout 20 squeue --noheader --format=%i 2>/dev/null | tr '\n' ' ') || return 0
    [[ -n ${jobs// /} ]] || return 0
    say "cancelling jobs $jobs"
    # shellcheck disable=SC2086  # one argument per job id
    timeout 20 scancel $jobs || true
    local tries=100
    while [[ -n $(timeout 20 squeue --noheader --format=%i 2>/dev/null) ]] && ((tries-- > 0)); do
        sleep 0.2
    done
}

stop_cluster() {
    cancel_jobs
    stop_daemon slurmd "$state/slurmd.pid"
    stop_daemon slurmctld "$state/slurmctld.pid"
    stop_daemon munged "$state/munge/munged.pid"
    if [[ $(head -n 1 "$slurm_conf" 2>/dev/null) == "$marker" ]]; then rm -f "$slurm_conf"; fi
}

run_failed() {
    tail -n 40 "$1" >&2
    fail "snakemake failed: see $1"
}

on_exit() {
    local status=$?
    if ((status != 0)); then
        say "failed (exit status $status); the last lines of the logs in $state:"
        tail -n 15 "$state"/*.log >&2 2>/dev/null || true
    fi
    stop_cluster
    exit "$status"
}

# installed PACKAGE...: every one of the Debian packages is installed
installed() {
    [[ $(dpkg-query --show --showformat='${Status}\n' "$@" 2>/dev/null | grep -c ' installed$') == "$#" ]]
}

install_packages() {
    if installed slurm-wlm munge; then
        say "slurm-wlm and munge are installed"
    else
        say "installing slurm-wlm and munge"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            slurm-wlm munge >/dev/null
    fi
    say "installing snakemake-executor-plugin-slurm into $("$python" -c 'import sys; print(sys.prefix)')"
    "$python" -m pip install --quiet --disable-pip-version-check snakemake-executor-plugin-slurm
}

munge_works() { { munge --no-input | unmunge; } >/dev/null 2>&1; }

start_munge() {
    if [[ ! -s /etc/munge/munge.key ]]; then
        say "creating /etc/munge/munge.key"
        install -d -o munge -g munge -m 0700 /etc/munge
        mungekey --create --keyfile=/etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key
        chmod 0400 /etc/munge/munge.key
    fi
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 "$state/munge"
    if munge_works; then
        say "using the munged that is already running"
        return
    fi
    runuser -u munge -- munged --force \
        --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log"
    wait_for 10 "munged" munge_works
    say "munged is up (pid $(<"$state/munge/munged.pid"))"
}

write_slurm_conf() {
    local cpus memory
    if [[ -e $slurm_conf && $(head -n 1 "$slurm_conf") != "$marker" ]]; then
        fail "$slurm_conf exists and is not this test's: is this machine part of a real cluster?"
    fi
    cpus=$(nproc)
    # a little under the machine's memory, so slurmd never finds less than declared
    memory=$(free -m | awk '/^Mem:/ { print int($2 * 0.9) }')
    sed -e "s|@NODE@|$node|g" -e "s|@CPUS@|$cpus|g" -e "s|@MEMORY@|$memory|g" \
        -e "s|@STATE@|$state|g" "$repo/tests/cluster/slurm.conf.in" >"$state/slurm.conf"
    mkdir -p "$(dirname "$slurm_conf")"
    { echo "$marker"; cat "$state/slurm.conf"; } >"$slurm_conf"
    say "slurm.conf: node $node, $cpus CPUs, $memory MB"
}

node_state() { sinfo --noheader --nodes="$node" --Node --format=%T 2>/dev/null; }
node_is_idle() { [[ $(node_state) == idle ]]; }

start_slurm() {
    mkdir -p "$state/slurmctld" "$state/slurmd"
    write_slurm_conf
    # -i: a state file from an earlier cluster version is not fatal
    slurmctld -i
    slurmd
    wait_for 30 "slurmctld" controller_running
    wait_for 30 "slurmd" test -s "$state/slurmd.pid"
    # a node a killed run left "down" comes back by itself (ReturnToService=2),
    # one that was drained needs telling
    local tries=150
    until node_is_idle; do
        if ((tries % 25 == 0)) && [[ $(node_state) =~ down|drain ]]; then
            scontrol update NodeName="$node" State=RESUME 2>/dev/null || true
        fi
        ((tries-- > 0)) || fail "node $node is '$(node_state)', not idle; see $state/slurmd.log"
        sleep 0.2
    done
    say "slurmctld (pid $(<"$state/slurmctld.pid")) and slurmd (pid $(<"$state/slurmd.pid")) are up; $node is idle"
    cancel_jobs
    [[ $(timeout 60 srun --ntasks=1 hostname -s) == "$node" ]] || fail "srun hostname failed"
    say "srun runs jobs on $node"
}

# copy_repo DEST: the working tree as git sees it (tracked and untracked, not ignored),
# without results/, resources/ or .snakemake/
copy_repo() {
    rm -rf "$1"
    mkdir -p "$1"
    git -C "$repo" ls-files -z --cached --others --exclude-standard |
        tar -C "$repo" --null --files-from=- --ignore-failed-read -cf - 2>/dev/null |
        tar -C "$1" -xf -
}

# write_fixture FOLDER CONFIG: small MNIST-like IDX files in FOLDER (ten noisy
# prototypes), and CONFIG: config/config.yaml with each top-level key of
# tests/cluster/sweep_e2e.yaml replaced, and `mnist` taking the fixture from FOLDER
write_fixture() {
    "$python" - "$1" "$2" "$repo/config/config.yaml" "$repo/tests/cluster/sweep_e2e.yaml" <<'EOF'
import hashlib
import sys
from pathlib import Path

import numpy as np
import yaml

from mnistnn.idx import encode_idx

folder, config_path, base, overrides = map(Path, sys.argv[1:])
folder.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(8)
prototypes = rng.integers(0, 256, size=(10, 28, 28))
sha256 = {}
for split, n in (("train", 600), ("t10k", 200)):
    labels = np.arange(n, dtype=np.uint8) % 10
    noise = rng.integers(-60, 61, size=(n, 28, 28))
    images = np.clip(prototypes[labels] + noise, 0, 255).astype(np.uint8)
    for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
        name = f"{split}-{kind}-ubyte"
        data = encode_idx(array)
        (folder / name).write_bytes(data)
        sha256[name] = hashlib.sha256(data).hexdigest()
config = yaml.safe_load(base.read_text()) | yaml.safe_load(overrides.read_text())
config["mnist"] = {"sources": [str(folder)], "sha256": sha256}
config_path.write_text(yaml.safe_dump(config, sort_keys=False))
EOF
}

# planned_jobs LOG: "rule count" per rule from the job stats of a dry run's log
planned_jobs() {
    awk '/^Job stats:/ { table = 1; next } table && $1 == "total" { exit }
         table && $2 ~ /^[0-9]+$/ { print $1, $2 }' "$1" | sort
}

# local_jobs LOG: "rule count" per rule that a cluster run's log shows as run on this host
local_jobs() {
    sed -nE 's/^localrule ([A-Za-z0-9_]+):$/\1/p' "$1" | sort | uniq -c | awk '{ print $2, $1 }'
}

# slurm_jobs JOBS: "rule count" per rule from "id state comment" lines; the
# executor's job comment is rule_NAME or rule_NAME_wildcards_VALUES
slurm_jobs() {
    awk '{ sub(/^rule_/, "", $3); sub(/_wildcards_.*$/, "", $3); print $3 }' "$1" | sort | uniq -c |
        awk '{ print $2, $1 }'
}

# check_jobs: every job the dry run planned as a cluster job ran as one SLURM job, COMPLETED
check_jobs() {
    local ids planned ran
    ids=$(grep -oE 'submitted with SLURM jobid [0-9]+' "$work/slurm.log" | awk '{ print $NF }' |
        sort -n | paste -sd, -)
    [[ -n $ids ]] || fail "no job was submitted to SLURM"
    squeue --states=all --noheader --jobs="$ids" --format='%i %T %k' | sort -n >"$work/jobs.txt"
    say "SLURM jobs (id, state, comment):"
    sed 's/^/    /' "$work/jobs.txt" >&2
    [[ $(wc -l <"$work/jobs.txt") == $(tr , '\n' <<<"$ids" | wc -l) ]] ||
        fail "squeue knows $(wc -l <"$work/jobs.txt") of the submitted jobs $ids"
    awk '$2 != "COMPLETED" { bad = 1 } END { exit bad }' "$work/jobs.txt" ||
        fail "a SLURM job did not complete"
    # what the dry run planned = what SLURM ran + what ran on this host, rule by rule
    planned=$(planned_jobs "$work/dryrun.log")
    ran=$(cat <(slurm_jobs "$work/jobs.txt") <(local_jobs "$work/slurm.log") |
        awk '{ n[$1] += $2 } END { for (r in n) print r, n[r] }' | sort)
    [[ -n $planned && $ran == "$planned" ]] || fail "jobs per rule differ from the plan:
planned:
$planned
ran (SLURM + local):
$ran"
}

# check_params: the same sweep wrote byte-identical parameter files on SLURM and locally
check_params() {
    local models model file
    models=$(sweep_models "$work/config.yaml")
    [[ -n $models ]] || fail "the sweep of $work/config.yaml has no models"
    (cd "$work/local" && find results -path '*/params/*.txt' | sort) >"$work/params.txt"
    (cd "$work/slurm" && find results -path '*/params/*.txt' | sort) | cmp -s - "$work/params.txt" ||
        fail "the two runs wrote different sets of parameter files"
    for model in $models; do
        for file in weight1 weight2 value1 value2; do
            grep -qx "results/$model/params/$file.txt" "$work/params.txt" ||
                fail "no results/$model/params/$file.txt"
        done
    done
    while read -r file; do
        cmp "$work/local/$file" "$work/slurm/$file" || fail "$file differs between SLURM and local"
    done <"$work/params.txt"
}

# sweep_models CONFIG: the names of the sweep's models, one a line
sweep_models() {
    "$python" -c 'import sys, yaml; from mnistnn.plan import expand_sweep
print(*expand_sweep(yaml.safe_load(open(sys.argv[1]))["sweep"]), sep="\n")' "$1"
}

main() {
    [[ $(id -u) == 0 ]] || fail "run as root: it installs packages and starts daemons"
    install_packages
    mkdir -p "$state"
    trap on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    stop_cluster # whatever a killed run left behind
    start_munge
    start_slurm

    local target=sweep_summary copy
    write_fixture "$work/mnist" "$work/config.yaml"
    for copy in slurm local; do
        copy_repo "$work/$copy"
        cp "$work/config.yaml" "$work/$copy/config/config.yaml"
    done

    say "sweep through SLURM (workflow/profiles/slurm)"
    local started=$SECONDS
    (cd "$work/slurm" && "$python" -m snakemake --dry-run "$target") >"$work/dryrun.log" 2>&1 ||
        run_failed "$work/dryrun.log"
    (cd "$work/slurm" && timeout -s KILL "$run_timeout" "$python" -m snakemake "$target" \
        --workflow-profile workflow/profiles/slurm --executor slurm \
        --slurm-status-command squeue --slurm-init-seconds-before-status-checks 2) \
        >"$work/slurm.log" 2>&1 || run_failed "$work/slurm.log"
    say "SLURM run done in $((SECONDS - started)) s"
    check_jobs

    started=$SECONDS
    (cd "$work/local" && timeout -s KILL "$run_timeout" "$python" -m snakemake "$target" \
        --cores 2) >"$work/local.log" 2>&1 || run_failed "$work/local.log"
    say "local run done in $((SECONDS - started)) s"
    check_params
    say "PASS: $(wc -l <"$work/jobs.txt") SLURM jobs; $(wc -l <"$work/params.txt") parameter files identical to the local run's"
}

main "$@"
