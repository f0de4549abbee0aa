#!/usr/bin/env bash
# test_k8s_cli.sh - the Kubernetes control plane from the command line: bad
# kubernetes.* keys are refused with FILE:LINE and exit 2, and the
# Kubernetes-on-vSphere scenario (scheduler LP, kubelets in host LPs, a host
# failure, HA restarts, evictions, HPA, a Job) gives byte-identical results
# with 1, 2 and 3 threads. Run by ctest as: test_k8s_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/k8s
source "$src/tests/cli_lib.sh"
cli_begin

printf 'simulation = { lookahead = "1s"; };\nhosts = ( { name = "n"; } );\nkubernetes = {\n  api_latency = "10ms";\n  node_groups = ( { group = "n"; } );\n};\n' > b1.cfg
expect_status 2 "lookahead above the api latency" "$vdcsim" check b1.cfg
expect_err "b1.cfg:1: key 'simulation.lookahead': 00:00:01.000 is longer than the smallest modelled message latency, kubernetes.api_latency = 00:00:00.010" "api latency"
printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  node_groups = ( { group = "m"; } );\n};\n' > b2.cfg
expect_status 2 "unknown node group" "$vdcsim" check b2.cfg
expect_err "b2.cfg:3: key 'kubernetes.node_groups.[0].group': 'm' names no element of hosts or vms" "node group"
printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  node_groups = ( { group = "n"; } );\n  deployments = ( { name = "w";\n    scheduler_name = "bin-packer"; } );\n};\n' > b3.cfg
expect_status 2 "unknown scheduler name" "$vdcsim" check b3.cfg
expect_err "b3.cfg:5: key 'kubernetes.deployments.[0].scheduler_name': 'bin-packer' names no scheduler profile" "profile"
printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  jobs = ( { name = "j"; } );\n};\n' > b4.cfg
expect_status 2 "workloads without nodes" "$vdcsim" check b4.cfg
expect_err "b4.cfg:3: key 'kubernetes.jobs': workloads but no nodes" "no nodes"
printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  node_groups = ( { group = "n"; } );\n  deployments = ( { name = "w";\n    hpa = { enabled = true; min_replicas = 5;\n      max_replicas = 2; }; } );\n};\n' > b5.cfg
expect_status 2 "hpa max below min" "$vdcsim" check b5.cfg
expect_err "b5.cfg:6: key 'kubernetes.deployments.[0].hpa.max_replicas': 2 is below min_replicas 5" "hpa bounds"

scn=$src/scenarios/k8s_on_vsphere.cfg
expect_status 0 "check vsphere" "$vdcsim" check "$scn"
grep -qF "k8s:    12 nodes (0 hosts, 12 VMs; 8 in the cluster at start), 2 deployments (1 with HPA), 1 jobs, 1 scheduler profiles, cluster autoscaler" out.txt && ok || bad "check lacks the k8s line"
# issue 14 item 5: check states the Kubernetes version modelled, per profile
grep -qF "k8s:    Kubernetes version modelled: v1.36 (scheduler profiles: default-scheduler v1.36); HPA without behavior (legacy path), CPU averaged over 15 s metrics windows" out.txt && ok || bad "check lacks the version line"
printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  node_groups = ( { group = "n"; } );\n  scheduler = { profiles = ( { scheduler_name = "default-scheduler"; },\n    { scheduler_name = "old"; version = "1.35"; } ); };\n};\n' > v1.cfg
expect_status 0 "check versions" "$vdcsim" check v1.cfg
grep -qF "k8s:    Kubernetes version modelled: v1.36 (scheduler profiles: default-scheduler v1.36, old v1.35)" out.txt && ok || bad "check lacks the profiles' versions"
printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  node_groups = ( { group = "n"; } );\n  scheduler = { profiles = ( { scheduler_name = "a"; version = "1.20"; } ); };\n};\n' > v2.cfg
expect_status 2 "unknown version" "$vdcsim" check v2.cfg
for t in 1 2 3; do
  expect_status 0 "vsphere $t threads" "$vdcsim" run "$scn" --threads $t --until 40m -o t$t.h5 --quiet
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
  same t1.h5 t3.h5 $obj && ok || bad "$obj differs between 1 and 3 threads"
done
# the run holds the failure's Kubernetes side at all
h5dump -d /events t1.h5 | grep -q "k8s_pod_evicted," && ok || bad "no eviction in the vSphere scenario"
cli_end
