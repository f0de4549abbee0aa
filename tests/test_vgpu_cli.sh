#!/bin/bash
# test_vgpu_cli.sh - vGPU VMs end to end (docs/vsphere.md, "vGPU"), worked by
# hand: placement only where a GPU has the profile free, one profile per
# GPU unless mixed-size mode, HA restarts only onto a compatible free GPU,
# the host graphics policies, DRS leaving vGPU VMs in place, a bad profile
# refused with FILE:LINE and the key.
# Run by ctest as: test_vgpu_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/vgpu
source "$src/tests/cli_lib.sh"
cli_begin
hosts() { # gpus-per-host
  printf 'hosts = ( { name = "gpu"; count = 2; sockets = 1; cores_per_socket = 32; memory = "256GiB";\n' > "$2"
  printf '            gpus = %s; gpu_model = "A100"; gpu_memory_gib = 40; },\n' "$1" >> "$2"
  printf '          { name = "cpu"; count = 1; sockets = 1; cores_per_socket = 32; memory = "256GiB"; } );\n' >> "$2"
  printf 'simulation = { until = "1h"; sample_period = "10m"; control_latency = "1ms"; };\n' >> "$2"
  printf 'placement = { policy = "first_fit"; };\n' >> "$2"
}
# Two hosts with one A100 (40 GiB) each and a host without GPU. First fit,
# in order: a-01 and a-02 (20c) fill gpu-01's GPU (2 x 20), a-03 takes
# gpu-02's; b-01, b-02 (10c) fit nowhere: gpu-01 is full, gpu-02 holds 20c
# (one profile per GPU), the CPU host has no GPU although it has room.
hosts 1 place.cfg
cat >> place.cfg <<'X'
vms = ( { name = "a"; count = 3; vcpus = 4; memory = "16GiB"; vgpu_profile = "grid_a100-20c"; },
        { name = "b"; count = 2; vcpus = 4; memory = "16GiB"; vgpu_profile = "grid_a100-10c"; } );
X
expect_status 0 "placement" "$vdcsim" run place.cfg -o place.h5
grep -q "5 VMs: 3 placed, 2 placement failures" out.txt && ok || bad "placement: not 3 placed, 2 failures"
expect_status 0 "export" "$vdcsim" export place.h5 --csv place
grep -q "^0,0,a100,40,grid_a100-20c,2,40$" place/tables/vgpu_gpus.csv && ok || bad "gpu-01: not 2 x 20c"
grep -q "^1,0,a100,40,grid_a100-20c,1,20$" place/tables/vgpu_gpus.csv && ok || bad "gpu-02: not 1 x 20c"
# Mixed-size mode: b-01 and b-02 join a-03 on gpu-02 (20 + 10 + 10 = 40).
expect_status 0 "mixed size" "$vdcsim" run place.cfg --set vgpu.mixed_size=true -o mixed.h5
grep -q "5 VMs: 5 placed, 0 placement failures" out.txt && ok || bad "mixed size: not 5 placed"
# HA restart: gpu-01 fails at 10 min with a-01 and a-02; the restart (after
# the 15 s detection) finds one free 20c slot on gpu-02: one restarts there,
# the other fails to restart (the CPU host has no GPU), 1 VM down at the end.
hosts 1 fail.cfg
cat >> fail.cfg <<'X'
vms = ( { name = "a"; count = 3; vcpus = 4; memory = "16GiB"; vgpu_profile = "grid_a100-20c"; } );
failures = { inject = ( { target = "host gpu-01"; at = "10m"; duration = "2h"; } ); };
X
expect_status 0 "restart" "$vdcsim" run fail.cfg -o fail.h5
grep -q "2 VM failures (0 crashes), 1 restarts, 1 failed restarts" out.txt && ok || bad "restart counts"
expect_status 0 "export" "$vdcsim" export fail.h5 --csv fail
grep -q "^1,0,a100,40,grid_a100-20c,2,40$" fail/tables/vgpu_gpus.csv && ok || bad "gpu-02 not full after the restart"
grep -q "^0,0,a100,40,,0,0$" fail/tables/vgpu_gpus.csv && ok || bad "the failed host's GPU not given back"
# Host graphics policy on hosts with 2 GPUs, three 10c VMs all on gpu-01
# (first fit): performance spreads them 2 + 1 over its GPUs (GPU 0, 1, 0),
# consolidation puts all three on GPU 0.
hosts 2 pol.cfg
echo 'vms = ( { name = "b"; count = 3; vcpus = 4; memory = "16GiB"; vgpu_profile = "grid_a100-10c"; } );' >> pol.cfg
for p in performance consolidation; do
  expect_status 0 "$p" "$vdcsim" run pol.cfg --set vgpu.host_graphics_policy=\"$p\" -o $p.h5 --quiet
  expect_status 0 "export" "$vdcsim" export $p.h5 --csv $p
done
grep -q "^0,0,a100,40,grid_a100-10c,2,20$" performance/tables/vgpu_gpus.csv &&
  grep -q "^0,1,a100,40,grid_a100-10c,1,10$" performance/tables/vgpu_gpus.csv && ok || bad "performance: not 2 + 1"
grep -q "^0,0,a100,40,grid_a100-10c,3,30$" consolidation/tables/vgpu_gpus.csv &&
  grep -q "^0,1,a100,40,,0,0$" consolidation/tables/vgpu_gpus.csv && ok || bad "consolidation: not 3 on GPU 0"
# DRS: six busy VMs (3000 MHz each) all on gpu-01 by first fit; the same
# VMs without a profile are balanced by DRS (moves > 0), with one DRS
# leaves them (no move).
for v in yes no; do
  printf 'hosts = ( { name = "gpu"; count = 2; sockets = 1; cores_per_socket = 8; memory = "256GiB"; gpus = 2;\n' > drs-$v.cfg
  printf '            gpu_model = "A100"; gpu_memory_gib = 40; } );\n' >> drs-$v.cfg
  printf 'simulation = { until = "2h"; sample_period = "1m"; control_latency = "1ms"; };\n' >> drs-$v.cfg
  printf 'placement = { policy = "first_fit"; };\ndrs = { enabled = true; threshold = 5; };\n' >> drs-$v.cfg
  printf 'vms = ( { name = "a"; count = 6; vcpus = 4; memory = "16GiB"; cpu_demand = { kind = "constant"; mean = "3000MHz"; };\n' >> drs-$v.cfg
  [ $v = yes ] && printf '          vgpu_profile = "grid_a100-10c"; } );\n' >> drs-$v.cfg || printf '        } );\n' >> drs-$v.cfg
  expect_status 0 "drs $v" "$vdcsim" run drs-$v.cfg -o drs-$v.h5 --quiet
  expect_status 0 "export" "$vdcsim" export drs-$v.h5 --csv drs-$v
done
grep -q ",drs_move," drs-no/events.csv && ok || bad "DRS moved nothing without vGPU: the check below proves nothing"
grep -q ",drs_move," drs-yes/events.csv && bad "DRS moved a vGPU VM" || ok
# Bad profiles: file, line, key.
hosts 1 bad.cfg
echo 'vms = ( { name = "a"; vgpu_profile = "grid_a100-7c"; } );' >> bad.cfg
expect_status 2 "profile that divides no GPU" "$vdcsim" check bad.cfg
expect_err "bad.cfg:6: key 'vms.[0].vgpu_profile': 'grid_a100-7c' fits no host's GPUs" "profile that divides no GPU"
hosts 1 bad2.cfg
echo 'vms = ( { name = "a"; vgpu_profile = "a100-10c"; } );' >> bad2.cfg
expect_status 2 "not a profile name" "$vdcsim" check bad2.cfg
expect_err "bad2.cfg:6: key 'vms.[0].vgpu_profile': 'a100-10c' is not an NVIDIA vGPU profile name" "not a profile name"
cli_end
