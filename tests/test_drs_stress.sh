#!/usr/bin/env bash
# test_drs_stress.sh - DRS, DPM, HA, rules, failures and maintenance
# together: what every run must keep, and one ordering worked by hand.
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
# 1. tests/scenarios/drs_dpm_ha_stress.cfg (8 hosts, 229 VMs arriving over
#    the run, reserved memory, anti-affinity, affinity and VM-host rules,
#    host failures, two maintenance windows, DPM, HA with defragmentation),
#    seeds 1-4: every VM that arrived ends placed, refused by placement or
#    refused by HA admission (none held for ever waiting for room:
#    vms_arrived = vm_placed + vm_placement_failed + ha_admission_refused
#    events, vms_queued 0); no host's memory reservations exceed its 64
#    GiB at any event (web 8, burst 12, db 24 GiB reserved; a VM in vMotion
#    counted on both hosts from vmotion_started to vmotion_done, which the
#    model's holds cover: from the request to ARRIVED; checked where a VM
#    arrives: placed, restarted, vMotion started); 1 and 2 threads give
#    identical datasets.
# 2. A move waits for an anti-affine VM to leave (docs/vsphere.md, "4.
#    Rules and pinning"). Three hosts, first fit, DRS threshold 5, control
#    latency 100 ms; db-01 (6 GHz) and db2-01 (1 GHz) anti-affine, two
#    passthrough VMs that never move. At 300.2 s DRS moves db-01 esx-01 ->
#    esx-03 (16 GiB over 1 Gbps: about 137 s). esx-02 enters maintenance at
#    320 s: its evacuation pass sends db2-01 to esx-01, where db-01 still
#    runs, so that move waits: it is requested when the controller hears
#    db-01 arrived (done + 3 latencies: HANDOVER, ARRIVE, ARRIVED), and
#    esx-02 is evacuated (left 0) three latencies after db2-01's move is
#    done, nothing failed.
set -u
vdcsim=$1; src=$2; work=$3/drs_stress
source "$src/tests/cli_lib.sh"
cli_begin

stress=$src/tests/scenarios/drs_dpm_ha_stress.cfg
for seed in 1 2 3 4; do
  expect_status 0 "stress seed $seed" "$vdcsim" run "$stress" --seed $seed --quiet -o s$seed.h5
  expect_status 0 "export seed $seed" "$vdcsim" export s$seed.h5 --csv s$seed
  got=$(awk -F, '$2 == "vm_placed" || $2 == "vm_placement_failed" || $2 == "ha_admission_refused" { n++ }
                 END { print n + 0 }' s$seed/events.csv)
  want=$(awk -F, 'NR == 2 { print $1 " " $3 }' s$seed/tables/cluster.csv)
  [ "$got 0" = "$want" ] && ok || bad "seed $seed: placed + refused $got, arrived and queued '$want'"
  over=$(awk -F, '
    FNR == NR { if (FNR > 1) res[FNR - 2] = $2 == "web" ? 8 : $2 == "burst" ? 12 : $2 == "db" ? 24 : 0; next }
    FNR == 1 { next }
    function check(h,   v, s) { s = 0; for (v in on) if (on[v] == h) s += res[v]
                                for (v in to) if (to[v] == h) s += res[v]; if (s > 64) over++ }
    $2 == "vm_placed" || $2 == "vm_restarted" { on[$3] = $4; check($4) }
    $2 == "vm_stopped" || $2 == "vm_failed" { delete on[$3]; delete to[$3] }
    $2 == "vmotion_started" { to[$3] = $5; check($5) }
    $2 == "vmotion_done" { if ($3 in on) on[$3] = $5; delete to[$3] }
    $2 == "vmotion_aborted" { delete to[$3] }
    END { print over + 0 }' s$seed/tables/vms.csv s$seed/events.csv)
  [ "$over" = 0 ] && ok || bad "seed $seed: $over events left a host with more than 64 GiB reserved"
done
expect_status 0 "stress seed 4, 2 threads" "$vdcsim" run "$stress" --seed 4 --threads 2 --quiet -o s4t2.h5
for obj in /series /events /tables; do
  same s4.h5 s4t2.h5 "$obj" && ok || bad "stress: $obj differs between 1 and 2 threads"
done

cat >ev.cfg <<'CFG'
simulation = { until = "1h"; sample_period = "1m"; control_latency = "100ms"; seed = 1; };
hosts = ( { name = "esx"; count = 3; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; nic_speed = "1Gbps"; } );
vms = (
  { name = "db"; count = 1; vcpus = 4; memory = "16GiB"; dirty_rate = 0.0; cpu_demand = { mean = "6GHz"; }; },
  { name = "db2"; count = 1; vcpus = 4; memory = "16GiB"; dirty_rate = 0.0; cpu_demand = { mean = "1GHz"; }; },
  { name = "w"; count = 2; vcpus = 2; memory = "4GiB"; passthrough = true; cpu_demand = { mean = "4GHz"; }; } );
rules = ( { kind = "vm_anti_affinity"; vms = "db-01, db2-01"; } );
placement = { policy = "first_fit"; };
drs = { enabled = true; threshold = 5; };
failures = { maintenance = ( { target = "host esx-02"; at = "320s"; duration = "20m"; } ); };
CFG
expect_status 0 "run the ordering case" "$vdcsim" run ev.cfg --quiet -o ev.h5
expect_status 0 "export the ordering case" "$vdcsim" export ev.h5 --csv ev
moves=$(awk -F, 'NR > 1 { printf "%s %s %s %s; ", $1, $2, $3, $4 }' ev/tables/vmotions.csv)
[ "$moves" = "0 drs 0 2; 1 maintenance 1 0; " ] && ok || bad "moves: '$moves'"
first_done=$(awk -F, 'NR == 2 { print $7 }' ev/tables/vmotions.csv)
second_req=$(awk -F, 'NR == 3 { print $5 }' ev/tables/vmotions.csv)
second_done=$(awk -F, 'NR == 3 { print $7 }' ev/tables/vmotions.csv)
[ -n "$first_done" ] && [ "$second_req" = "$((first_done + 300000000))" ] && ok ||
  bad "db2-01 requested at '$second_req', db-01 arrived (done) at '$first_done' + 300 ms"
evac=$(awk -F, '$2 == "maintenance_evacuated" { print $1, $3, $4 }' ev/events.csv)
[ -n "$second_done" ] && [ "$evac" = "$((second_done + 300000000)) 1 0" ] && ok ||
  bad "evacuation '$evac', want esx-02 (1) with 0 left at db2-01's done '$second_done' + 300 ms"
[ -z "$(awk -F, '$2 == "vm_failed"' ev/events.csv)" ] && ok || bad "a VM failed in the ordering case"
cli_end
