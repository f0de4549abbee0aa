#!/usr/bin/env bash
# test_xvmotion_cli.sh - bad cross-cluster vMotion input (vcenter.migrations,
# clusters.[].evc, docs/clusters.md) is rejected with FILE:LINE: key and
# exit 2 (a one-way latency above 75 ms: vMotion needs a round trip of at
# most 150 ms), and `vdcsim check` describes the planned moves.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/xvmotion
source "$src/tests/cli_lib.sh"
cli_begin

base='hosts = ( { name = "a"; count = 2; }, { name = "b"; count = 2; } );
clusters = ( { name = "ca"; hosts = ( { group = "a"; } ); }, { name = "cb"; hosts = ( { group = "b"; } ); } );
vms = ( { name = "v"; count = 2; cluster = "ca"; } );'
expect_bad() {
  expect_status 2 "$1" "$vdcsim" check "$1.cfg"
  expect_err "$1.cfg:$2: key '$3'" "$1"
  expect_err "$4" "$1"
}
printf '%s\nvcenter = { migrations = ( { at = "1h"; from = "ca";\n to = "cz"; } ); };\n' "$base" > unknown_to.cfg
expect_bad unknown_to 5 "vcenter.migrations.[0].to" "no cluster is named 'cz'"
printf '%s\nvcenter = { migrations = ( { at = "1h"; vms = "w"; to = "cb"; } ); };\n' "$base" > unknown_vms.cfg
expect_bad unknown_vms 4 "vcenter.migrations.[0].vms" "no VM group is named 'w'"
printf '%s\nvcenter = { migrations = ( { at = "1h"; to = "cb"; } ); };\n' "$base" > nothing.cfg
expect_bad nothing 4 "vcenter.migrations.[0].from" "needs \`vms\`"
printf '%s\nvcenter = { migrations = ( { at = "1h"; from = "cb"; to = "cb"; } ); };\n' "$base" > same.cfg
expect_bad same 4 "vcenter.migrations.[0].from" "source and target cluster are both 'cb'"
printf '%s\nvcenter = { migrations = ( { at = "1h"; vms = "v"; to = "cb"; }, { at = "2h"; vms = "v"; to = "ca"; } ); };\n' \
  "$base" > twice.cfg
expect_status 0 "the second action names ca, where the group already is: it moves nothing" \
  "$vdcsim" check twice.cfg
printf '%s\nvcenter = { migrations = ( { at = "1h"; vms = "v"; to = "cb"; }, { at = "2h"; from = "ca"; to = "cb"; } ); };\n' \
  "$base" > again.cfg
expect_bad again 4 "vcenter.migrations.[1]" "already moved by an earlier migration"
cat > evc.cfg <<CFG
hosts = ( { name = "a"; count = 2; }, { name = "b"; count = 2; } );
clusters = ( { name = "ca"; hosts = ( { group = "a"; } ); },
             { name = "cb"; hosts = ( { group = "b"; } ); evc = "intel-pentium4"; } );
CFG
expect_bad evc 3 "clusters.[1].evc" "unknown EVC baseline 'intel-pentium4'"
cat > noclusters.cfg <<CFG
hosts = ( { name = "a"; count = 2; } );
vcenter = { migrations = ( { at = "1h"; from = "ca"; to = "cb"; } ); };
CFG
expect_bad noclusters 2 "vcenter.migrations" "needs \`clusters\`"
printf '%s\nvcenter = { inter_cluster_link = { latency = "80ms"; }; };\n' "$base" > far.cfg
expect_bad far 4 "vcenter.inter_cluster_link.latency" ""
printf '%s\nvcenter = { migrations = ( { at = "1h"; from = "ca"; to = "cb"; } ); };\n' "$base" > ok.cfg
expect_status 0 "check ok" "$vdcsim" check ok.cfg
if grep -qF "cross-cluster vMotion: 2 VMs to move, 0 refused by EVC" out.txt; then ok; else bad "no check line"; cat out.txt >&2; fi
# the rebalancer (vcenter.cross_cluster_balance): needs clusters, a known
# balance setting; `vdcsim check` counts its candidate moves: v's 2 VMs in
# ca may go to cb (both DRS, same datastore, no EVC stated): 2 candidates.
cat > bal_noclusters.cfg <<CFG
hosts = ( { name = "a"; count = 2; } );
vcenter = { cross_cluster_balance = { enabled = true; }; };
CFG
expect_bad bal_noclusters 2 "vcenter.cross_cluster_balance.enabled" "needs \`clusters\`"
printf '%s\nvcenter = { cross_cluster_balance = { enabled = true;\n balance = "wild"; }; };\n' "$base" > bal_enum.cfg
expect_bad bal_enum 5 "vcenter.cross_cluster_balance.balance" "wild"
printf '%s\ndrs = { enabled = true; };\nvcenter = { cross_cluster_balance = { enabled = true; max_moves = 3; }; };\n' "$base" > bal_ok.cfg
expect_status 0 "rebalancer check ok" "$vdcsim" check bal_ok.cfg
if grep -qF "cross-cluster rebalancing: every 3600 s, spread above 0.20 or a cluster above 80%, at most 3 moves a pass, 2 candidate moves" out.txt; then ok; else bad "no rebalancing line"; cat out.txt >&2; fi
cli_end
