#!/usr/bin/env bash
# test_clusters_cli.sh - bad `clusters` input is rejected with FILE:LINE:
# key and exit 2 (an unknown cluster in vms.[].cluster, a host group in
# two clusters, in none, an empty cluster, an unknown host group, a
# cluster contradicting the VMs' host group, vms.[].cluster without
# clusters), and `vdcsim check` warns about a cluster above the vSphere
# configuration maximum of hosts per cluster (64 in 6.x, 96 in 7.0/8.0).
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/clusters
source "$src/tests/cli_lib.sh"
cli_begin

two='hosts = ( { name = "a"; count = 2; }, { name = "b"; count = 2; } );'
# expect_bad NAME 'KEY' 'PART OF THE MESSAGE' : NAME.cfg is written by the caller
expect_bad() {
  expect_status 2 "$1" "$vdcsim" check "$1.cfg"
  expect_err "$1.cfg:$2: key '$3'" "$1"
  expect_err "$4" "$1"
}
cat > unknown.cfg <<CFG
$two
clusters = ( { name = "ca"; hosts = ( { group = "a"; } ); }, { name = "cb"; hosts = ( { group = "b"; } ); } );
vms = ( { name = "v"; count = 2; cluster = "cz"; } );
CFG
expect_bad unknown 3 "vms.[0].cluster" "no cluster is named 'cz'"
cat > twice.cfg <<CFG
$two
clusters = ( { name = "ca"; hosts = ( { group = "a"; }, { group = "b"; } ); },
             { name = "cb"; hosts = ( { group = "b"; } ); } );
CFG
expect_bad twice 3 "clusters.[1].hosts.[0].group" "host group 'b' is already in cluster 'ca'"
cat > empty.cfg <<CFG
$two
clusters = ( { name = "ca"; hosts = ( { group = "a"; }, { group = "b"; } ); },
             { name = "cb"; hosts = ( ); } );
CFG
expect_bad empty 3 "clusters.[1].hosts" "cluster 'cb' has no hosts"
cat > none.cfg <<CFG
$two
clusters = ( { name = "ca"; hosts = ( { group = "a"; } ); } );
CFG
expect_bad none 1 "hosts.[1].name" "host group 'b' is in no cluster"
cat > nogroup.cfg <<CFG
$two
clusters = ( { name = "ca"; hosts = ( { group = "a"; }, { group = "b"; }, { group = "zz"; } ); } );
CFG
expect_bad nogroup 2 "clusters.[0].hosts.[2].group" "no host group is named 'zz'"
cat > contra.cfg <<CFG
$two
clusters = ( { name = "ca"; hosts = ( { group = "a"; } ); }, { name = "cb"; hosts = ( { group = "b"; } ); } );
vms = ( { name = "v"; count = 2; cluster = "ca"; host_group = "b"; } );
CFG
expect_bad contra 3 "vms.[0].cluster" "host_group 'b' is in cluster 'cb', not in 'ca'"
cat > noclusters.cfg <<CFG
$two
vms = ( { name = "v"; count = 2; cluster = "ca"; } );
CFG
expect_bad noclusters 2 "vms.[0].cluster" "the scenario has no \`clusters\`"

# the configuration maximum: 100 hosts > 64 (vSphere 6.x, drs.policy vsphere)
# and > 96 (7.0/8.0, vsphere7-score); 96 hosts is at the 7.0 maximum, not over
cat > big.cfg <<CFG
hosts = ( { name = "a"; count = 100; }, { name = "b"; count = 96; } );
clusters = ( { name = "ca"; hosts = ( { group = "a"; } ); }, { name = "cb"; hosts = ( { group = "b"; } ); } );
CFG
expect_status 0 "check big" "$vdcsim" check big.cfg
if grep -qF "warning: cluster ca has 100 hosts, more than the vSphere 6.x configuration maximum of 64" out.txt; then ok; else bad "no 6.x warning for ca"; fi
if grep -qF "warning: cluster cb has 96 hosts, more than the vSphere 6.x configuration maximum of 64" out.txt; then ok; else bad "no 6.x warning for cb"; fi
expect_status 0 "check big 7.0" "$vdcsim" check big.cfg --set 'drs.policy="vsphere7-score"'
if grep -qF "warning: cluster ca has 100 hosts, more than the vSphere 7.0/8.0 configuration maximum of 96" out.txt; then ok; else bad "no 7.0 warning for ca"; fi
if grep -qF "warning: cluster cb" out.txt; then bad "cb (96 hosts) is at the 7.0 maximum, not over"; else ok; fi
# the run summary: clusters by size, then one line per cluster. c1 (64 GiB)
# and c2 (128 GiB) free 64 GiB each once x (4 x 16 GiB) is in c2; the 3
# VMs of w (8 GiB) without a cluster go to the most free memory: c1 (tie,
# lower index; 56 left), c2 (64 > 56; 56 left), c1 (tie; 48 left). c3 holds
# 8 of its 9 VMs of 16 GiB on 2 x 64 GiB: the 9th is rejected.
cat > summary.cfg <<CFG
simulation = { until = "10m"; sample_period = "5m"; };
hosts = ( { name = "h1"; count = 1; memory = "64GiB"; }, { name = "h2"; count = 1; memory = "128GiB"; },
          { name = "h3"; count = 2; memory = "64GiB"; } );
clusters = ( { name = "c1"; hosts = ( { group = "h1"; } ); }, { name = "c2"; hosts = ( { group = "h2"; } ); },
             { name = "c3"; hosts = ( { group = "h3"; } ); } );
vms = ( { name = "x"; count = 4; memory = "16GiB"; cluster = "c2"; },
        { name = "y"; count = 9; memory = "16GiB"; cluster = "c3"; },
        { name = "w"; count = 3; memory = "8GiB"; } );
CFG
expect_status 0 "run summary" "$vdcsim" run summary.cfg -o summary.h5
if grep -qF "clusters      3 under one vCenter: 1 of 2 hosts, 2 of 1 hosts" out.txt; then ok; else bad "summary lacks the cluster sizes"; cat out.txt >&2; fi
if grep -qF "c1: 1 hosts, 2 VMs: 2 arrived, 0 rejected, 2 running at the end" out.txt; then ok; else bad "summary lacks c1"; fi
if grep -qF "c2: 1 hosts, 5 VMs: 5 arrived, 0 rejected, 5 running at the end" out.txt; then ok; else bad "summary lacks c2"; fi
if grep -qF "c3: 2 hosts, 9 VMs: 9 arrived, 1 rejected, 8 running at the end" out.txt; then ok; else bad "summary lacks c3"; fi
cli_end
