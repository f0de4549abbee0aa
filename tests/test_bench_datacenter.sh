#!/usr/bin/env bash
# test_bench_datacenter.sh VDCSIM_BINARY SOURCE_DIR TEST_BUILD_DIR
# The datacenter benchmark on short settings (scenarios/large_datacenter.cfg
# for one simulated hour): it runs on 1 and 2 threads, reports the
# scenario's 2,000 hosts and 40,000 VMs, the same event count on both, and
# its memory figures. No timing is asserted: `make bench` measures.
#   vm_struct_bytes: the VM's demand specs are shared by its group, so
#   vm_spec + vm stay below 600 bytes (one demand spec is 144 bytes; a VM
#   carrying its three, as before, needs 672).
set -u
vdcsim=$1; src=$2; work=$3/bench_datacenter
source "$src/tests/cli_lib.sh"
cli_begin
bin="$(dirname "$vdcsim")/bench/bench_datacenter"
[ -x "$bin" ] && ok || { bad "$bin not built"; cli_end; exit 1; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }
out1=$("$bin" --until 1h --threads 1 --output one.h5) && ok || bad "1-thread run"
out2=$("$bin" --until 1h --threads 2 --output two.h5) && ok || bad "2-thread run"
echo "$out1"; echo "$out2"
[ "$(field hosts "$out1")" = 2000 ] && ok || bad "hosts is not 2000"
[ "$(field vms "$out1")" = 40000 ] && ok || bad "vms is not 40000"
[ "$(field until_s "$out1")" = 3600 ] && ok || bad "until_s is not 3600"
e1=$(field events "$out1"); e2=$(field events "$out2")
[ -n "$e1" ] && [ "$e1" -gt 0 ] && [ "$e1" = "$e2" ] && ok || bad "events $e1 (1 thread) vs $e2 (2 threads)"
same one.h5 two.h5 /series && ok || bad "/series differs between 1 and 2 threads"
awk -v b="$(field vm_struct_bytes "$out1")" 'BEGIN { exit !(b > 0 && b < 600) }' && ok || bad "vm_struct_bytes not below 600"
awk -v p="$(field peak_rss_mib "$out1")" -v b="$(field build_rss_mib "$out1")" 'BEGIN { exit !(p > 0 && b > 0 && b <= p) }' \
  && ok || bad "memory figures inconsistent"
# peak_bytes_per_vm is the peak over the 40,000 VMs: peak_rss_mib (printed to
# 0.05 MiB, 1.3 bytes per VM) x 1,048,576 / 40,000
awk -v pb="$(field peak_bytes_per_vm "$out1")" -v p="$(field peak_rss_mib "$out1")" \
  'BEGIN { d = pb - p * 1048576 / 40000; exit !(pb > 0 && d < 2 && d > -2) }' \
  && ok || bad "peak_bytes_per_vm is not peak_rss_mib per VM"
"$bin" --threads zero >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "bad --threads not refused with 2"
cli_end
