#!/usr/bin/env bash
# test_docs_python.sh - runs the h5py example of docs/hdf5-layout.md on a
# one-hour quickstart run. quickstart.cfg: 8 hosts; 48 web + 12 db VMs start
# at once, the 20 batch VMs at 2 h, so 60 VMs are placed in the first hour;
# 1 h sampled every 5 min is 12 samples. Skipped (exit 77) without
# python3-h5py. Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/docs_python
source "$src/tests/cli_lib.sh"
cli_begin
if ! find_python h5py; then
  echo "SKIP: python3-h5py is not installed (Debian: apt install python3-h5py)"
  exit 77
fi
expect_status 0 "quickstart 1 h" "$vdcsim" run "$src/scenarios/quickstart.cfg" --until 1h -o run.h5 --quiet
awk '/^```python$/ { on = 1; next } on && /^```$/ { exit } on' "$src/docs/hdf5-layout.md" >example.py
[ -s example.py ] && ok || bad "no python example in docs/hdf5-layout.md"
expect_status 0 "the docs/hdf5-layout.md example" "$python" example.py
grep -qx "MHz /tables/hosts" out.txt && ok || bad "unit and entity table printed"
grep -qx "8 hosts, 12 samples, 60 VMs placed" out.txt && ok || bad "counts printed: $(cat out.txt)"
cli_end
