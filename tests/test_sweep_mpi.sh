#!/usr/bin/env bash
# test_sweep_mpi.sh - `mpirun -n 3 vdcsim sweep` (rank 0 leads, 2 workers)
# gives the same tables, run for run, as the local mode with --jobs 2:
# cells.csv byte-identical, runs.csv identical but for wall_time_s; every
# run's .h5 and .log land in rank 0's directory; a failing run is recorded
# with its exit status and message as locally; a run removed after the sweep
# is the only one run again by the next start. Skipped (77) when mpirun
# (Open MPI) is missing or vdcsim was built without MPI.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/sweep_mpi
if ! command -v mpirun >/dev/null 2>&1 || ! mpirun --version 2>&1 | grep -q "Open MPI"; then
  echo "SKIP: mpirun (Open MPI) is not installed (Debian: openmpi-bin libopenmpi-dev)"; exit 77
fi
if ! "$vdcsim" --modules 2>/dev/null | grep -q '^vdcsim_mpi .*\.so$'; then
  echo "SKIP: vdcsim was built without MPI (install libopenmpi-dev and configure again)"; exit 77
fi
source "$src/tests/cli_lib.sh"
cli_begin

# Open MPI refuses root unless told; oversubscribe: 3 ranks on any core count.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Workers run in private directories under TMPDIR and remove them at the end.
mkdir -p tmp && export TMPDIR=$PWD/tmp
# Sanitizer build: LeakSanitizer reports Open MPI 4.1's start-up allocations
# in every rank, in frames of components unloaded at MPI_Finalize that a
# suppression by library name does not match; so leak checks are off under
# mpirun only. The local sweep below runs the same runs with them on.
mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" mpirun --oversubscribe -n 3 "$vdcsim" "$@"; }

cat >e.cfg <<EOF
scenario = "$src/scenarios/quickstart.cfg";
replications = 3;
seed = 11;
set = [ "simulation.until=2h", "simulation.sample_period=10m", "drs.enabled=false" ];
factors = ( { key = "hosts.[0].count"; values = [ 4, 6 ]; } );
metrics = [ "energy_kwh", "cpu_usage_host_mean_pct", "migrations_per_hour" ];
EOF
# runs.csv: every column but wall_time_s (7).
drop_wall() { awk -F, -v OFS=, '{ $7 = ""; print }' "$1"; }

expect_status 0 "local sweep --jobs 2" "$vdcsim" sweep e.cfg --jobs 2 -o local --quiet
expect_status 0 "mpirun -n 3 sweep" mpi sweep e.cfg -o mpi
expect_err "6 to do, over 2 MPI workers" "rank 0 hands the runs to 2 workers"
[ "$(grep -c '^sweep: wrote' out.txt)" -eq 1 ] && ok || bad "only rank 0 writes the tables: $(cat out.txt)"
[ -s mpi/cells.csv ] && cmp -s local/cells.csv mpi/cells.csv && ok || bad "cells.csv differs from --jobs 2"
[ "$(wc -l <mpi/runs.csv)" -eq 7 ] && [ "$(drop_wall local/runs.csv)" = "$(drop_wall mpi/runs.csv)" ] && ok \
  || bad "runs.csv differs from --jobs 2"
[ "$(ls mpi/runs)" = "$(ls local/runs)" ] && [ "$(ls mpi/runs | grep -c '^run-.*\.h5$')" -eq 6 ] && ok \
  || bad "every run's files in rank 0's directory, as locally: $(ls mpi/runs)"
# The summaries differ only in the wall time, the speed and the file's name.
summary() { grep -v -e '^  time ' -e '^  events ' -e '^  file ' "$1"; }
[ "$(summary mpi/runs/run-0-2.h5.summary.txt)" = "$(summary local/runs/run-0-2.h5.summary.txt)" ] && ok \
  || bad "run-0-2.h5.summary.txt differs from the local run's"
[ -z "$(ls tmp)" ] && ok || bad "workers left their directories: $(ls tmp)"
ls mpi/runs | grep -q partial && bad "partial files left" || ok
# The run file sent back is the run itself: its overrides (but output.path,
# a worker's temporary file) and its series equal the locally run file's.
overrides() { h5dump -a scenario_text "$1" | grep -o -- '# --set [^"]*' | grep -v output.path; }
overrides mpi/runs/run-1-2.h5 >a.txt 2>/dev/null
overrides local/runs/run-1-2.h5 >b.txt 2>/dev/null
grep -q "simulation.seed=" a.txt && cmp -s a.txt b.txt && ok || bad "run-1-2.h5 overrides differ"
same mpi/runs/run-1-2.h5 local/runs/run-1-2.h5 /series && ok || bad "run-1-2.h5 /series differs"

# --- resuming: only the missing run is run again ---------------------------------
rm mpi/runs/run-0-1.h5
expect_status 0 "resumed mpirun sweep" mpi sweep e.cfg -o mpi
expect_err "1 to do, over 2 MPI workers" "only the missing run is handed out"
cmp -s local/cells.csv mpi/cells.csv && ok || bad "resumed cells.csv differs"

# --- a failed run is recorded as locally (exit 2 from `vdcsim run`) ------------------
cat >fail.cfg <<EOF
scenario = "$src/scenarios/quickstart.cfg";
set = [ "simulation.until=1h", "drs.enabled=false" ];
factors = ( { key = "failures.trace.file"; values = [ "", "$work/no-such-trace.csv" ]; } );
metrics = [ "energy_kwh" ];
EOF
expect_status 1 "local sweep with a failing run" "$vdcsim" sweep fail.cfg -o lfail --quiet
expect_status 1 "mpirun sweep with a failing run" mpi sweep fail.cfg -o mfail --quiet
awk -F, '$1 == 1 && $6 == 2 && $8 ~ /no-such-trace.csv/ && $9 == "" { found = 1 } END { exit !found }' \
  mfail/runs.csv && ok || bad "failed run recorded with exit status 2, its message and no value"
[ "$(drop_wall lfail/runs.csv)" = "$(drop_wall mfail/runs.csv)" ] && cmp -s lfail/cells.csv mfail/cells.csv && ok \
  || bad "failed sweep's tables differ from the local mode's"
# --- under mpirun, an MPI build whose MPI module cannot be loaded stops -----------
# A copy of the program outside its build tree finds no module (it looks in
# <its dir>/../lib/vdcsim): the ranks must say so and stop, not run 3 local
# sweeps that write the same outputs.
# (outside the build tree: this test's directory is inside it)
copy=$(mktemp -d /tmp/vdcsim-copy.XXXXXX) || exit 1
trap 'rm -rf "$copy"' EXIT
mkdir -p "$copy/bin" && cp "$vdcsim" "$copy/bin/vdcsim" || exit 1
"$copy/bin/vdcsim" --modules >mods.txt 2>&1
grep -q "^vdcsim_mpi  *module vdcsim_mpi.so not found (looked for $copy/bin/../lib/vdcsim/vdcsim_mpi.so)" mods.txt \
  && ok || bad "--modules of the copy: $(head -1 mods.txt)"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  mpirun --oversubscribe -n 2 "$copy/bin/vdcsim" sweep e.cfg -o nompi --quiet >out.txt 2>err.txt
[ $? -ne 0 ] && ok || bad "mpirun sweep without the MPI module exited 0"
grep -q "started by mpirun, but MPI cannot start: module vdcsim_mpi.so not found" err.txt && ok \
  || bad "the ranks say why: $(head -3 err.txt)"
[ ! -e nompi/runs.csv ] && ok || bad "a rank ran the sweep locally"

cli_end
