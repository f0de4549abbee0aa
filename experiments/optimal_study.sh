#!/usr/bin/env bash
# optimal_study.sh - the placement study of docs/optimal.md: first fit, DRS
# placement, the kube-scheduler's NodeResourcesFit strategies
# (LeastAllocated, MostAllocated) and first fit decreasing against the exact
# optimum (fewest hosts), on the shipped scenarios with initial VMs and on
# samples of the openb GPU trace. Prints one markdown table.
#
#   experiments/optimal_study.sh [VDCSIM] [--traces DIR] [--limit 60s]
#
# The openb rows need the trace (scripts/fetch-traces alibaba-gpu-v2023-openb);
# they are skipped, with a note, when it is not found under --traces DIR,
# $VDCSIM_TRACES or ../shared/traces next to the source tree.
set -u
vdcsim=build/vdcsim
limit=60s
traces_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --traces) traces_args=(--traces "$2"); shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    *) vdcsim=$1; shift ;;
  esac
done
src=$(cd "$(dirname "$0")/.." && pwd)

# one table row from `vdcsim optimal --compare` output on stdin
row() {
  awk -v name="$1" '
    /^instance:/ { if (match($0, /[0-9]+ at_start VMs on [0-9]+ hosts/)) size = substr($0, RSTART, RLENGTH)
                   if (match($0, /[0-9]+ pods of/)) { split(substr($0, RSTART), w, " "); pods = w[1] }
                   if (match($0, /on [0-9]+ nodes/)) { split(substr($0, RSTART), w, " "); size = pods " pods on " w[2] " nodes" }
                   sub(/at_start VMs/, "VMs", size) }
    /^optimum:/ { opt = $2; if ($0 ~ /infeasible/) opt = "infeasible" }
    /^best found:/ { opt = $3 " (limit)" }
    /^bound:/ { if (match($0, /gap [0-9.]+%/)) opt = opt ", bound " $2 ", " substr($0, RSTART, RLENGTH) }
    /^solve time:/ { if (match($0, /CPU [0-9.]+ s/)) secs = substr($0, RSTART + 4, RLENGTH - 6) }
    $1 ~ /^(first_fit|drs|k8s_least_allocated|k8s_most_allocated|ffd)$/ {
      cell[$1] = $2 (($3 + 0) > 0 ? " (" $3 " unplaced)" : "") ($4 != "-" ? " / " $4 : "") }
    END { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, size, opt, secs,
          cell["first_fit"], cell["drs"], cell["k8s_least_allocated"], cell["k8s_most_allocated"], cell["ffd"] }'
}

echo "| instance | size | optimum (hosts) | solve CPU s | first fit | DRS | k8s LeastAllocated | k8s MostAllocated | FFD |"
echo "|---|---|---|---|---|---|---|---|---|"
for cfg in "$src"/scenarios/*.cfg; do
  name=$(basename "$cfg" .cfg)
  out=$("$vdcsim" optimal "$cfg" --compare --time-limit "$limit" 2>&1) || { echo "| $name | error: ${out##*$'\n'} |"; continue; }
  grep -q "^instance:   0 at_start VMs" <<<"$out" && continue # no initial VMs (pods or later arrivals only)
  row "$name" <<<"$out"
done
for sample in 60:30 120:60; do
  out=$("$vdcsim" optimal --openb "$sample" "${traces_args[@]}" --compare --time-limit "$limit" 2>&1)
  status=$?
  if [ $status -eq 2 ] && grep -q "openb trace is not there" <<<"$out"; then
    echo "| openb $sample | skipped: trace not found (scripts/fetch-traces) |"
    continue
  fi
  row "openb $sample" <<<"$out"
done
echo
echo "Cells: hosts used / gap to the optimum ((policy - optimum) / optimum). Made by:"
echo "experiments/optimal_study.sh $vdcsim --limit $limit"
