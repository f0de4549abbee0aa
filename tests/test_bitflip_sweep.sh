#!/usr/bin/env bash
# test_bitflip_sweep.sh - issue 13: sweep files are as robust as run files.
# A tiny sweep (2 cells x 2 replications of a 1 h quickstart) writes
# sweep.h5 (format_version 2: fixed-length strings, Fletcher-32 on every
# dataset, HDF5 1.10 metadata checksums); scripts/bitflip then flips 60
# random single bits of it (seed 3; 15 under the sanitizers) and runs
# `vdcsim report SWEEP.h5` on each copy. No flip may crash or hang report,
# give a different report with exit 0, or exit with another status than 0
# or 2; and some flips must be refused (exit 2), or the campaign read
# nothing. Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/bitflip_sweep
source "$src/tests/cli_lib.sh"
cli_begin
cat >e.cfg <<EOC
scenario = "$src/scenarios/quickstart.cfg";
replications = 2;
seed = 5;
set = [ "simulation.until=1h", "simulation.sample_period=10m", "drs.enabled=false" ];
factors = ( { key = "hosts.[0].count"; values = [ 4, 6 ]; } );
metrics = [ "energy_kwh", "cpu_usage_host_mean_pct" ];
EOC
# Under the sanitizers: libhdf5's leaks on damaged headers and fontconfig's
# (the figures) are not vdcsim's (tests/lsan-hdf5.supp).
export LSAN_OPTIONS="suppressions=$src/tests/lsan-hdf5.supp"
expect_status 0 "sweep" "$vdcsim" sweep e.cfg -o s --quiet
flips=60
[ -n "${VDCSIM_TEST_SANITIZED:-}" ] && flips=15
BITFLIP_COMMANDS=report bash "$src/scripts/bitflip" "$vdcsim" s/sweep.h5 /dev/null $flips 3 campaign >campaign.txt 2>&1
rc=$?
cat campaign.txt
[ "$rc" -eq 0 ] && ok || bad "bitflip exit $rc: report crashed or failed on the intact sweep file"
# columns: command crash refused same silent other
read -r _ crash refused same silent other < <(grep '^all ' campaign.txt)
[ "${crash:-x}" = 0 ] && ok || bad "crashes: ${crash:-?}"
[ "${silent:-x}" = 0 ] && ok || bad "silently different reports: ${silent:-?}"
[ "${other:-x}" = 0 ] && ok || bad "exit statuses other than 0 and 2: ${other:-?}"
[ "${refused:-0}" -gt 0 ] && ok || bad "no flip was refused: the campaign read nothing"
[ $(( ${crash:-0} + ${refused:-0} + ${same:-0} + ${silent:-0} + ${other:-0} )) -eq "$flips" ] && ok ||
  bad "$flips flips x 1 command should give $flips outcomes"
cli_end
