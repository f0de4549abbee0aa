#!/usr/bin/env bash
# test_hostile_cli.sh - hostile input and faults end to end (issue 13):
# a full disk (a file-size limit stands in for it: writes fail with EFBIG
# exactly as with ENOSPC) ends the run with exit 1, a message naming the
# cause, and no temporary left, instead of a SIGSEGV in HDF5's teardown;
# bit-flipped run files are refused by `summary` with exit 2.
# Run by ctest as: test_hostile_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/hostile_cli
source "$src/tests/cli_lib.sh"
cli_begin

# --- item 2: disk full -------------------------------------------------------
# 300 KiB is far below what a day of 1-minute samples of the quickstart
# scenario writes, and far above the file's first metadata.
( ulimit -f 300; trap '' XFSZ
  exec "$vdcsim" run "$src/scenarios/quickstart.cfg" --set simulation.sample_period=1m \
       -o full.h5 --quiet ) >out.txt 2>err.txt
got=$?
if [ "$got" -eq 1 ]; then ok; else bad "disk full: exit $got, want 1"; cat err.txt >&2; fi
expect_err "File too large" "disk full names the cause"
expect_err "full.h5 was not written" "disk full says the output was not written"
if ls full.h5* >/dev/null 2>&1; then bad "disk full left $(ls full.h5*)"; else ok; fi

# --- item 3: damaged files are refused, never read wrong ---------------------
expect_status 0 "intact run" "$vdcsim" run "$src/scenarios/quickstart.cfg" --until 2h -o good.h5 --quiet
expect_status 0 "intact summary" "$vdcsim" summary good.h5
cp out.txt good_summary.txt
# Flip one bit in each of 24 places spread over the file: every result is
# either the intact summary or exit 2 with a message: no crash, no other
# output (the file path line differs, so compare with the path replaced).
size=$(stat -c %s good.h5)
wrong=0; crash=0; refused=0
for k in $(seq 1 24); do
  off=$(( (size * k) / 25 ))
  cp good.h5 flip.h5
  byte=$(od -An -tu1 -j "$off" -N1 flip.h5 | tr -d ' ')
  printf "$(printf '\\%03o' $(( byte ^ 4 )))" | dd of=flip.h5 bs=1 seek="$off" conv=notrunc status=none
  "$vdcsim" summary flip.h5 >out.txt 2>err.txt; rc=$?
  if [ "$rc" -ge 128 ]; then crash=$((crash + 1)); echo "crash at byte $off" >&2
  elif [ "$rc" -eq 2 ] && grep -q "flip.h5" err.txt; then refused=$((refused + 1))
  elif [ "$rc" -eq 0 ] && diff -q <(sed 's/flip\.h5/good.h5/' out.txt) good_summary.txt >/dev/null; then :
  else wrong=$((wrong + 1)); echo "silently different summary (exit $rc) at byte $off" >&2; fi
done
if [ "$crash" -eq 0 ]; then ok; else bad "$crash bit flips crashed summary"; fi
if [ "$wrong" -eq 0 ]; then ok; else bad "$wrong bit flips changed the summary silently"; fi
if [ "$refused" -gt 0 ]; then ok; else bad "no bit flip was detected"; fi

cli_end
