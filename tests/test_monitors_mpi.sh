#!/usr/bin/env bash
# test_monitors_mpi.sh - property monitors and MPI ranks (issue 17;
# docs/properties.md, "Monitors and MPI ranks"): properties over hosts,
# clusters and vmotion.active alone give, over 2 and 3 ranks (hosts on every
# rank, the cluster controller on rank 0), the datasets of a one-process run,
# /tables/violations and /tables/properties included: each host's monitors
# decide on the rank that runs it and send rank 0 their rows at the end. A
# property over VMs (whose monitors move with them from host to host, also
# to another rank) is refused over 2 ranks with exit 2 naming it, and no
# output file; over 1 rank (--mpi) it runs as one process.
# Skipped without Open MPI or an MPI build.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/monitors_mpi
source "$src/tests/mpi_lib.sh"

# Three hosts of 2 x 1 GHz, five VMs of 2 vCPUs demanding 1500 MHz: two VMs
# on a host contend (3000 > 2000 MHz, 1000 each), so a host breaks `unfair`
# (share error 0 is not < 0) at the samples it holds two VMs (the VMs start
# at 1 s: none at the 0 sample; the share error stays 0, so no pair is
# named: the allocation is fair by construction, docs/properties.md); esx-01 fails at 20m for 30m (HA restarts its VMs,
# the hosts left are overcommitted: headroom breaks), DRS moves VMs back
# after the repair (`never`: vmotion.active, monitored in the controller on
# rank 0). The violations come from hosts on every rank.
cat >base.cfg <<'CFG'
simulation = { seed = 1; until = "1h"; sample_period = "5m"; threads = 1; lookahead = "1s"; control_latency = "1s"; };
output = { per_vm_series = true; };
hosts = ( { name = "esx"; count = 3; sockets = 1; cores_per_socket = 2; threads_per_core = 1; cpu = "1GHz"; memory = "64GiB"; } );
vms = ( { name = "web"; count = 5; vcpus = 2; memory = "4GiB"; cpu_demand = { kind = "constant"; mean = "1500MHz"; }; } );
ha = { enabled = true; };
drs = { enabled = true; period = "10m"; threshold = 3; };
failures = { inject = ( { target = "host esx-01"; at = "20m"; duration = "30m"; } ); };
CFG
{ cat base.cfg; cat <<'CFG'
properties = ( { name = "headroom"; formula = "forall host: G host.cpu_usage <= \"1500MHz\""; },
  { name = "repair"; formula = "forall host: G (host.failed -> F[<=29m] host.up)"; },
  { builtin = "cpu_fairness"; },
  { name = "unfair"; formula = "forall host: G (host.cpu_share_error < 0 || host.vms_running < 2)"; },
  { builtin = "ha_admission"; },
  { name = "never"; formula = "forall vm: G !vmotion.active"; } );
CFG
} >m.cfg
"$vdcsim" run m.cfg -o one.h5 --quiet || fail=1
for n in 2 3; do
  mpi $n "$vdcsim" run m.cfg -o r$n.h5 --quiet --mpi || fail=1
  check "$n ranks: datasets identical to one process" "$src/scripts/h5same" -x one.h5 r$n.h5
  check "$n ranks: the violations" "$src/scripts/h5same" one.h5 r$n.h5 /tables/violations
  check "$n ranks: the counts" "$src/scripts/h5same" one.h5 r$n.h5 /tables/properties
done
# the rows themselves are verify's (checked here on the one-process run)
"$vdcsim" verify one.h5 m.cfg >verify.txt || fail=1
check "verify: headroom broken on esx-01, esx-02, esx-03" test "$(grep -c "^  at .* esx-0[123]: host.cpu_usage=2000 MHz" verify.txt)" -ge 3
check "verify: unfair broken at 5m" grep -qx "  at 5m (300000000000 ns) esx-01: host.cpu_share_error=0, host.vms_running=2" verify.txt
check "verify: repair broken on esx-01" grep -q "esx-01, obligation from 20m: host.failed=true, host.up=false" verify.txt
check "verify: a migration" grep -q "^never: FAIL" verify.txt

# a property over VMs: refused over 2 ranks, fine over 1
{ cat base.cfg; echo 'properties = ( { builtin = "ha_restart"; } );'; } >vm.cfg
mpi 2 "$vdcsim" run vm.cfg -o two.h5 --quiet --mpi >out2.txt 2>err2.txt
rc=$?
check "2 ranks, VM property: refused (exit 2)" test "$rc" -eq 2
check "2 ranks, VM property: names it" grep -q "feature 'monitors of properties over VMs (property 'ha_restart')' cannot be spread over MPI ranks" err2.txt
check "2 ranks, VM property: no output file" test ! -e two.h5
"$vdcsim" run vm.cfg -o vm-one.h5 --quiet || fail=1
mpi 1 "$vdcsim" run vm.cfg -o vm-r1.h5 --quiet --mpi || fail=1
check "1 rank: datasets identical to one process" "$src/scripts/h5same" -x vm-one.h5 vm-r1.h5
check "no scratch file left" test -z "$(ls ./*.rank* 2>/dev/null)"
exit $fail
