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
cli_end
