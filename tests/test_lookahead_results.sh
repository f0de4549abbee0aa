#!/usr/bin/env bash
# test_lookahead_results.sh - simulation.lookahead is a performance knob: every
# message between LPs is delayed by a modelled latency
# (simulation.control_latency, kubernetes.api_latency), so any lookahead up
# to the smallest of them gives byte-identical datasets (issue 14, item 11).
# Sweeps the lookahead (derived, and two smaller values) on four scenarios
# that cover DRS, HA, failures, services and Kubernetes, with 1 and 2 threads,
# and checks that a lookahead longer than the control latency is refused.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/lookahead
source "$src/tests/cli_lib.sh"
cli_begin

# scenario, --until, two lookaheads below its smallest latency
cases=(
  "quickstart 6h 1ms 300ms"
  "rack_failure 12h 7ms 1s"
  "web_service 2h 1ms 250ms"
  "k8s_on_vsphere 30m 1ms 5ms"
)
for c in "${cases[@]}"; do
  set -- $c
  name=$1 until=$2
  expect_status 0 "$name derived" "$vdcsim" run "$src/scenarios/$name.cfg" --until "$until" -o "$name-auto.h5" --quiet --threads 1
  for la in "$3" "$4"; do
    for t in 1 2; do
      out="$name-$la-$t.h5"
      expect_status 0 "$name lookahead $la threads $t" "$vdcsim" run "$src/scenarios/$name.cfg" --until "$until" \
        --set "simulation.lookahead=\"$la\"" --threads "$t" -o "$out" --quiet
      for g in /series /tables /events; do
        same "$name-auto.h5" "$out" "$g" && ok || bad "$name: $g differs with lookahead $la, $t threads"
      done
    done
  done
done

expect_status 2 "lookahead above the control latency" "$vdcsim" check "$src/scenarios/quickstart.cfg" \
  --set 'simulation.lookahead="2s"'
expect_err "simulation.lookahead" "the error names the key"
expect_status 2 "lookahead above the Kubernetes API latency" "$vdcsim" check "$src/scenarios/k8s_on_vsphere.cfg" \
  --set 'simulation.lookahead="1s"'
cli_end
