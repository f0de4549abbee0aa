#!/usr/bin/env bash
# test_placement_drs.sh - placement.policy = "drs" in the cluster controller,
# end to end on the quickstart cluster, and its determinism across threads.
# Run by ctest as: test_placement_drs.sh VDCSIM SOURCE_DIR WORK_DIR
#
# Hand calculation (docs/vsphere.md, DRS initial placement, max of CPU and
# memory imbalance; hosts 32 cores x 2.6 GHz = 83200 MHz, 512 GiB):
#   t = 0: 48 web (3 GHz, 16 GiB) then 12 db (8 GHz, 64 GiB) power on. On
#     identical hosts the least-imbalance host is the least loaded one, ties
#     to the lower index: web go round robin, 6 per host; db go to H0..H7 and
#     then H0..H3. At 1 h: 8, 8, 8, 8, 7, 7, 7, 7 VMs.
#   t = 2 h: 20 batch (12 GHz, 32 GiB). H0..H3 stand at N_cpu = 34000/83200 =
#     0.409, N_mem = 229376/524288 = 0.4375; H4..H7 at 0.3125 for both. A
#     batch adds 0.144 CPU and 0.0625 memory. Evaluating each of the 8 hosts
#     for each VM in turn gives 3 batch each on H4..H7 and 2 each on H0..H3:
#     10 VMs on every host at 6 h (first fit would give 32, 20, 8, 16, 4, 0, 0, 0).
set -u
vdcsim=$1; src=$2; work=$3/placement_drs
source "$src/tests/cli_lib.sh"
cli_begin
quick=$src/scenarios/quickstart.cfg
args="--set placement.policy=drs --until 6h --quiet"

"$vdcsim" run "$quick" $args --threads 1 -o t1.h5 && ok || bad "run with 1 thread"
"$vdcsim" run "$quick" $args --threads 2 -o t2.h5 && ok || bad "run with 2 threads"

# vms_running at sample k (k x 5 min) as one comma-separated row.
row() { h5dump -d /series/host/vms_running -s "$2,0" -c "1,8" "$1" | grep -E '^ *\([0-9]+,0\):' |
        sed -e 's/^ *([0-9]*,0): *//' -e 's/ //g'; }
got=$(row t1.h5 12)
[ "$got" = "8,8,8,8,7,7,7,7" ] && ok || bad "VMs per host at 1 h: got '$got', want 8,8,8,8,7,7,7,7"
got=$(row t1.h5 71)
[ "$got" = "10,10,10,10,10,10,10,10" ] && ok || bad "VMs per host at 6 h: got '$got', want 10 each"

for obj in /series/host/vms_running /series/host/cpu_demand_mhz /events; do
  same t1.h5 t2.h5 "$obj" && ok || bad "$obj differs between 1 and 2 threads"
done

# SR-IOV virtual functions are a placement constraint (first fit, set here
# with DRS off: the quickstart turns DRS on, whose default placement is drs): the 48
# web VMs ask for a VF and each host's one NIC offers 2, so web goes 2 per
# host (16 placed, 32 rejected at t = 0). The 12 db (64 GiB, virtio) then
# fill first fit by memory: H0 holds 32 GiB of web + 7 db = 480 GiB (an 8th
# would need 544 > 512), H1 the other 5. At 1 h: 9, 7, 2, 2, 2, 2, 2, 2.
sr="--set placement.policy=first_fit --set drs.enabled=false --set vms.[0].network_mode=sriov --set hosts.[0].nics=1 --set hosts.[0].sriov_vfs_per_nic=2 --until 1h --quiet"
"$vdcsim" run "$quick" $sr -o sr.h5 && ok || bad "run with SR-IOV VMs"
got=$(row sr.h5 11)
[ "$got" = "9,7,2,2,2,2,2,2" ] && ok || bad "SR-IOV VMs per host at 1 h: got '$got', want 9,7,2,2,2,2,2,2"
got=$(h5dump -d /series/cluster/vms_rejected -s "11,0" -c "1,1" sr.h5 | grep -E '^ *\(11,0\):' | sed 's/.*: *//')
[ "$got" = "32" ] && ok || bad "SR-IOV VMs rejected: got '$got', want 32"

"$vdcsim" check "$quick" --set placement.policy=best >out.txt 2>err.txt; st=$?
[ "$st" -eq 2 ] && grep -q "placement.policy" err.txt && ok || bad "unknown policy: exit $st"

cli_end
