#!/usr/bin/env bash
# test_overcommit_study.sh - scripts/overcommit-study on short settings (the
# first 14 h, through the noon peak, at 10-minute samples, ratios 1 and 6):
# one row per ratio, and the two ends behave as they must. Capacity: 16
# cores x 2400 MHz x (1 + 0.2 SMT gain) = 46080 MHz.
#   1:1 - 16 vCPUs: a VM's demand is capped at its vCPUs x MHz, so the
#         host's demand is at most 16 x 2400 = 38400 MHz < 46080: CPU ready
#         exactly 0.
#   6:1 - 96 vCPUs near the noon peak ask ~1.5 x 1440 MHz per 2 vCPUs:
#         48 x 2160 = 103680 MHz > 46080, so VMs wait (ready > 0) and the
#         service's replicas slow down (p99 above the 1:1 one).
# Run by ctest as: test_overcommit_study.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/overcommit
source "$src/tests/cli_lib.sh"
cli_begin
RATIOS="1 6" UNTIL=14h SAMPLE=10m "$src/scripts/overcommit-study" "$(dirname "$vdcsim")" >out.txt 2>err.txt \
  && ok || { bad "overcommit-study failed"; cat err.txt >&2; }
cat out.txt
row() { awk -v r="$1:1" '$1 == r' out.txt; }
[ "$(row 1 | awk '{print $2, $3}')" = "8 16" ] && ok || bad "1:1 row is not 8 VMs, 16 vCPUs"
[ "$(row 6 | awk '{print $2, $3}')" = "48 96" ] && ok || bad "6:1 row is not 48 VMs, 96 vCPUs"
[ "$(row 1 | awk '{print $4}')" = "0.0" ] && ok || bad "1:1 ready p95 is not 0"
awk '{ if ($4 + 0 > 0) exit 0; exit 1 }' <<<"$(row 6)" && ok || bad "6:1 ready p95 is not above 0"
p1=$(row 1 | awk '{print $5}'); p6=$(row 6 | awk '{print $5}')
awk -v a="$p1" -v b="$p6" 'BEGIN { exit !(a > 0 && b > a) }' && ok || bad "p99 $p6 ms at 6:1 not above $p1 ms at 1:1"
cli_end
