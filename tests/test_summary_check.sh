#!/usr/bin/env bash
# test_summary_check.sh - the run summary and `vdcsim check` report what the
# run did (issue 14, item 14), each expectation worked by hand:
#  - admission totals at the end of the run, not at the last sample;
#  - arrivals stopped by vms.[].count: event, table row and warning;
#  - check counts an arrival group by Little's law and refuses a VM that
#    fits on no host;
#  - arrival_rate_rps counts only the time requests could arrive;
#  - with repair crews the outage is named as such, repair and wait apart.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/summary_check
source "$src/tests/cli_lib.sh"
cli_begin

# --- count exhausted, sample period as long as the run ---------------------
# deterministic 6/h from 0: arrivals at 0, 10 min, 20 min take the 3 VMs;
# the fourth (30 min = 1800 s) finds none. The only sample is at 0, when the
# controller has heard of none (they reach it at 1 s): the old summary said
# "0 arrived"; the end-of-run total is 3.
cat > ex.cfg <<CFG
simulation = { until = "1h"; sample_period = "1h"; lookahead = "1s"; };
output = { path = "ex.h5"; };
hosts = ( { name = "h"; count = 1; sockets = 1; cores_per_socket = 8; memory = "64GiB"; } );
vms = ( { name = "d"; count = 3; vcpus = 1; memory = "4GiB";
          arrival = { process = "deterministic"; rate = "6/h"; }; } );
CFG
"$vdcsim" run ex.cfg >out.txt 2>err.txt; st=$?
[ $st -eq 0 ] && ok || bad "exhausted run: exit $st"
grep -qE "admission +3 arrived, 0 rejected" out.txt && ok || bad "admission: $(grep admission out.txt)"
grep -qF "vdcsim: warning: vms.[0] 'd': arrivals stopped at 00:30:00.000: all 3 VMs of vms.[0].count were used" err.txt \
  && ok || bad "no exhaustion warning on stderr: $(cat err.txt)"
grep -qF "warning: vms.[0] 'd': arrivals stopped" out.txt && ok || bad "no exhaustion warning in the summary"
"$vdcsim" run ex.cfg --quiet -o q.h5 >/dev/null 2>qerr.txt
grep -qF "arrivals stopped at 00:30:00.000" qerr.txt && ok || bad "--quiet hides the exhaustion warning"
expect_status 0 "export" "$vdcsim" export ex.h5 --csv ex
grep -qx "d,deterministic,3,3,1800000000000" ex/tables/arrival_groups.csv && ok \
  || bad "arrival_groups: $(tail -1 ex/tables/arrival_groups.csv)"
grep -qx "3,0,0,3" ex/tables/cluster.csv && ok || bad "cluster totals: $(tail -1 ex/tables/cluster.csv)"
grep -q "^1800000000000,vm_arrivals_exhausted,0,3," ex/events.csv && ok \
  || bad "no vm_arrivals_exhausted event at 1800 s: $(grep exhausted ex/events.csv)"

# --- check: Little's law and a VM that fits nowhere ------------------------
# 12/h x 30 min mean lifetime = 6 VMs at once (count 100000 caps nothing),
# plus 1 at_start VM: 7 VMs; vCPUs 6x2 + 4 = 16 on 16 cores (1.00);
# memory 6x8 + 16 = 64 GiB of 128 GiB = 50.0 %.
cat > little.cfg <<CFG
simulation = { until = "1d"; };
hosts = ( { name = "h"; count = 2; sockets = 1; cores_per_socket = 8; memory = "64GiB"; } );
vms = ( { name = "v"; count = 100000; vcpus = 2; memory = "8GiB";
          arrival = { process = "poisson"; rate = "12/h"; }; lifetime = { distribution = "exponential"; mean = "30m"; }; },
        { name = "big"; count = 1; vcpus = 4; memory = "16GiB"; } );
CFG
expect_status 0 "check little.cfg" "$vdcsim" check little.cfg
grep -qF "arrivals: vms.[0] 'v': 6.0 VMs at once expected of count 100000" out.txt && ok || bad "arrivals line: $(grep arrivals out.txt)"
grep -qF "vms:    100001 in 2 groups, 7.0 at once expected: 16 vCPUs, 64.0 GiB" out.txt && ok || bad "vms line: $(grep '^vms' out.txt)"
grep -qF "ratios: vCPU:core 1.00, memory 50.0%" out.txt && ok || bad "ratios: $(grep ratios out.txt)"
# no lifetime: every arrival of the run, capped by count: 12/h x 2 h = 24 of 30
sed -e 's/lifetime = { distribution = "exponential"; mean = "30m"; };//' -e 's/until = "1d"/until = "2h"/' \
    -e 's/count = 100000/count = 30/' little.cfg > forever.cfg
expect_status 0 "check forever.cfg" "$vdcsim" check forever.cfg
grep -qF "arrivals: vms.[0] 'v': 24.0 VMs at once expected of count 30" out.txt && ok || bad "no-lifetime line: $(grep arrivals out.txt)"
# 128 GiB on hosts of 64 GiB: never placeable
sed 's/memory = "16GiB"/memory = "128GiB"/' little.cfg > huge.cfg
expect_status 2 "check huge.cfg" "$vdcsim" check huge.cfg
expect_err "huge.cfg:5: key 'vms.[1].memory': a VM of group 'big'" "a VM that fits on no host"
# 12 vCPUs on 8-core hosts
sed 's/vcpus = 4/vcpus = 12/' little.cfg > wide.cfg
expect_status 2 "check wide.cfg" "$vdcsim" check wide.cfg
expect_err "key 'vms.[1].vcpus'" "a VM wider than every host"

# --- arrival_rate_rps over the arrival window ------------------------------
# arrivals stop at 100 s, the run ends at 200 s: arrival_rate_rps =
# arrivals / 100 s (it was arrivals / 200 s), throughput = completed / 200 s.
cat > svc.cfg <<CFG
simulation = { until = "200s"; sample_period = "10s"; control_latency = "1ms"; };
output = { path = "svc.h5"; };
hosts = ( { name = "h"; count = 1; sockets = 1; cores_per_socket = 8; memory = "64GiB"; } );
vms = ( { name = "web"; count = 2; vcpus = 1; memory = "2GiB"; } );
services = ( { name = "s"; vm_group = "web"; replicas = 2;
               arrival = { rate = "2/s"; stop = "100s"; };
               service = { distribution = "exponential"; mean = "10ms"; }; } );
CFG
expect_status 0 "service run" "$vdcsim" run svc.cfg --quiet
expect_status 0 "service export" "$vdcsim" export svc.h5 --csv svc
awk -F, 'NR == 2 { a = $5 / $8 - 100; c = $6 / $9 - 200; exit !(a * a < 1e-12 && c * c < 1e-12 && $5 > 100) }' \
  svc/tables/services.csv && ok || bad "arrival_rate_rps not over 100 s: $(tail -1 svc/tables/services.csv)"

# --- repair crews: outage = wait + repair ----------------------------------
# 2 hosts fail at 1 h (deterministic up 1 h, repair 2 h), 1 crew; requests
# reach the crew 1 s later. Repairs start at 1h+1s (A, wait 0), 3h+1s (B,
# wait 2 h), 5h+1s (A again, failed at 4h+1s, asked at 4h+2s: wait 1h-1s),
# 7h+1s (B, wait 1h-1s), 9h+1s (A, wait 1h-1s): 5 repairs, mean repair 2 h,
# mean wait (5 h - 3 s)/5 = 0.99983 h. Failed time: A 2h+1s + 3h + 2h-1s
# = 7 h, B 4h+1s + 3h; mean outage (14 h + 1 s)/5 = 2.80 h; MTTF (3 h +
# 3h-1s)/5 = 1.20 h.
cat > crew.cfg <<CFG
simulation = { until = "10h"; sample_period = "1h"; lookahead = "1s"; };
output = { path = "crew.h5"; };
failures = { repair_crews = 1; };
hosts = ( { name = "h"; count = 2; sockets = 1; cores_per_socket = 8; memory = "64GiB";
            failure = { up_time = { distribution = "deterministic"; mean = "1h"; };
                        repair = { distribution = "deterministic"; mean = "2h"; }; }; } );
CFG
expect_status 0 "crew run" "$vdcsim" run crew.cfg
grep -qF "observed MTTF 1.20 h, mean outage 2.80 h including the wait for one of 1 repair crews" out.txt && ok \
  || bad "crew outage line: $(grep 'host mttf' out.txt)"
grep -qE "repair +mean repair 2.00 h, mean wait for a crew 1.00 h" out.txt && ok || bad "repair line: $(grep 'mean repair' out.txt)"
grep -q "MTTR" out.txt && bad "crews: the outage is still called MTTR" || ok
expect_status 0 "crew export" "$vdcsim" export crew.h5 --csv crew
awk -F, 'NR == 2 { w = $4 - (5 - 3 / 3600) / 5; exit !($1 == 1 && $2 == 5 && $3 == 2 && w * w < 1e-18 && $5 == 1) }' \
  crew/tables/repair_crews.csv && ok || bad "repair_crews: $(tail -1 crew/tables/repair_crews.csv)"

cli_end
