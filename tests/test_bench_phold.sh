#!/usr/bin/env bash
# test_bench_phold.sh VDCSIM_BINARY SOURCE_DIR TEST_BUILD_DIR
# The PHOLD benchmark gives the same result on 1 and 2 threads, executes
# events at all, and rejects bad flags with exit status 2. No timing is
# asserted: performance is measured by `make bench`, never tested.
set -uo pipefail

bin="$(dirname "$1")/bench/bench_phold"
fail=0
check() { # check DESCRIPTION CONDITION...
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}

if [[ ! -x "$bin" ]]; then
    echo "FAIL bench binary $bin not built"
    exit 1
fi

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

out1=$("$bin" --preset medium --end 20 --threads 1); rc1=$?
out2=$("$bin" --preset medium --end 20 --threads 2); rc2=$?
echo "$out1"
echo "$out2"
check "1-thread run exits 0" test "$rc1" -eq 0
check "2-thread run exits 0" test "$rc2" -eq 0
ev1=$(field events "$out1"); ev2=$(field events "$out2")
sum1=$(field checksum "$out1"); sum2=$(field checksum "$out2")
win1=$(field windows "$out1"); win2=$(field windows "$out2")
check "events are reported" test -n "$ev1" -a -n "$ev2"
check "events non-zero" test "${ev1:-0}" -gt 0
check "same events on 1 and 2 threads ($ev1 vs $ev2)" test "$ev1" = "$ev2"
check "same windows on 1 and 2 threads ($win1 vs $win2)" test "$win1" = "$win2"
check "checksum non-zero" test -n "$sum1" -a "$sum1" != "0000000000000000"
check "same checksum on 1 and 2 threads ($sum1 vs $sum2)" test "$sum1" = "$sum2"

# A different seed changes the run.
out3=$("$bin" --preset medium --end 20 --threads 2 --seed 2)
check "the seed matters" test "$(field checksum "$out3")" != "$sum1"

for args in "--bogus 1" "--lps" "--lps 0" "--lps 12x" "--remote 1.5" "--threads 0" \
            "--preset huge" "--lookahead -1" "stray"; do
    # shellcheck disable=SC2086
    err=$("$bin" $args 2>&1 >/dev/null); rc=$?
    check "bad flags '$args' exit 2" test "$rc" -eq 2
    check "bad flags '$args' explain themselves" test -n "$err"
done
"$bin" --help >/dev/null; check "--help exits 0" test $? -eq 0

exit $fail
