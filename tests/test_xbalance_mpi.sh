#!/usr/bin/env bash
# test_xbalance_mpi.sh - cross-cluster vMotion over MPI ranks (issue 18,
# item 1b; docs/clusters.md): the rebalancer (scenarios/cluster_rebalance.cfg,
# three passes moving 31 VMs by 4h) and a scheduled evacuation
# (scenarios/cluster_evacuation.cfg, cut at 12.5h while disks are being
# copied) give datasets identical to one process on 2 and 3 ranks.
# Skipped without Open MPI or an MPI build.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/xbalance_mpi
source "$src/tests/mpi_lib.sh"

reb="$src/scenarios/cluster_rebalance.cfg"; evac="$src/scenarios/cluster_evacuation.cfg"
"$vdcsim" run "$reb" --until 4h -o reb1.h5 --quiet || fail=1
check "rebalance: one process moves VMs" test "$(h5dump -d /tables/xvmotions reb1.h5 | grep -c '"balance"')" -eq 31
for n in 2 3; do
  mpi "$n" "$vdcsim" run "$reb" --until 4h -o "reb$n.h5" --quiet --mpi || fail=1
  check "rebalance: $n ranks: datasets identical to one process" "$src/scripts/h5same" -x reb1.h5 "reb$n.h5"
done
"$vdcsim" run "$evac" --until 750m -o evac1.h5 --quiet || fail=1
mpi 2 "$vdcsim" run "$evac" --until 750m -o evac2.h5 --quiet --mpi || fail=1
check "evacuation: 2 ranks: datasets identical to one process" "$src/scripts/h5same" -x evac1.h5 evac2.h5
check "no scratch file left" test -z "$(ls ./*.rank* 2>/dev/null)"
exit $fail
