#!/usr/bin/env bash
# test_pods_contention.sh - pods in the host's CPU contention, end to end
# (tests/scenarios/pods_contention.cfg; docs/containers.md "Pods in the
# host's contention"). From the second sample on (the pods start at 1 s):
#   vmhost-1: VM node demands 0 + its pod's 4 cores x 2000 = 8000 MHz, hog1
#     8000; equal shares (4 vCPUs each) on 8000 MHz -> E = 4000 each. The
#     VM is oversubscribed: its pod gets 8000 x 4000/8000 = 4000 MHz.
#   k8s-1: hog2 8000 MHz (shares 4000) and the pod's claim 8000 MHz with
#     shares = its 4000 m request -> 4000 each: the pod uses 4000 MHz.
#   Both hosts: demand 16000, usage 8000, ready 50 %.
# Memory (active): vmhost-1: node 0.25 x 16384 + its pod's 128 MiB, hog1
#   0.5 x 8192 -> 4224 + 4096 = 8320 MiB; k8s-1: hog2 4096 + the pod's 128
#   = 4224 MiB.
# Run by ctest as: test_pods_contention.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/pods_contention
source "$src/tests/cli_lib.sh"
cli_begin
"$vdcsim" run "$src/tests/scenarios/pods_contention.cfg" -o pc.h5 --quiet >/dev/null 2>err.txt \
  && ok || { bad "run"; cat err.txt >&2; }
# every cell of rows 1.. of a [sample, host] series
cells() { h5dump -y -w 0 -d "$1" -o cells.txt pc.h5 >/dev/null && tail -n +3 cells.txt | tr -s ', \n' '\n' | grep -v '^$'; }
all_equal() { # SERIES VALUE
  local got; got=$(cells "$1" | sort -u | tr '\n' ' ')
  [ "$got" = "$2 " ] && ok || bad "$1: rows 1.. are '$got', want $2"
}
all_equal /series/host/pods_cpu_usage_mhz 4000
all_equal /series/host/cpu_demand_mhz 16000
all_equal /series/host/cpu_usage_mhz 8000
all_equal /series/host/cpu_ready_pct 50
[ "$(cells /series/host/memory_active_mib | tr '\n' ' ' | cut -d' ' -f1,2)" = "8320 4224" ] && ok \
  || bad "memory_active_mib row 1 is '$(cells /series/host/memory_active_mib | head -2 | tr '\n' ' ')', want 8320 4224"
[ "$(cells /series/host/pods_running | sort -u)" = 1 ] && ok || bad "a pod is not running on each host"
cli_end
