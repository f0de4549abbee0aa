#!/usr/bin/env bash
# gpu_policies.sh - benchmark of the GPU-sharing experiment (issue 16,
# docs/kubernetes-gpu.md): the openb default pod list inflated to 130 % of
# the 6212 GPUs (10,809 pods, 1213 nodes, every node filtered and scored per
# pod) through the six policies, one run per policy and seed, one thread.
# Prints per policy the wall and CPU seconds per seed (mean over the seeds)
# and the events per wall and per CPU second (one event per pod).
#
#   bench/gpu_policies.sh [BUILD_DIR] [SEEDS]      (defaults: build, "42 43 44")
# The trace comes from ../shared/traces next to the source, else VDCSIM_TRACES.
set -euo pipefail
build=${1:-build}
seeds=${2:-42 43 44}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-20s %8s %8s %10s %10s %8s\n' policy "wall s" "CPU s" "ev/wall s" "ev/CPU s" alloc
for policy in RandomScore DotProductScore GpuClusteringScore GpuPackingScore BestFitScore FGDScore; do
  wall=0 cpu=0 events=0 alloc=0 n=0
  for seed in $seeds; do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$build/vdcsim" run "$src/scenarios/openb_gpu_sharing.cfg" \
      -o "$tmp/run.h5" --force --quiet --threads 1 --seed "$seed" \
      --set "kubernetes.gpu_experiment.policy=\"$policy\"" --set kubernetes.gpu_experiment.target=1.3
    read -r w u s < "$tmp/time"
    e=$(awk '$1 == "events" { print $2 }' "$tmp/run.h5.summary.txt")
    a=$(awk '$1 == "gpu" && $2 == "pods" { print $(NF - 3) }' "$tmp/run.h5.summary.txt")
    wall=$(awk -v x="$wall" -v y="$w" 'BEGIN { print x + y }')
    cpu=$(awk -v x="$cpu" -v y="$u" -v z="$s" 'BEGIN { print x + y + z }')
    events=$((events + e))
    alloc=$(awk -v x="$alloc" -v y="$a" 'BEGIN { print x + y }')
    n=$((n + 1))
  done
  awk -v p="$policy" -v w="$wall" -v c="$cpu" -v e="$events" -v a="$alloc" -v n="$n" \
    'BEGIN { printf "%-20s %8.2f %8.2f %10.0f %10.0f %8.4f\n", p, w / n, c / n, e / w, e / c, a / n }'
done
