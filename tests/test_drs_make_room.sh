#!/usr/bin/env bash
# test_drs_make_room.sh - DRS migrates other VMs to free a host: for a VM
# HA could not restart (ha.defragment, docs/ha.md "Defragmentation") and
# for a power-on that found no host (drs.prerequisite_moves, docs/vsphere.md
# "Prerequisite moves").
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
# 1. HA.
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
#
# 2. A power-on. Three hosts of 64 GiB, first fit, whole-memory
# reservations, DRS at threshold 1, no HA. At 0: f (64 GiB, VM 0) fills
# esx-01; m1 (32, VM 1) goes to esx-02; m2 (40, VM 2) does not fit next to
# it and goes to esx-03; s (8, VM 3) joins m1: esx-02 and esx-03 hold 40,
# 24 GiB free each. big (32, VM 4) powers on at 1 h (vms.[].start): no
# host has room.
#  - drs.prerequisite_moves = true: the same plan as in 1 (s, alone enough
#    and the smaller, to esx-03): one vMotion, reason prerequisite, VM 3
#    from host 1 to host 2, requested at 3600 s; big waits and is placed on
#    host 1 when the controller learns the move is over: three control
#    latencies (1 s each) after its switch-over (HANDOVER to the source,
#    ARRIVE to the destination, ARRIVED back, drs_controller.h).
#  - false: big is refused at 3600 s (vm_placement_failed), no vMotion.
#
# 3. Two VMs in one tick. Five hosts of 64 GiB (a-01, b1-01, b2-01, c1-01,
# c2-01: indexes 0-4), first fit, whole-memory reservations, DRS at
# threshold 1, HA without admission control. big x 2 (32 GiB, VMs 0-1)
# fill a-01; m1, m2 (32, VMs 2-3) must run on b1, b2 and f1, f2 (40, VMs
# 4-5) on c1, c2 (host groups: never moved); s x 2 (24, VMs 6-7) go to
# b1-01 and b2-01 (first fit): b1, b2 have 8 GiB free, c1, c2 24. a-01
# fails at 1 h; at 3615 s neither big fits anywhere. big 0's plan: b1
# (moving s 6 alone frees 32; b1 before b2) with s 6 to c1 (most free,
# then lowest index). big 1's plan, in the same tick, counts b1 as
# promised to big 0 (drs_promise): b2, with s 7 to c2 (c1 is full now).
# Both restart at the first retry, 3735 s, big 0 on b1 (host 1, first
# fit) and big 1 on b2 (host 2). Without the promise big 1's plan saw b1
# free (s 6 leaving), made no move, and big 1 restarted a retry later.
set -u
vdcsim=$1; src=$2; work=$3/drs_make_room
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

cat >p.cfg <<'EOF'
simulation = { seed = 1; until = "2h"; control_latency = "1s"; sample_period = "5m"; };
output = { path = "p.h5"; };
hosts = ( { name = "esx"; count = 3; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; } );
vms = (
  { name = "f"; count = 1; vcpus = 1; memory = "64GiB"; memory_reservation = "64GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "m1"; count = 1; vcpus = 1; memory = "32GiB"; memory_reservation = "32GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "m2"; count = 1; vcpus = 1; memory = "40GiB"; memory_reservation = "40GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "s"; count = 1; vcpus = 1; memory = "8GiB"; memory_reservation = "8GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "big"; count = 1; vcpus = 2; memory = "32GiB"; memory_reservation = "32GiB"; start = "1h";
    cpu_demand = { kind = "constant"; mean = "500MHz"; }; }
);
placement = { policy = "first_fit"; };
drs = { enabled = true; threshold = 1; };
EOF
for pre in true false; do
  expect_status 0 "run, drs.prerequisite_moves=$pre" "$vdcsim" run p.cfg --quiet --set drs.prerequisite_moves=$pre -o p-$pre.h5
  expect_status 0 "export, drs.prerequisite_moves=$pre" "$vdcsim" export p-$pre.h5 --csv px-$pre
done
placed=$(awk -F, '$2 == "vm_placed" && $1 == 0 { printf "%s:%s ", $3, $4 }' px-true/events.csv)
[ "$placed" = "0:0 1:1 2:2 3:1 " ] && ok || bad "first fit placed: $placed"
moves=$(awk -F, 'NR > 1 { print $1, $2, $3, $4, $5, $12 }' px-true/tables/vmotions.csv)
[ "$moves" = "3 prerequisite 1 2 3600000000000 done" ] && ok || bad "prerequisite moves: '$moves'"
done_ns=$(awk -F, 'NR == 2 { print $7 }' px-true/tables/vmotions.csv)
big=$(awk -F, '$2 == "vm_placed" && $3 == 4 { print $1, $4 }' px-true/events.csv)
[ -n "$done_ns" ] && [ "$big" = "$((done_ns + 3000000000)) 1" ] && ok || bad "big placed at '$big', the move done at '$done_ns'"
grep -q "5 VMs: 5 placed, 0 placement failures" p-true.h5.summary.txt && ok || bad "with prerequisite moves: $(grep '^  vms' p-true.h5.summary.txt)"
[ "$(awk 'END { print NR }' px-false/tables/vmotions.csv)" = 1 ] && ok || bad "without prerequisite moves a vMotion ran"
refused=$(awk -F, '$2 == "vm_placement_failed" { print $1, $3 }' px-false/events.csv)
[ "$refused" = "3600000000000 4" ] && ok || bad "without prerequisite moves: refused '$refused'"
# 3. Two VMs to make room for in one tick: each gets its own host.
cat >t.cfg <<'EOF'
simulation = { seed = 1; until = "2h"; control_latency = "1s"; sample_period = "5m"; };
output = { path = "t.h5"; };
hosts = (
  { name = "a"; count = 1; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; },
  { name = "b1"; count = 1; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; },
  { name = "b2"; count = 1; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; },
  { name = "c1"; count = 1; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; },
  { name = "c2"; count = 1; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; }
);
vms = (
  { name = "big"; count = 2; vcpus = 2; memory = "32GiB"; memory_reservation = "32GiB";
    cpu_demand = { kind = "constant"; mean = "500MHz"; }; },
  { name = "m1"; count = 1; vcpus = 1; memory = "32GiB"; memory_reservation = "32GiB"; host_group = "b1";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "m2"; count = 1; vcpus = 1; memory = "32GiB"; memory_reservation = "32GiB"; host_group = "b2";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "f1"; count = 1; vcpus = 1; memory = "40GiB"; memory_reservation = "40GiB"; host_group = "c1";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "f2"; count = 1; vcpus = 1; memory = "40GiB"; memory_reservation = "40GiB"; host_group = "c2";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; },
  { name = "s"; count = 2; vcpus = 1; memory = "24GiB"; memory_reservation = "24GiB";
    cpu_demand = { kind = "constant"; mean = "200MHz"; }; }
);
placement = { policy = "first_fit"; };
drs = { enabled = true; threshold = 1; };
ha = { enabled = true; admission_control = "disabled"; };
failures = { inject = ( { target = "host a-01"; at = "1h"; duration = "1000h"; } ); };
EOF
expect_status 0 "run, two VMs in one tick" "$vdcsim" run t.cfg --quiet -o t.h5
expect_status 0 "export, two VMs in one tick" "$vdcsim" export t.h5 --csv tx
placed=$(awk -F, '$2 == "vm_placed" { printf "%s:%s ", $3, $4 }' tx/events.csv)
[ "$placed" = "0:0 1:0 2:1 3:2 4:3 5:4 6:1 7:2 " ] && ok || bad "first fit placed: $placed"
moves=$(awk -F, 'NR > 1 { printf "%s %s %s %s %s; ", $1, $2, $3, $4, $5 }' tx/tables/vmotions.csv)
[ "$moves" = "6 ha_defrag 1 3 3615000000000; 7 ha_defrag 2 4 3615000000000; " ] && ok || bad "defragmentation moves: '$moves'"
restart=$(awk -F, '$2 == "vm_restarted" { printf "%s %s %s; ", $1, $3, $4 }' tx/events.csv)
[ "$restart" = "3735000000000 0 1; 3735000000000 1 2; " ] && ok || bad "bigs restarted: '$restart'"
cli_end
