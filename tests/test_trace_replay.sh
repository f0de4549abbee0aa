#!/usr/bin/env bash
# test_trace_replay.sh - a trace replays from its first sample on the VM's
# own clock, and /tables/vms names the file each VM replays (issue 14.13).
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
# tests/data/traces/planetlab_good holds 1_vm (0, 100), 2_vm (10, 20, 40)
# and 10_vm (1, 2), natural order 1_vm, 2_vm, 10_vm; 100 % = 2.5 GHz, so
# 25 MHz per percent, step, hold at the end. The VMs run from 1 s (the
# control latency), so by hand:
#   row at 0 s: no VM runs yet (empty)
#   row at 300 s: trace time 299 s -> line 1: 0, 250, 25 MHz
#   row at 600 s: trace time 599 s -> line 2: 2500, 500, 50 MHz
# (Before the fix the series ran on simulated time: 300 s showed line 2 and
# line 1 was never replayed: 2500, 500, 50 then 2500, 1000, 50.)
set -u
vdcsim=$1; src=$2; work=$3/trace_replay
source "$src/tests/cli_lib.sh"
cli_begin

cat > tr.cfg <<CFG
simulation = { until = "15m"; sample_period = "5m"; lookahead = "1s"; };
output = { path = "tr.h5"; per_vm_series = true; };
hosts = ( { name = "esx"; count = 1; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; } );
vms = ( { name = "pl"; vcpus = 1; memory = "2GiB";
          trace = { format = "planetlab"; path = "$src/tests/data/traces/planetlab_good"; at_end = "hold"; };
          cpu_demand = { kind = "trace"; }; } );
CFG
expect_status 0 "trace run" "$vdcsim" run tr.cfg --quiet
expect_status 0 "export" "$vdcsim" export tr.h5 --csv out

# time_ns,entity,cpu_demand_mhz,...: the demand column of each row
got=$(awk -F, 'NR > 1 { printf "%s/%s=%s ", $1 / 1e9, $2, $3 }' out/series/vm.csv)
want="0/0= 0/1= 0/2= 300/0=0 300/1=250 300/2=25 600/0=2500 600/1=500 600/2=50 "
[ "$got" = "$want" ] && ok || bad "vm cpu demand rows: got '$got', want '$want'"

# the host's demand: 0 at 0 s, 275 at 300 s, 3050 at 600 s
got=$(awk -F, 'NR > 1 { printf "%s ", $3 }' out/series/host.csv)
[ "$got" = "0 275 3050 " ] && ok || bad "host cpu demand: got '$got', want '0 275 3050 '"

# /tables/vms: the last column names the replayed file
got=$(awk -F, 'NR > 1 { printf "%s ", $NF }' out/tables/vms.csv)
head -1 out/tables/vms.csv | grep -q ',trace_file$' && ok || bad "/tables/vms lacks trace_file: $(head -1 out/tables/vms.csv)"
[ "$got" = "1_vm 2_vm 10_vm " ] && ok || bad "trace files: got '$got', want '1_vm 2_vm 10_vm '"

# a VM without a trace has an empty trace_file
cat > plain.cfg <<CFG
simulation = { until = "10m"; sample_period = "5m"; lookahead = "1s"; };
output = { path = "plain.h5"; };
hosts = ( { name = "esx"; count = 1; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB"; } );
vms = ( { name = "c"; count = 1; vcpus = 1; memory = "2GiB"; cpu_demand = { kind = "constant"; mean = "1GHz"; }; } );
CFG
expect_status 0 "plain run" "$vdcsim" run plain.cfg --quiet
expect_status 0 "plain export" "$vdcsim" export plain.h5 --csv pout
got=$(awk -F, 'NR == 2 { print $NF }' pout/tables/vms.csv)
[ -z "$got" ] && ok || bad "untraced VM's trace_file is '$got', want empty"

cli_end
