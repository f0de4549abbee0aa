#!/usr/bin/env bash
# test_export_cli.sh - `vdcsim export RUN.h5 --csv DIR` on a one-hour
# quickstart run, against hand counts from scenarios/quickstart.cfg (8 hosts
# of 2 x 16 cores at 2600 MHz; 80 VMs of which 48 web + 12 db start at once
# and 20 batch at 2 h; samples every 5 min, so 12 in 1 h) and against the
# file read with h5dump. Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/export
source "$src/tests/cli_lib.sh"
cli_begin

expect_status 0 "quickstart 1 h" "$vdcsim" run "$src/scenarios/quickstart.cfg" --until 1h -o run.h5 --quiet
expect_status 0 "export" "$vdcsim" export run.h5 --csv out

[ "$(wc -l <out/tables/hosts.csv)" -eq 9 ] && ok || bad "hosts.csv: header + 8 hosts"
[ "$(wc -l <out/tables/vms.csv)" -eq 81 ] && ok || bad "vms.csv: header + 80 VMs"
cap=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cpu_capacity_mhz") c = i; next } { s += $c } END { print s }' \
  out/tables/hosts.csv)
[ "$cap" = "665600" ] && ok || bad "sum of cpu_capacity_mhz: $cap, want 8 x 32 x 2600 = 665600"
[ "$(wc -l <out/series/host.csv)" -eq 97 ] && ok || bad "series/host.csv: 12 samples x 8 hosts + header"
[ "$(wc -l <out/series/vm.csv)" -eq 961 ] && ok || bad "series/vm.csv: 12 samples x 80 VMs + header"
placed=$(grep -c '^[0-9]*,vm_placed,' out/events.csv)
[ "$placed" -eq 60 ] && ok || bad "events.csv: $placed vm_placed, want 60"
head -1 out/events.csv | grep -qx "time_ns,kind,subject,a,b,value" && ok || bad "events.csv header"

# power_w summed over the host rows of series/host.csv = the recorder's
# cluster total /series/cluster/power_w (h5dump, to its printed precision).
mine=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "power_w") c = i; next } { s += $c } END { printf "%.9g", s }' \
  out/series/host.csv)
theirs=$(h5dump -d /series/cluster/power_w -y -w 0 run.h5 |
  awk '/DATA/ { on = 1; next } on && /^ *[0-9.e+-]+,?$/ { gsub(",", ""); s += $1 } END { printf "%.9g", s }')
awk -v a="$mine" -v b="$theirs" 'BEGIN { exit !(b > 0 && (a - b)^2 <= (1e-5 * b)^2) }' && ok \
  || bad "power_w: export sums to $mine, the cluster series to $theirs"

expect_status 2 "export of a missing file" "$vdcsim" export no-such.h5 --csv out2
expect_err "no-such.h5" "export names the missing file"
expect_status 2 "export without --csv" "$vdcsim" export run.h5
expect_status 0 "export --help" "$vdcsim" export --help
cli_end
