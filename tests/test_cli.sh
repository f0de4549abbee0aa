#!/usr/bin/env bash
# test_cli.sh - the command line end to end: exit statuses, messages naming
# file, line and key, determinism across thread counts and runs, and no
# half-written output. Run by ctest as: test_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/cli
source "$src/tests/cli_lib.sh"
cli_begin
quick=$src/scenarios/quickstart.cfg

# --- help, version, usage errors -----------------------------------------
expect_status 0 "--help" "$vdcsim" --help
grep -q "vdcsim run SCENARIO\|run SCENARIO" out.txt && ok || bad "--help lacks run usage"
expect_status 0 "--version" "$vdcsim" --version
grep -q "^vdcsim [0-9]" out.txt && ok || bad "--version output"
expect_status 2 "no command" "$vdcsim"
expect_status 2 "unknown command" "$vdcsim" frobnicate
expect_err "unknown command 'frobnicate'" "unknown command"
expect_status 2 "unknown flag" "$vdcsim" run "$quick" --frob
expect_err "unknown option '--frob'" "unknown flag"
expect_status 2 "flag without value" "$vdcsim" run "$quick" --threads
expect_err "--threads needs a value" "flag without value"
expect_status 2 "missing scenario" "$vdcsim" run
expect_status 2 "nonexistent scenario" "$vdcsim" run nosuch.cfg
expect_err "nosuch.cfg" "nonexistent scenario"

# --- flags checked like scenario keys ------------------------------------
expect_status 2 "--threads abc" "$vdcsim" check "$quick" --set simulation.threads=abc
expect_err "key 'simulation.threads'" "--threads abc"
expect_status 2 "--threads via run" "$vdcsim" run "$quick" --threads -3 -o x.h5
expect_err "key 'simulation.threads'" "--threads -3"
expect_status 2 "--until bad unit" "$vdcsim" run "$quick" --until 3dy -o x.h5
expect_err "unknown unit" "--until bad unit"
expect_status 2 "--set unknown key" "$vdcsim" check "$quick" --set simulation.untill=1d
expect_err "key 'simulation.untill'" "--set unknown key"
expect_status 2 "--set without =" "$vdcsim" check "$quick" --set simulation.seed
[ ! -e x.h5 ] && ok || bad "x.h5 created by a rejected run"

# --- bad scenario files: FILE:LINE: key '...', exit 2 ----------------------
printf 'hosts = ( { name = "a"; count = -3; } );\n' > neg.cfg
expect_status 2 "negative count" "$vdcsim" check neg.cfg
expect_err "neg.cfg:1: key 'hosts.[0].count'" "negative count"
printf 'hosts = (\n { name = "a";\n   count = 1e300; } );\n' > huge.cfg
expect_status 2 "1e300 hosts" "$vdcsim" run huge.cfg -o huge.h5
expect_err "huge.cfg:3: key 'hosts.[0].count'" "1e300 hosts"
printf 'hosts = ( { name = "a"; count = "many"; } );\n' > str.cfg
expect_status 2 "string for a number" "$vdcsim" check str.cfg
expect_err "str.cfg:1: key 'hosts.[0].count'" "string for a number"
printf 'simulation = { until = "3parsecs"; };\nhosts = ( { name = "a"; } );\n' > unit.cfg
expect_status 2 "unknown unit" "$vdcsim" check unit.cfg
expect_err "unit.cfg:1: key 'simulation.until'" "unknown unit"
# Many groups whose total exceeds what one run holds: refused before allocating.
{ printf 'hosts = (\n'; for i in $(seq 1 30); do printf ' { name = "g%d"; count = 1000000; },\n' "$i"; done
  printf ' { name = "last"; } );\n'; } > total.cfg
expect_status 2 "absurd total hosts" "$vdcsim" check total.cfg
expect_err "key 'hosts.[1].count'" "absurd total hosts"

# Every malformed fixture: exit 2 and a message "FILE:LINE: key '...'" (or
# "FILE: key" for keys with no line, such as a missing top-level list).
for f in "$src"/tests/scenarios/bad/*.cfg; do
  "$vdcsim" check "$f" >/dev/null 2>err.txt; st=$?
  if [ $st -ne 2 ]; then bad "$(basename "$f"): exit $st, want 2"; continue; fi
  if grep -qE "^$f(:[0-9]+)?: (key '|syntax error)" err.txt; then ok; else bad "$(basename "$f"): message '$(head -1 err.txt)'"; fi
done

# A scenario truncated at many byte offsets never crashes (status 0 or 2).
size=$(wc -c < "$quick")
crashes=0
for cut in $(seq 0 37 "$size"); do
  head -c "$cut" "$quick" > cut.cfg
  "$vdcsim" check cut.cfg >/dev/null 2>cut.err; st=$?
  if [ $st -ne 0 ] && [ $st -ne 2 ]; then crashes=$((crashes + 1)); echo "cut at $cut: status $st" >&2; fi
  if [ $st -eq 2 ] && ! grep -q "^cut.cfg" cut.err; then crashes=$((crashes + 1)); echo "cut at $cut: message without file name" >&2; fi
done
[ $crashes -eq 0 ] && ok || bad "$crashes truncated scenarios crashed or gave no file name"

# --- check prints what would be simulated ---------------------------------
expect_status 0 "check quickstart" "$vdcsim" check "$quick"
grep -q "hosts:  8 " out.txt && ok || bad "check: host count"
grep -q "vms:    80 " out.txt && ok || bad "check: VM count"

# --- run: output, summary, determinism -----------------------------------
short="--until 6h --set simulation.sample_period=10m"
expect_status 0 "run 1 thread" "$vdcsim" run "$quick" $short --threads 1 -o t1.h5 --quiet
expect_status 0 "run 2 threads" "$vdcsim" run "$quick" $short --threads 2 -o t2.h5 --quiet
expect_status 0 "run 2 threads again" "$vdcsim" run "$quick" $short --threads 2 -o t2b.h5 --quiet
expect_status 0 "run 3 threads" "$vdcsim" run "$quick" $short --threads 3 -o t3.h5 --quiet
expect_status 0 "other seed" "$vdcsim" run "$quick" $short --threads 1 --seed 7 -o s7.h5 --quiet
for f in t1.h5 t2.h5 t2b.h5 t3.h5 t1.h5.summary.txt; do [ -s $f ] && ok || bad "$f missing"; done
ls ./*.partial-* >/dev/null 2>&1 && bad "partial files left behind" || ok
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
  same t1.h5 t3.h5 $obj && ok || bad "$obj differs between 1 and 3 threads"
  same t2.h5 t2b.h5 $obj && ok || bad "$obj differs between two runs"
done
same t1.h5 s7.h5 /series && bad "a different seed gave the same series" || ok
# 6h at 10m: exactly 36 samples of 8 hosts, and 80 VMs in the table.
h5dump -H -d /series/host/cpu_demand_mhz t1.h5 | grep -q "( 36, 8 )" && ok || bad "series shape is not (36, 8)"
h5dump -H -d /tables/vms t1.h5 | grep -q "( 80 )" && ok || bad "vms table is not 80 rows"
h5dump -a /format_version t1.h5 | grep -q "(0): 2" && ok || bad "format_version attribute"

# Failure traces: the LANL fit table, and malformed files rejected with file:line.
lanl=$src/../shared/traces/lanl-failures-1996-2005/LA-UR-05-7318-failure-data-1996-2005.csv
if [ -f "$lanl" ]; then
  expect_status 0 "failures fit LANL" "$vdcsim" failures fit "$lanl"
  grep -qE "^ +total +23739 " out.txt && ok || bad "failures fit: total row lacks 23739 failures"
  [ "$(grep -cE '^ +[0-9]+ +[0-9]+ ' out.txt)" -eq 23 ] && ok || bad "failures fit: not 23 system rows"
fi
fx=$src/tests/data/failures
expect_status 2 "failure trace: bad month" "$vdcsim" failures fit "$fx/bad_month.csv"
expect_err "bad_month.csv:" "failure trace: bad month"
expect_status 2 "failure trace: missing file" "$vdcsim" failures fit "$fx/nosuch.csv"
expect_status 2 "failures: bad window" "$vdcsim" failures fit "$fx/tiny.csv" --group-window -5

# An output that cannot be written is found before the run starts (bad
# input, exit 2: issue 13 item 15) and leaves no file that looks complete.
printf 'hosts = ( { name = "h"; } );\nsimulation = { lookahead = "1s"; };\noutput = { path = "nodir/x.h5"; };\n' > nodir.cfg
expect_status 2 "unwritable output" "$vdcsim" run nodir.cfg --quiet
expect_err "nodir/x.h5" "unwritable output"

cli_end
