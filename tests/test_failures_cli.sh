#!/usr/bin/env bash
# test_failures_cli.sh - failure keys end to end: bad input named by
# FILE:LINE and key with exit status 2, the availability section of the
# summary, and byte-identical results for 1, 2 and 3 threads on a scenario
# with host, rack and PDU failure processes, a repair crew, VM crashes,
# an injected rack failure, maintenance and isolation.
# Run by ctest as: test_failures_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/failures_cli
source "$src/tests/cli_lib.sh"
cli_begin
hosts='hosts = ( { name = "esx"; count = 4; } );'

# --- bad input: FILE:LINE: key '...', exit 2 -------------------------------
printf '%s\nracks = ( { name = "r1"; host_group = "esx"; count = 2;\n  pdu = "nope"; } );\n' "$hosts" > dangling_pdu.cfg
expect_status 2 "dangling pdu" "$vdcsim" run dangling_pdu.cfg -o x.h5
expect_err "dangling_pdu.cfg:3: key 'racks.[0].pdu': 'nope' names no element of pdus" "dangling pdu"
printf '%s\nracks = ( { name = "r1"; host_group = "dbs"; } );\n' "$hosts" > dangling_group.cfg
expect_status 2 "dangling host group" "$vdcsim" run dangling_group.cfg -o x.h5
expect_err "dangling_group.cfg:2: key 'racks.[0].host_group'" "dangling host group"
printf '%s\nracks = ( { name = "r1"; host_group = "esx"; count = 3; },\n          { name = "r2"; host_group = "esx";\n            count = 2; } );\n' "$hosts" > overfull.cfg
expect_status 2 "racks hold more hosts than the group" "$vdcsim" run overfull.cfg -o x.h5
expect_err "overfull.cfg:4: key 'racks.[1].count'" "overfull racks"
printf 'hosts = ( { name = "esx"; failure = {\n  up_time = { distribution = "weibull"; mean = "100h";\n    shape = 0; }; }; } );\n' > shape.cfg
expect_status 2 "weibull shape 0" "$vdcsim" run shape.cfg -o x.h5
expect_err "shape.cfg:3: key 'hosts.[0].failure.up_time.shape'" "weibull shape 0"
printf 'hosts = ( { name = "esx"; failure = {\n  repair = { distribution = "gaussian"; }; }; } );\n' > kind.cfg
expect_status 2 "unknown distribution" "$vdcsim" run kind.cfg -o x.h5
expect_err "kind.cfg:2: key 'hosts.[0].failure.repair.distribution'" "unknown distribution"
printf 'hosts = ( { name = "esx"; failure = {\n  repair = { distribution = "empirical";\n    file = "nosuch.txt"; }; }; } );\n' > empirical.cfg
expect_status 2 "missing empirical file" "$vdcsim" run empirical.cfg -o x.h5
expect_err "empirical.cfg:3: key 'hosts.[0].failure.repair.file'" "missing empirical file"
printf '%s\nfailures = { inject = (\n  { target = "host esx-09"; at = "1h"; duration = "1h"; } ); };\n' "$hosts" > target.cfg
expect_status 2 "inject target names nothing" "$vdcsim" run target.cfg -o x.h5
expect_err "target.cfg:3: key 'failures.inject.[0].target': 'host esx-09' names nothing" "bad target"
printf '%s\nfailures = { maintenance = ( { target = "rack r9"; at = "1h"; } ); };\n' "$hosts" > maint.cfg
expect_status 2 "maintenance without duration" "$vdcsim" run maint.cfg -o x.h5
expect_err "maint.cfg:2: key 'failures.maintenance.[0].duration'" "maintenance without duration"
printf '%s\nfailures = { trace = {\n  file = "%s/tests/data/failures/bad_header.csv"; }; };\n' "$hosts" "$src" > trace.cfg
expect_status 2 "bad trace file" "$vdcsim" run trace.cfg -o x.h5
expect_err "trace.cfg:3: key 'failures.trace.file': " "bad trace file"
expect_err "bad_header.csv:1:" "bad trace file names its line"
printf '%s\nfailures = { trace = { file = "%s/tests/data/failures/tiny.csv";\n  system = 99; }; };\n' "$hosts" "$src" > system.cfg
expect_status 2 "trace system without records" "$vdcsim" run system.cfg -o x.h5
expect_err "system.cfg:3: key 'failures.trace.system': system 99 has no records" "trace system"
[ ! -e x.h5 ] && ok || bad "x.h5 created by a rejected run"

# --- the rack scenario: summary and determinism ----------------------------
expect_status 0 "rack_failure.cfg" "$vdcsim" run "$src/scenarios/rack_failure.cfg" -o rack.h5 --set simulation.until=8h
grep -q "host avail .*1 domain failures" out.txt && ok || bad "summary lacks the availability section"
grep -q "failed restarts" out.txt && ok || bad "summary lacks failed restarts"

cat > mix.cfg <<'CFG'
simulation = { until = "30d"; lookahead = "1s"; sample_period = "1h"; };
hosts = ( { name = "esx"; count = 12; memory = "256GiB";
            failure = { up_time = { distribution = "weibull"; mean = "200h"; shape = 0.7; };
                        repair = { distribution = "lognormal"; mean = "6h"; shape = 1.5; }; }; } );
vms = ( { name = "vm"; count = 40; memory = "64GiB";
          crash = { up_time = { distribution = "exponential"; mean = "300h"; }; restart_delay = "2m"; };
          cpu_demand = { mean = "2GHz"; noise = 0.1; }; } );
pdus = ( { name = "p1"; failure = { up_time = { mean = "400h"; }; repair = { mean = "3h"; }; }; } );
racks = ( { name = "r1"; host_group = "esx"; count = 6; pdu = "p1";
            failure = { up_time = { mean = "300h"; }; repair = { mean = "2h"; }; }; },
          { name = "r2"; host_group = "esx"; count = 6; } );
failures = { repair_crews = 2; isolation_response = "power_off";
  inject = ( { target = "rack r2"; at = "5d"; duration = "6h"; },
             { target = "host esx-03"; kind = "isolation"; at = "2d"; duration = "1h"; } );
  maintenance = ( { target = "host esx-12"; at = "10d"; duration = "4h"; } ); };
CFG
for t in 1 2 3; do
  expect_status 0 "mix with $t threads" "$vdcsim" run mix.cfg -o m$t.h5 --threads $t
done
for obj in /series /events /tables; do
  same m1.h5 m2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
  same m1.h5 m3.h5 $obj && ok || bad "$obj differs between 1 and 3 threads"
done
# The LANL replay scenario: 20 days of system 2 on 49 hosts, 1 and 2 threads
# (skipped where the trace is not: a clone without ../shared, no VDCSIM_TRACES).
lanl_rel=lanl-failures-1996-2005/LA-UR-05-7318-failure-data-1996-2005.csv
if [ -f "${VDCSIM_TRACES:-/nonexistent}/$lanl_rel" ] || [ -f "$src/../shared/traces/$lanl_rel" ]; then
  for t in 1 2; do
    expect_status 0 "lanl_replay with $t threads" "$vdcsim" run "$src/scenarios/lanl_replay.cfg" -o l$t.h5 --threads $t \
      --until 20d --set simulation.sample_period=6h
  done
  for obj in /series /events /tables; do
    same l1.h5 l2.h5 $obj && ok || bad "lanl_replay $obj differs between 1 and 2 threads"
  done
  grep -q "host avail .* [1-9][0-9]* failures" out.txt && ok || bad "lanl_replay replayed no failures"
  # The scenario copied away from the source tree finds its trace only
  # through --traces DIR or VDCSIM_TRACES (a clone without ../shared).
  traces_dir=$( [ -f "${VDCSIM_TRACES:-/nonexistent}/$lanl_rel" ] && echo "$VDCSIM_TRACES" || echo "$src/../shared/traces")
  mkdir -p away && cp "$src/scenarios/lanl_replay.cfg" away/
  (unset VDCSIM_TRACES; "$vdcsim" check away/lanl_replay.cfg >out.txt 2>err.txt); rc=$?
  [ "$rc" -eq 2 ] && grep -q "lanl_replay.cfg:25: key 'failures.trace.file'" err.txt && ok ||
    bad "trace not found: exit $rc, want 2 naming the key"
  expect_status 0 "trace through --traces" "$vdcsim" check away/lanl_replay.cfg --traces "$traces_dir"
  VDCSIM_TRACES=$traces_dir expect_status 0 "trace through VDCSIM_TRACES" "$vdcsim" check away/lanl_replay.cfg
else
  echo "skipped: lanl_replay (no LANL trace here; set VDCSIM_TRACES)"
fi
h5dump -H -d /tables/host_availability m1.h5 >/dev/null 2>&1 && ok || bad "no host_availability table"
h5dump -H -d /series/cluster/hosts_up m1.h5 | grep -q "( 720, 1 )" && ok || bad "hosts_up is not 720 samples"
n_failed=$(h5dump -d /events m1.h5 | grep -c "host_failed,")
[ "$n_failed" -gt 0 ] && ok || bad "no host_failed events"

cli_end
