#!/usr/bin/env bash
# test_engine_mpi.sh - one run spread over MPI ranks (issue 18, item 5):
# the same results as one process for any ranks x threads.
#  - PHOLD (bench_phold --mpi): events, windows and the checksum of every
#    LP's final state equal the 1-process run with 2 and 3 ranks x 1 and 2
#    threads; events really cross ranks (rank_events > 0).
#  - tests/mpi_model.c (PHOLD traffic that records /events rows and
#    /series cells with a recorder total): the HDF5 datasets of 2 and 3
#    ranks equal the 1-process file (scripts/h5same, root attributes such as the
#    wall time excluded), i.e. the recorder gathers every rank's records.
#  - vdcsim run --mpi: quickstart over 1-3 ranks x 1-2 threads and rack
#    failures with HA and DRS over 2-3 ranks give datasets identical to a
#    plain run; a feature not yet distributable (pods) is refused (exit 2,
#    naming it) rather than run wrong (docs/engine.md, "One run over MPI ranks").
#  - check mode (VDCSIM_SHARE_CHECK=1, set by mpi_lib.sh for every MPI
#    test): a shared record written without sim_share_touch stops the run
#    naming the region and record (mpi_model --miss-mark).
# Skipped (77) when mpirun (Open MPI) is missing or the build has no MPI.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/engine_mpi
phold="$(dirname "$vdcsim")/bench/bench_phold"; model="$3/mpi_model"
source "$src/tests/mpi_lib.sh"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

for preset in "medium --end 20" "small --end 2000"; do
  combos=("2 1" "2 2" "3 1")
  [ "${preset%% *}" = small ] && combos=("3 1") # 8 LPs, 25 % remote: 3 ranks of 2-3 LPs
  # shellcheck disable=SC2086
  one=$("$phold" --preset $preset --threads 1)
  echo "$one"
  check "phold $preset: 1 process executes events" test "$(field events "$one")" -gt 0
  for rt in "${combos[@]}"; do
    set -- $rt
    # shellcheck disable=SC2086
    out=$(mpi "$1" "$phold" --preset $preset --threads "$2" --mpi)
    echo "$out"
    for f in events windows checksum; do
      check "phold $preset: $1 ranks x $2 threads: same $f as 1 process" test "$(field $f "$out")" = "$(field $f "$one")"
    done
    check "phold $preset: $1 ranks: events cross ranks" test "$(field rank_events "$out")" -gt 0
  done
done

one=$("$model" m1.h5 1) || { echo "FAIL mpi_model alone"; exit 1; }
check "recording model alone writes events" test "$(h5dump -H m1.h5 | grep -c 'DATASPACE  SIMPLE { ( [1-9]')" -ge 3
for rt in "2 1" "3 2"; do
  set -- $rt
  rm -f "m$1$2.h5"
  out=$(mpi "$1" "$model" "m$1$2.h5" "$2" --mpi)
  # the shared array crosses ranks in rounds (docs/engine.md, "shared records")
  check "recording model: $1 ranks x $2 threads: shared records equal 1 process" \
    test "$(field shared "$out")" = "$(field shared "$one")" -a -n "$(field shared "$one")"
  check "recording model: $1 ranks x $2 threads: datasets identical to 1 process" \
    "$src/scripts/h5same" -x m1.h5 "m$1$2.h5"
  check "recording model: $1 ranks: no scratch file left" test -z "$(ls m$1$2.h5.rank* 2>/dev/null)"
done
# records read by one LP (sim_share_reader): mpi_model's staged records are
# read by LP 0 alone, so rank 0 sends none of its LPs' (with 2 ranks LPs
# 0-18, with 3 LPs 0-12: floor(k R / 37) = 0) and the other ranks send
# theirs to rank 0 only. Each is a run of its own (records 2 i + parity:
# never adjacent), a 16-byte head and 32 bytes, at 200 samples, to each
# rank it goes to: at least 19 x 48 x 200 = 182,400 bytes fewer than
# without the declaration with 2 ranks, and with 3 (13 LPs' to 2 ranks, 24
# LPs' to the other rank than 0) (13 x 2 + 24) x 48 x 200 = 480,000; and
# the same file (LP 0 adds up every record into /series/lps/staged_sum, so
# one lost record shows).
for rt in "2 1 182400" "3 2 480000"; do
  set -- $rt
  with=$(mpi "$1" "$model" "mr$1.h5" "$2" --mpi) && without=$(mpi "$1" "$model" "mn$1.h5" "$2" --mpi --no-reader) || fail=1
  echo "$with"; echo "$without"
  check "one reader: $1 ranks: the ranks send at least $3 bytes fewer" \
    test "$(( $(field share_bytes "$without") - $(field share_bytes "$with") ))" -ge "$3"
  check "one reader: $1 ranks: datasets identical to 1 process" "$src/scripts/h5same" -x m1.h5 "mr$1.h5"
done
# a reader that is no LP (37 of LPs 0-36) stops the run naming the region
err=$(mpi 2 "$model" mb.h5 1 --mpi --bad-reader 2>&1 >/dev/null); rc=$?
check "a reader LP that does not exist: the run fails" test "$rc" -ne 0
check "a reader LP that does not exist: named" \
  grep -q "shared region 'mpi_model staged': the reader of records 0-74, LP 37, does not exist" <<<"$err"
rm -f mb.h5*
# check mode: LP 5 (rank 0 of 2: LPs 0-18) leaves record 5 x 16 + 3 = 83
# unmarked once; the run must stop naming it, not end with a wrong array
err=$(mpi 2 "$model" mx.h5 1 --mpi --miss-mark 2>&1 >/dev/null)
check "check mode: an unmarked shared record stops the run naming it" \
  grep -q "record 83 of shared region 'mpi_model shared' changed in this window without sim_share_touch" <<<"$err"
rm -f mx.h5*

# The datacenter model: quickstart (DRS), and rack failures with HA and DRS
# (VMs fail, restart elsewhere and migrate: their shared records cross ranks).
q="$src/scenarios/quickstart.cfg"; rack="$src/scenarios/rack_failure.cfg"
"$vdcsim" run "$q" --until 6h --threads 1 -o q.h5 --quiet || fail=1
"$vdcsim" run "$rack" --until 2d --threads 1 -o rack.h5 --quiet --set ha.enabled=true --set drs.enabled=true || fail=1
check "rack failure run has failures and restarts" test "$(h5dump -H rack.h5 | grep -c 'DATASPACE  SIMPLE { ( [1-9]')" -ge 3
for rt in "1 1" "3 2"; do
  set -- $rt
  mpi "$1" "$vdcsim" run "$q" --until 6h --threads "$2" -o "q$1$2.h5" --quiet --mpi || fail=1
  check "vdcsim run --mpi quickstart: $1 ranks x $2 threads: datasets identical to a plain run" \
    "$src/scripts/h5same" -x q.h5 "q$1$2.h5"
done
# what crossed ranks, in the file's root attributes: nothing in one process
# (the plain run), some with 3 ranks (hosts on ranks 1 and 2 send their
# series cells to rank 0, and VM records move when VMs start on them)
attr() { h5dump -a "/$1" "$2" 2>/dev/null | sed -n 's/^ *(0): \([0-9]*\)$/\1/p'; }
for a in shared_record_bytes forwarded_record_bytes; do
  check "plain run: $a = 0" test "$(attr $a q.h5)" = 0
  check "3 ranks: $a > 0" test "$(attr $a q32.h5)" -gt 0
done
for rt in "2 1" "3 1"; do
  set -- $rt
  mpi "$1" "$vdcsim" run "$rack" --until 2d --threads "$2" -o "rack$1$2.h5" --quiet --mpi \
    --set ha.enabled=true --set drs.enabled=true || fail=1
  check "vdcsim run --mpi rack+HA+DRS: $1 ranks x $2 threads: datasets identical to a plain run" \
    "$src/scripts/h5same" -x rack.h5 "rack$1$2.h5"
done
# Stateful demand (onoff) on VMs that DRS moves off each host in turn, to
# hosts of other ranks: the demand state must travel with the VM (it once
# was a heap pointer copied between ranks, and the run crashed).
roll="$src/scenarios/rolling_maintenance.cfg"
"$vdcsim" run "$roll" --threads 1 -o roll.h5 --quiet || fail=1
check "rolling maintenance moves VMs (vmotions recorded)" \
  test "$(h5dump -H -d /tables/vmotions roll.h5 | grep -c 'DATASPACE  SIMPLE { ( [1-9]')" -ge 1
for r in 2 3; do
  mpi "$r" "$vdcsim" run "$roll" --threads 1 -o "roll$r.h5" --quiet --mpi || fail=1
  check "vdcsim run --mpi onoff demand + DRS moves: $r ranks: datasets identical to a plain run" \
    "$src/scripts/h5same" -x roll.h5 "roll$r.h5"
done
check "no scratch file left" test -z "$(ls ./*.rank* 2>/dev/null)"
err=$(mpi 2 "$vdcsim" run "$src/tests/scenarios/pods/mixed.cfg" -o pods.h5 --quiet --mpi 2>&1 >/dev/null); rc=$?
check "vdcsim run --mpi with pods on 2 ranks: refused (exit non-zero)" test "$rc" -ne 0
check "vdcsim run --mpi with pods on 2 ranks: names the feature" grep -q "feature 'pods' cannot be spread" <<<"$err"
check "vdcsim run --mpi with pods on 2 ranks: no output left" test ! -e pods.h5
exit $fail
