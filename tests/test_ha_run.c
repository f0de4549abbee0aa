/* test_ha_run.c - vSphere HA in the cluster controller (models/vsphere/ha_controller.c,
 * models/vsphere/restart.c) in whole runs whose outcome is computed by hand in each
 * test: slot sizes and failover capacity, the exact power-on admission
 * control refuses, failover hosts, restart order by priority, timed retries
 * with doubling intervals, restarts recorded as failed, downtime closed at
 * the end of the boot, and services and pods hearing of a failed VM at once.
 * The control latency (simulation.lookahead) is 1 s throughout, detection
 * 15 s. Hosts: 8 cores x 2 GHz = 16000 MHz and 64 GiB = 65536 MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "check.h"
#include "models/failures/failure.h"
#include "models/vsphere/ha_controller.h"
#include "models/model.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

#define S 1000000000LL

typedef struct {
    scenario *scn;
    sim_engine *eng;
    model *m;
    char h5[512];
} run;

#define HOSTS4 "hosts = ( { name = \"esx\"; count = 4; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
#define SIM(until) "simulation = { until = \"" until "\"; lookahead = \"1s\"; sample_period = \"10m\"; threads = 1; };\n"

/* Builds and runs `text` to simulation.until, recording to a file named
 * after `name`. Returns 0. */
static int run_text(run *r, const char *text, const char *name)
{
    char err[2048];
    memset(r, 0, sizeof *r);
    snprintf(r->h5, sizeof r->h5, "%s/test_ha_run_%s.h5", VDCSIM_TEST_TMPDIR, name);
    r->scn = scenario_load_string(text, "test.cfg", NULL, 0, err, sizeof err);
    if (!r->scn) {
        fprintf(stderr, "scenario: %s\n", err);
        return -1;
    }
    sim_time_ns lookahead_ns = 0;
    CHECK_INT_EQ(model_lookahead_ns(r->scn, &lookahead_ns, err, sizeof err), 0);
    sim_config cfg = {.seed = 1, .lookahead_ns = lookahead_ns, .threads = 1};
    r->eng = sim_engine_new(&cfg);
    recorder *rec = recorder_open(r->h5, 1, err, sizeof err);
    model_status st;
    r->m = rec ? model_build(r->scn, r->eng, rec, &st, err, sizeof err) : NULL;
    if (!r->m) {
        fprintf(stderr, "model: %s\n", err);
        if (rec)
            recorder_abort(rec);
        return -1;
    }
    sim_time_ns until = scn_duration_ns(r->scn, "simulation.until");
    if (recorder_window_begin(rec, until) != 0 || sim_run(r->eng, until) != 0 ||
        recorder_window_end(rec, until) != 0 || model_finish(r->m, rec) != 0 ||
        recorder_close(rec, until, err, sizeof err) != 0) {
        fprintf(stderr, "run: %s %s\n", sim_error(r->eng), err);
        return -1;
    }
    return 0;
}

static void run_free(run *r)
{
    model_free(r->m);
    sim_engine_free(r->eng);
    scenario_free(r->scn);
    remove(r->h5);
}

/* The events of one kind: how many, and the first `cap` of them. */
static size_t events(const run *r, const char *kind, h5r_event *out, size_t cap)
{
    char err[512];
    h5r_quiet q;
    h5r_quiet_begin(&q);
    int64_t version;
    hid_t f = h5r_open_run(r->h5, &version, err, sizeof err);
    size_t n = 0;
    if (f >= 0) {
        if (h5r_events_of_kind(f, kind, out, cap, &n, err, sizeof err) < 0)
            n = (size_t)-1;
        H5Fclose(f);
    }
    h5r_quiet_end(&q);
    return n;
}

/* Row `row` (entity 0) of a cluster series. */
static double series_at(const run *r, const char *path, hsize_t row)
{
    char err[512];
    h5r_quiet q;
    h5r_quiet_begin(&q);
    int64_t version;
    double v = -1.0;
    hid_t f = h5r_open_run(r->h5, &version, err, sizeof err);
    if (f >= 0) {
        hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
        hsize_t dims[2];
        if (d >= 0 && h5r_dims(d, 2, dims) == 0 && row < dims[0] && h5r_read_rows_f64(d, row, 1, dims[1], &v) != 0)
            v = -1.0;
        if (d >= 0)
            H5Dclose(d);
        H5Fclose(f);
    }
    h5r_quiet_end(&q);
    return v;
}

/* /tables/vms column host of every VM into hosts[] (n VMs). */
static void vm_hosts(const run *r, int64_t *hosts, hsize_t n)
{
    char err[512];
    h5r_quiet q;
    h5r_quiet_begin(&q);
    int64_t version;
    hid_t f = h5r_open_run(r->h5, &version, err, sizeof err);
    CHECK(f >= 0);
    if (f >= 0) {
        hid_t t = H5Dopen2(f, "/tables/vms", H5P_DEFAULT);
        CHECK_INT_EQ(h5r_table_column_i64(t, "/tables/vms", "host", 0, n, hosts, err, sizeof err), 0);
        H5Dclose(t);
        H5Fclose(f);
    }
    h5r_quiet_end(&q);
}

/* Slot policy, failover_level L, 30 VMs of 2 vCPUs (the default) reserving
 * 2000 MHz and 8 GiB. HA counts each VM's memory reservation plus its
 * memory overhead (ha.memory_overhead = "table", the default): the vSphere
 * 6.5 overhead table for 2 vCPUs gives 52.72 MiB at 4096 MiB and 143.98 MiB
 * at 16384 MiB, so at 8192 MiB, a third of the way:
 *   52.72 + (8192 - 4096) / (16384 - 4096) x (143.98 - 52.72) = 83.14 MiB.
 *   slot = 2000 MHz x 8275.14 MiB; slots per host = min(16000 / 2000 = 8,
 *   floor(65536 / 8275.14) = floor(7.92) = 7) = 7; 28 in all. A power-on is
 *   admitted while the slots left after the L largest hosts fail (28 - 7L)
 *   hold the used ones: 21 VMs for L = 1, 14 for L = 2. The power-ons
 *   arrive in VM order at t = 0, so the first refused is VM 21 (L = 1) or
 *   14 (L = 2), and every later one is refused. Failover capacity then:
 *   largest f with 28 - 7f >= used: 1 (21 used) and 2 (14 used). Without
 *   the overhead (the fixed 0B of test_slots_fixed_overhead) memory would
 *   allow 8 slots per host and 24 / 16 VMs. */
static void test_slots(int level)
{
    char text[1024];
    snprintf(text, sizeof text,
             SIM("1h") HOSTS4
             "vms = ( { name = \"vm\"; count = 30; memory = \"8GiB\"; cpu_reservation = \"2GHz\"; "
             "memory_reservation = \"8GiB\"; } );\n"
             "ha = { enabled = true; admission_control = \"slots\"; failover_level = %d; };\n",
             level);
    run r;
    CHECK_INT_EQ(run_text(&r, text, level == 1 ? "slots1" : "slots2"), 0);
    if (!r.m)
        return;
    uint32_t admitted = level == 1 ? 21 : 14;
    ha_slots s;
    ha_controller_slots(model_ha(r.m), &s);
    CHECK_NEAR(s.slot_cpu_mhz, 2000.0, 0.0);
    CHECK_NEAR(s.slot_mem_mib, 8192.0 + 52.72 + (8192.0 - 4096.0) / (16384.0 - 4096.0) * (143.98 - 52.72), 1e-9);
    CHECK_INT_EQ(s.total_slots, 28);
    CHECK_INT_EQ(s.used_slots, admitted);
    CHECK_INT_EQ(s.failover_capacity, (uint32_t)level);
    CHECK_INT_EQ(ha_controller_failover_capacity(model_ha(r.m)), (uint32_t)level);
    CHECK_INT_EQ(model_vms_placed(r.m), admitted);
    h5r_event ev[32];
    size_t n = events(&r, "ha_admission_refused", ev, 32);
    CHECK_INT_EQ(n, 30 - admitted);
    for (size_t i = 0; i < n && i < 32; i++) {
        CHECK_INT_EQ(ev[i].subject, (int64_t)(admitted + i));
        CHECK_INT_EQ(ev[i].time_ns, 0);
    }
    /* the sample at t = 0 follows the power-ons of t = 0 */
    CHECK_NEAR(series_at(&r, "/series/cluster/failover_capacity_hosts", 0), level, 0.0);
    CHECK_NEAR(series_at(&r, "/series/cluster/failover_capacity_hosts", 5), level, 0.0);
    run_free(&r);
}

/* ha.memory_overhead as a size replaces the table for every VM: the VMs of
 * test_slots with "0B" count 8192 MiB (8 slots per host, 32 in all, as
 * vdcsim counted before the table) and with "1GiB" 9216 MiB
 * (floor(65536 / 9216) = 7 per host, 28 in all). */
static void test_slots_fixed_overhead(void)
{
    static const struct {
        const char *overhead;
        double slot_mem_mib;
        uint32_t total_slots;
    } cases[] = {{"0B", 8192.0, 32}, {"1GiB", 9216.0, 28}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char text[1024];
        snprintf(text, sizeof text,
                 SIM("1h") HOSTS4
                 "vms = ( { name = \"vm\"; count = 30; memory = \"8GiB\"; cpu_reservation = \"2GHz\"; "
                 "memory_reservation = \"8GiB\"; } );\n"
                 "ha = { enabled = true; admission_control = \"slots\"; memory_overhead = \"%s\"; };\n",
                 cases[c].overhead);
        run r;
        CHECK_INT_EQ(run_text(&r, text, c == 0 ? "overhead0" : "overhead1g"), 0);
        if (!r.m)
            continue;
        ha_slots s;
        ha_controller_slots(model_ha(r.m), &s);
        CHECK_NEAR(s.slot_mem_mib, cases[c].slot_mem_mib, 0.0);
        CHECK_INT_EQ(s.total_slots, cases[c].total_slots);
        run_free(&r);
    }
}

/* Arrivals go through admission control too. Slots, level 1, the hosts and
 * VMs of test_slots, but the 40 VMs arrive one a minute (VM k at 60k s,
 * heard by the controller at 60k + 1 s) and live 30 min (VM k is released
 * at 60k + 1 + 1800 + 2 s: lifetime end, vm.stop, vm.stopped). 21 fit the
 * policy (test_slots: 7 slots per host with the memory overhead), so VMs
 * 21..29 are refused; VM 30 (1801 s) too, as VM 0 is released only at
 * 1803 s. At the arrival of VM k >= 31 (60k + 1 s) the live VMs are the
 * admitted j with 60j + 1803 > 60k + 1, i.e. j in [k - 30, k - 1]: of
 * 0..20 those from k - 30 (51 - k of them) and 31..k - 1 (k - 31): 20 in
 * all until k = 51, so VMs 31..39 are all admitted: 10 refused, 30 placed. */
static void test_arrivals(void)
{
    const char *text = SIM("2h") HOSTS4
        "vms = ( { name = \"vm\"; count = 40; memory = \"8GiB\"; cpu_reservation = \"2GHz\"; "
        "memory_reservation = \"8GiB\"; arrival = { process = \"deterministic\"; interval = \"1m\"; };\n"
        "          lifetime = { distribution = \"deterministic\"; mean = \"30m\"; }; } );\n"
        "ha = { enabled = true; admission_control = \"slots\"; };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, "arrivals"), 0);
    if (!r.m)
        return;
    h5r_event ev[16];
    CHECK_INT_EQ(events(&r, "ha_admission_refused", ev, 16), 10);
    for (int i = 0; i < 10; i++) {
        CHECK_INT_EQ(ev[i].subject, 21 + i);
        CHECK_INT_EQ(ev[i].time_ns, (60LL * (21 + i) + 1) * S);
    }
    CHECK_INT_EQ(model_vms_placed(r.m), 30);
    run_free(&r);
}

/* Percentage policy, 25 % CPU and memory, 20 VMs reserving 3000 MHz and
 * 4 GiB: CPU (64000 - 3000 n) / 64000 >= 0.25 holds up to n = 16; memory
 * (262144 - 4096 n) / 262144 >= 0.25 up to n = 48. The 17th power-on (VM 16)
 * is the first refused; 4 refused in all. Failover capacity: CPU 48000
 * reserved; without the largest host 48000 are left (f = 1), without two
 * 32000 (< 48000); memory 65536 reserved allows f = 3; min(1, 3) = 1. */
static void test_percentage(void)
{
    const char *text = SIM("1h") HOSTS4
        "vms = ( { name = \"vm\"; count = 20; memory = \"4GiB\"; cpu_reservation = \"3GHz\"; "
        "memory_reservation = \"4GiB\"; } );\n"
        "ha = { enabled = true; admission_control = \"percentage\"; cpu_percentage = 25; memory_percentage = 25; };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, "percentage"), 0);
    if (!r.m)
        return;
    CHECK_INT_EQ(model_vms_placed(r.m), 16);
    h5r_event ev[8];
    CHECK_INT_EQ(events(&r, "ha_admission_refused", ev, 8), 4);
    CHECK_INT_EQ(ev[0].subject, 16);
    CHECK_INT_EQ(ev[0].a, HA_POLICY_PERCENTAGE);
    CHECK_INT_EQ(ha_controller_failover_capacity(model_ha(r.m)), 1);
    CHECK_NEAR(series_at(&r, "/series/cluster/failover_capacity_hosts", 0), 1.0, 0.0);
    run_free(&r);
}

/* Dedicated failover host esx-04; 20 VMs of 8 GiB, no reservations.
 * Placement (first fit) never uses esx-04: VMs 0-7 on esx-01, 8-15 on
 * esx-02, 16-19 on esx-03 (32 GiB free there). esx-01 fails at 1 h for
 * good: its 8 VMs restart on the failover host first (it holds 8), not 4 of
 * them on esx-03 as first fit alone would do. Admission refuses nothing. */
static void test_failover_hosts(void)
{
    const char *text = SIM("2h") HOSTS4
        "vms = ( { name = \"vm\"; count = 20; memory = \"8GiB\"; } );\n"
        "ha = { enabled = true; admission_control = \"failover_hosts\"; failover_hosts = ( { host = \"esx-04\"; } ); };\n"
        "failures = { inject = ( { target = \"host esx-01\"; at = \"1h\"; duration = \"10h\"; } ); };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, "failover_hosts"), 0);
    if (!r.m)
        return;
    h5r_event ev[4];
    CHECK_INT_EQ(events(&r, "ha_admission_refused", ev, 4), 0);
    int64_t hosts[20];
    vm_hosts(&r, hosts, 20);
    for (int v = 0; v < 20; v++)
        CHECK_INT_EQ(hosts[v], v < 8 ? 3 : v < 16 ? 1 : 2);
    /* one failover host, up all along */
    CHECK_NEAR(series_at(&r, "/series/cluster/failover_capacity_hosts", 11), 1.0, 0.0);
    run_free(&r);
}

/* Two hosts, admission control disabled. VMs (32 GiB each, first fit):
 * lo (id 0, low) and hi (id 1, high) on esx-01, mid (id 2) on esx-02.
 * esx-01 fails at 3600 s for `repair`; the controller hears it at 3601 s;
 * both VMs are due at 3600 + 15 = 3615 s. Priority first: hi takes esx-02's
 * last 32 GiB (vm_restarted at 3615 s, started at 3616 s), lo finds nothing
 * although its id is lower. lo's attempts: 3615, then +2, +4, +8, +16 min:
 * 3735, 3975, 4455, 5415 s. */
static const char *two_host_text(char *buf, size_t len, const char *repair, int retries, const char *boot)
{
    snprintf(buf, len,
             SIM("2h")
             "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
             "vms = ( { name = \"lo\"; memory = \"32GiB\"; restart_priority = \"low\"; boot_time = { mean = \"%s\"; }; },\n"
             "        { name = \"hi\"; memory = \"32GiB\"; restart_priority = \"high\"; boot_time = { mean = \"%s\"; }; },\n"
             "        { name = \"mid\"; memory = \"32GiB\"; boot_time = { mean = \"%s\"; }; } );\n"
             "ha = { enabled = true; admission_control = \"disabled\"; restart_retries = %d; };\n"
             "failures = { inject = ( { target = \"host esx-01\"; at = \"1h\"; duration = \"%s\"; } ); };\n",
             boot, boot, boot, retries, repair);
    return buf;
}

/* Repaired after 20 min: esx-01 rejoins at 4800 s, the controller hears it
 * at 4801 s and retries lo at once (its timer at 5415 s is not waited for):
 * restarted at 4801 s on esx-01 after 4 failed attempts. Downtimes: hi
 * 3616 - 3600 = 16 s; lo 4802 - 3600 = 1202 s. With a 30 s boot each ends
 * 30 s later: 46 s and 1232 s. */
static void test_priority_and_retries(const char *boot, double extra_s)
{
    char text[2048];
    run r;
    CHECK_INT_EQ(run_text(&r, two_host_text(text, sizeof text, "20m", 4, boot), "retries"), 0);
    if (!r.m)
        return;
    static const long long failed_at[] = {3615, 3735, 3975, 4455};
    h5r_event ev[8];
    CHECK_INT_EQ(events(&r, "vm_restart_failed", ev, 8), 4);
    for (int i = 0; i < 4; i++) {
        CHECK_INT_EQ(ev[i].time_ns, failed_at[i] * S);
        CHECK_INT_EQ(ev[i].subject, 0);
        CHECK_INT_EQ(ev[i].b, i + 1); /* attempts so far */
    }
    CHECK_INT_EQ(events(&r, "vm_restarted", ev, 8), 2);
    CHECK_INT_EQ(ev[0].subject, 1);
    CHECK_INT_EQ(ev[0].time_ns, 3615 * S);
    CHECK_INT_EQ(ev[0].a, 1);
    CHECK_INT_EQ(ev[1].subject, 0);
    CHECK_INT_EQ(ev[1].time_ns, 4801 * S);
    CHECK_INT_EQ(ev[1].a, 0);
    CHECK_INT_EQ(events(&r, "ha_restart_failed", ev, 8), 0);
    const failure_model *fm = model_failures(r.m);
    CHECK_INT_EQ(failure_vm(fm, 0)->restart_failures, 4);
    CHECK_INT_EQ(failure_vm(fm, 1)->downtime_ns, (long long)((16 + extra_s) * S));
    CHECK_INT_EQ(failure_vm(fm, 0)->downtime_ns, (long long)((1202 + extra_s) * S));
    CHECK_INT_EQ(failure_vm(fm, 2)->downtime_ns, 0);
    run_free(&r);
}

/* restart_retries = 2: lo's attempts at 3615, 3735 and 3975 s fail; the last
 * is recorded ha_restart_failed (a = 3 attempts). esx-01 still rejoins at
 * 4801 s and lo restarts then. Down for good (10 h repair, 2 h run) with
 * the default 4 retries: attempts up to 5415 s, ha_restart_failed there,
 * and lo is down from 3600 s to the end. */
static void test_restart_failed(void)
{
    char text[2048];
    run r;
    CHECK_INT_EQ(run_text(&r, two_host_text(text, sizeof text, "20m", 2, "0s"), "given_up"), 0);
    if (!r.m)
        return;
    h5r_event ev[8];
    CHECK_INT_EQ(events(&r, "vm_restart_failed", ev, 8), 3);
    CHECK_INT_EQ(events(&r, "ha_restart_failed", ev, 8), 1);
    CHECK_INT_EQ(ev[0].time_ns, 3975 * S);
    CHECK_INT_EQ(ev[0].subject, 0);
    CHECK_INT_EQ(ev[0].a, 3);
    CHECK_INT_EQ(events(&r, "vm_restarted", ev, 8), 2);
    CHECK_INT_EQ(ev[1].time_ns, 4801 * S);
    run_free(&r);

    CHECK_INT_EQ(run_text(&r, two_host_text(text, sizeof text, "10h", 4, "0s"), "never"), 0);
    if (!r.m)
        return;
    CHECK_INT_EQ(events(&r, "vm_restart_failed", ev, 8), 5);
    CHECK_INT_EQ(ev[4].time_ns, 5415 * S);
    CHECK_INT_EQ(events(&r, "ha_restart_failed", ev, 8), 1);
    CHECK_INT_EQ(ev[0].time_ns, 5415 * S);
    CHECK_INT_EQ(ev[0].a, 5);
    CHECK_INT_EQ(failure_vm(model_failures(r.m), 0)->down, 1); /* still down at the end */
    CHECK_INT_EQ(failure_vm(model_failures(r.m), 0)->down_since_ns, 3600 * S);
    /* lo waits for a restart from its first failed attempt (3615 s) on: on
     * its retry timer, then for a host; the samples at 3600 s (before it),
     * 4200 s and 6000 s */
    CHECK_NEAR(series_at(&r, "/series/cluster/vms_waiting_restart", 6), 0.0, 0.0);
    CHECK_NEAR(series_at(&r, "/series/cluster/vms_waiting_restart", 7), 1.0, 0.0);
    CHECK_NEAR(series_at(&r, "/series/cluster/vms_waiting_restart", 10), 1.0, 0.0);
    CHECK_NEAR(series_at(&r, "/series/cluster/vms_down", 7), 1.0, 0.0);
    run_free(&r);
}

/* One host runs VM "node" (a Kubernetes node with 2 pods, and the only
 * replica of service "web", 10 requests/s of 10 ms). The host fails at
 * 1800 s for good. The pods fail at once (pod_failed at 1800 s) and the
 * service takes the replica out at 1801 s, so in the sample interval
 * (1800, 2400] it completes only what it finished in (1800, 1801]: a mean
 * of 10 requests, far below the 6000 the interval would hold if the
 * replica were still believed up (the missing-report timeout is 2 sample
 * periods = 20 min). Bound: fewer than 60 requests (P < 1e-20). */
static void test_services_and_pods_hear_at_once(void)
{
    const char *text = SIM("1h")
        "hosts = ( { name = \"esx\"; count = 1; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
        "vms = ( { name = \"node\"; memory = \"16GiB\"; vcpus = 4; } );\n"
        "pods = ( { name = \"app\"; count = 2; node_group = \"node\"; } );\n"
        "services = ( { name = \"web\"; replicas = 1; vm_group = \"node\"; arrival = { rate = \"10/s\"; };\n"
        "  service = { distribution = \"deterministic\"; mean = \"10ms\"; }; } );\n"
        "failures = { inject = ( { target = \"host esx-01\"; at = \"30m\"; duration = \"10h\"; } ); };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, "pods_services"), 0);
    if (!r.m)
        return;
    h5r_event ev[4];
    CHECK_INT_EQ(events(&r, "pod_failed", ev, 4), 2);
    CHECK_INT_EQ(ev[0].time_ns, 1800 * S);
    CHECK_INT_EQ(ev[1].time_ns, 1800 * S);
    double before = series_at(&r, "/series/service/throughput_rps", 3); /* (1200, 1800] */
    double after = series_at(&r, "/series/service/throughput_rps", 4);  /* (1800, 2400] */
    CHECK(before > 8.0 && before < 12.0);
    CHECK(after >= 0.0 && after < 60.0 / 600.0);
    run_free(&r);
}

/* esx-01 loses its management network at 3600 s for 10 min; with
 * ha.isolation_response = "shutdown" after ha.isolation_timeout = 30 s its
 * VMs shut down at 3630 s (vm_failed cause 2, the VM ends stopped, not
 * failed) and restart on esx-02 at 3630 + 15 = 3645 s. "keep" has restart
 * priority disabled: it goes down with the others and is never restarted
 * (no vm_restarted, no vm_restart_failed), down to the end. */
static void test_isolation_shutdown_and_disabled_priority(void)
{
    const char *text = SIM("2h")
        "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
        "vms = ( { name = \"app\"; memory = \"16GiB\"; }, { name = \"keep\"; memory = \"16GiB\"; restart_priority = \"disabled\"; } );\n"
        "ha = { enabled = true; admission_control = \"disabled\"; isolation_response = \"shutdown\"; isolation_timeout = \"30s\"; };\n"
        "failures = { inject = ( { target = \"host esx-01\"; kind = \"isolation\"; at = \"1h\"; duration = \"10m\"; } ); };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, "isolation"), 0);
    if (!r.m)
        return;
    h5r_event ev[4];
    CHECK_INT_EQ(events(&r, "vm_failed", ev, 4), 2);
    CHECK_INT_EQ(ev[0].time_ns, 3630 * S);
    CHECK_INT_EQ(ev[0].b, 2); /* isolation response */
    CHECK_INT_EQ(events(&r, "vm_restarted", ev, 4), 1);
    CHECK_INT_EQ(ev[0].subject, 0);
    CHECK_INT_EQ(ev[0].time_ns, 3645 * S);
    CHECK_INT_EQ(ev[0].a, 1);
    CHECK_INT_EQ(events(&r, "vm_restart_failed", ev, 4), 0);
    CHECK_INT_EQ(failure_vm(model_failures(r.m), 0)->downtime_ns, 16 * S); /* 3630 to the start at 3646 */
    CHECK_INT_EQ(failure_vm(model_failures(r.m), 1)->down, 1);
    char err[256], state[32] = "";
    h5r_quiet q;
    h5r_quiet_begin(&q);
    int64_t version;
    hid_t f = h5r_open_run(r.h5, &version, err, sizeof err);
    if (f >= 0) {
        hid_t t = H5Dopen2(f, "/tables/vms", H5P_DEFAULT);
        CHECK_INT_EQ(h5r_table_column_str(t, "/tables/vms", "state", 1, state, sizeof state, err, sizeof err), 0);
        H5Dclose(t);
        H5Fclose(f);
    }
    h5r_quiet_end(&q);
    CHECK(strcmp(state, "stopped") == 0); /* shut down, not powered off */
    run_free(&r);
}

/* A VM whose lifetime ends while it waits for a restart is not restarted.
 * VM "short" (48 GiB, on esx-01) and "filler" (48 GiB, on esx-02); esx-01
 * fails at 3600 s for good and esx-02 has 16 GiB free, so short's attempts
 * at 3615, 3735, 3975 and 4455 s fail. (a) lifetime 90 min: it ends at
 * 5400 s, before the retry of 5415 s: no 5th attempt, no
 * ha_restart_failed, downtime 3600 -> 5400 s = 1800 s, not down at the end.
 * (b) lifetime 3600.5 s: it ends between the failure and the controller
 * hearing of it (3601 s): no restart attempt at all, downtime 1 s. */
static void test_lifetime_ends_while_waiting(const char *lifetime, int attempts, long long downtime_s)
{
    char text[2048];
    snprintf(text, sizeof text,
             SIM("2h")
             "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
             "vms = ( { name = \"short\"; memory = \"48GiB\"; lifetime = { distribution = \"deterministic\"; mean = \"%s\"; }; },\n"
             "        { name = \"filler\"; memory = \"48GiB\"; } );\n"
             "ha = { enabled = true; admission_control = \"disabled\"; };\n"
             "failures = { inject = ( { target = \"host esx-01\"; at = \"1h\"; duration = \"10h\"; } ); };\n",
             lifetime);
    run r;
    CHECK_INT_EQ(run_text(&r, text, "lifetime"), 0);
    if (!r.m)
        return;
    h5r_event ev[8];
    CHECK_INT_EQ(events(&r, "vm_restart_failed", ev, 8), (size_t)attempts);
    CHECK_INT_EQ(events(&r, "ha_restart_failed", ev, 8), 0);
    CHECK_INT_EQ(events(&r, "vm_restarted", ev, 8), 0);
    const vm_avail *va = failure_vm(model_failures(r.m), 0);
    CHECK_INT_EQ(va->down, 0);
    CHECK_INT_EQ(va->downtime_ns, downtime_s * S);
    CHECK_NEAR(series_at(&r, "/series/cluster/vms_down", 11), 0.0, 0.0);
    CHECK_NEAR(series_at(&r, "/series/cluster/vms_running", 11), 1.0, 0.0);
    run_free(&r);
}

/* A VM that crashed and waits for its restart in place when its lifetime
 * ends is powered off for good. It arrives at 0 s, is placed at 1 s and
 * runs from 2 s; it crashes at 2 + 3000 = 3002 s (deterministic 50 min) and
 * would restart in place at 3002 + 1200 = 4202 s; its lifetime (1 h from
 * its placement) ends at 3601 s, the host gets vm.stop at 3602 s and powers
 * it off: downtime 3602 - 3002 = 600 s, no restart, nothing running at the
 * end. */
static void test_lifetime_ends_during_crash_restart(void)
{
    const char *text = SIM("2h")
        "hosts = ( { name = \"esx\"; count = 1; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
        "vms = ( { name = \"v\"; memory = \"8GiB\"; arrival = { process = \"list\"; times = \"0s\"; };\n"
        "          lifetime = { distribution = \"deterministic\"; mean = \"1h\"; };\n"
        "          crash = { up_time = { distribution = \"deterministic\"; mean = \"50m\"; }; restart_delay = \"20m\"; }; } );\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, "crash_lifetime"), 0);
    if (!r.m)
        return;
    h5r_event ev[4];
    CHECK_INT_EQ(events(&r, "vm_restarted", ev, 4), 0);
    CHECK_INT_EQ(events(&r, "vm_stopped", ev, 4), 1);
    CHECK_INT_EQ(ev[0].time_ns, 3602 * S);
    const vm_avail *va = failure_vm(model_failures(r.m), 0);
    CHECK_INT_EQ(va->down, 0);
    CHECK_INT_EQ(va->downtime_ns, 600 * S);
    CHECK_NEAR(series_at(&r, "/series/cluster/vms_running", 11), 0.0, 0.0);
    run_free(&r);
}

/* A failover host that names no host is bad input with file, line and key. */
static void test_bad_failover_host(void)
{
    const char *text = SIM("1h") HOSTS4
        "ha = { enabled = true; admission_control = \"failover_hosts\"; failover_hosts = ( { host = \"esx-09\"; } ); };\n";
    char err[2048];
    scenario *scn = scenario_load_string(text, "bad.cfg", NULL, 0, err, sizeof err);
    CHECK(scn != NULL);
    if (!scn)
        return;
    sim_config cfg = {.seed = 1, .lookahead_ns = S, .threads = 1};
    sim_engine *eng = sim_engine_new(&cfg);
    model_status st = MODEL_OK;
    model *m = model_build(scn, eng, NULL, &st, err, sizeof err);
    CHECK(m == NULL);
    CHECK_INT_EQ(st, MODEL_BAD_INPUT);
    CHECK(strstr(err, "bad.cfg:3") != NULL);
    CHECK(strstr(err, "ha.failover_hosts.[0].host") != NULL);
    CHECK(strstr(err, "esx-09") != NULL);
    model_free(m);
    sim_engine_free(eng);
    scenario_free(scn);
}

int main(void)
{
    test_slots(1);
    test_slots(2);
    test_slots_fixed_overhead();
    test_arrivals();
    test_percentage();
    test_failover_hosts();
    test_priority_and_retries("0s", 0.0);
    test_priority_and_retries("30s", 30.0);
    test_restart_failed();
    test_services_and_pods_hear_at_once();
    test_isolation_shutdown_and_disabled_priority();
    test_lifetime_ends_while_waiting("90m", 4, 1800);
    test_lifetime_ends_while_waiting("3600500ms", 0, 1);
    test_lifetime_ends_during_crash_restart();
    test_bad_failover_host();
    return CHECK_DONE();
}
