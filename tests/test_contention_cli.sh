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

# overcommit study at 4:1 (2 x 32 x 2 vCPU on 2 x 16 cores: the 4 web VMs
# and 60 others), 6 h, two hosts so both threads work and the cluster
# totals add two columns
set_oc="--set vms.[1].count=60 --set hosts.[0].count=2"
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
# memory bandwidth (scenario header): NUMA-sized VMs ask 80 GB/s of each
# node's 112, so bandwidth costs them nothing; wide VMs without vNUMA push
# 40 GB/s over each 34 GB/s link, so their useful CPU is 34/40 = 0.85 of
# what it is without bandwidth demand.
useful() { "$vdcsim" summary "$1" | sed -n 's/.*cpu useful *mean \([0-9.]*\) GHz.*/\1/p'; }
wide="--set vms.[0].count=2 --set vms.[0].vcpus=16 --set vms.[0].memory=128GiB --set vms.[0].cpu_demand.mean=19200MHz --set vms.[0].vnuma=off"
"$vdcsim" run "$numa" -o numa-nobw.h5 --quiet --set vms.[0].memory_bandwidth_per_vcpu=0 && ok || bad "numa study without bandwidth"
"$vdcsim" run "$numa" -o wide.h5 --quiet $wide && ok || bad "numa study, wide"
"$vdcsim" run "$numa" -o wide-nobw.h5 --quiet $wide --set vms.[0].memory_bandwidth_per_vcpu=0 && ok || bad "numa study, wide without bandwidth"
[ -n "$(useful numa.h5)" ] && [ "$(useful numa.h5)" = "$(useful numa-nobw.h5)" ] && ok || bad "sized VMs slowed by bandwidth: $(useful numa.h5) vs $(useful numa-nobw.h5) GHz"
awk -v a="$(useful wide.h5)" -v b="$(useful wide-nobw.h5)" 'BEGIN { r = a / b; exit !(r > 0.849 && r < 0.851) }' \
  && ok || bad "wide VMs: useful $(useful wide.h5) / $(useful wide-nobw.h5) GHz is not 0.85"

# a malformed power curve: exit 2 naming the key
"$vdcsim" check "$oc" --set 'hosts.[0].power_curve=1,2,3' >out.txt 2>err.txt
[ $? -eq 2 ] && ok || bad "bad power curve: want exit 2"
grep -qF "key 'hosts.[0].power_curve': 3 values" err.txt && ok || { bad "bad power curve message"; cat err.txt >&2; }

cli_end
