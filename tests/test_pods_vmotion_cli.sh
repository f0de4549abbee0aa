#!/usr/bin/env bash
# test_pods_vmotion_cli.sh - VM nodes with pods.[] pods and Kubernetes
# Deployment/Job pods under DRS balancing (every 5 min), host failures with
# HA restarts and two maintenance evacuations, 6 h: the run is
# byte-identical with 1 and 2 threads; VM nodes do move; every pod_failed
# of a VM-node pod is at the instant its VM failed or stopped (a vMotion
# fails no pod); every k8s_node_not_ready is exactly the grace period (40 s)
# after its VM failed (a vMotion never makes a node NotReady).
# Run by ctest as: test_pods_vmotion_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/pods_vmotion_cli
source "$src/tests/cli_lib.sh"
cli_begin
cat > stress.cfg <<'CFG'
simulation = { until = "6h"; sample_period = "1m"; control_latency = "100ms"; seed = 3; };
hosts = ( { name = "esx"; count = 6; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB";
            nic_speed = "10Gbps";
            failure = { up_time = { mean = "2h"; }; repair = { mean = "20m"; }; }; } );
vms = (
  { name = "web"; count = 12; vcpus = 2; memory = "4GiB";
    cpu_demand = { kind = "random_walk"; mean = "1500MHz"; spread = 0.5; reversion_time = "30m"; noise = 0.2; }; },
  { name = "pw"; count = 3; vcpus = 4; memory = "8GiB"; cpu_demand = { mean = "100MHz"; }; },
  { name = "kw"; count = 3; vcpus = 8; memory = "8GiB"; cpu_demand = { mean = "100MHz"; }; } );
pods = ( { name = "api"; count = 12; node_group = "pw"; requests = { cpu = 250; memory = "256MiB"; };
           limits = { cpu = 500; memory = "512MiB"; }; cpu_demand = { mean = 450.0; noise = 0.3; };
           memory_demand = { mean = "300MiB"; noise = 0.15; }; crash = { distribution = "exponential"; mean = "30m"; }; } );
drs = { enabled = true; threshold = 5; period = "5m"; };
failures = { maintenance = ( { target = "host esx-03"; at = "1h"; duration = "30m"; },
                             { target = "host esx-04"; at = "2h"; duration = "30m"; } ); };
kubernetes = { api_latency = "100ms";
  node_groups = ( { group = "kw"; } );
  deployments = ( { name = "web"; replicas = 6; cpu_request = 1000; memory_request = "1GiB"; cpu_usage = 800; memory_usage = "512MiB";
                    load_steps = ( { at = "2h"; cpu_usage = 1600; } );
                    hpa = { enabled = true; max_replicas = 12; }; } );
  jobs = ( { name = "batch"; completions = 20; parallelism = 4; duration = "20m"; start = "10m"; cpu_usage = 500; } ); };
CFG
for t in 1 2; do
  "$vdcsim" run stress.cfg --threads $t -o t$t.h5 --quiet && ok || bad "stress run with $t threads"
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 "$obj" && ok || bad "$obj differs between 1 and 2 threads"
done
# one record per line: time,lp,seq,kind,subject,a,b,value
h5dump -d /events t1.h5 | sed -n '/DATA {/,$p' | tr -d ' \n' | sed 's/},/}\n/g' | sed -n 's/.*{\(.*\)}.*/\1/p' > events.csv
# VMs 12-14 are the pods.[] nodes, 15-17 the Kubernetes nodes 0-2
moved=$(awk -F, '$4 == "vmotion_done" && $5 >= 12 {n++} END {print n + 0}' events.csv)
[ "$moved" -gt 0 ] && ok || bad "no VM node was vMotioned"
unmatched=$(awk -F, '$4 == "vm_failed" || $4 == "vm_stopped" {down[$1 "," $5] = 1}
  $4 == "pod_failed" && $7 >= 0 {failed[++n] = $1 "," $7}
  END {for (i = 1; i <= n; i++) if (!(failed[i] in down)) bad++; print (n > 0 ? bad + 0 : -1)}' events.csv)
[ "$unmatched" = 0 ] && ok || bad "pod_failed without its VM going down at that instant ($unmatched; -1: none at all)"
early=$(awk -F, '$4 == "vm_failed" {down[$1 "," $5] = 1}
  $4 == "k8s_node_not_ready" {nr[++n] = sprintf("%.0f,%d", $1 - 40000000000, $5 + 15)}
  END {for (i = 1; i <= n; i++) if (!(nr[i] in down)) bad++; print bad + 0}' events.csv)
[ "$early" = 0 ] && ok || bad "$early NotReady not 40 s after their VM failed"
cli_end
