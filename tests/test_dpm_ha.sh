#!/usr/bin/env bash
# test_dpm_ha.sh - DPM and HA (docs/vsphere.md, "6. DPM"): DPM keeps the
# hosts HA's admission control needs powered on, keeps two hosts on when
# admission control is disabled, and a power-on that no host and no
# migration can take wakes a standby host (vSphere HA Deepdive, "DPM and
# HA"; vSphere 7.0 Resource Management, "Admission Control").
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
# Every scenario: hosts of 1 socket x 8 cores at 2 GHz and 64 GiB, first
# fit, DRS at threshold 1 (no load balancing), DPM with its band 0.45 ..
# 0.81 (middle 0.63), passes at 302, 602, 902 s, ... (the stats of the
# 5-minute samples, 2 control latencies later).
#
# 1. HA's failover capacity. Four hosts; a and b (40 GiB reserved each; a
#    on esx-01, b does not fit next to it: esx-02). HA percentage policy
#    (1 / hosts up), no per-VM overhead. U (memory) = 80 / 256 = 0.31:
#    302 s: esx-04 (empty, ties to the highest index); without it U =
#      80 / 192 = 0.42 < 0.63; HA on the 3 hosts left: (192 - 80) / 192 =
#      58 % free >= 1/3 reserved: standby.
#    602 s: U = 0.42 < 0.45; esx-03: U after = 80 / 128 = 0.625 < 0.63,
#      but HA on 2 hosts: 48 / 128 = 37.5 % free < 50 %: kept on; esx-02
#      and esx-01 the same: one host in standby for the run.
#    With ha.admission_control = "disabled" esx-03 goes at 602 s too (two
#    hosts left on), with HA off as well.
# 2. Two hosts stay on. Three hosts, two 1 GiB VMs on esx-01. Without HA,
#    esx-03 at 302 s and esx-02 at 602 s (one host left); with HA whose
#    admission control is disabled, esx-02 stays on.
# 3. Waking a host for a power-on. Three hosts, HA off; low (48 GiB
#    reserved, 8 vCPUs demanding 14 GHz) on esx-01. DPM's U is CPU here:
#    a host schedules 8 x 2 GHz x 1.2 (hyperthreads) = 19.2 GHz. 302 s:
#    U = 14 / 57.6 = 0.24; esx-03 leaves 14 / 38.4 = 0.36 < 0.63: standby.
#    602 s: U = 0.36 < 0.45, but esx-02 would leave 14 / 19.2 = 0.73 >=
#    0.63: kept. At 1 h two 48 GiB VMs
#    power on: big 1 goes to esx-02; big 2 fits on no host that is on (16
#    GiB free on each) and no migration frees one (low fits nowhere else):
#    esx-03 is told to boot at 3600 s (dpm_power_on, a = 1, value = the
#    VM, 2), boots for dpm.boot_delay (4 min) after the message's latency
#    (1 s), and the controller hears it 1 s later: big 2 placed on host 2 at
#    3600 + 1 + 240 + 1 = 3842 s. With drs.prerequisite_moves = false it is
#    refused at 3600 s.
set -u
vdcsim=$1; src=$2; work=$3/dpm_ha
source "$src/tests/cli_lib.sh"
cli_begin

common='simulation = { seed = 1; until = "2h"; control_latency = "1s"; sample_period = "5m"; };
placement = { policy = "first_fit"; };
drs = { enabled = true; threshold = 1; };
dpm = { enabled = true; boot_delay = "4m"; };'
host() { echo "hosts = ( { name = \"esx\"; count = $1; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );"; }
# standby events as "time_s:host ..."
standby() { awk -F, '$2 == "dpm_standby" { printf "%d:%s ", $1 / 1e9, $3 }' "$1/events.csv"; }
run() { # NAME CFG [--set ...]: runs and exports to NAME/
  local name=$1 cfg=$2; shift 2
  expect_status 0 "run $name" "$vdcsim" run "$cfg" --quiet -o "$name.h5" "$@"
  expect_status 0 "export $name" "$vdcsim" export "$name.h5" --csv "$name"
}

{ echo "$common"; host 4
  cat <<'EOF'
vms = ( { name = "a"; count = 2; vcpus = 1; memory = "40GiB"; memory_reservation = "40GiB";
          cpu_demand = { kind = "constant"; mean = "400MHz"; }; } );
ha = { enabled = true; memory_overhead = "0B"; };
EOF
} >failover.cfg
run fc failover.cfg
[ "$(standby fc)" = "302:3 " ] && ok || bad "HA percentage policy: standby '$(standby fc)', want '302:3 '"
run fd failover.cfg --set 'ha.admission_control="disabled"'
[ "$(standby fd)" = "302:3 602:2 " ] && ok || bad "HA admission disabled: standby '$(standby fd)', want '302:3 602:2 '"
run fn failover.cfg --set ha.enabled=false
[ "$(standby fn)" = "302:3 602:2 " ] && ok || bad "no HA: standby '$(standby fn)', want '302:3 602:2 '"

{ echo "$common"; host 3
  cat <<'EOF'
vms = ( { name = "s"; count = 2; vcpus = 1; memory = "1GiB"; cpu_demand = { kind = "constant"; mean = "400MHz"; }; } );
EOF
} >two.cfg
run tn two.cfg
[ "$(standby tn)" = "302:2 602:1 " ] && ok || bad "no HA: standby '$(standby tn)', want '302:2 602:1 '"
run td two.cfg --set ha.enabled=true --set 'ha.admission_control="disabled"'
[ "$(standby td)" = "302:2 " ] && ok || bad "HA admission disabled: standby '$(standby td)', want '302:2 ' (two hosts on)"

{ echo "$common"; host 3
  cat <<'EOF'
vms = (
  { name = "low"; count = 1; vcpus = 8; memory = "48GiB"; memory_reservation = "48GiB";
    cpu_demand = { kind = "constant"; mean = "14GHz"; }; },
  { name = "big"; count = 2; vcpus = 1; memory = "48GiB"; memory_reservation = "48GiB"; start = "1h";
    cpu_demand = { kind = "constant"; mean = "400MHz"; }; }
);
EOF
} >wake.cfg
run wk wake.cfg
[ "$(standby wk)" = "302:2 " ] && ok || bad "wake: standby '$(standby wk)', want '302:2 '"
woke=$(awk -F, '$2 == "dpm_power_on" { printf "%s %s %s %s; ", $1, $3, $4, $6 }' wk/events.csv)
[ "$woke" = "3600000000000 2 1 2; " ] && ok || bad "wake: dpm_power_on '$woke'"
placed=$(awk -F, '$2 == "vm_placed" { printf "%d:%s:%s ", $1 / 1e9, $3, $4 }' wk/events.csv)
[ "$placed" = "0:0:0 3600:1:1 3842:2:2 " ] && ok || bad "wake: placed '$placed' (time_s:vm:host)"
[ "$(awk 'END { print NR }' wk/tables/vmotions.csv)" = 1 ] && ok || bad "wake: a vMotion ran"
run wo wake.cfg --set drs.prerequisite_moves=false
refused=$(awk -F, '$2 == "vm_placement_failed" { print $1, $3 }' wo/events.csv)
[ "$refused" = "3600000000000 2" ] && ok || bad "without prerequisite actions: refused '$refused'"
[ -z "$(awk -F, '$2 == "dpm_power_on"' wo/events.csv)" ] && ok || bad "without prerequisite actions a host was woken"
cli_end
