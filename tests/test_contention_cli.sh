#!/usr/bin/env bash
# test_contention_cli.sh - the contention studies run, give the same datasets
# on 1 and 2 threads (including the recorder's cluster totals), and a bad
# power curve is refused with the key named. Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/contention_cli
source "$src/tests/cli_lib.sh"
cli_begin
oc=$src/scenarios/overcommit_study.cfg
numa=$src/scenarios/numa_study.cfg

# overcommit study at 4:1 (32 x 2 vCPU on 16 cores), 6 h, two hosts so both
# threads work and the cluster totals add two columns
set_oc="--set vms.[0].count=64 --set hosts.[0].count=2"
"$vdcsim" run "$oc" $set_oc --until 6h --threads 1 -o oc1.h5 --quiet && ok || bad "overcommit study, 1 thread"
"$vdcsim" run "$oc" $set_oc --until 6h --threads 2 -o oc2.h5 --quiet && ok || bad "overcommit study, 2 threads"
for obj in /series /events /tables; do
  same oc1.h5 oc2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
done
"$vdcsim" summary oc1.h5 > sum.txt && ok || bad "summary"
grep -q "cpu ready     hosts mean" sum.txt && ok || bad "summary lacks the cpu ready line"
grep -q "power         mean" sum.txt && ok || bad "summary lacks the power line"
h5ls oc1.h5/series/cluster | grep -q "power_w" && ok || bad "no /series/cluster/power_w"

"$vdcsim" run "$numa" -o numa.h5 --quiet && ok || bad "numa study"

# a malformed power curve: exit 2 naming the key
"$vdcsim" check "$oc" --set 'hosts.[0].power_curve=1,2,3' >out.txt 2>err.txt
[ $? -eq 2 ] && ok || bad "bad power curve: want exit 2"
grep -qF "key 'hosts.[0].power_curve': 3 values" err.txt && ok || { bad "bad power curve message"; cat err.txt >&2; }

cli_end
