#!/bin/bash
# test_dlrm_cli.sh - the DLRM trace replay end to end (docs/kubernetes-gpu.md,
# "The DLRM trace"): a ten-instance excerpt in the trace's layout written
# here (no trace data in the project), worked by hand; 1 and 2 threads
# byte-identical; a malformed row refused with FILE:LINE and exit 2; the
# published counts when the real trace is here.
# Run by ctest as: test_dlrm_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/dlrm
source "$src/tests/cli_lib.sh"
cli_begin
header="instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,rdma_limit,memory_request,memory_limit,disk_request,disk_limit,max_instance_per_node,creation_time,scheduled_time,deletion_time"
row() { # name role app cpu gpu rdma max creation deletion
  echo "$1,$2,$3,$4,$4,$5,$5,$6,$6,16.0,16.0,0.0,0.0,$7,$8,$8,$9"
}
excerpt() { # file max_instance_per_node-of-app_a
  { echo "$header"
    row h0 HN app_a 8 1 25 "$2" "" ""
    row h1 HN app_a 8 1 25 "$2" "" ""
    row h2 HN app_a 8 1 25 "$2" "" ""
    row c0 CN app_b 48 0 60 -1 0.0 100.0
    row c1 CN app_b 8 0 60 -1 10.0 ""
    row h3 HN app_d 8 1 75 -1 50.0 ""
    row c2 CN app_b 48 0 10 -1 100.0 ""
    row c3 CN app_c 8 0 10 -1 200.0 ""
    row c4 CN app_e 8 0 1 -1 300.0 ""
    row c5 CN app_e 8 0 1 -1 310.0 ""
  } > "$1"
}
scn() { # cfg trace [policy]
  printf 'hosts = ( { name = "h"; count = 1; } );\nsimulation = { until = "1000s"; control_latency = "1ms"; };\n' > "$1"
  printf 'kubernetes = {\n  pod_trace = { format = "alibaba-dlrm-2025"; path = "%s"; };\n' "$2" >> "$1"
  printf '  dlrm_replay = { policy = "%s"; sample_interval = "100s";\n' "${3:-NodeResourcesFit}" >> "$1"
  printf '    cn_nodes = 1; cn_cpus = 64; cn_memory_gib = 64; cn_disk_gib = 0; cn_rnics = 1;\n' >> "$1"
  printf '    hn_nodes = 2; hn_gpus = 2; hn_cpus = 32; hn_memory_gib = 64; hn_disk_gib = 0; hn_rnics = 1; };\n};\n' >> "$1"
}
attr() { h5dump -a "/$2" "$1" | grep -q "(0): $3$" && ok || bad "$1: $2 != $3"; }
# One CN node (64 vCPU, one RNIC = 100 %), two HN nodes (2 GPUs, one RNIC).
# At 0: h0 and h1 (app_a, at most 1 per node) take one HN node each; h2
# fails although a GPU is free on both (the spread limit); c0 takes the CN
# node (48 vCPU, RDMA 60). 10 s: c1 cannot be placed (RDMA 60 + 60 > 100;
# CPU would fit) and waits. 50 s: h3 (RDMA 75) fits either HN node exactly
# (25 + 75 = 100). 100 s: c0 leaves (departures first), the waiting c1 is
# retried before the arrival and takes the CN node (8 vCPU, RDMA 60), then
# c2 fits (56 vCPU, RDMA 70). 200 s: c3 fills the node to 8 + 48 + 8 = 64
# vCPU (RDMA 80). 300 s and 310 s: c4 and c5 wait (no vCPU left; an HN node
# has vCPUs but is the wrong pool); h2 waits for ever (no HN departure).
# Placed 7 (1 after waiting: c1), never placed 3 (h2, c4, c5), departed 1 (c0).
excerpt limit1.csv 1
for p in NodeResourcesFit BestFitScore RandomScore; do
  scn $p.cfg limit1.csv $p
  expect_status 0 "$p run" "$vdcsim" run $p.cfg -o $p.h5 --quiet
  attr $p.h5 dlrm_instances 10
  attr $p.h5 dlrm_placed_instances 7
  attr $p.h5 dlrm_failed_instances 3
  attr $p.h5 dlrm_placed_after_wait 1
  attr $p.h5 dlrm_departed_instances 1
done
# The run summary line: 3 of the 4 HN GPUs in use at the end.
grep -Eq "dlrm pods +7 instances placed \(1 after waiting\), 3 never placed; GPU allocation ratio 0.7500 at the end" \
  NodeResourcesFit.h5.summary.txt && ok || bad "dlrm summary line"
# The end table: the CN node holds c1, c2, c3 (64 vCPU, RDMA 60 + 10 + 10);
# the HN nodes 3 GPUs in use and RDMA 25 + 25 + 75 in all.
expect_status 0 "export" "$vdcsim" export NodeResourcesFit.h5 --csv csv
grep -q "^cn-0,CN,3,64000,64000,0,0,100,80$" csv/tables/dlrm_nodes.csv && ok || bad "CN node row"
awk -F, '$2=="HN" {g += $7; r += $9} END {exit !(g == 3 && r == 125)}' csv/tables/dlrm_nodes.csv && ok ||
  bad "HN nodes: GPUs used != 3 or RDMA != 125"
# The series at 400 s (sampled every 100 s): 7 placed - 1 departed = 6
# running, 3 not placed; vCPU (64 + 3 x 8) / (64 + 2 x 32) = 0.6875; GPUs
# 3 / 4; RDMA (80 + 125) / 300.
awk -F, '$1 == 400000000000 && $3 == 0.6875 && $4 == 3 && $5 == 0.75 && ($6 - 205 / 300) ^ 2 < 1e-20 && $7 == 6 {n++}
         END {exit n != 1}' csv/series/dlrm.csv && ok || bad "dlrm series at 400 s"
# With app_a allowed 2 per node, h2 joins one of h0 / h1 (both GPUs of that
# node used, RDMA 50); h3 then fits only the other node (1 GPU, RDMA 25 + 75).
# The CN side as above: c4 and c5 never placed.
excerpt limit2.csv 2
scn l2.cfg limit2.csv
expect_status 0 "limit 2 run" "$vdcsim" run l2.cfg -o l2.h5 --quiet
attr l2.h5 dlrm_placed_instances 8
attr l2.h5 dlrm_failed_instances 2
for t in 1 2; do
  expect_status 0 "$t threads" "$vdcsim" run RandomScore.cfg --threads $t -o t$t.h5 --quiet
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
done
# A malformed row: file, line and column, exit 2.
{ echo "$header"; row h0 HN app_a 8 1 25 1 "" ""; row h1 HN app_a 8 1 250 1 "" ""; } > bad.csv
scn bad.cfg bad.csv
expect_status 2 "malformed row" "$vdcsim" check bad.cfg
expect_err "bad.csv:3: column 'rdma_request': '250' is not an integer from 0 to 100" "malformed row"
# The real trace, when it is here: MANIFEST counts.
dlrm=""
for d in "${VDCSIM_TRACES:-}" "$src/../shared/traces"; do
  [ -n "$d" ] && [ -f "$d/alibaba-dlrm-v2025/disaggregated_DLRM_trace.csv" ] && dlrm=$d/alibaba-dlrm-v2025 && break
done
if [ -z "$dlrm" ]; then
  echo "skipped the real DLRM trace: no alibaba-dlrm-v2025 here (set VDCSIM_TRACES)"
else
  scn real.cfg "$dlrm/disaggregated_DLRM_trace.csv"
  expect_status 0 "real trace check" "$vdcsim" check real.cfg
  grep -q "23871 instances ([0-9]* shapes, 156 apps)" out.txt && ok || bad "DLRM counts"
fi
cli_end
