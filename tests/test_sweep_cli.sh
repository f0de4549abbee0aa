#!/usr/bin/env bash
# test_sweep_cli.sh - `vdcsim sweep` end to end on a tiny design (2 cells x 3
# replications of a 2-hour quickstart): identical tables with 1 and 2 jobs;
# the cell half-width recomputed by hand from the run table; replication
# seeds distinct, the same in every cell and on every start; an interrupted
# sweep resumed; a different design refused in the same directory; bad
# experiment files refused with FILE:LINE: key and exit 2 before any run;
# a sweep interrupted with SIGINT and started again gives the same tables.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/sweep
source "$src/tests/cli_lib.sh"
cli_begin

cat >e.cfg <<EOF
scenario = "$src/scenarios/quickstart.cfg";
replications = 3;
seed = 11;
set = [ "simulation.until=2h", "simulation.sample_period=10m", "drs.enabled=false" ];
factors = ( { key = "hosts.[0].count"; values = [ 4, 6 ]; } );
metrics = [ "energy_kwh", "cpu_usage_host_mean_pct", "migrations_per_hour" ];
EOF

# --- 1 and 2 jobs ------------------------------------------------------------
expect_status 0 "sweep --jobs 1" "$vdcsim" sweep e.cfg --jobs 1 -o j1 --quiet
expect_status 0 "sweep --jobs 2" "$vdcsim" sweep e.cfg --jobs 2 -o j2 --quiet
[ -s j1/cells.csv ] && [ -s j1/sweep.h5 ] && ok || bad "tables missing"
cmp -s j1/cells.csv j2/cells.csv && ok || bad "cells.csv differs between 1 and 2 jobs"
# runs.csv: every column but wall_time_s (7) must match.
drop_wall() { awk -F, -v OFS=, '{ $7 = ""; print }' "$1"; }
[ "$(drop_wall j1/runs.csv)" = "$(drop_wall j2/runs.csv)" ] && ok || bad "runs.csv differs between 1 and 2 jobs"
[ "$(wc -l <j1/runs.csv)" -eq 7 ] && ok || bad "runs.csv should have 6 runs"
[ "$(wc -l <j1/cells.csv)" -eq 7 ] && ok || bad "cells.csv should have 2 cells x 3 metrics"

# --- sweep.h5 and the figure data against the CSV ------------------------------
# /cells of sweep.h5 read with h5dump (17 digits): one CSV line per record,
# NaN as an empty field, the NUL padding of fixed-length strings (format_version
# 2) dropped, the columns cell..half_width.
h5cells() {
  h5dump -m %.17g -d /cells -y -w 0 "$1" | sed -n '/ DATA {/,$p' | awk '
    NR == 1 || /^ *\{ *$/ { next }
    /^ *}/ { if (n) print line; n = 0; line = ""; next }
    { v = $0; gsub(/^ +|,$/, "", v); gsub(/"/, "", v); gsub(/\\000/, "", v); if (v == "nan" || v == "-nan") v = ""
      line = n ? line "," v : v; n++ }' | cut -d, -f1-10
}
h5cells j1/sweep.h5 >h5cells.txt
[ -s h5cells.txt ] && [ "$(cat h5cells.txt)" = "$(tail -n +2 j1/cells.csv | cut -d, -f1-10)" ] && ok \
  || bad "sweep.h5 /cells differs from cells.csv"
# fig-energy_kwh.csv: x_value, n, mean, ci_low, ci_high of each cell = the HDF5 rows.
fig=$(tail -n +2 j1/figures/fig-energy_kwh.csv | cut -d, -f2,4,5,6,7)
want=$(awk -F, -v OFS=, '$3 == "energy_kwh" { print $2, $5, $6, $8, $9 }' h5cells.txt)
[ -n "$fig" ] && [ "$fig" = "$want" ] && ok || bad "figure data differ from sweep.h5: $fig / $want"
grep -q 'fig-energy_kwh.csv' j1/figures/index.html && ok || bad "index.html lists the figure"
if "$vdcsim" --modules | grep -q '^vdcsim_plot .*\.so$'; then
  [ "$(head -c 8 j1/figures/fig-energy_kwh.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok \
    || bad "fig-energy_kwh.png is not a PNG"
  grep -q '<svg' j1/figures/fig-energy_kwh.svg && ok || bad "fig-energy_kwh.svg is not an SVG"
  grep -q '<img src="fig-energy_kwh.png"' j1/figures/index.html && ok || bad "index.html shows the drawing"
fi

# --- every run got its cell's overrides and its replication's seed -----------------
# The run file keeps the scenario text with one "# --set K=V" line per
# override; run 5 is cell 1 (6 hosts), replication 2.
set_lines=$(h5dump -a scenario_text j1/runs/run-1-2.h5 | grep -o -- '# --set [^"]*' | sed 's/^# --set //')
seed5=$(awk -F, '$1 == 5 { print $5 }' j1/runs.csv)
grep -qx "hosts.\[0\].count=6" <<<"$set_lines" && grep -qx "simulation.seed=$seed5" <<<"$set_lines" && ok \
  || bad "run 5 should have hosts.[0].count=6 and simulation.seed=$seed5: $set_lines"

# A two-factor cartesian design (last factor fastest) and a zip design.
cat >two.cfg <<EOF
scenario = "$src/scenarios/quickstart.cfg";
set = [ "simulation.until=1h", "drs.enabled=false" ];
factors = ( { key = "hosts.[0].count"; values = [ 4, 6 ]; },
            { key = "simulation.sample_period"; values = [ "10m", "20m" ]; } );
metrics = [ "energy_kwh" ];
EOF
expect_status 0 "two-factor sweep" "$vdcsim" sweep two.cfg -o two --quiet --jobs 2
set_lines=$(h5dump -a scenario_text two/runs/run-2-0.h5 | grep -o -- '# --set [^"]*')
grep -q "hosts.\[0\].count=6" <<<"$set_lines" && grep -q "sample_period=10m" <<<"$set_lines" && ok \
  || bad "cell 2 of a 2 x 2 design is (6, 10m): $set_lines"
[ "$(awk -F, 'NR > 1 { print $4 "/" $5 }' two/runs.csv | tr '\n' ' ')" = "4/10m 4/20m 6/10m 6/20m " ] && ok \
  || bad "runs.csv cell order"
[ "$(tail -n +2 two/paired.csv | cut -d, -f1,4 | tr '\n' ' ')" = "2,0 3,1 " ] && ok \
  || bad "paired.csv: cells 2 and 3 against baselines 0 and 1"
# Hand check: with DRS off (the quickstart turns it on) placement is first
# fit, so the 60 VMs of the first hour
# fill the first hosts and hosts 5 and 6 stay idle at power_idle_w = 120 W:
# 2 x 120 W x 1 h = 0.24 kWh more energy, in both pairs.
awk -F, 'NR > 1 { d = $8 - 0.24; if (d * d > 1e-18) bad = 1; n++ } END { exit bad || n != 2 }' two/paired.csv && ok \
  || bad "paired energy difference of two idle hosts for 1 h should be 0.24 kWh"
sed 's/factors = (/design = "zip";\nfactors = (/' two.cfg >zip.cfg
expect_status 0 "zip sweep" "$vdcsim" sweep zip.cfg -o zip --quiet
[ "$(awk -F, 'NR > 1 { print $4 "/" $5 }' zip/runs.csv | tr '\n' ' ')" = "4/10m 6/20m " ] && ok \
  || bad "zip design pairs the i-th values"
[ ! -e zip/paired.csv ] && ok || bad "no paired.csv for a zip design"

# vdcsim report SWEEP.h5 draws the same figures from the file alone: every
# figure's numbers equal those the sweep wrote (two factors, and a zip design).
for d in two zip j1; do
  expect_status 0 "report $d/sweep.h5" "$vdcsim" report "$d/sweep.h5" -o "$d-report"
  n=0
  for f in "$d"/figures/fig-*.csv; do
    n=$((n + 1))
    cmp -s "$f" "$d-report/$(basename "$f")" && ok || bad "report $d: $(basename "$f") differs from the sweep's"
  done
  [ "$n" -gt 0 ] && ok || bad "$d: the sweep wrote no figure"
done
h5dump -a format two/sweep.h5 | grep -q '"vdcsim-sweep"' && ok || bad "sweep.h5 root attribute format"

# --- the interval by hand ----------------------------------------------------
# cell 1, energy_kwh (runs.csv column 9): n = 3, half-width
# t_{0.975,2} s / sqrt(3) with t_{0.975,2} = 4.302653 (Student-t table).
want=$(awk -F, '$2 == 1 { x[n++] = $9 } END { m = (x[0] + x[1] + x[2]) / 3;
  ss = (x[0]-m)^2 + (x[1]-m)^2 + (x[2]-m)^2; printf "%.9g %.9g", m, 4.302653 * sqrt(ss / 2) / sqrt(3) }' j1/runs.csv)
got=$(awk -F, '$1 == 1 && $3 == "energy_kwh" { printf "%.9g %.9g", $6, $10 }' j1/cells.csv)
awk -v w="$want" -v g="$got" 'BEGIN { split(w, a, " "); split(g, b, " ");
  exit !(a[2] > 0 && (a[1] - b[1])^2 < 1e-18 && (a[2] - b[2])^2 <= (1e-6 * a[2])^2) }' \
  && ok || bad "energy_kwh interval: want mean, half-width $want, got $got"
# An absent metric (no DRS: no vmotion_done) has n = 0 and empty numbers.
grep -q '^0,4,migrations_per_hour,1/h,0,,,,,,0.95$' j1/cells.csv && ok || bad "absent metric row"

# --- seeds -------------------------------------------------------------------
seeds0=$(awk -F, '$2 == 0 { print $5 }' j1/runs.csv)
seeds1=$(awk -F, '$2 == 1 { print $5 }' j1/runs.csv)
[ "$(sort -u <<<"$seeds0" | wc -l)" -eq 3 ] && ok || bad "replication seeds not distinct: $seeds0"
[ "$seeds0" = "$seeds1" ] && ok || bad "cells should share the seed list (common random numbers)"
energies=$(awk -F, '$2 == 0 { print $9 }' j1/runs.csv | sort -u | wc -l)
[ "$energies" -eq 3 ] && ok || bad "replications should differ (seeds unused?)"

# --- dry run: the commands, nothing run ------------------------------------------
expect_status 0 "sweep --dry-run" "$vdcsim" sweep e.cfg --dry-run -o dry
[ "$(grep -c '^vdcsim run ' out.txt)" -eq 6 ] && ok || bad "--dry-run prints 6 runs"
grep -q "^experiment e.cfg: 2 cells x 3 replications = 6 runs" out.txt && ok || bad "--dry-run summary line"
grep -q -- "--set 'hosts.\[0\].count=6' --set 'simulation.seed=$seed5'\$" out.txt && ok || bad "--dry-run overrides"
[ ! -e dry ] && ok || bad "--dry-run creates nothing"

# The example of docs/experiments.md is a valid experiment (10 cells x 5).
mkdir -p docex && ln -sfn "$src/scenarios" scenarios
awk '/^## The experiment file/ { f = 1 } f && /^```$/ { if (on) exit; on = 1; next } on' \
  "$src/docs/experiments.md" >docex/example.cfg
expect_status 0 "docs/experiments.md example (--dry-run)" "$vdcsim" sweep docex/example.cfg --dry-run
grep -q "10 cells x 5 replications = 50 runs" out.txt && ok || bad "docs example design"

# --- resume ------------------------------------------------------------------
rm j2/runs/run-1-2.h5
expect_status 0 "resumed sweep" "$vdcsim" sweep e.cfg --jobs 2 -o j2
expect_err "6 runs (2 cells x 3 replications), 1 to do" "resume runs only the missing run"
cmp -s j1/cells.csv j2/cells.csv && ok || bad "resumed cells.csv differs"

# --- interrupted (SIGINT once the first run is done), then resumed ---------------
"$vdcsim" sweep e.cfg --jobs 1 -o int --quiet 2>int.err &
pid=$!
for _ in $(seq 1 300); do [ -e int/runs/run-0-0.h5 ] && break; sleep 0.05; done
kill -INT "$pid"
wait "$pid"; status=$?
[ "$status" -eq 130 ] && ok || bad "interrupted sweep: exit $status, want 130"
grep -q "interrupted after" int.err && ok || bad "interrupted sweep says so"
[ ! -e int/cells.csv ] && ok || bad "an interrupted sweep writes no tables"
expect_status 0 "sweep resumed after SIGINT" "$vdcsim" sweep e.cfg --jobs 2 -o int --quiet
cmp -s j1/cells.csv int/cells.csv && ok || bad "interrupted + resumed cells.csv differs"
[ "$(drop_wall j1/runs.csv)" = "$(drop_wall int/runs.csv)" ] && ok || bad "interrupted + resumed runs.csv differs"
ls int/runs | grep -q partial && bad "partial files left" || ok
[ "$(h5cells int/sweep.h5)" = "$(cat h5cells.txt)" ] && ok || bad "interrupted + resumed sweep.h5 /cells differs"

# --- a failed run is recorded, the others go on --------------------------------------
# The trace file is only opened when the model is built, so the design loads
# and the second cell's run fails (exit 2 from `vdcsim run`).
cat >fail.cfg <<EOF
scenario = "$src/scenarios/quickstart.cfg";
set = [ "simulation.until=1h", "drs.enabled=false" ];
factors = ( { key = "failures.trace.file"; values = [ "", "$work/no-such-trace.csv" ]; } );
metrics = [ "energy_kwh" ];
EOF
expect_status 1 "sweep with a failing run" "$vdcsim" sweep fail.cfg -o fail --quiet
awk -F, '$1 == 0 && $6 == 0 && $9 > 0 { found = 1 } END { exit !found }' fail/runs.csv && ok || bad "good run recorded"
awk -F, '$1 == 1 && $6 == 2 && $8 ~ /no-such-trace.csv/ && $9 == "" { found = 1 } END { exit !found }' \
  fail/runs.csv && ok || bad "failed run recorded with exit status 2, its message and no value"
grep -q "^1,$work/no-such-trace.csv,energy_kwh,kWh,0,,,,,,0.95\$" fail/cells.csv && ok || bad "failed cell has n = 0"

# --- another design in the same directory --------------------------------------
sed 's/replications = 3/replications = 2/' e.cfg >e2.cfg
expect_status 2 "other design" "$vdcsim" sweep e2.cfg -o j1 --quiet
expect_err "j1 holds the runs of another design" "other design message"

# --- bad experiment files --------------------------------------------------------
# bad_case NAME EXPECTED-STDERR: the file NAME.cfg (written before) must exit 2
# with EXPECTED in stderr and start no run (no output directory).
bad_case() {
  expect_status 2 "$1" "$vdcsim" sweep "$1.cfg" -o "out-$1" --quiet
  expect_err "$2" "$1"
  [ ! -e "out-$1" ] && ok || bad "$1: output directory created"
}
head_lines="scenario = \"$src/scenarios/quickstart.cfg\";"
printf '%s\nreplicatons = 3;\nmetrics = [ "energy_kwh" ];\n' "$head_lines" >unknown_key.cfg
bad_case unknown_key "unknown_key.cfg:2: key 'replicatons': unknown key (did you mean 'replications'?)"
printf '%s\nmetrics = [ "energy_kwh" ];\nfactors = ( { key = "hosts.[0].cnt"; values = [ 1 ]; } );\n' \
  "$head_lines" >not_scenario_key.cfg
bad_case not_scenario_key "not_scenario_key.cfg:3: key 'factors.[0].key': 'hosts.[0].cnt' is not a scenario key (did you mean 'hosts.[0].count'?)"
printf '%s\nmetrics = [ "energy_kwh" ];\nfactors = ( { key = "hosts.[0].count";\n  values = [ 4, -1 ]; } );\n' \
  "$head_lines" >refused_value.cfg
bad_case refused_value "refused_value.cfg:4: key 'factors.[0].values.[1]': the scenario refuses -1: --set hosts.[0].count=-1: key 'hosts.[0].count': -1 is out of range"
printf '%s\nmetrics = [ "energy_kwh" ];\nfactors = ( { key = "hosts.[0].count";\n  values = [ ]; } );\n' \
  "$head_lines" >empty_list.cfg
bad_case empty_list "empty_list.cfg:4: key 'factors.[0].values': 0 values is too few"
printf '%s\nmetrics = [ "energy_kwh",\n  "energy_mwh" ];\n' "$head_lines" >unknown_metric.cfg
bad_case unknown_metric "unknown_metric.cfg:3: key 'metrics.[1]': unknown metric 'energy_mwh'"
printf '%s\nmetrics = [ "energy_kwh",\n  "energy_kwh" ];\n' "$head_lines" >twice_metric.cfg
bad_case twice_metric "twice_metric.cfg:3: key 'metrics.[1]': 'energy_kwh' is listed twice"
printf '%s\nmetrics = [ "energy_kwh" ];\nfactors = ( { key = "simulation.seed"; values = [ 1, 2 ]; } );\n' \
  "$head_lines" >seed_factor.cfg
bad_case seed_factor "seed_factor.cfg:3: key 'factors.[0].key': simulation.seed is set by the experiment itself"
printf 'metrics = [ "energy_kwh" ];\n' >no_scenario.cfg
bad_case no_scenario "no_scenario.cfg: key 'scenario': missing required key"
printf '%s\nmetrics = [ "energy_kwh" ];\nreplications = 0;\n' "$head_lines" >zero_reps.cfg
bad_case zero_reps "zero_reps.cfg:3: key 'replications': 0 is out of range"

# --- experiments/capacity.cfg at a short setting ---------------------------------
expect_status 0 "capacity experiment (2 replications of 2 h)" "$vdcsim" sweep "$src/experiments/capacity.cfg" \
  --replications 2 --set simulation.until=2h --jobs 2 -o cap --quiet
[ "$(tail -n +2 cap/runs.csv | wc -l)" -eq 10 ] && ok || bad "capacity: 5 host counts x 2 replications"
[ "$(awk -F, '$6 != 0' cap/runs.csv | wc -l)" -eq 1 ] && ok || bad "capacity: every run succeeded"
expect_status 2 "a --set the scenario refuses" "$vdcsim" sweep "$src/experiments/capacity.cfg" \
  --set simulation.until=-1h -o cap-bad --quiet
expect_err "key 'set': the scenario refuses these overrides: --set simulation.until=-1h" "bad --set named"
expect_status 2 "--set simulation.seed" "$vdcsim" sweep e.cfg --set simulation.seed=3 -o seed-bad --quiet

# --- experiments/capacity_ha.cfg at a short setting: esx-02 fails at 12 h ----------
expect_status 0 "capacity_ha experiment (1 replication of 13 h)" "$vdcsim" sweep \
  "$src/experiments/capacity_ha.cfg" --replications 1 --set simulation.until=13h --jobs 2 -o cha --quiet
# One injected failure in every run; with 8 hosts every VM restarts.
[ "$(awk -F, '$3 == "host_failures" && $6 == 1' cha/cells.csv | wc -l)" -eq 5 ] && ok \
  || bad "capacity_ha: one host failure in each of the 5 cells"
grep -q '^4,8,vms_down_at_end,1,1,0,' cha/cells.csv && ok || bad "capacity_ha: 8 hosts restart every VM"

# --- experiments/policy.cfg at a short setting: paired differences ----------------
expect_status 0 "policy experiment (2 replications of 6 min)" "$vdcsim" sweep "$src/experiments/policy.cfg" \
  --replications 2 --set simulation.until=6m --jobs 2 -o policy --quiet
[ "$(tail -n +2 policy/paired.csv | wc -l)" -eq 7 ] && ok || bad "policy: one paired row per metric"
# With every run present the mean of the differences is the difference of
# the means; and packing the web pods (800 m used on 500 m requests) onto
# fewer nodes makes their requests slower.
diff_mean=$(awk -F, '$4 == "service_latency_mean_ms[web]" { print $7 }' policy/paired.csv)
means=$(awk -F, '$3 == "service_latency_mean_ms[web]" { printf "%s ", $6 }' policy/cells.csv)
awk -v d="$diff_mean" -v m="$means" 'BEGIN { split(m, a, " "); exit !((d - (a[2] - a[1]))^2 < 1e-18 && d > 0) }' \
  && ok || bad "paired web latency difference $diff_mean vs cell means $means"

# --- vdcsim metrics -------------------------------------------------------------
# energy_kwh (from the per-host power series) against the recorder's cluster
# total /series/cluster/power_w read with h5dump: sum x sample period (10 min
# = 600 s in e.cfg) / 3.6e6 W s per kWh, to h5dump's printed precision.
expect_status 0 "metrics --csv" "$vdcsim" metrics j1/runs/run-0-0.h5 --csv
got=$(awk -F, '$1 == "energy_kwh" { print $2 }' out.txt)
want=$(h5dump -d /series/cluster/power_w -y -w 0 j1/runs/run-0-0.h5 |
  awk '/DATA/ { on = 1; next } on && /^ *[0-9.e+-]+,?$/ { gsub(",", ""); s += $1 } END { printf "%.9g", s * 600 / 3.6e6 }')
awk -v g="$got" -v w="$want" 'BEGIN { exit !(w > 0 && (g - w)^2 <= (1e-5 * w)^2) }' && ok \
  || bad "energy_kwh: metrics says $got, the cluster power series gives $want"
grep -q '^migrations_per_hour,,1/h$' out.txt && ok || bad "an absent metric is an empty CSV cell"
expect_status 0 "metrics --reference" "$vdcsim" metrics --reference
cmp -s out.txt "$src/docs/metrics.md" && ok || bad "docs/metrics.md is not 'vdcsim metrics --reference' (regenerate it)"
expect_status 2 "metrics of a missing file" "$vdcsim" metrics no-such.h5
expect_err "no-such.h5" "metrics names the missing file"

expect_status 0 "vdcsim --help" "$vdcsim" --help
for cmd in metrics export sweep; do
  grep -q "^  $cmd " out.txt && ok || bad "vdcsim --help lists $cmd"
done
for cmd in run check summary keys failures sweep metrics export; do
  expect_status 0 "$cmd --help" "$vdcsim" "$cmd" --help
  grep -q "^usage: vdcsim $cmd" out.txt && ok || bad "$cmd --help prints its usage"
done
cli_end
