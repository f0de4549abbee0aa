#!/usr/bin/env bash
# test_monitors_mpi.sh - property monitors and MPI ranks (issue 17, item 2;
# docs/properties.md, "Monitors and MPI ranks"): a run with a properties list
# over 2 ranks (hosts on both, the cluster controller on rank 0) is refused
# with exit 2 naming the feature `monitors` and no output file; over 1 rank
# (--mpi) it gives the datasets of a one-process run, violations included.
# Skipped without Open MPI or an MPI build.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/monitors_mpi
source "$src/tests/mpi_lib.sh"

# esx-01 fails at 20m; HA restarts its VMs 16 s later: ha_restart (D = 15 s
# detection + 1 s latency) holds, restart_15s is broken once per VM it ran.
cat >m.cfg <<'CFG'
simulation = { seed = 1; until = "1h"; sample_period = "5m"; threads = 1; lookahead = "1s"; control_latency = "1s"; };
hosts = ( { name = "esx"; count = 3; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = "1GHz"; memory = "64GiB"; } );
vms = ( { name = "web"; count = 5; vcpus = 1; memory = "4GiB"; cpu_demand = { kind = "constant"; mean = "500MHz"; }; } );
ha = { enabled = true; };
failures = { inject = ( { target = "host esx-01"; at = "20m"; duration = "30m"; } ); };
properties = ( { builtin = "ha_restart"; },
  { name = "restart_15s"; formula = "forall vm: G (vm.failed -> F[<=15s] vm.running)"; },
  { name = "headroom"; formula = "forall host: G host.cpu_usage <= \"1GHz\""; } );
CFG
"$vdcsim" run m.cfg -o one.h5 --quiet || fail=1
mpi 2 "$vdcsim" run m.cfg -o two.h5 --quiet --mpi >out2.txt 2>err2.txt
rc=$?
check "2 ranks: refused (exit 2)" test "$rc" -ne 0
check "2 ranks: names the feature monitors" grep -q "feature 'monitors' cannot be spread over MPI ranks" err2.txt
check "2 ranks: no output file" test ! -e two.h5
mpi 1 "$vdcsim" run m.cfg -o r1.h5 --quiet --mpi || fail=1
check "1 rank: datasets identical to one process" "$src/scripts/h5same" -x one.h5 r1.h5
check "1 rank: the violations" "$src/scripts/h5same" one.h5 r1.h5 /tables/violations
check "no scratch file left" test -z "$(ls ./*.rank* 2>/dev/null)"
exit $fail
