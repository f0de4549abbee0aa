#!/bin/bash
# test_vgpu_vmotion_cli.sh - vGPU vMotion, maintenance, MIG and several
# vGPUs per VM end to end (docs/vsphere.md, "vGPU"), worked by hand.
# Run by ctest as: test_vgpu_vmotion_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/vgpu_vmotion
source "$src/tests/cli_lib.sh"
cli_begin
host() { # name gpus [extra [separator]]
  printf '  { name = "%s"; count = 1; sockets = 1; cores_per_socket = 8; memory = "64GiB"; nic_speed = "10Gbps"; gpus = %s;\n' "$1" "$2"
  printf '    gpu_model = "a100"; gpu_memory_gib = 40; %s }%s\n' "${3:-}" "${4:-,}"
}
attr() { # file attribute: a root attribute's value
  h5dump -a "/$2" "$1" | sed -n 's/^ *(0): //p'
}
col() { # csv column-name: the column's index (1-based) from the header
  head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1
}

# 1. DRS with vgpu.vmotion. gpu-a (2 GPUs) holds six busy 10c VMs (first
# fit; 3 per GPU), gpu-b (1 GPU) three idle 10c VMs bound to it, so its GPU
# has one 10c slot left; the CPU host has no GPU. DRS may move one busy VM
# to gpu-b and none to the CPU host: exactly one vMotion, 0 -> 1, and
# gpu-b's GPU full (4 x 10c, 40 GiB). Its stun: memory 1 GiB, dirty rate
# 0, so pre-copy leaves nothing and the stop-and-copy is the framebuffer,
# 10 GiB / 0.68 at 10 Gb/s: 10 x 2^30 / (0.68 x 1.25e9) = 12.6322 s.
drs_cfg() { # file vgpu-or-not vmotion
  { echo 'hosts = ('; host gpu-a 2; host gpu-b 1
    echo '  { name = "cpu"; count = 1; sockets = 1; cores_per_socket = 8; memory = "64GiB"; nic_speed = "10Gbps"; } );'
    echo 'simulation = { until = "1h"; sample_period = "1m"; control_latency = "1ms"; };'
    echo 'placement = { policy = "first_fit"; };'
    echo 'drs = { enabled = true; threshold = 5; };'
    echo "vgpu = { vmotion = $3; };"
    echo 'vms = ( { name = "fill"; count = 3; vcpus = 1; memory = "1GiB"; host_group = "gpu-b"; dirty_rate = 0;'
    echo '          cpu_demand = { kind = "constant"; mean = "100MHz"; }; vgpu_profile = "grid_a100-10c"; },'
    echo '        { name = "busy"; count = 6; vcpus = 4; memory = "1GiB"; dirty_rate = 0;'
    echo "          cpu_demand = { kind = \"constant\"; mean = \"3000MHz\"; }; vgpu_profile = \"$2\"; } );"
  } > "$1"
}
drs_cfg move.cfg grid_a100-10c true
expect_status 0 "vgpu vmotion" "$vdcsim" run move.cfg -o move.h5 --quiet
expect_status 0 "export" "$vdcsim" export move.h5 --csv move
t=move/tables/vmotions.csv
[ "$(tail -n +2 $t | wc -l)" = 1 ] && ok || bad "vmotion: not exactly one vMotion"
s=$(col $t source); d=$(col $t destination); dt=$(col $t downtime_s)
[ "$(tail -n +2 $t | cut -d, -f$s,$d)" = "0,1" ] && ok || bad "vmotion: not gpu-a -> gpu-b"
awk -F, -v c=$dt 'NR == 2 { x = $c - 10 * 2^30 / (0.68 * 1.25e9); exit !(x < 1e-3 && x > -1e-3) }' $t && ok ||
  bad "vmotion: downtime $(tail -n +2 $t | cut -d, -f$dt), want 12.6322 s"
grep -q "^1,0,a100,40,grid_a100-10c,4,40$" move/tables/vgpu_gpus.csv && ok || bad "gpu-b's GPU not full"
[ "$(attr move.h5 vgpu_vmotions)" = 1 ] && ok || bad "vgpu_vmotions not 1"
awk -v x="$(attr move.h5 vgpu_stun_device_s)" 'BEGIN { exit !(x > 12.632 && x < 12.633) }' && ok || bad "vgpu_stun_device_s not 12.632"
# the control: the same VMs without profiles are also moved to the CPU host
drs_cfg free.cfg "" true
expect_status 0 "no vgpu" "$vdcsim" run free.cfg -o free.h5 --quiet
expect_status 0 "export" "$vdcsim" export free.h5 --csv free
d=$(col free/tables/vmotions.csv destination)
tail -n +2 free/tables/vmotions.csv | cut -d, -f$d | grep -qx 2 && ok || bad "control: nothing moved to the CPU host"
# a stun limit of 10 s (below 12.63 s) keeps the vGPU VMs where they are
expect_status 0 "stun limit" "$vdcsim" run move.cfg --set 'vms.[1].vgpu_stun_limit="10s"' -o limit.h5 --quiet
expect_status 0 "export" "$vdcsim" export limit.h5 --csv limit
[ "$(tail -n +2 limit/tables/vmotions.csv 2>/dev/null | wc -l)" = 0 ] && ok || bad "stun limit: a VM moved"

# 2. Maintenance. g1 holds two 20c VMs (first fit), g2 one 20c VM bound to
# it (20 GiB free). g1 enters maintenance at 10 min: with vgpu.vmotion one
# VM moves to g2 (the second does not fit after it) and one is powered
# off; without, both are powered off.
{ echo 'hosts = ('; host g1 1; host g2 1 '' ' '; echo ');'
  echo 'simulation = { until = "1h"; sample_period = "1m"; control_latency = "1ms"; };'
  echo 'placement = { policy = "first_fit"; };'
  echo 'drs = { enabled = true; threshold = 3; };'
  echo 'vms = ( { name = "m"; count = 2; vcpus = 2; memory = "1GiB"; vgpu_profile = "grid_a100-20c"; },'
  echo '        { name = "f"; count = 1; vcpus = 2; memory = "1GiB"; host_group = "g2"; vgpu_profile = "grid_a100-20c"; } );'
  echo 'failures = { maintenance = ( { target = "host g1-01"; at = "10m"; duration = "30m"; } ); };'
} > maint.cfg
for v in true false; do
  expect_status 0 "maintenance $v" "$vdcsim" run maint.cfg --set vgpu.vmotion=$v -o maint-$v.h5
  expect_status 0 "export" "$vdcsim" export maint-$v.h5 --csv maint-$v
done
[ "$(attr maint-true.h5 vgpu_vmotions),$(attr maint-true.h5 vgpu_maintenance_powered_off)" = "1,1" ] && ok ||
  bad "maintenance with vmotion: not 1 moved, 1 powered off"
grep -q "^1,0,a100,40,grid_a100-20c,2,40$" maint-true/tables/vgpu_gpus.csv && ok || bad "g2 not full after the evacuation"
[ "$(attr maint-false.h5 vgpu_maintenance_powered_off)" = 2 ] && ok || bad "maintenance without vmotion: not 2 powered off"

# 3. MIG: one A100-40GB in MIG mode. A 3g.20gb takes slices 0-3; a
# 4g.20gb (start 0 only) is refused; two 1g.5gb take slices 4 and 5:
# 3 placed, 1 failure, slices 11111100, 20 + 5 + 5 = 30 GiB.
{ echo 'hosts = ('; host mig 1 'gpu_mig = true;' ' '; echo ');'
  echo 'simulation = { until = "10m"; sample_period = "1m"; control_latency = "1ms"; };'
  echo 'placement = { policy = "first_fit"; };'
  echo 'vms = ( { name = "a"; vcpus = 1; memory = "1GiB"; vgpu_profile = "grid_a100-3-20c"; },'
  echo '        { name = "b"; vcpus = 1; memory = "1GiB"; vgpu_profile = "grid_a100-4-20c"; start = "1m"; },'
  echo '        { name = "c"; count = 2; vcpus = 1; memory = "1GiB"; vgpu_profile = "grid_a100-1-5c"; start = "2m"; } );'
} > mig.cfg
expect_status 0 "mig" "$vdcsim" run mig.cfg -o mig.h5
grep -q "4 VMs: 3 placed, 1 placement failures" out.txt && ok || bad "mig: not 3 placed, 1 failure"
expect_status 0 "export" "$vdcsim" export mig.h5 --csv mig
grep -q "^0,0,a100,40,mig:11111100,3,30$" mig/tables/vgpu_gpus.csv && ok || bad "mig: slices not 11111100"
sed 's/gpu_mig = true;//' mig.cfg > mig-bad.cfg
expect_status 2 "mig profile on a time-sliced GPU" "$vdcsim" check mig-bad.cfg
expect_err "mig-bad.cfg:7: key 'vms.[0].vgpu_profile': 'grid_a100-3-20c' fits no host's GPUs" "mig profile on a time-sliced GPU"

# 4. Two 40c vGPUs per VM: g1 (1 GPU) cannot hold them, g2 (2 GPUs) can,
# one on each GPU; a second such VM finds no room: 1 placed, 1 failure.
{ echo 'hosts = ('; host g1 1; host g2 2 '' ' '; echo ');'
  echo 'simulation = { until = "10m"; sample_period = "1m"; control_latency = "1ms"; };'
  echo 'placement = { policy = "first_fit"; };'
  echo 'vms = ( { name = "big"; count = 2; vcpus = 1; memory = "1GiB"; vgpu_profile = "grid_a100-40c"; vgpu_count = 2; } );'
} > multi.cfg
expect_status 0 "multi" "$vdcsim" run multi.cfg -o multi.h5
grep -q "2 VMs: 1 placed, 1 placement failures" out.txt && ok || bad "multi: not 1 placed, 1 failure"
expect_status 0 "export" "$vdcsim" export multi.h5 --csv multi
grep -q "^1,0,a100,40,grid_a100-40c,1,40$" multi/tables/vgpu_gpus.csv &&
  grep -q "^1,1,a100,40,grid_a100-40c,1,40$" multi/tables/vgpu_gpus.csv && ok || bad "multi: not one vGPU on each of g2's GPUs"
sed 's/vgpu_count = 2/vgpu_count = 3/' multi.cfg > multi-bad.cfg
expect_status 2 "three 40c" "$vdcsim" check multi-bad.cfg
expect_err "multi-bad.cfg:9: key 'vms.[0].vgpu_count': 3 vGPUs of 'grid_a100-40c' fit on no host's GPUs together" "three 40c"
sed 's/vgpu_count = 2/vgpu_count = 9/' multi.cfg > multi-bad2.cfg
expect_status 2 "nine vGPUs" "$vdcsim" check multi-bad2.cfg
expect_err "multi-bad2.cfg:9: key 'vms.[0].vgpu_count'" "nine vGPUs"
cli_end
