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
#   run) reports the same result; vmotion.active with vm.running is still refused in a run
#   (exit 2 naming the key and `vdcsim verify`).
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
# vmotion.active with a VM state: refused, with a pointer to verify
{ cat ha.cfg; echo 'properties = ( { name = "m"; formula = "forall vm: G (vm.running -> !vmotion.active)"; } );'; } >mig-run.cfg
expect_status 2 "run refuses vmotion.active with vm.running" "$vdcsim" run mig-run.cfg --quiet
expect_err "mig-run.cfg:7: key 'properties.[0].formula'" "names file, line and key"
expect_err "vdcsim verify" "points to verify"
cli_end
