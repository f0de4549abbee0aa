#!/usr/bin/env bash
# test_verify_cli.sh - `vdcsim verify RUN.h5 PROPS.cfg` end to end, on two
# tiny runs whose values are known by hand (docs/properties.md):
#
# tiny: hosts a-01 and b-01 of 4 cores x 1 GHz (capacity 4000 MHz, no SMT);
#   web-01, web-02 (1 GHz constant, no noise) pinned to a-01 from 0; batch-01
#   (1.5 GHz) on a-01 from 30m. Placement at 0 (30m), started one control
#   latency (lookahead 1 s) later, so the 30m sample does not hold batch-01
#   and the 35m sample is the first with a-01 at 1000 + 1000 + 1500 = 3500 MHz
#   (no contention: usage = demand). 3500 > 0.8 x 4000 = 3200 from 35m on;
#   3500 <= 0.9 x 4000 = 3600 always. batch-01 runs from 30m + 1 s, so
#   F[<=30m] vm.running at 0 fails (deadline 30m) and F[<=31m] holds.
# ha: esx-01 fails at 20m (injected, 30 m); its VMs web-01 and web-02 fail
#   at 20m and HA restarts them on esx-02 after ha.detection_time (15 s) +
#   1 s to start: vm.failed on [20m, 20m16s), running again at 20m16s.
#   G (vm.failed -> F[<=16s] vm.running) holds (closed window), F[<=15s]
#   fails at 20m15s with the obligation from 20m, once per VM; the host
#   is repaired at 50m, so F[<=30m] host.up holds and F[<=29m] fails at 49m.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/verify
source "$src/tests/cli_lib.sh"
cli_begin

cat >tiny.cfg <<'CFG'
simulation = { seed = 1; until = "1h"; sample_period = "5m"; threads = 1; lookahead = "1s"; };
output = { path = "tiny.h5"; per_vm_series = true; };
hosts = (
  { name = "a"; count = 1; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = "1GHz"; memory = "64GiB"; },
  { name = "b"; count = 1; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = "1GHz"; memory = "64GiB"; }
);
vms = (
  { name = "web"; count = 2; vcpus = 2; memory = "4GiB"; host_group = "a";
    cpu_demand = { kind = "constant"; mean = "1GHz"; }; },
  { name = "batch"; count = 1; vcpus = 2; memory = "4GiB"; host_group = "a"; start = "30m";
    cpu_demand = { kind = "constant"; mean = "1.5GHz"; }; }
);
CFG
cat >tiny-props.cfg <<'CFG'
properties = (
  { name = "headroom_90"; formula = "forall host: G host.cpu_usage <= 0.9 * host.cpu_capacity"; },
  { name = "headroom_80"; formula = "forall host: G host.cpu_usage <= 0.8 * host.cpu_capacity"; },
  { name = "batch_by_31m"; formula = "forall vm in group \"batch\": F[<=31m] vm.running"; },
  { name = "batch_by_30m"; formula = "forall vm in group \"batch\": F[<=30m] vm.running"; },
  { name = "no_failure"; formula = "forall host: G (host.up && !host.failed && !host.maintenance)"; }
);
CFG
expect_status 0 "run tiny" "$vdcsim" run tiny.cfg --quiet
expect_status 0 "verify tiny" "$vdcsim" verify tiny.h5 tiny-props.cfg
cp out.txt tiny.txt
grep -qx "headroom_90: PASS (0 violations, 0 pending, 2 entities)" tiny.txt && ok || bad "headroom_90 passes"
grep -qx "headroom_80: FAIL (1 violation, 0 pending, 2 entities)" tiny.txt && ok || bad "headroom_80 fails once"
grep -qx "  at 35m (2100000000000 ns) a-01: host.cpu_usage=3500 MHz, host.cpu_capacity=4000 MHz" tiny.txt && ok \
  || bad "headroom_80: a-01 at 35m with 3500 of 4000 MHz"
grep -qx "batch_by_31m: PASS (0 violations, 0 pending, 1 entity)" tiny.txt && ok || bad "batch_by_31m passes"
grep -qx "  at 30m (1800000000000 ns) batch-01, obligation from 0s: vm.running=false" tiny.txt && ok \
  || bad "batch_by_30m: deadline 30m, obligation from 0"
grep -qx "no_failure: PASS (0 violations, 0 pending, 2 entities)" tiny.txt && ok || bad "no_failure passes"
grep -qx "3 of 5 properties hold" tiny.txt && ok || bad "3 of 5 hold"
expect_status 1 "--fail-on-violation" "$vdcsim" verify tiny.h5 tiny-props.cfg --fail-on-violation
expect_status 0 "verify --json" "$vdcsim" verify tiny.h5 tiny-props.cfg --json
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open("out.txt")); p=d["properties"][1]; sys.exit(not(p["violations"]==1 and p["first"][0]["time_ns"]==2100000000000 and p["first"][0]["entity"]=="a-01"))' \
    && ok || bad "--json: headroom_80 at 2100000000000 ns on a-01"
fi

cat >ha.cfg <<'CFG'
simulation = { seed = 1; until = "2h"; sample_period = "5m"; threads = 1; lookahead = "1s"; };
output = { path = "ha.h5"; };
hosts = ( { name = "esx"; count = 2; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = "1GHz"; memory = "64GiB"; } );
vms = ( { name = "web"; count = 2; vcpus = 1; memory = "4GiB"; cpu_demand = { kind = "constant"; mean = "500MHz"; }; } );
ha = { enabled = true; };
failures = { inject = ( { target = "host esx-01"; at = "20m"; duration = "30m"; } ); };
CFG
cat >ha-props.cfg <<'CFG'
properties = (
  { name = "restart_10m"; formula = "forall vm: G (!vm.running -> F[<=10m] vm.running)"; },
  { name = "restart_16s"; formula = "forall vm: G (vm.failed -> F[<=16s] vm.running)"; },
  { name = "restart_15s"; formula = "forall vm: G (vm.failed -> F[<=15s] vm.running)"; },
  { name = "down_16s"; formula = "forall vm: G (vm.failed -> vm.failed U[<=16s] vm.running)"; },
  { name = "never_down"; formula = "forall vm: G !vm.failed"; },
  { name = "never_failed"; formula = "forall host: G !host.failed"; },
  { name = "repair_30m"; formula = "forall host: G (host.failed -> F[<=30m] host.up)"; },
  { name = "repair_29m"; formula = "forall host: G (host.failed -> F[<=29m] host.up)"; }
);
CFG
expect_status 0 "run ha" "$vdcsim" run ha.cfg --quiet
expect_status 0 "verify ha" "$vdcsim" verify ha.h5 ha-props.cfg
cp out.txt ha.txt
grep -qx "restart_10m: PASS (0 violations, 0 pending, 2 entities)" ha.txt && ok || bad "restart_10m passes"
grep -qx "restart_16s: PASS (0 violations, 0 pending, 2 entities)" ha.txt && ok || bad "restart_16s passes"
grep -qx "restart_15s: FAIL (2 violations, 0 pending, 2 entities)" ha.txt && ok || bad "restart_15s fails for both VMs"
grep -qx "  at 1215s (1215000000000 ns) web-01, obligation from 20m: vm.failed=true, vm.running=false" ha.txt && ok \
  || bad "restart_15s: web-01 deadline 20m15s from 20m"
grep -q "vm.failed=true, vm.running=false" ha.txt && ok || bad "restart_15s witness: failed, not running"
grep -qx "down_16s: PASS (0 violations, 0 pending, 2 entities)" ha.txt && ok || bad "down_16s: failed until running 16 s later"
grep -qx "never_down: FAIL (2 violations, 0 pending, 2 entities)" ha.txt && ok || bad "never_down: both VMs fail once"
grep -qx "  at 20m (1200000000000 ns) web-02: vm.failed=true" ha.txt && ok || bad "never_down: web-02 at 20m"
grep -qx "  at 20m (1200000000000 ns) esx-01: host.failed=true" ha.txt && ok || bad "never_failed: esx-01 at 20m"
grep -qx "repair_30m: PASS (0 violations, 0 pending, 2 entities)" ha.txt && ok || bad "repair_30m passes"
grep -qx "  at 49m (2940000000000 ns) esx-01, obligation from 20m: host.failed=true, host.up=false" ha.txt && ok \
  || bad "repair_29m: deadline 49m from 20m"

# Bad input: exit 2 with FILE:LINE: key ...: column C.
printf 'properties = (\n  { name = "a"; formula = "forall host: G host.up"; },\n  { name = "b";\n    formula = "forall host: G (host.up &&"; }\n);\n' >bad1.cfg
expect_status 2 "syntax error" "$vdcsim" verify tiny.h5 bad1.cfg
# "forall host: G (host.up &&" is 26 characters: the formula is expected at column 27.
expect_err "bad1.cfg:4: key 'properties.[1].formula': column 27: expected a formula, found the end" "the column"
# "forall vm: " is 11 characters and "G " 2 more: vm.speed starts at column 14.
printf 'properties = ( { name = "a"; formula = "forall vm: G vm.speed > 1"; } );\n' >bad2.cfg
expect_status 2 "unknown predicate" "$vdcsim" verify tiny.h5 bad2.cfg
expect_err "bad2.cfg:1: key 'properties.[0].formula': column 14: unknown predicate 'vm.speed'" "unknown predicate"
printf 'properties = ( { name = "a"; formula = "forall service: G service.latency_p99 < 200"; } );\n' >bad3.cfg
expect_status 2 "unit mismatch" "$vdcsim" verify tiny.h5 bad3.cfg
expect_err "column 39: unit mismatch: ns compared with 1" "unit mismatch"
printf 'properties = ( { name = "a"; formula = ; } );\n' >bad4.cfg
expect_status 2 "libconfig syntax" "$vdcsim" verify tiny.h5 bad4.cfg
expect_err "bad4.cfg:1: syntax error" "libconfig syntax error"
# A string where libconfig's grammar has none: refused by the scenario's
# pre-pass (libconfig 1.5 leaked its buffer: found by fuzz_props).
printf 'properties = (\n  { name = "a", "x" }\n);\n' >strpos.cfg
expect_status 2 "string after a comma in a group" "$vdcsim" verify tiny.h5 strpos.cfg
expect_err "strpos.cfg:2: syntax error: unexpected string" "string after a comma in a group"
printf 'properties = ( { name = "r"; formula = "forall vm: G vm.cpu_ready < 0.05"; } );\n' >needs-vm.cfg
expect_status 2 "series missing" "$vdcsim" verify ha.h5 needs-vm.cfg
expect_err "/series/vm/cpu_ready_pct is not in the run" "names the missing series"
printf 'properties = (\n  { name = "a"; formula = "true"; },\n  { name = "a"; formula = "true"; }\n);\n' >dup.cfg
expect_status 2 "duplicate name" "$vdcsim" verify tiny.h5 dup.cfg
expect_err "dup.cfg:3: key 'properties.[1].name': 'a' is already the name of properties.[0]" "duplicate name"
printf 'properties = ( { name = "a"; formula = "true"; when = 1; } );\n' >unknown-key.cfg
expect_status 2 "unknown key" "$vdcsim" verify tiny.h5 unknown-key.cfg
expect_err "unknown-key.cfg:1: key 'properties.[0].when': unknown key" "unknown key"
printf 'property = ();\n' >no-list.cfg
expect_status 2 "no properties list" "$vdcsim" verify tiny.h5 no-list.cfg
expect_err "key 'properties': expected a list" "no properties list"
expect_status 2 "missing run" "$vdcsim" verify no-such.h5 tiny-props.cfg
expect_err "no-such.h5" "names the missing run"
expect_status 2 "no arguments" "$vdcsim" verify
expect_status 0 "verify --help" "$vdcsim" verify --help
cli_end
