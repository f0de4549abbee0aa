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
            "--preset huge" "--lookahead -1" "stray" "--remote-dest self"; do
    # shellcheck disable=SC2086
    err=$("$bin" $args 2>&1 >/dev/null); rc=$?
    check "bad flags '$args' exit 2" test "$rc" -eq 2
    check "bad flags '$args' explain themselves" test -n "$err"
done
"$bin" --help >/dev/null; check "--help exits 0" test $? -eq 0

# --remote-dest any (ROSS's draw: the remote destination is uniform over all
# LPs, the sender included). With --remote 0 both modes draw one uniform per
# event and never a destination, so the runs are the same; with 0.5 they differ.
small=(--lps 64 --events-per-lp 4 --end 20)
oth0=$("$bin" "${small[@]}" --remote 0); any0=$("$bin" "${small[@]}" --remote 0 --remote-dest any)
check "remote 0: 'any' equals 'other'" test "$(field checksum "$oth0")" = "$(field checksum "$any0")"
oth5=$("$bin" "${small[@]}" --remote 0.5); any5=$("$bin" "${small[@]}" --remote 0.5 --remote-dest any)
any5t=$("$bin" "${small[@]}" --remote 0.5 --remote-dest any --threads 2)
check "remote 0.5: 'any' differs from 'other'" test "$(field checksum "$oth5")" != "$(field checksum "$any5")"
check "'any' same checksum on 1 and 2 threads" test "$(field checksum "$any5")" = "$(field checksum "$any5t")"
check "'any' is printed" test "$(field remote_dest "$any5")" = any

# bench/ross-compare: without ROSS it says so and exits 0; with a stand-in
# that prints ROSS's statistics lines it maps the flags and takes medians.
cmp="$2/bench/ross-compare"
work="$3/ross_compare"; rm -rf "$work"; mkdir -p "$work"
out=$(env -u ROSS_PHOLD "$cmp" --bench "$bin"); rc=$?
check "ross-compare without ROSS exits 0" test "$rc" -eq 0
check "ross-compare without ROSS says it skips" grep -q "skipping" <<<"$out"
cat >"$work/phold" <<'FAKE'
#!/usr/bin/env bash
# Stand-in for ROSS's phold: rates 1.0, 1.2, 1.1 M events/s on runs 1, 2, 3.
d=$(dirname "$0"); n=$(($(cat "$d/count" 2>/dev/null || echo 0) + 1)); echo "$n" >"$d/count"
echo "$*" >>"$d/args"
rate=$(( n == 1 ? 1000000 : n == 2 ? 1200000 : 1100000 ))
printf '\n\t: Running Time = %s seconds\n' "$(awk -v r=$rate 'BEGIN{printf "%.4f", 2200000 / r}')"
printf '\t%-50s %11d\n' "Net Events Processed" 2200000
printf '\t%-50s %11.1f\n' "Event Rate (events/sec)" "$rate"
FAKE
chmod +x "$work/phold"
out=$(ROSS_PHOLD="$work/phold" "$cmp" --bench "$bin" --lps 64 --start-events 4 --end 5 \
      --ranks 1 --reps 3); rc=$?
echo "$out"
check "ross-compare with a stand-in exits 0" test "$rc" -eq 0
args=$(head -1 "$work/args")
check "ROSS gets --synch=2 --nlp=64 --start-events=4" grep -q -- "--synch=2 --nlp=64 --start-events=4 " <<<"$args"
check "ROSS gets --mean=1.0 --end=5" grep -q -- "--mean=1.0 --end=5" <<<"$args"
# Medians by hand: rates {1.0, 1.2, 1.1} M -> 1.10 M; times 2.2/{1.0,1.2,1.1} s -> 2.000 s.
row=$(awk '$1 == "ross" && $2 == 1 && NF >= 7' <<<"$out" | tail -1)
check "ROSS median rate 1.10 M ($row)" test "$(awk '{print $6}' <<<"$row")" = "1.10"
check "ROSS median wall 2.000 s ($row)" test "$(awk '{print $5}' <<<"$row")" = "2.000"
check "ROSS events 2200000 ($row)" test "$(awk '{print $4}' <<<"$row")" = "2200000"

exit $fail
