#!/usr/bin/env bash
# test_dc10k_scenarios.sh - the two issue-18 headlines
# (scenarios/datacenter_10k.cfg, diurnal demand; datacenter_10k_traces.cfg,
# 11,746 of the VMs on PlanetLab traces) describe the same building, and a
# run of the headline can be verified from its own file.
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
#  - Both files are self-contained (a run records its scenario's text, and
#    `vdcsim verify` rebuilds the scenario from it), so the building is
#    written out in each: with the comments, `output` and the `vms` list
#    taken out, the two texts must be the same, line for line.
#  - `vdcsim verify` on a 10-minute run of the headline: the built-in
#    ha_admission reads each cluster's failover level from the recorded
#    scenario (134 KB of text, more than the 64 KiB a string attribute was
#    once read up to) and ranges over the 157 clusters (156 of 64 hosts and
#    one of 16, the headline's comment).
set -u
vdcsim=$1; src=$2; work=$3/dc10k_scenarios
source "$src/tests/cli_lib.sh"
cli_begin

building() {
  awk '/^#/ { next } /^output = / { next } /^vms = \(/ { skip = 1 } skip && /^\);/ { skip = 0; next } !skip' "$1"
}
a=$src/scenarios/datacenter_10k.cfg; b=$src/scenarios/datacenter_10k_traces.cfg
building "$a" >a.txt; building "$b" >b.txt
[ "$(grep -c '^  { name = "h[0-9]*"; count = ' a.txt)" -eq 157 ] && ok || bad "the building of $a does not hold 157 host groups"
cmp -s a.txt b.txt && ok || { bad "the two headlines' buildings differ"; diff a.txt b.txt | head -5 >&2; }

expect_status 0 "run" "$vdcsim" run "$a" --until 10m --quiet --output dc.h5
printf 'properties = ( { builtin = "ha_admission"; } );\n' >props.cfg
expect_status 0 "verify" "$vdcsim" verify dc.h5 props.cfg
grep -q "^ha_admission: [A-Z]* ([0-9]* violations, [0-9]* pending, 157 entities)$" out.txt && ok \
  || bad "ha_admission over 157 clusters: $(head -1 out.txt)"
cli_end
