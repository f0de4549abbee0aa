#!/usr/bin/env bash
# test_bench_drs_pass.sh VDCSIM_BINARY SOURCE_DIR TEST_BUILD_DIR
# The DRS pass benchmark on small settings: it prints one line per search,
# the pruned search makes the same moves as the full one (same_moves=1) and
# the full search run beside it at every step never picks another move
# (differ=0). No timing is asserted: `make bench` measures.
set -u
vdcsim=$1; src=$2; work=$3/bench_drs_pass
source "$src/tests/cli_lib.sh"
cli_begin
bin="$(dirname "$vdcsim")/bench/bench_drs_pass"
[ -x "$bin" ] && ok || { bad "$bin not built"; cli_end; exit 1; }
for seed in 1 2 3; do
  out=$("$bin" --hosts 48 --vms 900 --reps 1 --seed $seed) && ok || bad "run seed $seed"
  echo "$out"
  grep -q "search=full .*moves=64" <<<"$out" && ok || bad "full search: no line or not 64 moves (seed $seed)"
  grep -q "search=pruned .*same_moves=1" <<<"$out" && ok || bad "pruned search moves differ (seed $seed)"
  grep -q "check steps=64 differ=0" <<<"$out" && ok || bad "search_check found a step that differs (seed $seed)"
done
"$bin" --hosts 4 >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--hosts without --vms not refused with 2"
cli_end
