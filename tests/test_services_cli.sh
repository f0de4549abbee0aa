#!/usr/bin/env bash
# test_services_cli.sh - services end to end: bad input named by file, line and
# key (fixtures in tests/scenarios/bad/services_*.cfg), the web_service
# scenario's output layout, and byte-identical results with 1, 2 and 3
# threads (host LPs send replica speed reports to the service LP).
# Run by ctest as: test_services_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/services
source "$src/tests/cli_lib.sh"
cli_begin
expect_bad() { # fixture, "LINE: key 'PATH'"
  local f=$src/tests/scenarios/bad/$1
  "$vdcsim" check "$f" >/dev/null 2>err.txt; local st=$?
  [ $st -eq 2 ] && ok || bad "$1: exit $st, want 2"
  grep -qF -- "$f:$2" err.txt && ok || { bad "$1: stderr lacks '$f:$2'"; cat err.txt >&2; }
}
expect_bad services_unknown_vm_group.cfg "6: key 'services.[0].vm_group'"
expect_bad services_d_too_large.cfg "6: key 'services.[0].d'"
expect_bad services_zero_rate.cfg "5: key 'services.[0].arrival.rate'"
expect_bad services_bare_rate.cfg "5: key 'services.[0].arrival.rate': a bare number is not a rate: write its unit, \"2.5/s\" for what 2.5 meant before"
expect_bad services_too_many_replicas.cfg "5: key 'services.[0].replicas'"
expect_bad services_mmpp_no_phases.cfg "4: key 'services.[0].arrival.process'"
expect_bad services_unknown_deployment.cfg "6: key 'services.[0].deployment'"
expect_bad services_deployment_and_vm_group.cfg "8: key 'services.[0].deployment'"
expect_bad services_deployment_replicas.cfg "6: key 'services.[0].replicas'"
expect_bad services_deployment_twice.cfg "7: key 'services.[1].deployment'"
# an override names no line but still the key
"$vdcsim" check "$src/scenarios/web_service.cfg" --set 'services.[0].load_balancer="power_of_d"' \
  --set 'services.[0].d=9' >/dev/null 2>err.txt; st=$?
[ $st -eq 2 ] && grep -qF "key 'services.[0].d'" err.txt && ok || { bad "override d=9: exit $st"; cat err.txt >&2; }

# web_service: two hours at 10-minute samples, 1/2/3 threads
web=$src/scenarios/web_service.cfg
short="--until 2h --set simulation.sample_period=10m"
for t in 1 2 3; do
  "$vdcsim" run "$web" $short --threads $t -o t$t.h5 --quiet >/dev/null 2>err.txt && ok || { bad "run $t threads"; cat err.txt >&2; }
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
  same t1.h5 t3.h5 $obj && ok || bad "$obj differs between 1 and 3 threads"
done
for name in throughput_rps arrival_rps dropped_rps latency_p50_ns latency_p95_ns latency_p99_ns \
            queue_length_mean busy_replicas_mean; do
  h5dump -H -d /series/service/$name t1.h5 | grep -q "( 12, 1 )" && ok || bad "/series/service/$name is not (12, 1)"
done
h5dump -H -d /tables/services t1.h5 | grep -q "( 1 )" && ok || bad "services table is not 1 row"
h5dump -H -d /tables/service_replicas t1.h5 | grep -q "( 8 )" && ok || bad "service_replicas table is not 8 rows"
# the replicas run on the frontend VMs, named as in /tables/vms
h5dump -d /tables/service_replicas t1.h5 | grep -q '"frontend-08"' && ok || bad "replica 8 is not on VM frontend-08"
"$vdcsim" summary t1.h5 >out.txt 2>err.txt && grep -q "shop" out.txt && ok || { bad "summary lacks the service"; cat err.txt >&2; }

cli_end
