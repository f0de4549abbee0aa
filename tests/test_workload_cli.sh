#!/usr/bin/env bash
# test_workload_cli.sh - workload scenarios end to end: malformed workload input
# rejected with FILE:LINE: key '...' (fixtures in tests/scenarios/workload_bad,
# each stating its expected message on line 1), and byte-identical results
# for 1, 2 and 3 threads with arrival generators, stateful demand, traces,
# lifetimes, boot times and queueing. Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/workload
source "$src/tests/cli_lib.sh"
cli_begin

# --- malformed workload input ---------------------------------------------
for f in "$src"/tests/scenarios/workload_bad/*.cfg; do
  want=$(sed -n '1s/^# expect: //p' "$f")
  (cd "$(dirname "$f")" && "$vdcsim" check "$(basename "$f")") >/dev/null 2>err.txt; st=$?
  [ $st -eq 2 ] || { bad "$(basename "$f"): exit $st, want 2"; continue; }
  if grep -qF -- "$(basename "$f"):$want" err.txt; then ok; else bad "$(basename "$f"): got '$(head -1 err.txt)', want '$want'"; fi
done

# --- determinism across thread counts -------------------------------------
cat > mix.cfg <<CFG
simulation = { until = "12h"; sample_period = "10m"; lookahead = "1s"; };
output = { path = "mix.h5"; per_vm_series = true; };
placement = { on_no_capacity = "queue"; };
hosts = ( { name = "esx"; count = 3; sockets = 2; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; } );
vms = (
  { name = "burst"; count = 200; vcpus = 2; memory = "8GiB";
    arrival = { process = "poisson"; rate = "12/h"; };
    lifetime = { distribution = "lognormal"; mean = "1h"; shape = 1.0; };
    boot_time = { distribution = "exponential"; mean = "90s"; };
    cpu_demand = { kind = "onoff"; on_level = "3GHz"; off_level = "200MHz"; on_time = "10m"; off_time = "30m"; noise = 0.1; }; },
  { name = "walk"; count = 20; vcpus = 1; memory = "4GiB";
    arrival = { process = "deterministic"; interval = "20m"; until = "6h"; };
    lifetime = { distribution = "weibull"; mean = "3h"; shape = 0.7; };
    cpu_demand = { kind = "random_walk"; mean = "1GHz"; spread = 0.3; reversion_time = "30m"; ceiling = "2GHz"; }; },
  { name = "replay"; vcpus = 1; memory = "2GiB"; start = "5m";
    trace = { format = "planetlab"; path = "$src/tests/data/traces/planetlab_good"; interpolation = "linear"; };
    cpu_demand = { kind = "trace"; }; },
  { name = "bb"; vcpus = 2; memory = "4GiB";
    trace = { format = "bitbrains"; path = "$src/tests/data/traces/bitbrains_good"; at_end = "hold"; };
    cpu_demand = { kind = "trace"; }; memory_demand = { kind = "trace"; }; network_demand = { kind = "trace"; }; }
);
CFG
for t in 1 2 3; do
  "$vdcsim" run mix.cfg --threads $t -o t$t.h5 --quiet >out.txt 2>err.txt || { bad "mix run with $t threads failed"; cat err.txt >&2; }
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
  same t1.h5 t3.h5 $obj && ok || bad "$obj differs between 1 and 3 threads"
done
# trace groups' counts come from their directories (3 and 1 files): 200 + 20 + 3 + 1 rows
h5dump -H -d /tables/vms t1.h5 | grep -q "( 224 )" && ok || bad "vms table is not 224 rows"
"$vdcsim" summary t1.h5 >sum.txt 2>&1 && grep -qE "admission +[0-9]+ arrived" sum.txt && ok || bad "summary lacks the admission line"

# --- a whole PlanetLab day through the model ------------------------------
# Every file of 2011-03-03 (the count comes from the directory: 1052), 100 % =
# 2.5 GHz, step interpolation, 5-minute samples. The VMs start at 1 s and
# replay on their own clock (docs/workloads.md), so the sample at 0 is empty
# and sample k = 1..287 holds line k of every file (line 288 would play from
# 24 h, the end). The summary's statistics start at the first sample with
# a workload (k = 1, docs/analysis.md), so the mean cluster demand is
# 25 MHz * (sum of lines 1..287 of all files) / 287, counted independently
# (file names contain spaces, hence the quoting):
#   for f in "$d"/*; do awk 'NR<=287' "$f"; done | awk '{s+=$1} END {print s*25/287/1000}'
# -> 323.9458 GHz.
day="$src/../shared/traces/planetlab-comon-2011/20110303"
if [ -d "$day" ]; then
  cat > day.cfg <<CFG
simulation = { until = "1d"; sample_period = "5m"; lookahead = "1s"; };
output = { path = "day.h5"; };
hosts = ( { name = "esx"; count = 20; sockets = 2; cores_per_socket = 4; cpu = "2GHz"; memory = "128GiB"; } );
vms = ( { name = "pl"; vcpus = 1; memory = "2GiB";
          trace = { format = "planetlab"; path = "planetlab-comon-2011/20110303"; cpu_full_scale = "2.5GHz"; };
          cpu_demand = { kind = "trace"; }; } );
CFG
  "$vdcsim" run day.cfg --threads 2 >day.txt 2>&1 || { bad "PlanetLab day run failed"; cat day.txt >&2; }
  grep -q "1052 VMs: 1052 placed" day.txt && ok || bad "PlanetLab day: not 1052 VMs placed"
  grep -q "statistics from 00:05:00.000 (first sample with a workload)" day.txt && ok || bad "PlanetLab day: the summary does not say its statistics start at 5 min"
  grep -qE "cpu demand +mean .*\(323\.95 GHz\)" day.txt && ok || bad "PlanetLab day: mean demand is not 323.95 GHz: $(grep 'cpu demand' day.txt)"
fi

cli_end
