#!/usr/bin/env bash
# test_ha_cli.sh - vSphere HA end to end: the admission-control study table
# (scripts/ha-study) against hand-computed values, byte-identical results
# for 1 and 2 threads with HA admission, failover hosts, priorities and
# retries, and bad HA input rejected with FILE:LINE: key. Args: VDCSIM
# SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/ha
source "$src/tests/cli_lib.sh"
cli_begin

# --- the study table ---------------------------------------------------------
# Hosts 256 GiB, VMs 16 GiB fully reserved + 2 GHz: 16 slots per host (memory
# binds). n hosts, 20n VMs offered, DRS spreads identical VMs evenly, esx-02
# fails at 1 h for good:
#   slots (level 1): 16(n-1) admitted, 16(n-1)/n on esx-02, all restart;
#   percentage 25 %: 12n admitted, 12 on esx-02, all restart;
#   failover_hosts (esx-01): 16(n-1) on the other hosts, 16 on esx-02, all
#     restart on esx-01;
#   disabled: 16n admitted, 16 on esx-02 find no memory: 5 attempts each (80
#     failed attempts) and 16 never restart.
expect_status 0 "ha-study" "$src/scripts/ha-study" "$(dirname "$vdcsim")"
for row in \
  "| slots | 4 | 80 | 48 | 12.00 | 32 | 12 | 0 | 0 |" \
  "| slots | 8 | 160 | 112 | 14.00 | 48 | 14 | 0 | 0 |" \
  "| slots | 16 | 320 | 240 | 15.00 | 80 | 15 | 0 | 0 |" \
  "| percentage | 4 | 80 | 48 | 12.00 | 32 | 12 | 0 | 0 |" \
  "| percentage | 8 | 160 | 96 | 12.00 | 64 | 12 | 0 | 0 |" \
  "| percentage | 16 | 320 | 192 | 12.00 | 128 | 12 | 0 | 0 |" \
  "| failover_hosts | 4 | 80 | 48 | 12.00 | 32 | 16 | 0 | 0 |" \
  "| failover_hosts | 8 | 160 | 112 | 14.00 | 48 | 16 | 0 | 0 |" \
  "| failover_hosts | 16 | 320 | 240 | 15.00 | 80 | 16 | 0 | 0 |" \
  "| disabled | 4 | 80 | 64 | 16.00 | 16 | 16 | 80 | 16 |" \
  "| disabled | 8 | 160 | 128 | 16.00 | 32 | 16 | 80 | 16 |" \
  "| disabled | 16 | 320 | 256 | 16.00 | 64 | 16 | 80 | 16 |"; do
  if grep -qF -- "$row" out.txt; then ok; else bad "ha-study lacks '$row'"; fi
done

# --- determinism across thread counts ---------------------------------------
cat > mix.cfg <<CFG
simulation = { until = "6h"; sample_period = "5m"; lookahead = "1s"; };
output = { path = "mix.h5"; };
hosts = ( { name = "esx"; count = 6; sockets = 2; cores_per_socket = 8; cpu = "2GHz"; memory = "128GiB";
            failure = { up_time = { mean = "3h"; }; repair = { mean = "40m"; }; }; } );
vms = ( { name = "db"; count = 12; memory = "16GiB"; memory_reservation = "16GiB"; cpu_reservation = "2GHz";
          restart_priority = "high"; boot_time = { distribution = "exponential"; mean = "40s"; }; },
        { name = "web"; count = 40; memory = "8GiB"; memory_reservation = "4GiB"; restart_priority = "low";
          arrival = { process = "poisson"; rate = "20/h"; }; lifetime = { mean = "2h"; }; } );
ha = { enabled = true; admission_control = "failover_hosts"; failover_hosts = ( { host = "esx-06"; } );
       restart_retry_interval = "1m"; restart_retries = 3; };
CFG
for p in slots failover_hosts; do
  expect_status 0 "$p 1 thread" "$vdcsim" run mix.cfg --threads 1 -o "t1.h5" --set "ha.admission_control=\"$p\"" --quiet
  expect_status 0 "$p 2 threads" "$vdcsim" run mix.cfg --threads 2 -o "t2.h5" --set "ha.admission_control=\"$p\"" --quiet
  for obj in /series /events /tables; do
    if same t1.h5 t2.h5 "$obj"; then ok; else bad "$p: $obj differs between 1 and 2 threads"; fi
  done
done
if h5dump -d /series/cluster/failover_capacity_hosts t1.h5 >/dev/null 2>&1; then ok; else bad "no failover_capacity_hosts series"; fi

# --- vdcsim check describes HA ----------------------------------------------
expect_status 0 "check mix" "$vdcsim" check mix.cfg
if grep -qF "ha:     admission control failover_hosts (1 failover hosts); restart retries 3 from 60 s, doubling" out.txt; then ok; else bad "check lacks the HA line"; fi

# --- bad input ----------------------------------------------------------------
cat > bad.cfg <<CFG
hosts = ( { name = "esx"; count = 2; } );
ha = { enabled = true; admission_control = "failover_hosts";
       failover_hosts = ( { host = "esx-07"; } ); };
CFG
expect_status 2 "unknown failover host" "$vdcsim" check bad.cfg
expect_err "bad.cfg:3: key 'ha.failover_hosts.[0].host'" "unknown failover host"
cat > bad2.cfg <<CFG
hosts = ( { name = "esx"; count = 2; } );
ha = { enabled = true; admission_control = "failover_hosts"; };
CFG
expect_status 2 "failover_hosts without hosts" "$vdcsim" check bad2.cfg
expect_err "bad2.cfg:2: key 'ha.admission_control'" "failover_hosts without hosts"
cat > bad3.cfg <<CFG
hosts = ( { name = "esx"; count = 2; } );
vms = ( { name = "v"; restart_priority = "urgent"; } );
CFG
expect_status 2 "unknown priority" "$vdcsim" check bad3.cfg
expect_err "bad3.cfg:2" "unknown priority"
cli_end
