#!/usr/bin/env bash
# test_props_pods.sh - pods in the property language (issue 17, item 1; the
# pod part): `forall pod in deployment "api"`, pod.pending, pod.running,
# checked by `vdcsim verify` on a run whose times are known by hand.
#
# One host node "metal", pods api-01 and api-02 (containers). The image
# (default 200 MiB) is pulled once for both at kubelet.image_pull_bandwidth
# (default 1 Gbps): 200 x 2^20 x 8 bit / 1e9 bit/s = 1.6777216 s; start-up
# 2 s (deterministic): both run from 3.6777216 s. The app crashes after
# 10 m of running (deterministic): at 603.6777216 s, restarted at once (the
# back-off restarts from 0 after 10 minutes of running, as the kubelet's)
# and running 2 s later, 605.6777216 s; again at 1205.6777216 s and
# 1207.6777216 s. Run of 30 m. So:
#  - pod.pending on [0, 3.68 s), pod.running from 3.68 s except the two 2 s
#    restarts (neither pending nor running);
#  - F[<=4s] pod.running at 0 holds, F[<=3s] is violated (deadline 3 s);
#  - G ((!pod.running && !pod.pending) -> F[<=2s] pod.running) holds (the
#    window closes at the restart), F[<=1999ms] is violated twice per pod,
#    deadlines 605.6767216 s and 1207.6767216 s, obligations at the crashes.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/props_pods
source "$src/tests/cli_lib.sh"
cli_begin

cat >pods.cfg <<'CFG'
simulation = { seed = 1; until = "30m"; sample_period = "5m"; threads = 1; lookahead = "1s"; };
output = { path = "pods.h5"; };
hosts = ( { name = "metal"; count = 1; sockets = 1; cores_per_socket = 4; memory = "16GiB"; } );
pods = ( { name = "api"; count = 2; node_group = "metal";
    requests = { cpu = 250; memory = "256MiB"; };
    startup = { distribution = "deterministic"; mean = "2s"; };
    crash = { distribution = "deterministic"; mean = "10m"; }; } );
CFG
cat >props.cfg <<'CFG'
properties = (
  { name = "up_in_4s"; formula = "forall pod in deployment \"api\": F[<=4s] pod.running"; },
  { name = "up_in_3s"; formula = "forall pod in deployment \"api\": F[<=3s] pod.running"; },
  { name = "restart_2s"; formula = "forall pod: G ((!pod.running && !pod.pending) -> F[<=2s] pod.running)"; },
  { name = "restart_1999ms"; formula = "forall pod in group \"api\": G ((!pod.running && !pod.pending) -> F[<=1999ms] pod.running)"; },
  { name = "pending_then_running"; formula = "forall pod: G (pod.pending -> (!pod.running && F[<=4s] pod.running))"; },
  { name = "other_deployment"; formula = "forall pod in deployment \"db\": G pod.running"; }
);
CFG
expect_status 0 "run pods" "$vdcsim" run pods.cfg --quiet
expect_status 0 "verify pods" "$vdcsim" verify pods.h5 props.cfg
cp out.txt v.txt
grep -qx "up_in_4s: PASS (0 violations, 0 pending, 2 entities)" v.txt && ok || bad "up_in_4s holds"
grep -qx "up_in_3s: FAIL (2 violations, 0 pending, 2 entities)" v.txt && ok || bad "up_in_3s fails per pod"
grep -qx "  at 3s (3000000000 ns) api-01, obligation from 0s: pod.running=false" v.txt && ok || bad "up_in_3s: deadline 3 s"
grep -qx "restart_2s: PASS (0 violations, 0 pending, 2 entities)" v.txt && ok || bad "restart_2s holds"
grep -qx "restart_1999ms: FAIL (4 violations, 0 pending, 2 entities)" v.txt && ok || bad "restart_1999ms: twice per pod"
grep -q "  at .* (605676721600 ns) api-01, obligation from .*: pod.running=false, pod.pending=false" v.txt && ok \
  || bad "restart_1999ms: deadline 605.6767216 s"
grep -q "  at .* (1207676721600 ns) api-02, obligation from .*: pod.running=false, pod.pending=false" v.txt && ok \
  || bad "restart_1999ms: deadline 1207.6767216 s"
grep -qx "pending_then_running: PASS (0 violations, 0 pending, 2 entities)" v.txt && ok || bad "pending, then running"
grep -qx "other_deployment: PASS (0 violations, 0 pending, 0 entities)" v.txt && ok || bad "no pod of deployment db"
# `in deployment` ranges over pods only
printf 'properties = ( { name = "x"; formula = "forall vm in deployment \\"api\\": G vm.running"; } );\n' >bad.cfg
expect_status 2 "in deployment on VMs" "$vdcsim" verify pods.h5 bad.cfg
grep -q "bad.cfg:1: key 'properties.\[0\].formula': column 14: expected 'group \"NAME\"' after 'in'" err.txt && ok \
  || bad "in deployment on VMs: the column"
cli_end
