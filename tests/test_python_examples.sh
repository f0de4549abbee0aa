#!/usr/bin/env bash
# test_python_examples.sh - runs every python block of docs/analysis-python.md
# on a short capacity sweep (experiments/capacity.cfg, 2 replications of
# 2 h) and the CSV export of one of its runs. Skipped (exit 77) without
# python3-pandas and python3-h5py. Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/python_examples
source "$src/tests/cli_lib.sh"
cli_begin
if ! find_python pandas h5py; then
  echo "SKIP: python3-pandas and python3-h5py are needed (Debian: apt install python3-pandas python3-h5py)"
  exit 77
fi
expect_status 0 "short capacity sweep" "$vdcsim" sweep "$src/experiments/capacity.cfg" --replications 2 \
  --set simulation.until=2h -o capacity.sweep --quiet
expect_status 0 "export one run" "$vdcsim" export capacity.sweep/runs/run-0-0.h5 --csv capacity.sweep/csv
awk '/^```python$/ { n++; f = sprintf("example-%d.py", n); on = 1; next } on && /^```$/ { on = 0; next }
     on { print > f }' "$src/docs/analysis-python.md"
[ -s example-3.py ] && ok || bad "docs/analysis-python.md should have 3 python examples"
for f in example-*.py; do
  expect_status 0 "docs/analysis-python.md $f" "$python" "$f"
done
expect_status 0 "example 1 again" "$python" example-1.py
grep -q "^smallest host count:" out.txt && ok || bad "example 1 prints the smallest host count"
expect_status 0 "example 2 again" "$python" example-2.py
grep -q "^10 runs, 10 succeeded$" out.txt && ok || bad "example 2 counts 10 runs"
cli_end
