#!/usr/bin/env bash
# test_report_cli.sh - `vdcsim report RUN.h5 -o DIR` on a run computed by
# hand: 2 hosts of 1 x 4 cores at 2 GHz (8 GHz each, 16 GHz in all), 3 VMs of
# 2 vCPUs with a constant 1 GHz demand and no noise, placed first fit (all on
# host 0: 3 GHz of 8 = 37.5 %), sampled every 5 min for 1 h. The figures'
# CSV numbers must be those. Bad input: not a run file (exit 2), an output
# directory that is a planted symbolic link (refused, nothing written there).
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/report
source "$src/tests/cli_lib.sh"
cli_begin

cat >hand.cfg <<'CFG'
simulation = { seed = 1; until = "1h"; lookahead = "1s"; sample_period = "5m"; threads = 1; };
output = { path = "hand.h5"; per_vm_series = true; };
hosts = ( { name = "h"; count = 2; sockets = 1; cores_per_socket = 4; cpu = "2GHz"; memory = "64GiB"; } );
vms = ( { name = "v"; count = 3; vcpus = 2; memory = "4GiB";
          cpu_demand = { kind = "constant"; mean = "1GHz"; noise = 0.0; }; } );
placement = { policy = "first_fit"; };
CFG
expect_status 0 "run" "$vdcsim" run hand.cfg -o hand.h5 --quiet
expect_status 0 "report" "$vdcsim" report hand.h5 -o out

for f in index.html cpu.csv cpu-ready.csv host-cpu-heat.csv memory.csv power.csv; do
  [ -s "out/$f" ] && ok || bad "out/$f missing"
done
# the last sample (55 min): demand 3 GHz, usage 3 GHz, capacity 16 GHz
last() { awk -F, -v l="$1" '$1 == l { v = $3 } END { print v }' out/cpu.csv; }
[ "$(last demand)" = "3" ] && ok || bad "cpu.csv demand at the end: $(last demand), want 3 GHz"
[ "$(last usage)" = "3" ] && ok || bad "cpu.csv usage at the end: $(last usage), want 3 GHz"
ncap=$(awk -F, '$1 == "capacity" && $3 != 16 { n++ } END { print n + 0 }' out/cpu.csv)
[ "$ncap" = 0 ] && ok || bad "cpu.csv: $ncap capacity points differ from 16 GHz"
[ "$(grep -c '^capacity,' out/cpu.csv)" = 12 ] && ok || bad "cpu.csv: 12 samples of capacity"
# with SMT (2 threads per core, smt_gain 0.2 by default): 16 x 1.2 = 19.2 GHz
nsched=$(awk -F, '$1 == "schedulable (SMT)" && ($3 - 19.2)^2 > 1e-18 { n++ } END { print n + 0 }' out/cpu.csv)
[ "$nsched" = 0 ] && [ "$(grep -c '^schedulable (SMT),' out/cpu.csv)" = 12 ] && ok \
  || bad "cpu.csv: schedulable capacity should be 19.2 GHz at every sample"
# heat map: 12 samples x 2 hosts; at the last sample host 0 is at 37.5 %, host 1 at 0 %
[ "$(wc -l <out/host-cpu-heat.csv)" = 25 ] && ok || bad "host-cpu-heat.csv: header + 24 cells"
h0=$(awk -F, 'NR > 1 && $2 == 0 { v = $3 } END { print v }' out/host-cpu-heat.csv)
h1=$(awk -F, 'NR > 1 && $2 == 1 { v = $3 } END { print v }' out/host-cpu-heat.csv)
[ "$h0" = "37.5" ] && ok || bad "heat map host 0 at the end: $h0, want 37.5"
[ "$h1" = "0" ] && ok || bad "heat map host 1 at the end: $h1, want 0"
# no contention: every VM's mean CPU ready is 0; the CDF steps 1/3, 2/3, 1
cdf=$(awk -F, 'NR > 1 { printf "%s:%.4f ", $2, $3 }' out/cpu-ready.csv)
[ "$cdf" = "0:0.3333 0:0.6667 0:1.0000 " ] && ok || bad "cpu-ready.csv: '$cdf'"
grep -q '<h2>cpu</h2>' out/index.html && ok || bad "index.html lists the cpu figure"
grep -q 'service-latency</i>: not drawn' out/index.html && ok || bad "index.html says services are absent"
# with the PLplot module (analysis/plot/), each figure is drawn: a PNG (its
# 8-byte signature) and an SVG for the lines and for the heat map
if "$vdcsim" --modules | grep -q '^vdcsim_plot .*\.so$'; then
  for f in cpu host-cpu-heat; do
    [ "$(head -c 8 "out/$f.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok || bad "out/$f.png is not a PNG"
    grep -q '<svg' "out/$f.svg" && ok || bad "out/$f.svg is not an SVG"
  done
  grep -q '<img src="cpu.png"' out/index.html && ok || bad "index.html shows cpu.png"
else
  echo "note: no PLplot module in this build: the drawings are not checked"
fi

printf 'not hdf5\n' >junk.h5
expect_status 2 "report on a text file" "$vdcsim" report junk.h5 -o out2
mkdir -p elsewhere && ln -sfn elsewhere planted
expect_status 1 "report into a planted symlink" "$vdcsim" report hand.h5 -o planted
[ -z "$(ls elsewhere)" ] && ok || bad "files written through the planted symlink"
expect_status 2 "report without -o" "$vdcsim" report hand.h5
expect_status 0 "report --help" "$vdcsim" report --help
cli_end
