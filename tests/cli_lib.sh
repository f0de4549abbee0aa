# cli_lib.sh - what the command-line test scripts (tests/test_*.sh) share:
# a fresh work directory, pass/fail counting, exit-status and stderr
# checks, and dataset comparison between runs. A script sets vdcsim, src
# and work, sources this file, calls cli_begin and ends with cli_end.
#
#   cli_begin                       recreate $work and cd into it
#   ok / bad MESSAGE                count a pass / a failure (printed)
#   expect_status WANT WHAT CMD...  run CMD (stdout out.txt, stderr
#                                   err.txt); its exit status must be WANT
#   expect_err NEEDLE WHAT          err.txt must contain NEEDLE
#   same A.h5 B.h5 OBJECT           the two files' OBJECT (e.g. /series)
#                                   are byte-identical datasets
#   cli_end                         print the counts; status 0 only when
#                                   something passed and nothing failed

cli_begin() {
  passed=0; failed=0
  rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1
}
ok()  { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
expect_status() {
  local want=$1 what=$2; shift 2
  "$@" >out.txt 2>err.txt; local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, want $want"; cat err.txt >&2; fi
}
expect_err() {
  if grep -qF -- "$1" err.txt; then ok; else bad "$2: stderr lacks '$1'"; cat err.txt >&2; fi
}
# same A.h5 B.h5 OBJECT: scripts/h5same (h5diff alone exits 0 when rows were
# added or lost). Needs $src, the source folder every CLI test is given.
same() { "$src/scripts/h5same" "$1" "$2" "$3" 2>/dev/null; }
cli_end() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# find_python MODULE... : sets $python to the first python3 (on PATH, then
# the system's /usr/bin/python3, where Debian's python3-* packages live) that
# imports every MODULE; returns 1 when none does.
find_python() {
  local stmt="import $(IFS=,; echo "$*")" p
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c "$stmt" 2>/dev/null; then
      python=$p
      return 0
    fi
  done
  return 1
}
