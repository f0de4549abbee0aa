#!/usr/bin/env bash
# test_validate.sh - the validation report on short settings: every check passes.
set -u
vdcsim=$1; work=$3/validate
rm -rf "$work"; mkdir -p "$work"
"$(dirname "$vdcsim")/validation/vdcsim_validate" --short --work "$work" --out "$work/report.md"
st=$?
grep -q "| LANL: failure records in the trace | 23739 failures | 23739 failures" "$work/report.md" || { echo "report lacks the LANL row"; exit 1; }
exit $st
