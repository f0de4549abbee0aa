#!/usr/bin/env bash
# test_pods_cli.sh - pods from the command line: bad pod keys are refused with
# FILE:LINE and exit 2, a scenario with pods on host and VM nodes gives
# byte-identical results for 1, 2 and 3 threads, and the study scenario's
# one-key switch of runtime works. Run by ctest as: test_pods_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/pods
source "$src/tests/cli_lib.sh"
cli_begin
expect() { # status, needle, description, command...
  local want=$1 needle=$2 what=$3; shift 3
  "$@" >out.txt 2>err.txt; local got=$?
  [ "$got" -eq "$want" ] && ok || { bad "$what: exit $got, want $want"; cat err.txt >&2; }
  if [ -n "$needle" ]; then grep -qF -- "$needle" err.txt && ok || { bad "$what: stderr lacks '$needle'"; cat err.txt >&2; }; fi
}
fx=$src/tests/scenarios/bad
expect 2 "$fx/pod_limit_below_request.cfg:5: key 'pods.[0].limits.cpu': 250 millicores is below the request of 500" \
  "limit below request" "$vdcsim" check "$fx/pod_limit_below_request.cfg"
expect 2 "$fx/pod_unknown_node_group.cfg:5: key 'pods.[0].node_group': 'wrokers' names no element of hosts or vms" \
  "unknown node group" "$vdcsim" check "$fx/pod_unknown_node_group.cfg"
expect 2 "$fx/pod_negative_limit.cfg:4: key 'pods.[0].limits.cpu': -500 is out of range" \
  "negative limit" "$vdcsim" check "$fx/pod_negative_limit.cfg"
printf 'hosts = ( { name = "k8s"; } );\npods = ( { name = "web";\n  requests = { memory = "1GiB"; };\n  limits = { memory = "512MiB"; }; } );\n' > mem.cfg
expect 2 "mem.cfg:4: key 'pods.[0].limits.memory'" "memory limit below request" "$vdcsim" check mem.cfg
# A request defaults to the limit: no error, and the run places the pod.
printf 'hosts = ( { name = "k8s"; } );\npods = ( { name = "web"; limits = { cpu = 500; memory = "512MiB"; }; } );\n' > dflt.cfg
expect 0 "" "request defaults to limit" "$vdcsim" check dflt.cfg

mixed=$src/tests/scenarios/pods/mixed.cfg
for t in 1 2 3; do expect 0 "" "mixed $t threads" "$vdcsim" run "$mixed" --threads $t -o t$t.h5 --quiet; done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
  same t1.h5 t3.h5 $obj && ok || bad "$obj differs between 1 and 3 threads"
done
h5dump -H -d /tables/pods t1.h5 | grep -q "( 70 )" && ok || bad "pods table is not 70 rows"
"$vdcsim" summary t1.h5 > sum.txt && grep -qE "^ +pods +70 pods \(0 unplaced\)" sum.txt && ok || bad "summary pods line"

# The study: one key switches the runtime; instances of kind vm carry a
# 256 MiB guest, so fewer fit: (96 + 256) MiB each in 32 GiB -> 93 per host.
study=$src/scenarios/density_startup_study.cfg
expect 0 "" "study as VMs" "$vdcsim" run "$study" --until 2m --set pods.[0].kind=vm -o vm.h5 --quiet
"$vdcsim" summary vm.h5 | grep -qE "pods +1200 pods \(828 unplaced\)" && ok || bad "study vm: 4 x 93 = 372 placed"
cli_end
