#!/usr/bin/env bash
# test_bitflip.sh - issue 13, part 1: 50 random single-bit flips (seed 1)
# of a real run file (scenarios/rack_failure.cfg, 2 h: tables with names,
# series, events) through scripts/bitflip, which runs summary, export,
# verify and report on each (50, not the 900 of the campaign in
# docs/hdf5-layout.md, to keep the test near a minute). No command may crash (signal or hang), print a
# different result with exit 0, or fail with a status other than 2; and the
# flips must be noticed at all (some exit 2): a campaign that reads nothing
# would pass the first checks. Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/bitflip
source "$src/tests/cli_lib.sh"
cli_begin
expect_status 0 "rack_failure 2 h" "$vdcsim" run "$src/scenarios/rack_failure.cfg" --until 2h -o run.h5 --quiet
printf 'properties = (\n  { name = "headroom"; formula = "forall host: G host.cpu_usage <= 0.9 * host.cpu_capacity"; },\n  { name = "restart"; formula = "forall vm: G (vm.failed -> F[<=10m] vm.running)"; }\n);\n' >props.cfg
bash "$src/scripts/bitflip" "$vdcsim" run.h5 props.cfg 50 1 campaign >campaign.txt 2>&1
rc=$?
cat campaign.txt
[ "$rc" -eq 0 ] && ok || bad "bitflip exit $rc: a command crashed or the intact file failed"
# columns: command crash refused same silent other
read -r _ crash refused same silent other < <(grep '^all ' campaign.txt)
[ "${crash:-x}" = 0 ] && ok || bad "crashes: ${crash:-?}"
[ "${silent:-x}" = 0 ] && ok || bad "silently different results: ${silent:-?}"
[ "${other:-x}" = 0 ] && ok || bad "exit statuses other than 0 and 2: ${other:-?}"
[ "${refused:-0}" -gt 0 ] && ok || bad "no flip was refused: the campaign read nothing"
[ $(( ${crash:-0} + ${refused:-0} + ${same:-0} + ${silent:-0} + ${other:-0} )) -eq 200 ] && ok ||
  bad "50 flips x 4 commands should give 200 outcomes"
cli_end
