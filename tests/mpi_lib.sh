# mpi_lib.sh - sourced by the MPI tests (test_*_mpi.sh) after they set
# $vdcsim and $work. Skips (exit 77) without Open MPI or an MPI build,
# enters a fresh $work, and defines:
#   mpi N CMD...     CMD under `mpirun --oversubscribe -n N` (3 ranks on any
#                    core count); Open MPI refuses root unless told, and the
#                    sanitizer build's leak checks are off under mpirun only
#                    (Open MPI's start-up allocations look like leaks);
#   check WHAT CMD...  prints ok/FAIL and sets fail=1 when CMD fails.
if ! command -v mpirun >/dev/null 2>&1 || ! mpirun --version 2>&1 | grep -q "Open MPI"; then
  echo "SKIP: mpirun (Open MPI) is not installed (Debian: openmpi-bin libopenmpi-dev)"; exit 77
fi
if ! "$vdcsim" --modules 2>/dev/null | grep -q '^vdcsim_mpi .*\.so$'; then
  echo "SKIP: vdcsim was built without MPI (install libopenmpi-dev and configure again)"; exit 77
fi
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# every MPI test runs the shared records' check mode: a write to a sim_share
# record without its sim_share_touch stops the run naming the record
export VDCSIM_SHARE_CHECK=1
mpi() { local n=$1; shift; ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" mpirun --oversubscribe -n "$n" "$@"; }
fail=0
check() { local what=$1; shift; if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi; }
