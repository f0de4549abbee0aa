#!/usr/bin/env bash
# test_make_datacenter.sh - scripts/make-datacenter writes the issue-18
# headline and smaller datacenters; scripts/cluster-size-study finds the
# hosts a workload needs per cluster size.
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
#  - With its defaults the generator writes scenarios/datacenter_10k.cfg
#    (10,000 hosts in 156 clusters of 64 and one of 16, 625 racks of 16 in
#    4 rooms, 100,000 VMs) line for line, but for the file's comment header.
#  - 10 hosts in clusters of 4, racks of 3, 2 zones: clusters of 4, 4 and 2
#    hosts (hosts 0-3, 4-7, 8-9); racks 3 + 1, 3 + 1 and 2 (5 racks); the
#    room of cluster g (1-based) of n = 3 is floor((g - 1) x 2 / 3) + 1:
#    rooms 1, 1, 2.
#  - The study, 400 VMs: 240 x 8 + 100 x 16 + 60 x 48 = 6,400 GiB reserved,
#    hosts of 384 GiB. Clusters of 8: H - ceil(H / 8) >= 6400 / 384 = 16.7
#    first holds at H = 20 (17; at 19 only 16), so 19 hosts must refuse a
#    power-on through HA admission and 20 none. Clusters of 16: H = 19
#    (19 - 2 = 17; at 18 only 16).
#  - Bad options: exit 2 with the option named.
set -u
vdcsim=$1; src=$2; work=$3/make_datacenter
source "$src/tests/cli_lib.sh"
cli_begin
gen=$src/scripts/make-datacenter

expect_status 0 "the default datacenter" "$gen"
grep -v '^#' "$src/scenarios/datacenter_10k.cfg" | sed '1{/^$/d}' >want.cfg
cmp -s want.cfg out.txt && ok || { bad "make-datacenter does not write datacenter_10k.cfg"; diff want.cfg out.txt | head -5 >&2; }

expect_status 0 "a small datacenter" "$gen" --hosts 10 --cluster-size 4 --rack-hosts 3 --zones 2 --vms 20 \
  --until 1h --output small.h5
mv out.txt small.cfg
expect_status 0 "check the small datacenter" "$vdcsim" check small.cfg
for line in "cluster c001: 4 hosts (0 .. 3)" "cluster c002: 4 hosts (4 .. 7)" "cluster c003: 2 hosts (8 .. 9)" \
            "5 racks, 0 PDUs, 2 zones"; do
  grep -qF "$line" out.txt && ok || bad "check of the small datacenter lacks '$line'"
done
rooms=$(sed -n 's/.*name = "\(h00[0-9]\)-r[0-9]*"; host_group = "h00[0-9]"; count = \([0-9]*\); zone = "\(room[0-9]\)".*/\1 \2 \3/p' small.cfg | tr '\n' ' ')
[ "$rooms" = "h001 3 room1 h001 1 room1 h002 3 room1 h002 1 room1 h003 2 room2 " ] && ok || bad "racks: $rooms"

expect_status 2 "--hosts 0" "$gen" --hosts 0
expect_err "--hosts: '0' is not a whole number" "--hosts 0"
expect_status 2 "--hosts 1e3" "$gen" --hosts 1e3
expect_err "--hosts: '1e3'" "--hosts 1e3"
expect_status 2 "--output with a space" "$gen" --output "a b.h5"
expect_err "--output: 'a b.h5'" "--output with a space"
expect_status 2 "an unknown option" "$gen" --clusters 3
expect_err "unknown option '--clusters'" "an unknown option"

study=$src/scripts/cluster-size-study
expect_status 0 "the study" "$study" "$(dirname "$vdcsim")" --vms 400 --sizes "8 16" --replications 2 \
  --until 2h --output study
# row S: H*, the HA refusals and the no-room failures at H* - 1 and at H*,
# and the simulated minimum
row() { awk -F' *[|] *' -v s="$1" '$2 == s { gsub(",", "", $5); gsub(",", "", $6); print $4, $5, $6, $7 }' out.txt; }
check_row() { # S H*
  local r; r=($(row "$1"))
  [ "${#r[@]}" -eq 6 ] && [ "${r[0]}" = "$2" ] && [ "${r[1]}" -gt 0 ] && [ "${r[2]}" = 0 ] \
    && [ "${r[3]} ${r[4]} ${r[5]}" = "0 0 $2" ] && ok \
    || bad "clusters of $1: want H* $2, HA refusals at $(($2 - 1)), none at $2, minimum $2; got: ${r[*]}"
}
check_row 8 20
check_row 16 19
[ -s study/sweep-8/cells.csv ] && ok || bad "the study's sweep of clusters of 8 wrote no cells.csv"
# Two failures tolerated per cluster: a cluster of n hosts holds (n - 2) x
# 384 GiB, and 6,400 GiB need 16.7 hosts' memory. Clusters of 8: 23 hosts
# (8 + 8 + 7: 6 + 6 + 5 = 17; 22 hosts hold 6 + 6 + 4 = 16); clusters of
# 16: 21 (16 + 5: 14 + 3 = 17; 20 hosts: 14 + 2 = 16).
expect_status 0 "the study, failover level 2" "$study" "$(dirname "$vdcsim")" --vms 400 --sizes "8 16" \
  --replications 2 --until 2h --failover-level 2 --output study2
check_row 8 23
check_row 16 21
expect_status 2 "a study of clusters of 2 tolerating 2 failures" "$study" "$(dirname "$vdcsim")" --sizes "2" \
  --failover-level 2
expect_err "a cluster of 2 hosts cannot tolerate 2 host failure(s)" "a study of clusters of 2 tolerating 2 failures"
expect_status 2 "a study of clusters of 1" "$study" "$(dirname "$vdcsim")" --sizes "1 8"
expect_err "a cluster of 1 hosts cannot tolerate 1 host failure(s)" "a study of clusters of 1"
cli_end
