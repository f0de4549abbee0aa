#!/usr/bin/env bash
# test_vsphere_check.sh - what `vdcsim check` says about HA admission and
# initial placement (issue 14 items 9 and 10), worked by hand on the
# quickstart cluster (hosts of 32 cores x 2.6 GHz = 83.2 GHz and 512 GiB;
# VMs 48 web 3 GHz / 16 GiB, 12 db 8 GHz / 64 GiB, 20 batch 12 GHz / 32 GiB
# at 2 h: 2176 GiB and 480 GHz of mean demand, no reservations).
# Run by ctest as: test_vsphere_check.sh VDCSIM SOURCE_DIR WORK_DIR
#
# 1. HA on 5 hosts: the percentage policy (default) reserves 1/5 = 20.0 %;
#    no VM reserves anything, so check says admission counts only
#    reservations, and both capacity checks fail after the largest host:
#    memory 2176 > 4 x 512 = 2048 GiB, CPU 480 > 4 x 83.2 = 332.8 GHz.
#    On 8 hosts both hold (3584 GiB, 582.4 GHz left).
# 2. First fit (DRS off) by memory: web 32 on esx-01 (96 GHz, 115 %), 16 web
#    + 4 db on esx-02 (80 GHz, 96 %), 8 db on esx-03 (77 %), 16 batch on
#    esx-04 (192 GHz, 231 %), 4 batch on esx-05 (58 %), esx-06..08 empty:
#    2 hosts over capacity, 3 idle. With DRS on (the quickstart) the
#    placement is drs and no warning is printed.
set -u
vdcsim=$1; src=$2; work=$3/vsphere_check
source "$src/tests/cli_lib.sh"
cli_begin
quick=$src/scenarios/quickstart.cfg

"$vdcsim" check "$quick" --set hosts.[0].count=5 >c5.txt 2>&1 && ok || bad "check on 5 hosts"
grep -q "admission control percentage (20.0 % CPU and memory reserved: 1 of 5 hosts, computed)" c5.txt && ok \
  || bad "5 hosts: computed 20 %"
grep -q "admission counts only reservations and no VM has one: each counts 32 MHz" c5.txt && ok \
  || bad "5 hosts: reservations-only wording"
grep -q "does not hold: the 80 VMs' memory 2176.0 GiB > 2048.0 GiB left after the largest host fails" c5.txt && ok \
  || bad "5 hosts: memory check"
grep -q "does not hold: the 80 VMs' mean CPU demand 480.0 GHz > 332.8 GHz left after the largest host fails" c5.txt \
  && ok || bad "5 hosts: CPU check"
"$vdcsim" check "$quick" >c8.txt 2>&1 && ok || bad "check on 8 hosts"
grep -q "by size it holds: the 80 VMs' memory 2176.0 GiB and mean CPU demand 480.0 GHz fit in the 3584.0 GiB and 582.4 GHz" c8.txt \
  && ok || bad "8 hosts: capacity holds"
grep -q "^warning: placement" c8.txt && bad "8 hosts with DRS: no placement warning expected" || ok

"$vdcsim" check "$quick" --set drs.enabled=false >ff.txt 2>&1 && ok || bad "check with first fit"
grep -q "^warning: placement first_fit leaves the mean CPU demand above capacity on 2 hosts (esx-04 at 231 %) while 3 hosts are idle" ff.txt \
  && ok || bad "first fit warning: $(grep warning ff.txt)"
"$vdcsim" check "$quick" --set ha.auto_compute_percentages=true --set ha.cpu_percentage=30 >bad.txt 2>&1; st=$?
[ "$st" -eq 2 ] && grep -q "ha.auto_compute_percentages" bad.txt && ok || bad "contradictory percentages: exit $st"
cli_end
