#!/usr/bin/env bash
# test_ha_defrag.sh - vSphere HA asks DRS to defragment when a failed VM's
# reservation fits in the cluster but on no single host (ha.defragment,
# docs/ha.md "Defragmentation").
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
# Three hosts of 64 GiB, first-fit placement, every VM reserving its whole
# memory, DRS at threshold 1 (no load balancing), HA without admission
# control. In VM order: big (32 GiB, VM 0) and four 8 GiB VMs that HA never
# restarts (VMs 1-4) fill esx-01 (64); m1 (32, VM 5) goes to esx-02; m2
# (40, VM 6) does not fit next to it (32 free) and goes to esx-03; s (8,
# VM 7) fits on esx-02: esx-02 holds 40 and esx-03 40, 24 GiB free each.
# esx-01 fails at 1 h for good. HA tries big at 3600 + 15 s (detection):
# no host has 32 GiB free.
#  - ha.defragment = true: DRS frees esx-02 by moving s (its move alone
#    leaves 32 free, and it is esx-02's smaller VM) to esx-03 (24 free);
#    esx-03 cannot be freed (m2 fits nowhere). One vMotion, reason
#    ha_defrag, VM 7 from host 1 to host 2, requested at 3615 s; the first
#    retry, 120 s later (ha.restart_retry_interval), restarts big on host 1
#    at 3735 s. Down at the end: the four never restarted.
#  - false: no vMotion; big fails its 5 attempts (3615, 3735, 3975, 4455,
#    5415 s: 2, 4, 8, 16 min apart) and stays down: 5 down at the end.
set -u
vdcsim=$1; src=$2; work=$3/ha_defrag
source "$src/tests/cli_lib.sh"
cli_begin

cat >d.cfg <<'EOF'
simulation = { seed = 1; until = "2h"; control_latency = "1s"; sample_period = "5m"; };
output = { path = "d.h5"; };
hosts = ( { name = "esx"; count = 3; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; } );
vms = (
  { name = "big"; count = 1; vcpus = 2; memory = "32GiB"; memory_reservation = "32GiB";
    cpu_demand = { kind = "constant"; mean = "500MHz"; }; },
  { name = "kept"; count = 4; vcpus = 1; memory = "8GiB"; memory_reservation = "8GiB"; restart_priority = "disabled";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "m1"; count = 1; vcpus = 1; memory = "32GiB"; memory_reservation = "32GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "m2"; count = 1; vcpus = 1; memory = "40GiB"; memory_reservation = "40GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "s"; count = 1; vcpus = 1; memory = "8GiB"; memory_reservation = "8GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; }
);
placement = { policy = "first_fit"; };
drs = { enabled = true; threshold = 1; };
ha = { enabled = true; admission_control = "disabled"; };
failures = { inject = ( { target = "host esx-01"; at = "1h"; duration = "1000h"; } ); };
EOF

for defrag in true false; do
  expect_status 0 "run, ha.defragment=$defrag" "$vdcsim" run d.cfg --quiet --set ha.defragment=$defrag -o d-$defrag.h5
  expect_status 0 "export, ha.defragment=$defrag" "$vdcsim" export d-$defrag.h5 --csv ex-$defrag
done

placed=$(awk -F, '$2 == "vm_placed" { printf "%s:%s ", $3, $4 }' ex-true/events.csv)
[ "$placed" = "0:0 1:0 2:0 3:0 4:0 5:1 6:2 7:1 " ] && ok || bad "first fit placed: $placed"

moves=$(awk -F, 'NR > 1 { print $1, $2, $3, $4, $5 }' ex-true/tables/vmotions.csv)
[ "$moves" = "7 ha_defrag 1 2 3615000000000" ] && ok || bad "defragmentation moves: '$moves'"
restart=$(awk -F, '$2 == "vm_restarted" { print $1, $3, $4 }' ex-true/events.csv)
[ "$restart" = "3735000000000 0 1" ] && ok || bad "big restarted: '$restart'"
grep -q "4 VMs down at the end" d-true.h5.summary.txt && ok || bad "with defragmentation: $(grep downtime d-true.h5.summary.txt)"

[ "$(awk 'END { print NR }' ex-false/tables/vmotions.csv)" = 1 ] && ok || bad "without defragmentation a vMotion ran"
attempts=$(awk -F, '$2 == "vm_restart_failed" { printf "%d ", $1 / 1e9 }' ex-false/events.csv)
[ "$attempts" = "3615 3735 3975 4455 5415 " ] && ok || bad "without defragmentation, failed attempts at: $attempts"
grep -q "5 VMs down at the end" d-false.h5.summary.txt && ok || bad "without defragmentation: $(grep downtime d-false.h5.summary.txt)"
cli_end
