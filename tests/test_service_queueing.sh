#!/usr/bin/env bash
# test_service_queueing.sh - services as queueing systems (issue 14, item 15),
# against closed forms worked by hand. No host: a service-only scenario.
# Args: VDCSIM SOURCE_DIR WORK_DIR
#
# M/M/2/2 (shared_queue, max_queue = "none"), lambda = 1/s, mean service
# 1 s, a = 1: the busy-server law is the truncated Poisson
#   P(k) = (a^k/k!) / (1 + a + a^2/2) = 0.4, 0.4, 0.2 for k = 0, 1, 2,
# and Erlang B = P(2) = 0.2 is the share of arrivals dropped (PASTA).
# M/M/2 (max_queue = "unbounded"), same a: Erlang C
#   C(2, 1) = (a^2/2 * 2/(2-a)) / (1 + a + a^2/2 * 2/(2-a)) = 1/3 = P(wait > 0),
#   mean wait C/(c mu - lambda) = 1/3 s; P(k busy) = 1/3, 1/3, 1/3 (k = 0, 1, >=2);
#   P(W > t) = C e^{-(c mu - lambda) t}, so the 95th percentile of the wait is
#   ln(20/3) = 1.897 s (tolerance 0.1 s).
# 40000 s each (40000 arrivals): the standard errors are below 0.005 even
# with the autocorrelation; the tolerance is 0.02.
set -u
vdcsim=$1; src=$2; work=$3/service_queueing
source "$src/tests/cli_lib.sh"
cli_begin

scenario() { # name, max_queue
  cat > "$1.cfg" <<CFG
simulation = { until = "40000s"; sample_period = "1000s"; control_latency = "1ms"; seed = 7; };
output = { path = "$1.h5"; };
services = ( { name = "s"; replicas = 2; load_balancer = "shared_queue"; max_queue = $2;
               arrival = { rate = "1/s"; };
               service = { distribution = "exponential"; mean = "1s"; }; } );
CFG
}
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d * d <= t * t) }'; }

scenario loss '"none"'
expect_status 0 "loss run without hosts" "$vdcsim" run loss.cfg --quiet
expect_status 0 "loss export" "$vdcsim" export loss.h5 --csv loss
# /tables/service_busy: service,busy,time_fraction
for k in 0 1 2; do
  want=$(echo "0.4 0.4 0.2" | cut -d' ' -f$((k + 1)))
  got=$(awk -F, -v k=$k '$2 == k { print $3 }' loss/tables/service_busy.csv)
  near "$got" "$want" 0.02 && ok || bad "M/M/2/2: P($k busy) = $got, want $want"
done
[ "$(awk -F, 'NR > 1' loss/tables/service_busy.csv | wc -l)" -eq 3 ] && ok || bad "service_busy: not 3 rows"
# dropped / arrivals = Erlang B; nobody waits in a loss system
read -r arrivals dropped p_wait <<<"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { print $c["arrivals"], $c["dropped"], $c["p_wait"] }' loss/tables/services.csv)"
near "$(awk -v d="$dropped" -v a="$arrivals" 'BEGIN { print d / a }')" 0.2 0.02 && ok || bad "Erlang B: dropped $dropped of $arrivals"
[ "$p_wait" = "0" ] && ok || bad "loss system: p_wait $p_wait, want 0"

scenario wait '"unbounded"'
expect_status 0 "M/M/2 run" "$vdcsim" run wait.cfg --quiet
expect_status 0 "M/M/2 export" "$vdcsim" export wait.h5 --csv wait
read -r dropped p_wait mean_wait p50 p95 <<<"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { print $c["dropped"], $c["p_wait"], $c["mean_wait_ns"], $c["wait_p50_ns"], $c["wait_p95_ns"] }' wait/tables/services.csv)"
[ "$dropped" = "0" ] && ok || bad "M/M/2: $dropped dropped"
near "$p_wait" 0.3333 0.02 && ok || bad "Erlang C: p_wait $p_wait, want 1/3"
near "$(awk -v w="$mean_wait" 'BEGIN { print w / 1e9 }')" 0.3333 0.03 && ok || bad "M/M/2 mean wait $mean_wait ns, want 1/3 s"
# more than half do not wait: the median wait is 0
[ "$p50" = "0" ] && ok || bad "M/M/2: median wait $p50, want 0"
near "$(awk -v w="$p95" 'BEGIN { print w / 1e9 }')" 1.897 0.1 && ok || bad "M/M/2 wait p95 $p95 ns, want 1.897 s"
for k in 0 1 2; do
  got=$(awk -F, -v k=$k '$2 == k { print $3 }' wait/tables/service_busy.csv)
  near "$got" 0.3333 0.02 && ok || bad "M/M/2: P($k busy) = $got, want 1/3"
done

# the old spelling is refused, naming what to write
scenario old 0
expect_status 2 "max_queue = 0" "$vdcsim" check old.cfg
expect_err "old.cfg:3: key 'services.[0].max_queue'" "max_queue = 0 names file, line and key"
expect_err "used to mean unbounded" "max_queue = 0 says what it meant"
scenario typo '"nothing"'
expect_status 2 "max_queue = \"nothing\"" "$vdcsim" check typo.cfg
expect_err "key 'services.[0].max_queue'" "an unknown name is refused"

# no hosts and nothing else, or VMs without hosts: refused by the model
expect_status 2 "no hosts, nothing else" "$vdcsim" check "$src/tests/scenarios/bad/no_hosts.cfg"
expect_err "key 'hosts': nothing to simulate" "an empty scenario is refused"
expect_status 2 "empty hosts list" "$vdcsim" check "$src/tests/scenarios/bad/empty_hosts.cfg"
expect_err "empty_hosts.cfg:3: key 'hosts': nothing to simulate" "an empty hosts list is refused"
cat > vms_only.cfg <<CFG
vms = ( { name = "v"; count = 2; } );
CFG
expect_status 2 "VMs without hosts" "$vdcsim" check vms_only.cfg
expect_err "vms_only.cfg:1: key 'vms': 2 VMs but no hosts" "VMs without hosts are refused"

cli_end
