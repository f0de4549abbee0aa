/* test_failures.c - failures, repairs, domains, crews, restarts, isolation,
 * maintenance, VM crashes and trace replay on deterministic schedules whose
 * outcome is computed by hand in each test. The control latency
 * (simulation.lookahead) is 1 s throughout, detection 15 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/availability.h"
#include "analysis/h5_read.h"
#include "analysis/run_summary.h"
#include "check.h"
#include "models/failures/failure.h"
#include "models/model.h"
#include "models/core/vm.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

#define H 3600.0 /* seconds per hour */

typedef struct {
    scenario *scn;
    sim_engine *eng;
    model *m;
    failure_model *fm;
} run;

/* Builds and runs `text` to simulation.until; h5 may be NULL. Returns 0. */
static int run_text(run *r, const char *text, const char *h5)
{
    char err[2048];
    memset(r, 0, sizeof *r);
    r->scn = scenario_load_string(text, "test.cfg", NULL, 0, err, sizeof err);
    if (!r->scn) {
        fprintf(stderr, "scenario: %s\n", err);
        return -1;
    }
    sim_time_ns lookahead_ns = 0;
    CHECK_INT_EQ(model_lookahead_ns(r->scn, &lookahead_ns, err, sizeof err), 0);
    sim_config cfg = {.seed = 1, .lookahead_ns = lookahead_ns, .threads = 1};
    r->eng = sim_engine_new(&cfg);
    recorder *rec = h5 ? recorder_open(h5, 1, err, sizeof err) : NULL;
    model_status st;
    r->m = model_build(r->scn, r->eng, rec, &st, err, sizeof err);
    if (!r->m) {
        fprintf(stderr, "model: %s\n", err);
        if (rec)
            recorder_abort(rec);
        return -1;
    }
    r->fm = model_failures(r->m);
    sim_time_ns until = scn_duration_ns(r->scn, "simulation.until");
    if (rec) {
        /* the driver's window protocol, inline */
        if (recorder_window_begin(rec, until) != 0)
            return -1;
    }
    if (sim_run(r->eng, until) != 0) {
        fprintf(stderr, "run: %s\n", sim_error(r->eng));
        return -1;
    }
    if (rec) {
        if (recorder_window_end(rec, until) != 0 || model_finish(r->m, rec) != 0 ||
            recorder_close(rec, until, err, sizeof err) != 0) {
            fprintf(stderr, "recorder: %s\n", err);
            return -1;
        }
    }
    return 0;
}

static void run_free(run *r)
{
    model_free(r->m);
    sim_engine_free(r->eng);
    scenario_free(r->scn);
}

/* Deterministic up 10 h / repair 2 h over 120 h: failures at 10, 22, ...,
 * 118 h (10 of them), down 2 h each (the last until 120 h): availability
 * 100/120 = 10/12 exactly. The event log integrates to the same 20 h. */
static void test_deterministic_renewal(void)
{
    const char *text = "simulation = { until = \"120h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 1; failure = {\n"
                       "  up_time = { distribution = \"deterministic\"; mean = \"10h\"; };\n"
                       "  repair = { distribution = \"deterministic\"; mean = \"2h\"; }; }; } );\n";
    char h5[512];
    snprintf(h5, sizeof h5, "%s/test_failures_renewal.h5", VDCSIM_TEST_TMPDIR);
    run r;
    CHECK_INT_EQ(run_text(&r, text, h5), 0);
    if (!r.fm)
        return;
    CHECK_NEAR(failure_host_availability(r.fm, 0), 10.0 / 12.0, 1e-15);
    CHECK_INT_EQ((long long)failure_host_failures(r.fm, 0), 10);
    run_free(&r);
    double frac[2];
    char err[512];
    CHECK_INT_EQ(avail_hosts_down_read(h5, (int64_t)(120 * H * 1e9), 1, 1, frac, err, sizeof err), 0);
    CHECK_NEAR(frac[1], 20.0 / 120.0, 1e-15);
    CHECK_NEAR(frac[0], 100.0 / 120.0, 1e-15);
    /* The summary's availability section: 10 failures, MTTF = 100 h / 10,
     * MTTR = 20 h / 10. */
    run_summary s;
    CHECK_INT_EQ(run_summary_read(h5, &s, err, sizeof err), 0);
    CHECK_INT_EQ(s.has_availability, 1);
    CHECK_NEAR(s.avail.host_availability_mean, 10.0 / 12.0, 1e-15);
    CHECK_INT_EQ((long long)s.avail.host_failures, 10);
    CHECK_NEAR(s.avail.mttf_h, 10.0, 1e-12);
    CHECK_NEAR(s.avail.mttr_h, 2.0, 1e-12);
    remove(h5);
}

/* Rack r1 holds esx-01..03 (esx-04 is in no rack). It fails at 1 h for
 * 2 h; its hosts hear it 1 s later and come back 1 s after the repair:
 * each is down exactly 2 h of 10 h (A = 0.8), esx-04 never (A = 1). */
static void test_domain_fan_out(void)
{
    const char *text = "simulation = { until = \"10h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 4; } );\n"
                       "racks = ( { name = \"r1\"; host_group = \"esx\"; count = 3; } );\n"
                       "failures = { inject = ( { target = \"rack r1\"; at = \"1h\"; duration = \"2h\"; } ); };\n";
    char h5[512];
    snprintf(h5, sizeof h5, "%s/test_failures_rack.h5", VDCSIM_TEST_TMPDIR);
    run r;
    CHECK_INT_EQ(run_text(&r, text, h5), 0);
    if (!r.fm)
        return;
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_NEAR(failure_host_availability(r.fm, i), 0.8, 1e-15);
        CHECK_INT_EQ((long long)failure_host_failures(r.fm, i), 1);
    }
    CHECK_NEAR(failure_host_availability(r.fm, 3), 1.0, 0.0);
    run_free(&r);
    /* all three down together: 2 h of 10 h with 3 of 4 down, never 1 or 2 */
    double frac[5];
    char err[512];
    CHECK_INT_EQ(avail_hosts_down_read(h5, (int64_t)(10 * H * 1e9), 4, 1, frac, err, sizeof err), 0);
    CHECK_NEAR(frac[3], 0.2, 1e-15);
    CHECK_NEAR(frac[1] + frac[2] + frac[4], 0.0, 0.0);
    /* the rack itself: one failure, down 2 h of 10 h */
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t t = H5Dopen2(f, "/tables/domain_availability", H5P_DEFAULT);
    double down_h = 0.0;
    int64_t failures = 0;
    CHECK_INT_EQ(h5r_table_column_f64(t, "domain_availability", "down_h", 0, 1, &down_h, err, sizeof err), 0);
    CHECK_INT_EQ(h5r_table_column_i64(t, "domain_availability", "failures", 0, 1, &failures, err, sizeof err), 0);
    CHECK_NEAR(down_h, 2.0, 1e-12);
    CHECK_INT_EQ((long long)failures, 1);
    H5Dclose(t);
    H5Fclose(f);
    remove(h5);
}

/* Three hosts fail together at 10 h (deterministic), repairs of 2 h, ONE
 * crew. Requests reach the crew at 10 h + 1 s in host order; the crew
 * repairs host 0 until 12 h + 1 s, host 1 until 14 h + 1 s, host 2 until
 * 16 h + 1 s. Down: 2 h + 1 s, 4 h + 1 s, 6 h + 1 s of 20 h (the next
 * failures come 10 h after each repair, past 20 h). */
static void test_crew_fifo(void)
{
    const char *text = "simulation = { until = \"20h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 3; failure = {\n"
                       "  up_time = { distribution = \"deterministic\"; mean = \"10h\"; };\n"
                       "  repair = { distribution = \"deterministic\"; mean = \"2h\"; }; }; } );\n"
                       "failures = { repair_crews = 1; };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (!r.fm)
        return;
    double total = 20 * H;
    CHECK_NEAR(failure_host_availability(r.fm, 0), (total - (2 * H + 1)) / total, 1e-15);
    CHECK_NEAR(failure_host_availability(r.fm, 1), (total - (4 * H + 1)) / total, 1e-15);
    CHECK_NEAR(failure_host_availability(r.fm, 2), (total - (6 * H + 1)) / total, 1e-15);
    run_free(&r);
}

/* One 100 GiB VM starts on esx-01 at 1 s. esx-01 fails at 1 h for 1 h.
 * The controller hears at 1 h + 1 s, restarts at 1 h + 15 s (detection)
 * on esx-02, which starts it at 1 h + 16 s: 16 s down, one restart. */
static void test_restart_elsewhere(void)
{
    const char *text = "simulation = { until = \"4h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 2; } );\n"
                       "vms = ( { name = \"vm\"; count = 1; memory = \"100GiB\"; } );\n"
                       "failures = { inject = ( { target = \"host esx-01\"; at = \"1h\"; duration = \"1h\"; } ); };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (!r.fm)
        return;
    const vm_avail *va = failure_vm(r.fm, 0);
    CHECK_INT_EQ(va->failures, 1);
    CHECK_INT_EQ(va->restarts, 1);
    CHECK_INT_EQ(va->restart_failures, 0);
    CHECK_INT_EQ((long long)va->downtime_ns, 16000000000LL);
    CHECK_INT_EQ(va->down, 0);
    run_free(&r);
}

/* Two 400 GiB VMs fill both 512 GiB hosts. esx-01 fails at 1 h for 1 h:
 * its VM finds no room at 1 h + 15 s (one failed restart) and waits; the
 * controller hears esx-01 is back at 2 h + 1 s, retries, and the VM starts
 * there at 2 h + 2 s: down 1 h + 2 s. */
static void test_failed_restart_retried(void)
{
    const char *text = "simulation = { until = \"4h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 2; memory = \"512GiB\"; } );\n"
                       "vms = ( { name = \"vm\"; count = 2; memory = \"400GiB\"; } );\n"
                       "failures = { inject = ( { target = \"host esx-01\"; at = \"1h\"; duration = \"1h\"; } ); };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (!r.fm)
        return;
    const vm_avail *va = failure_vm(r.fm, 0);
    CHECK_INT_EQ(va->restart_failures, 1);
    CHECK_INT_EQ(va->restarts, 1);
    CHECK_INT_EQ((long long)va->downtime_ns, (long long)(H * 1e9) + 2000000000LL);
    CHECK_INT_EQ((long long)failure_restart_failures(r.fm), 1);
    CHECK_INT_EQ(failure_vm(r.fm, 1)->failures, 0);
    run_free(&r);
}

/* Isolation of esx-01 at 1 h for 1 h. power_off: after the 30 s isolation
 * timeout its VM is powered off (1 h + 30 s) and restarted on esx-02 16 s
 * later. leave_powered_on: the VM keeps running, no downtime. Either way
 * the host counts as available (isolated, not failed). */
static void test_isolation(void)
{
    const char *base = "simulation = { until = \"4h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 2; } );\n"
                       "vms = ( { name = \"vm\"; count = 1; memory = \"100GiB\"; } );\n"
                       "failures = { isolation_response = \"%s\"; isolation_timeout = \"30s\";\n"
                       "  inject = ( { target = \"host esx-01\"; kind = \"isolation\"; at = \"1h\"; duration = \"1h\"; } ); };\n";
    char text[1024];
    snprintf(text, sizeof text, base, "power_off");
    run r;
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (r.fm) {
        CHECK_INT_EQ((long long)failure_vm(r.fm, 0)->downtime_ns, 16000000000LL);
        CHECK_INT_EQ(failure_vm(r.fm, 0)->restarts, 1);
        CHECK_NEAR(failure_host_availability(r.fm, 0), 1.0, 0.0);
        run_free(&r);
    }
    snprintf(text, sizeof text, base, "leave_powered_on");
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (r.fm) {
        CHECK_INT_EQ((long long)failure_vm(r.fm, 0)->downtime_ns, 0);
        CHECK_INT_EQ(failure_vm(r.fm, 0)->failures, 0);
        run_free(&r);
    }
}

/* Both hosts lose their management network every 10 h for 1 h
 * (deterministic isolation process), response power_off after 30 s. The
 * VM on esx-01 is powered off at 10 h + 30 s; at 10 h + 45 s both hosts are
 * unusable, so the restart fails; the hosts are reachable again at 11 h,
 * the controller hears at 11 h + 1 s and restarts it on esx-01, running at
 * 11 h + 2 s: down 1 h - 28 s. The same at 21 h. Isolated time counts as
 * available. */
static void test_isolation_process(void)
{
    const char *text = "simulation = { until = \"24h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 2; isolation = {\n"
                       "  up_time = { distribution = \"deterministic\"; mean = \"10h\"; };\n"
                       "  duration = { distribution = \"deterministic\"; mean = \"1h\"; }; }; } );\n"
                       "vms = ( { name = \"vm\"; count = 1; memory = \"100GiB\"; } );\n"
                       "failures = { isolation_response = \"power_off\"; };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (!r.fm)
        return;
    const vm_avail *va = failure_vm(r.fm, 0);
    CHECK_INT_EQ(va->failures, 2);
    CHECK_INT_EQ(va->restart_failures, 2);
    CHECK_INT_EQ((long long)va->downtime_ns, 2 * (3600LL - 28) * 1000000000LL);
    CHECK_NEAR(failure_host_availability(r.fm, 0), 1.0, 0.0);
    CHECK_INT_EQ((long long)failure_host_failures(r.fm, 0), 0);
    run_free(&r);
}

/* Maintenance of esx-01 from 1 h for 30 min: its VM is shut down (stopped,
 * not failed) and restarted on esx-02 after detection + latency (16 s);
 * the host is unavailable 0.5 h of 4 h. */
static void test_maintenance(void)
{
    const char *text = "simulation = { until = \"4h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 2; } );\n"
                       "vms = ( { name = \"vm\"; count = 1; memory = \"100GiB\"; } );\n"
                       "failures = { maintenance = ( { target = \"host esx-01\"; at = \"1h\"; duration = \"30m\"; } ); };\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (!r.fm)
        return;
    CHECK_NEAR(failure_host_availability(r.fm, 0), 3.5 / 4.0, 1e-15);
    CHECK_INT_EQ((long long)failure_host_failures(r.fm, 0), 0);
    CHECK_INT_EQ((long long)failure_vm(r.fm, 0)->downtime_ns, 16000000000LL);
    run_free(&r);
}

/* A VM crashing every 5 h of running (deterministic), restart delay 1 min:
 * starts at 1 s, crashes at 5 h + 1 s and 10 h + 1 min + 1 s, down 1 min
 * each time before 12 h: 2 crashes, 2 min down, still on esx-01. */
static void test_vm_crash(void)
{
    const char *text = "simulation = { until = \"12h\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"esx\"; count = 1; } );\n"
                       "vms = ( { name = \"vm\"; count = 1; crash = { restart_delay = \"1m\";\n"
                       "  up_time = { distribution = \"deterministic\"; mean = \"5h\"; }; }; } );\n";
    run r;
    CHECK_INT_EQ(run_text(&r, text, NULL), 0);
    if (!r.fm)
        return;
    CHECK_INT_EQ(failure_vm(r.fm, 0)->crashes, 2);
    CHECK_INT_EQ(failure_vm(r.fm, 0)->restarts, 2);
    CHECK_INT_EQ((long long)failure_vm(r.fm, 0)->downtime_ns, 120000000000LL);
    run_free(&r);
}

/* tests/data/failures/tiny.csv, system 5, replayed from its first failure
 * (1/1/2004 10:00) over 3 days = 4320 min on 4 hosts:
 *   node 0: 10:00 for 60 min; node 1: 10:00 for 30 min, 10:01 for 120 min,
 *   1/3 10:01 for 4 min; node 2: 10:00 for 0 min.
 * Window 0 s: host 1 down [0, 121) and [2881, 2885) min = 125 min.
 * Window 120 s: the 10:01 failure joins the 10:00 burst, so it is replayed
 * at 0: down [0, 120) and [2881, 2885) = 124 min. Host 2 fails and is
 * repaired at 0: one failure, no downtime. */
static void test_trace_replay(void)
{
    const char *base = "simulation = { until = \"3d\"; lookahead = \"1s\"; sample_period = \"1h\"; };\n"
                       "hosts = ( { name = \"node\"; count = 4; } );\n"
                       "failures = { trace = { file = \"%s/tests/data/failures/tiny.csv\"; system = 5;\n"
                       "  group_window = \"%s\"; }; };\n";
    char text[2048];
    const char *windows[] = {"0s", "120s"};
    double down_min[] = {125, 124};
    for (int w = 0; w < 2; w++) {
        snprintf(text, sizeof text, base, VDCSIM_SOURCE_DIR, windows[w]);
        run r;
        CHECK_INT_EQ(run_text(&r, text, NULL), 0);
        if (!r.fm)
            continue;
        CHECK_NEAR(failure_host_availability(r.fm, 1), 1.0 - down_min[w] / 4320.0, 1e-15);
        CHECK_NEAR(failure_host_availability(r.fm, 0), 1.0 - 60.0 / 4320.0, 1e-15);
        CHECK_NEAR(failure_host_availability(r.fm, 2), 1.0, 0.0);
        CHECK_INT_EQ((long long)failure_host_failures(r.fm, 2), 1);
        CHECK_NEAR(failure_host_availability(r.fm, 3), 1.0, 0.0);
        run_free(&r);
    }
}

/* No failure keys: the module stays out of the run. */
static void test_disabled_by_default(void)
{
    run r;
    CHECK_INT_EQ(run_text(&r, "hosts = ( { name = \"esx\"; } );\n", NULL), 0);
    CHECK(r.fm == NULL);
    run_free(&r);
}

int main(void)
{
    test_deterministic_renewal();
    test_domain_fan_out();
    test_crew_fifo();
    test_restart_elsewhere();
    test_failed_restart_retried();
    test_isolation();
    test_isolation_process();
    test_maintenance();
    test_vm_crash();
    test_trace_replay();
    test_disabled_by_default();
    return CHECK_DONE();
}
