#!/usr/bin/env bash
# test_validate.sh - the validation report on short settings: every check passes.
set -u
vdcsim=$1; work=$3/validate
rm -rf "$work"; mkdir -p "$work"
"$(dirname "$vdcsim")/validation/vdcsim_validate" --short --work "$work" --out "$work/report.md"
st=$?
# The LANL rows need the trace; without it (a clone, no VDCSIM_TRACES) the
# report must say the check was skipped, not pass it silently.
if grep -q "| LANL: trace loads | 23739 failures | no trace here" "$work/report.md"; then
  grep -q "| skipped |" "$work/report.md" || { echo "LANL row not marked skipped"; exit 1; }
  echo "skipped: LANL rows (no trace here)"
else
  grep -q "| LANL: failure records in the trace | 23739 failures | 23739 failures" "$work/report.md" ||
    { echo "report lacks the LANL row"; exit 1; }
fi
exit $st
