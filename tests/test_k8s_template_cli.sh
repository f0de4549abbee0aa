#!/usr/bin/env bash
# test_k8s_template_cli.sh - the pod template, node group and PDB keys
# (models/kubernetes/k8s_template_build.c) from the command line: each kind of mistake
# is refused with FILE:LINE, the key and exit 2; a scenario using every
# constraint gives byte-identical results with 1 and 2 threads.
# Run by ctest as: test_k8s_template_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/k8s_template
source "$src/tests/cli_lib.sh"
cli_begin

# bad_cfg NAME WORKLOAD_LINE [NODE_GROUP_EXTRA] [TAIL]: a one-node cluster
# whose deployment (line 4) carries WORKLOAD_LINE.
bad_cfg() {
  printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  node_groups = ( { group = "n"; %s } );\n  deployments = ( { name = "w"; %s } );\n%b};\n' \
    "${3:-}" "$2" "${4:-}" > "$1.cfg"
}
refused() { # NAME WHAT NEEDLE
  expect_status 2 "$2" "$vdcsim" check "$1.cfg"
  expect_err "$3" "$2"
}

D="key 'kubernetes.deployments.[0]"
bad_cfg l1 'labels = "tier";'
refused l1 "label without =" "l1.cfg:4: $D.labels': 'tier' is not a label (expected key=value)"
bad_cfg l2 'node_selector = "a=1,,b=2";'
refused l2 "empty label item" "l2.cfg:4: $D.node_selector': empty item"
bad_cfg s1 'node_affinity = { required = ( { match = "zone in a"; } ); };'
refused s1 "in without a list" "s1.cfg:4: $D.node_affinity.required.[0].match': 'zone in a' has no value list"
bad_cfg s2 'pod_anti_affinity = { required = ( { selector = "app in (a,b"; } ); };'
refused s2 "unbalanced parenthesis" "s2.cfg:4: $D.pod_anti_affinity.required.[0].selector': unbalanced '('"
bad_cfg s3 'pod_affinity = { preferred = ( { weight = 5; selector = "a b"; } ); };'
refused s3 "not a requirement" "s3.cfg:4: $D.pod_affinity.preferred.[0].selector': 'a b' is not a requirement"
bad_cfg s4 'node_affinity = { preferred = ( { match = "a,b,c,d,e"; } ); };'
refused s4 "too many requirements" "s4.cfg:4: $D.node_affinity.preferred.[0].match': more than 4 requirements"
bad_cfg t1 'tolerations = ( { key = "k"; effect = "NoSchedul"; } );'
refused t1 "bad toleration effect" "t1.cfg:4: $D.tolerations.[0].effect': 'NoSchedul' is not an effect"
bad_cfg t2 'tolerations = ( { key = "k"; operator = "Exists"; value = "v"; } );'
refused t2 "Exists with a value" "t2.cfg:4: $D.tolerations.[0].value': a value with operator Exists"
bad_cfg t3 'tolerations = ( { value = "v"; } );'
refused t3 "Equal without a key" "t3.cfg:4: $D.tolerations.[0].key': empty with operator Equal"
bad_cfg r1 'cpu_request = 500; cpu_limit = 200;'
refused r1 "limit below request" "r1.cfg:4: $D.cpu_limit': 200 is below cpu_request 500"
bad_cfg r2 'gpu_request = 0.0001;'
refused r2 "GPU below a milli-GPU" "r2.cfg:4: $D.gpu_request': 0.0001 is below 0.001 GPU"
bad_cfg n1 '' 'taints = "dedicated=gpu";'
refused n1 "taint without effect" "n1.cfg:3: key 'kubernetes.node_groups.[0].taints': 'dedicated=gpu' is not a taint"
bad_cfg n2 '' 'labels = "=x";'
refused n2 "label without key" "n2.cfg:3: key 'kubernetes.node_groups.[0].labels': '=x' is not a label"
bad_cfg n3 'image = "a:1";' 'images = "b:1";'
refused n3 "image of no workload" "n3.cfg:3: key 'kubernetes.node_groups.[0].images': 'b:1' is the image of no deployment or job"
bad_cfg p1 '' '' '  pod_disruption_budgets = ( { name = "p"; selector = "app=w";\n    min_available = 1; max_unavailable = 1; } );\n'
refused p1 "PDB with both" "p1.cfg:5: key 'kubernetes.pod_disruption_budgets.[0]': both min_available and max_unavailable"
bad_cfg p2 '' '' '  pod_disruption_budgets = ( { name = "p"; selector = "app=w"; } );\n'
refused p2 "PDB with neither" "p2.cfg:5: key 'kubernetes.pod_disruption_budgets.[0]': neither min_available nor max_unavailable"
# jobs read the same template
printf 'hosts = ( { name = "n"; } );\nkubernetes = {\n  node_groups = ( { group = "n"; } );\n  jobs = ( { name = "j";\n    node_selector = "x"; } );\n};\n' > j1.cfg
refused j1 "job template" "j1.cfg:5: key 'kubernetes.jobs.[0].node_selector': 'x' is not a label"

# Every constraint at once, on 6 hosts in 2 zones; 1 and 2 threads agree.
cat > all.cfg <<'CFG'
simulation = { until = "5m"; sample_period = "10s"; control_latency = "10ms"; };
hosts = ( { name = "a"; count = 3; sockets = 1; cores_per_socket = 8; memory = "32GiB"; },
          { name = "b"; count = 3; sockets = 1; cores_per_socket = 8; memory = "32GiB"; } );
kubernetes = {
  api_latency = "10ms";
  node_groups = ( { group = "a"; zone = "z1"; labels = "disk=ssd"; images = "web:1"; gpus = 1.0; },
                  { group = "b"; zone = "z2"; taints = "dedicated=batch:NoSchedule"; } );
  deployments = ( { name = "web"; replicas = 6; cpu_request = 500; cpu_limit = 1000; image = "web:1"; image_size = "300MiB";
                    labels = "tier=front";
                    topology_spread_constraints = ( { max_skew = 1; topology_key = "topology.kubernetes.io/zone"; } );
                    tolerations = ( { key = "dedicated"; operator = "Exists"; } );
                    pod_anti_affinity = { preferred = ( { weight = 50; selector = "app=web"; } ); }; },
                  { name = "db"; replicas = 3; cpu_request = 2000; node_selector = "disk=ssd"; gpu_request = 0.5;
                    pod_anti_affinity = { required = ( { selector = "app=db"; } ); };
                    node_affinity = { preferred = ( { weight = 10; match = "zone notin (z2)"; } ); }; },
                  { name = "cache"; replicas = 2; cpu_request = 500; priority = 100;
                    pod_affinity = { preferred = ( { weight = 20; selector = "tier=front"; } ); }; } );
  jobs = ( { name = "batch"; completions = 8; parallelism = 4; duration = "60s"; cpu_request = 1000;
             node_affinity = { required = ( { match = "disk notin (ssd)"; } ); };
             tolerations = ( { key = "dedicated"; value = "batch"; effect = "NoSchedule"; } ); } );
  pod_disruption_budgets = ( { name = "web"; selector = "app=web"; max_unavailable = 1; } );
};
CFG
for t in 1 2; do
  expect_status 0 "constraints $t threads" "$vdcsim" run all.cfg --threads $t -o t$t.h5 --quiet
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 $obj && ok || bad "$obj differs between 1 and 2 threads"
done
cli_end
