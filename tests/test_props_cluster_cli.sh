#!/usr/bin/env bash
# test_props_cluster_cli.sh - the cluster built-ins (docs/properties.md,
# ha_admission and drs_convergence) end to end with `vdcsim verify`, and the
# run refusing them (verify only).
#
# ha: two hosts, HA on (percentage policy, failover_level 1: the default),
#   two 500 MHz VMs; esx-01 fails at 20m for 30m (injected). The controller
#   sees a change one control latency (1 s) after it, so the 20m and 50m
#   samples of hosts_up still hold the old value and the 25m and 55m ones
#   the new. While both hosts are up, one of them holds both VMs with room
#   to spare, so the failover capacity is at least 1 = failover_level:
#   ha_admission holds. DRS is off: a cluster without DRS has no
#   disturbance (cluster.hosts_changed is never true), so drs_convergence
#   and no_change hold. With drs.enabled the same run has the two
#   disturbances: no_change breaks at 25m (2 -> 1) and 55m (1 -> 2).
#   The run with the same properties in its own list (monitors during the
#   run) reports the same result. vmotion.active joined with vm.running is
#   checked in the run too (at its end, docs/properties.md "vmotion.active
#   during a run"): in ha.cfg no VM migrates (no DRS); first fit puts both
#   VMs on esx-01, running from 1 s, down at 20m, restarted by HA at 20m16s
#   (15 s detection + 1 s): `G (!vmotion.active -> !vm.running)` is broken
#   by each VM at 1 s and at 20m16s: 4 violations, the same in verify, and
#   --fail-on-violation exits 1; `G (vm.running -> !vmotion.active)` holds.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/props_cluster_cli
source "$src/tests/cli_lib.sh"
cli_begin

cat >ha.cfg <<'CFG'
simulation = { seed = 1; until = "2h"; sample_period = "5m"; threads = 1; lookahead = "1s"; control_latency = "1s"; };
output = { path = "ha.h5"; };
hosts = ( { name = "esx"; count = 2; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = "1GHz"; memory = "64GiB"; } );
vms = ( { name = "web"; count = 2; vcpus = 1; memory = "4GiB"; cpu_demand = { kind = "constant"; mean = "500MHz"; }; } );
ha = { enabled = true; };
failures = { inject = ( { target = "host esx-01"; at = "20m"; duration = "30m"; } ); };
CFG
cat >props.cfg <<'CFG'
properties = (
  { builtin = "ha_admission"; },
  { builtin = "drs_convergence"; },
  { name = "no_change"; formula = "forall cluster: G !cluster.hosts_changed"; }
);
CFG
expect_status 0 "run ha" "$vdcsim" run ha.cfg --quiet
expect_status 0 "verify ha" "$vdcsim" verify ha.h5 props.cfg
cp out.txt ha.txt
grep -qx "ha_admission: PASS (0 violations, 0 pending, 1 entity)" ha.txt && ok || bad "ha_admission holds"
grep -qx "drs_convergence: PASS (0 violations, 0 pending, 1 entity)" ha.txt && ok || bad "drs_convergence holds"
grep -qx "no_change: PASS (0 violations, 0 pending, 1 entity)" ha.txt && ok || bad "no disturbance without DRS"

sed -e 's/ha.h5/drs.h5/' ha.cfg >drs.cfg
echo 'drs = { enabled = true; };' >>drs.cfg
expect_status 0 "run drs" "$vdcsim" run drs.cfg --quiet
expect_status 0 "verify drs" "$vdcsim" verify drs.h5 props.cfg
cp out.txt drs.txt
grep -qx "no_change: FAIL (2 violations, 0 pending, 1 entity)" drs.txt && ok || bad "two disturbances"
grep -qx "  at 25m (1500000000000 ns) cluster: cluster.hosts_changed=true" drs.txt && ok || bad "failure seen at 25m"
grep -qx "  at 55m (3300000000000 ns) cluster: cluster.hosts_changed=true" drs.txt && ok || bad "repair seen at 55m"

# in the run: monitored, the same result as verify
{ cat drs.cfg; cat props.cfg; } >drs-run.cfg
sed -i -e 's/drs.h5/drs-run.h5/' drs-run.cfg
expect_status 0 "run with the cluster built-ins" "$vdcsim" run drs-run.cfg
grep -q "ha_admission: PASS, 0 violations, 0 pending, 1 entit" out.txt && ok || bad "run summary: ha_admission holds"
grep -q "no_change: FAIL, 2 violations, 0 pending, 1 entit" out.txt && ok || bad "run summary: two disturbances"
# vmotion.active with a VM state: checked in the run, as verify checks it
cat >mig-props.cfg <<'CFG'
properties = (
  { name = "m"; formula = "forall vm: G (vm.running -> !vmotion.active)"; },
  { name = "idle_stopped"; formula = "forall vm: G (!vmotion.active -> !vm.running)"; }
);
CFG
{ sed -e 's/ha.h5/mig.h5/' ha.cfg; cat mig-props.cfg; } >mig-run.cfg
expect_status 1 "run with vmotion.active and vm.running, --fail-on-violation" "$vdcsim" run mig-run.cfg --fail-on-violation
grep -q "m: PASS, 0 violations, 0 pending, 2 entit" out.txt && ok || bad "run summary: m holds"
grep -q "idle_stopped: FAIL, 4 violations, 0 pending, 2 entit" out.txt && ok || bad "run summary: idle_stopped, 4"
expect_status 1 "verify the same" "$vdcsim" verify mig.h5 mig-props.cfg --fail-on-violation
grep -qx "m: PASS (0 violations, 0 pending, 2 entities)" out.txt && ok || bad "verify: m holds"
grep -qx "idle_stopped: FAIL (4 violations, 0 pending, 2 entities)" out.txt && ok || bad "verify: idle_stopped, 4"
grep -qx "  at 1s (1000000000 ns) web-01: vmotion.active=false, vm.running=true" out.txt && ok || bad "verify: web-01 at 1 s"
grep -qx "  at 1216s (1216000000000 ns) web-01: vmotion.active=false, vm.running=true" out.txt && ok || bad "verify: web-01 at 20m16s"
cli_end
