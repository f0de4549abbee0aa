#!/usr/bin/env bash
# test_drs_cli.sh - DRS, vMotion, rules and maintenance evacuation end to
# end: bad keys named by FILE:LINE and key with exit status 2, and
# byte-identical output for 1 and 2 threads on a run where DRS migrates
# every minute while hosts fail, VMs come and go and two hosts are
# evacuated for maintenance (so migrations are aborted by failures), and
# on the quickstart cluster with DPM (hosts to standby and back).
# Run by ctest as: test_drs_cli.sh VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/drs_cli
source "$src/tests/cli_lib.sh"
cli_begin
hosts='hosts = ( { name = "esx"; count = 4; } );'
vms='vms = ( { name = "web"; count = 4; }, { name = "db"; count = 2; } );'

# --- bad input: FILE:LINE: key '...', exit 2 -------------------------------
printf '%s\n%s\ndrs = { enabled = true;\n  threshold = 7; };\n' "$hosts" "$vms" > threshold.cfg
expect_status 2 "threshold 7" "$vdcsim" run threshold.cfg -o x.h5
expect_err "threshold.cfg:4: key 'drs.threshold'" "threshold 7"
printf '%s\n%s\ndrs = { combine = "min"; };\n' "$hosts" "$vms" > combine.cfg
expect_status 2 "combine min" "$vdcsim" run combine.cfg -o x.h5
expect_err "combine.cfg:3: key 'drs.combine'" "combine min"
printf '%s\n%s\nrules = ( { kind = "vm_anti_affinity";\n  vms = "web, cache"; } );\n' "$hosts" "$vms" > member.cfg
expect_status 2 "rule names an unknown group" "$vdcsim" run member.cfg -o x.h5
expect_err "member.cfg:4: key 'rules.[0].vms': 'cache' names no VM group" "unknown member"
printf '%s\n%s\nrules = ( { kind = "vm_affinity"; vms = "web-05"; } );\n' "$hosts" "$vms" > index.cfg
expect_status 2 "rule names web-05 of 4" "$vdcsim" run index.cfg -o x.h5
expect_err "index.cfg:3: key 'rules.[0].vms': 'web-05'" "member index out of range"
printf '%s\n%s\nrules = ( { kind = "vm_host_must"; vms = "db"; } );\n' "$hosts" "$vms" > nohosts.cfg
expect_status 2 "must rule without hosts" "$vdcsim" run nohosts.cfg -o x.h5
expect_err "nohosts.cfg:3: key 'rules.[0].hosts': a vm_host_must rule needs hosts" "must rule without hosts"
printf '%s\n%s\nrules = ( { kind = "vm_host_should"; vms = "db"; hosts = "esx-09"; } );\n' "$hosts" "$vms" > host.cfg
expect_status 2 "rule names esx-09 of 4" "$vdcsim" run host.cfg -o x.h5
expect_err "host.cfg:3: key 'rules.[0].hosts': 'esx-09' names no host" "host out of range"
printf '%s\n%s\nrules = ( { kind = "vm_together"; vms = "db"; } );\n' "$hosts" "$vms" > kind.cfg
expect_status 2 "unknown rule kind" "$vdcsim" run kind.cfg -o x.h5
expect_err "kind.cfg:3: key 'rules.[0].kind'" "unknown rule kind"
printf '%s\n%s\nvmotion = { max_rounds = 0; };\n' "$hosts" "$vms" > rounds.cfg
expect_status 2 "zero rounds" "$vdcsim" run rounds.cfg -o x.h5
expect_err "rounds.cfg:3: key 'vmotion.max_rounds'" "zero rounds"
# the hosts' staged stats, read a control latency (here also the lookahead)
# after they are written, would be overwritten in the window that reads
# them: staged every 1 s (sample period and DRS period), 1 s + 1 s needed
# (drs_stage.h); 2 s of samples would do
printf 'simulation = { sample_period = "1s";\n  control_latency = "1s"; };\n%s\n%s\ndrs = { enabled = true; period = "1s"; };\n' "$hosts" "$vms" > stage.cfg
expect_status 2 "stats staged faster than read" "$vdcsim" run stage.cfg -o x.h5
expect_err "stage.cfg:2: key 'simulation.control_latency'" "stats staged faster than read"
printf 'simulation = { sample_period = "2s"; until = "10s";\n  control_latency = "1s"; };\n%s\n%s\ndrs = { enabled = true; period = "2s"; };\n' "$hosts" "$vms" > stage2.cfg
expect_status 0 "stats staged 2 s apart" "$vdcsim" run stage2.cfg -o x.h5

# --- determinism under failures, arrivals and maintenance ------------------
cat > stress.cfg <<'CFG'
simulation = { until = "4h"; sample_period = "1m"; control_latency = "100ms"; seed = 7; };
hosts = ( { name = "esx"; count = 6; sockets = 1; cores_per_socket = 8; cpu = "2GHz"; memory = "64GiB";
            nic_speed = "10Gbps"; sriov_vfs_per_nic = 8;
            failure = { up_time = { mean = "2h"; }; repair = { mean = "20m"; }; }; } );
vms = (
  { name = "web"; count = 20; vcpus = 2; memory = "4GiB";
    cpu_demand = { kind = "random_walk"; mean = "1500MHz"; spread = 0.5; reversion_time = "30m"; noise = 0.2; }; },
  { name = "burst"; count = 40; vcpus = 2; memory = "2GiB";
    arrival = { process = "poisson"; rate = "12/h"; }; lifetime = { distribution = "exponential"; mean = "40m"; };
    cpu_demand = { kind = "onoff"; on_level = "3GHz"; off_level = "200MHz"; on_time = "20m"; off_time = "20m"; }; },
  { name = "db"; count = 3; vcpus = 4; memory = "8GiB"; cpu_demand = { mean = "3GHz"; noise = 0.3; }; },
  { name = "nfv"; count = 2; vcpus = 2; memory = "4GiB"; network_mode = "sriov"; cpu_demand = { mean = "3GHz"; }; } );
rules = ( { kind = "vm_anti_affinity"; vms = "db"; } );
drs = { enabled = true; threshold = 5; period = "1m"; };
failures = { maintenance = ( { target = "host esx-03"; at = "1h"; duration = "30m"; },
                             { target = "host esx-04"; at = "2h"; duration = "30m"; } ); };
CFG
for t in 1 2; do
  "$vdcsim" run stress.cfg --threads $t -o t$t.h5 --quiet && ok || bad "stress run with $t threads"
done
for obj in /series /events /tables; do
  same t1.h5 t2.h5 "$obj" && ok || bad "$obj differs between 1 and 2 threads"
done
# the run does what it is meant to stress: migrations, aborts, evacuations
kinds=$(h5dump -d /events t1.h5 | sed -n '/DATA {/,$p' | grep -oE 'vmotion_done|vmotion_aborted|maintenance_evacuated' | sort | uniq -c)
for k in vmotion_done vmotion_aborted maintenance_evacuated; do
  echo "$kinds" | grep -q " $k\$" && ok || bad "no $k record in the stress run"
done

# DPM on the quickstart cluster: hosts go to standby and come back
for t in 1 2; do
  "$vdcsim" run "$src/scenarios/quickstart.cfg" --set drs.enabled=true --set dpm.enabled=true --until 12h \
    --threads $t -o dpm$t.h5 --quiet && ok || bad "DPM run with $t threads"
done
for obj in /series /events /tables; do
  same dpm1.h5 dpm2.h5 "$obj" && ok || bad "DPM: $obj differs between 1 and 2 threads"
done
kinds=$(h5dump -d /events dpm1.h5 | sed -n '/DATA {/,$p' | grep -oE 'dpm_standby|dpm_power_on' | sort | uniq -c)
for k in dpm_standby dpm_power_on; do
  echo "$kinds" | grep -q " $k\$" && ok || bad "no $k record in the DPM run"
done

# DRS generations: vsphere7-score runs every minute unless drs.period is
# written, the 6.x names every 5 minutes; drs.search takes pruned or full.
out=$("$vdcsim" check "$src/scenarios/quickstart.cfg" --set drs.enabled=true --set 'drs.policy="vsphere7-score"')
grep -q "policy vsphere7-score, threshold 3 every 60 s" <<<"$out" && ok || bad "vsphere7-score period: $out"
out=$("$vdcsim" check "$src/scenarios/quickstart.cfg" --set drs.enabled=true --set 'drs.policy="vsphere7-score"' \
  --set 'drs.period="2m"')
grep -q "every 120 s" <<<"$out" && ok || bad "vsphere7-score with drs.period: $out"
out=$("$vdcsim" check "$src/scenarios/quickstart.cfg" --set drs.enabled=true --set 'drs.policy="vsphere6-balance"')
grep -q "every 300 s" <<<"$out" && ok || bad "vsphere6-balance period: $out"
"$vdcsim" check "$src/scenarios/quickstart.cfg" --set 'drs.search="fast"' >/dev/null 2>&1; [ $? -eq 2 ] && ok \
  || bad "drs.search = fast not refused with 2"

# One migration per VM at a time: the headline's first 10 h had a pass that
# moved VM 60000 twice (6156 -> 6145, then on from 6145) at 32,102 s; the
# second migration overwrote the first's record, which stayed "in_flight"
# for ever and held both hosts' in-flight counts. Every VM's migrations must
# not overlap (each requested after the previous one ended), and none may
# still be open 600 s before the end (two DRS periods; the longest
# request-to-done in a headline day is 69 s).
"$vdcsim" run "$src/scenarios/datacenter_10k.cfg" --until 10h --quiet --output dc10h.h5 >/dev/null 2>&1 \
  || bad "headline 10 h run failed"
rows=$(h5dump -d /tables/vmotions -y -w 0 dc10h.h5 2>/dev/null | sed -n '/DATA {/,$p' | tr -d ' \n' \
  | sed 's/^DATA{//; s/}}*$//; s/},{/}\n{/g' | tr -d '{}')
n=$(grep -c . <<<"$rows")
[ "$n" -gt 100 ] && ok || bad "headline 10 h: only $n vMotion rows"
overlap=$(sort -t, -k1,1n -k5,5n <<<"$rows" | awk -F, '$1 == vm && (done < 0 || $5 < done) { print } { vm = $1; done = $7 }')
[ -z "$overlap" ] && ok || bad "migrations of one VM overlap: $overlap"
stale=$(awk -F, '$12 == "\"in_flight\"" && $5 < (36000 - 600) * 1e9' <<<"$rows")
[ -z "$stale" ] && ok || bad "migrations still open long before the end: $stale"

cli_end
