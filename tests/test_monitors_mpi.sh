#!/usr/bin/env bash
# test_monitors_mpi.sh - property monitors and MPI ranks (issue 17;
# docs/properties.md, "Monitors and MPI ranks"): properties over hosts,
# clusters, VMs and vmotion.active give, over 2 and 3 ranks (hosts on every
# rank, the cluster controller on rank 0), the datasets of a one-process run,
# /tables/violations and /tables/properties included: each host's monitors
# decide on the rank that runs it and send rank 0 their rows at the end; the
# VMs, which move between hosts of different ranks (an HA restart, DRS
# moves), keep their records and samples on the rank of the host that runs
# them, and rank 0 joins the pieces and checks them with verify's evaluator.
# The VM rows are `vdcsim verify`'s (its --json against the exported table).
# A property over pods is refused over 2 ranks with exit 2 naming it, and
# no output file; over 1 rank (--mpi) a run is one process.
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

# Properties over VMs. By hand: the placement spreads the five VMs over the
# three hosts in turn (web-01 and web-04 on esx-01, web-02 and web-05 on
# esx-02, web-03 on esx-03): two VMs on a host get 1000 of their 1500 MHz,
# ready (1500 - 1000) / 1500 = 1/3. esx-01 fails at 20m: web-01 and web-04
# fail; HA restarts them at 20m16s (detection 15 s + one control latency),
# on esx-03 and esx-02 (other ranks than esx-01's over 3 ranks), so esx-02
# runs three VMs: 2000 / 3 MHz each, ready (1500 - 666.67) / 1500 = 0.555556
# from its 25m sample until DRS, after the repair at 50m, moves web-01 and
# web-02 to esx-01 at 50m2s (the 55m sample: two VMs a host again).
#  - ha_restart (F[<=16s]) holds; restart_15s is broken at 20m15s by web-01
#    and web-04, obligation 20m (restarted at 20m16s);
#  - ready_half, G (vm.running -> vm.cpu_ready < 0.5): broken at 25m by
#    web-02, web-04 and web-05, vm.cpu_ready=0.555556;
#  - ready_back, G (vm.cpu_ready > 0.5 -> F[<=10m] vm.cpu_ready < 0.5): ready
#    > 0.5 on [25m, 55m), so the obligation is met only from 45m on: broken at
#    35m (obligation 25m) by the same three;
#  - moving_runs, G (vmotion.active -> vm.running): holds (a vMotion keeps
#    the VM running); moving_ready, G (vmotion.active -> vm.cpu_ready < 0.3):
#    broken at 50m2s by web-01 (1/3 on esx-03) and web-02 (0.555556).
{ cat base.cfg; cat <<'CFG'
properties = ( { builtin = "ha_restart"; },
  { name = "restart_15s"; formula = "forall vm: G (vm.failed -> F[<=15s] vm.running)"; },
  { name = "ready_half"; formula = "forall vm: G (vm.running -> vm.cpu_ready < 0.5)"; },
  { name = "ready_back"; formula = "forall vm: G (vm.cpu_ready > 0.5 -> F[<=10m] vm.cpu_ready < 0.5)"; },
  { name = "moving_runs"; formula = "forall vm: G (vmotion.active -> vm.running)"; },
  { name = "moving_ready"; formula = "forall vm: G (vmotion.active -> vm.cpu_ready < 0.3)"; },
  { name = "never"; formula = "forall vm: G !vmotion.active"; } );
CFG
} >vm.cfg
"$vdcsim" run vm.cfg -o vm-one.h5 --quiet || fail=1
for n in 1 2 3; do
  mpi $n "$vdcsim" run vm.cfg -o vm-r$n.h5 --quiet --mpi || fail=1
  check "VMs, $n ranks: datasets identical to one process" "$src/scripts/h5same" -x vm-one.h5 vm-r$n.h5
  check "VMs, $n ranks: the violations" "$src/scripts/h5same" vm-one.h5 vm-r$n.h5 /tables/violations
  check "VMs, $n ranks: the counts" "$src/scripts/h5same" vm-one.h5 vm-r$n.h5 /tables/properties
done
"$vdcsim" verify vm-r3.h5 vm.cfg >vm-verify.txt || fail=1
check "verify: ha_restart holds" grep -q "^ha_restart: PASS" vm-verify.txt
check "verify: restart_15s broken by web-01 and web-04 at 20m15s" test "$(grep -c "^  at 1215s (1215000000000 ns) web-0[14], obligation from 20m: vm.failed=true, vm.running=false" vm-verify.txt)" -eq 2
check "verify: ready_half broken at 25m by web-02, web-04, web-05" test "$(grep -c "^  at 25m (1500000000000 ns) web-0[245]: vm.running=true, vm.cpu_ready=0.555556" vm-verify.txt)" -eq 3
check "verify: ready_back broken at 35m" test "$(grep -c "^  at 35m (2100000000000 ns) web-0[245], obligation from 25m: vm.cpu_ready=0.555556" vm-verify.txt)" -eq 3
check "verify: moving_runs holds" grep -q "^moving_runs: PASS" vm-verify.txt
check "verify: moving_ready broken at 50m2s" test "$(grep -c "^  at 3002s (3002000000000 ns) web-0[12]: vmotion.active=true" vm-verify.txt)" -ge 2
# every row and count of the 3-rank run's tables is verify's (each property
# has at most five violations: --json lists them all)
if command -v python3 >/dev/null; then
  "$vdcsim" verify vm-r3.h5 vm.cfg --json >vm-verify.json || fail=1
  "$vdcsim" export vm-r3.h5 --csv vm-csv >/dev/null || fail=1
  check "VMs, 3 ranks: the tables' rows are verify's" python3 - vm-verify.json vm-csv/tables <<'PY'
import csv, json, sys
props = json.load(open(sys.argv[1]))["properties"]
rows = list(csv.DictReader(open(sys.argv[2] + "/violations.csv")))
counts = {r["name"]: r for r in csv.DictReader(open(sys.argv[2] + "/properties.csv"))}
ok = len(counts) == len(props) == 7
for p in props:
    c = counts[p["name"]]
    ok &= [int(c["entities"]), int(c["violations"]), int(c["pending"])] == [p["entities"], p["violations"], p["pending"]]
    mine = [[int(r["time_ns"]), int(r["obligation_start_ns"]), r["entity"], r["witness"]] for r in rows if r["property"] == p["name"]]
    theirs = [[v["time_ns"], v["obligation_ns"], v["entity"], v["witness"]] for v in p["first"]]
    ok &= p["violations"] <= 5 and mine == theirs
sys.exit(0 if ok else 1)
PY
fi

# a property over pods: refused over 2 ranks
{ cat base.cfg; echo 'properties = ( { name = "pods_up"; formula = "forall pod: G pod.running"; } );'; } >pod.cfg
mpi 2 "$vdcsim" run pod.cfg -o two.h5 --quiet --mpi >out2.txt 2>err2.txt
rc=$?
check "2 ranks, pod property: refused (exit 2)" test "$rc" -eq 2
check "2 ranks, pod property: names it" grep -q "feature 'monitors of properties over pods (property 'pods_up')' cannot be spread over MPI ranks" err2.txt
check "2 ranks, pod property: no output file" test ! -e two.h5
check "no scratch file left" test -z "$(ls ./*.rank* 2>/dev/null)"
exit $fail
