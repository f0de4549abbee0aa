#!/usr/bin/env bash
# test_dc10k_traces.sh - the trace-driven headline of issue 18
# (scenarios/datacenter_10k_traces.cfg: 100,000 VMs of which 11,746 replay
# the 10 days of PlanetLab CoMon 2011 CPU traces, one file per VM) builds,
# maps every trace VM onto its own file, replays it, and gives the same
# datasets on 1 and 2 threads. Skipped (exit 77) when the trace is not found
# under $VDCSIM_TRACES or ../shared/traces next to the source.
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
# Expected values come from the trace files themselves, read here with awk:
#  - trace VMs: as many as the 10 day directories hold files (11,746);
#  - a trace VM's CPU demand in the row at 300 s is its file's line 1 times
#    25 MHz (100 % = 2.5 GHz; the row at 300 s replays line 1 on the VM's
#    own clock, docs/workloads.md "Trace clock"), in the row at 600 s line 2
#    times 25 MHz (the samples' times are implied, 300 s apart);
#  - /tables/vms' cpu_demand_mean_mhz of a trace VM is 25 MHz times the mean
#    of its file's lines.
set -u
vdcsim=$1; src=$2; work=$3/dc10k_traces
source "$src/tests/cli_lib.sh"

traces=""
for d in "${VDCSIM_TRACES:-}" "$src/../shared/traces"; do
  if [ -n "$d" ] && [ -d "$d/planetlab-comon-2011/20110303" ]; then traces=$d; break; fi
done
if [ -z "$traces" ]; then
  echo "skipped: planetlab-comon-2011 not found (set VDCSIM_TRACES)"
  exit 77
fi
export VDCSIM_TRACES=$traces
pl=$traces/planetlab-comon-2011
cli_begin

scn=$src/scenarios/datacenter_10k_traces.cfg
expect_status 0 "check" "$vdcsim" check "$scn"
for t in 1 2; do
  expect_status 0 "run, $t threads" "$vdcsim" run "$scn" --until 15m --threads "$t" --quiet \
    --set output.per_vm_series=true --output "t$t.h5"
done
same t1.h5 t2.h5 /series && ok || bad "/series differ between 1 and 2 threads"
same t1.h5 t2.h5 /tables && ok || bad "/tables differ between 1 and 2 threads"
expect_status 0 "export" "$vdcsim" export t1.h5 --csv out

want_vms=0
for day in "$pl"/2011*; do want_vms=$((want_vms + $(find "$day" -maxdepth 1 -type f | wc -l))); done
[ "$want_vms" -eq 11746 ] && ok || bad "the 10 PlanetLab days hold $want_vms files, not 11,746"
# the column of NAME in a CSV file's header (0 when absent)
col() { head -1 "$1" | tr ',' '\n' | awk -v n="$2" '$0 == n { print NR; found = 1 } END { if (!found) print 0 }'; }
vms=out/tables/vms.csv; series=out/series/vm.csv
c_group=$(col $vms group); c_mean=$(col $vms cpu_demand_mean_mhz); c_file=$(col $vms trace_file)
c_time=$(col $series time_ns); c_vm=$(col $series entity); c_cpu=$(col $series cpu_demand_mhz)
[ "$c_group" -gt 0 ] && [ "$c_mean" -gt 0 ] && [ "$c_file" -gt 0 ] && ok || bad "/tables/vms columns: $(head -1 $vms)"
[ "$c_time" -gt 0 ] && [ "$c_vm" -gt 0 ] && [ "$c_cpu" -gt 0 ] && ok || bad "/series/vm columns: $(head -1 $series)"
got=$(awk 'NR > 1' $vms | wc -l)
[ "$got" -eq 100000 ] && ok || bad "/tables/vms has $got rows, want 100,000"
got=$(awk -F, -v c="$c_file" 'NR > 1 && $c != ""' $vms | wc -l)
[ "$got" -eq "$want_vms" ] && ok || bad "$got VMs name a trace file, want $want_vms"

# Three trace VMs: the first (VM 88,254, the first file of 2011-03-03), one
# in the middle and the last (VM 99,999, in 2011-04-20). Row r of
# /tables/vms.csv is VM r - 2; the group pl-YYYYMMDD names the directory.
for vm in 88254 94000 99999; do
  row=$(awk -F, -v r=$((vm + 2)) -v g="$c_group" -v m="$c_mean" -v f="$c_file" 'NR == r { print $g "," $m "," $f }' $vms)
  group=${row%%,*}; rest=${row#*,}; mean=${rest%%,*}; file=${rest#*,}
  f="$pl/${group#pl-}/$file"
  if [ ! -f "$f" ]; then bad "VM $vm: group '$group' file '$file' is not a trace file"; continue; fi
  for line in 1 2; do
    want=$(awk -v l=$line 'NR == l { print $1 * 25 }' "$f")
    got=$(awk -F, -v v=$vm -v t=$((line * 300))000000000 -v ct="$c_time" -v cv="$c_vm" -v cc="$c_cpu" \
      '$ct == t && $cv == v { print $cc }' $series)
    [ "$got" = "$want" ] && ok || bad "VM $vm ($file): cpu demand at $((line * 300)) s is '$got', want $want (line $line)"
  done
  awk -v got="$mean" '{ s += $1; n++ } END { d = got - 25 * s / n; exit !(n > 0 && d < 1e-9 && d > -1e-9) }' "$f" \
    && ok || bad "VM $vm ($file): mean demand $mean is not 25 MHz x the file's mean"
done

cli_end
