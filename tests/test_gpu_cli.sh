#!/bin/bash
# test_gpu_cli.sh - the GPU-sharing experiment end to end (docs/kubernetes-gpu.md):
# a hand-written openb-format cluster where every policy must end the same
# way, 1 and 2 threads byte-identical, and a malformed pod row refused with
# FILE:LINE and exit 2. Run by ctest as: test_gpu_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/gpu
source "$src/tests/cli_lib.sh"
cli_begin
data=$src/tests/data/traces/alibaba_gpu
scn() { # policy pods-file
  printf 'hosts = ( { name = "h"; count = 1; } );\nsimulation = { until = "1s"; control_latency = "1ms"; };\n' > "$1.cfg"
  printf 'kubernetes = {\n  node_trace = { format = "alibaba-gpu-2023"; path = "%s/nodes.csv"; };\n' "$data" >> "$1.cfg"
  printf '  pod_trace = { format = "alibaba-gpu-2023"; path = "%s/%s"; };\n' "$data" "$2" >> "$1.cfg"
  printf '  gpu_experiment = { policy = "%s"; target = 0.7; };\n};\n' "$1" >> "$1.cfg"
}
# Nodes: n-0 with 2 T4, n-1 with 1 P100, n-2 with 1 A10 (4000 milli-GPU).
# Pods: three of 0.6 GPU limited to T4, a CPU pod, one whole P100 (2800
# milli in all). Target 0.7 x 4000 = 2800 is the list's own request: no
# pod added or dropped. Whatever the order and policy, the T4s take one 0.6
# pod each (0.4 left is too little), the third fails, the P100 pod and the
# CPU pod fit: 4 placed, 1 failed, 2200 / 4000 = 0.55 allocated.
for p in RandomScore DotProductScore GpuClusteringScore GpuPackingScore BestFitScore FGDScore; do
  scn $p pods.csv
  expect_status 0 "$p run" "$vdcsim" run $p.cfg -o $p.h5 --quiet
  h5dump -a /gpu_failed_pods $p.h5 | grep -q "(0): 1$" && ok || bad "$p: failed pods != 1"
  h5dump -a /gpu_placed_pods $p.h5 | grep -q "(0): 4$" && ok || bad "$p: placed pods != 4"
  h5dump -a /gpu_allocation_ratio $p.h5 | grep -q "(0): 0.55$" && ok || bad "$p: allocation ratio != 2200/4000"
done
expect_status 0 "summary" "$vdcsim" summary FGDScore.h5
grep -q "4 pods placed, 1 failed; GPU allocation ratio 0.5500 at the end" out.txt && ok || bad "summary lacks the GPU line"
# A target below the list's request stops the list at the pod reaching it:
# 0.15 x 4000 = 600 is reached by the first GPU pod of the shuffled list
# (600 or 1000 milli), so 1 or 2 pods (a CPU pod may come first), none failed.
expect_status 0 "target 0.2" "$vdcsim" run FGDScore.cfg --set kubernetes.gpu_experiment.target=0.15 -o t02.h5
grep -Eq "gpu pods +[12] pods placed, 0 failed" out.txt && ok || bad "target 0.2 did not stop the list at the first GPU pod"
for t in 1 2; do
  expect_status 0 "FGD $t threads" "$vdcsim" run FGDScore.cfg --threads $t -o t$t.h5 --quiet
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
done
scn BestFitScore pods_bad.csv
expect_status 2 "malformed pod row" "$vdcsim" check BestFitScore.cfg
expect_err "pods_bad.csv:3: column 'gpu_milli': 600 with 2 GPUs" "malformed pod row"
# The node group: a 2-GPU node and three 0.6-GPU pods. As devices
# (gpu_model set) one pod per GPU fits (0.4 left each): 2 on the node, 1
# pending at 20 s; pooled (no gpu_model) 1800 <= 2000 lets all 3 in.
for m in T4 ""; do
  printf 'hosts = ( { name = "g"; count = 1; sockets = 1; cores_per_socket = 8; memory = "32GiB"; } );\n' > ng.cfg
  printf 'simulation = { until = "30s"; sample_period = "10s"; control_latency = "10ms"; };\n' >> ng.cfg
  printf 'kubernetes = { api_latency = "10ms"; pod_start = "2s";\n' >> ng.cfg
  printf '  node_groups = ( { group = "g"; gpus = 2; gpu_model = "%s"; } );\n' "$m" >> ng.cfg
  printf '  deployments = ( { name = "t"; replicas = 3; cpu_request = 1000; memory_request = "1GiB"; gpu_request = 0.6; } );\n};\n' >> ng.cfg
  expect_status 0 "node group gpu_model='$m'" "$vdcsim" run ng.cfg -o ng-$m.h5 --quiet
done
h5dump -d /series/k8s_node/pods ng-T4.h5 | grep -q "(2,0): 2$" && ok || bad "devices: pods on the 2-GPU node != 2"
h5dump -d /series/k8s/pending_pods ng-T4.h5 | grep -q "(2,0): 1$" && ok || bad "devices: pending pods != 1"
h5dump -d /series/k8s_node/pods ng-.h5 | grep -q "(2,0): 3$" && ok || bad "pooled: pods on the node != 3"
printf 'hosts = ( { name = "g"; } );\nkubernetes = { node_groups = ( { group = "g"; gpus = 1.5; gpu_model = "T4"; } ); };\n' > ngbad.cfg
expect_status 2 "fractional GPU devices" "$vdcsim" check ngbad.cfg
expect_err "ngbad.cfg:2: key 'kubernetes.node_groups.[0].gpus': 1.5 GPUs with gpu_model 'T4'" "fractional GPU devices"
# the real openb trace, when it is here: the default list inflated to 130 %
openb=""
for d in "${VDCSIM_TRACES:-}" "$src/../shared/traces"; do
  [ -n "$d" ] && [ -f "$d/alibaba-gpu-v2023-openb/csv/openb_pod_list_default.csv" ] && openb=$d/alibaba-gpu-v2023-openb/csv && break
done
if [ -z "$openb" ]; then
  echo "skipped the openb run: no alibaba-gpu-v2023-openb trace here (set VDCSIM_TRACES)"
else
  printf 'hosts = ( { name = "h"; count = 1; } );\nsimulation = { until = "12s"; control_latency = "1ms"; };\n' > openb.cfg
  printf 'kubernetes = {\n  node_trace = { format = "alibaba-gpu-2023"; path = "%s/openb_node_list_gpu_node.csv"; };\n' "$openb" >> openb.cfg
  printf '  pod_trace = { format = "alibaba-gpu-2023"; path = "%s/openb_pod_list_default.csv"; };\n' "$openb" >> openb.cfg
  printf '  gpu_experiment = { policy = "GpuPackingScore"; };\n};\n' >> openb.cfg
  expect_status 0 "openb check" "$vdcsim" check openb.cfg
  # MANIFEST: 1213 GPU nodes, 6212 GPUs, 8152 pods
  grep -q "1213 nodes, 6212 GPUs; 8152 pods listed" out.txt && ok || bad "openb counts"
fi
cli_end
