/* bench_props.c - the cost of property monitors (issue 17, item 2): runs a
 * scenario (default scenarios/large_datacenter.cfg: 2,000 hosts, 40,000
 * VMs) without properties and with the ten below, interleaved (plain,
 * monitored, plain, ...) so that load from other jobs hits both alike, and
 * prints the median time of each (model build excluded: sim_run plus the
 * end-of-run tables; process CPU time, which holds up when other jobs share
 * the machine, so use --threads 1) and the overhead in percent of the medians:
 *   runs, until, threads, plain_s, monitored_s, overhead_pct
 * No timing is asserted anywhere.
 *
 *   bench_props [--scenario PATH] [--until DURATION] [--reps N] [--threads N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "models/model.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

/* Ten properties over hosts and VMs: thresholds on series, deadlines on
 * states, and the built-ins. */
static const char props_text[] =
    "\nproperties = (\n"
    "  { name = \"cpu_headroom\"; formula = \"forall host: G host.cpu_usage <= 0.9 * host.cpu_capacity\"; },\n"
    "  { name = \"host_ready\"; formula = \"forall host: G host.cpu_ready < 0.05\"; },\n"
    "  { name = \"memory_fits\"; formula = \"forall host: G host.memory_consumed <= 0.95 * host.memory_capacity\"; },\n"
    "  { name = \"power_cap\"; formula = \"forall host: G host.power <= \\\"1kW\\\"\"; },\n"
    "  { name = \"repair_1h\"; formula = \"forall host: G (host.failed -> F[<=1h] host.up)\"; },\n"
    "  { name = \"vm_ready\"; formula = \"forall vm: G (vm.running -> vm.cpu_ready < 0.05)\"; },\n"
    "  { name = \"vm_entitled\"; formula = \"forall vm: G (vm.running -> vm.cpu_entitlement >= 0.5 * vm.cpu_demand)\"; },\n"
    "  { name = \"restart_10m\"; formula = \"forall vm: G (vm.failed -> F[<=10m] vm.running)\"; },\n"
    "  { builtin = \"ha_restart\"; },\n"
    "  { builtin = \"no_vm_on_down_host\"; }\n"
    ");\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int window_hook(void *ctx, sim_engine *eng, sim_window_phase phase, sim_time_ns window_end_ns)
{
    recorder *rec = ctx;
    (void)eng;
    if (phase == SIM_WINDOW_BEGIN)
        return recorder_window_begin(rec, window_end_ns) != 0;
    return recorder_window_end(rec, window_end_ns) != 0;
}

/* One run; its time from sim_run to the end of model_finish, or < 0. */
static double run_once(const char *text, const char *name, const char *const *overrides, int n_over, int threads)
{
    char err[2048];
    scenario *scn = scenario_load_string(text, name, overrides, n_over, err, sizeof err);
    if (!scn) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    sim_time_ns lookahead_ns = 0;
    if (model_lookahead_ns(scn, &lookahead_ns, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        scenario_free(scn);
        return -1;
    }
    sim_config cfg = {.seed = (uint64_t)scn_int(scn, "simulation.seed"), .lookahead_ns = lookahead_ns, .threads = threads};
    sim_engine *eng = sim_engine_new(&cfg);
    recorder *rec = eng ? recorder_open(scn_string(scn, "output.path"), sim_threads(eng), err, sizeof err) : NULL;
    model_status ms;
    model *m = rec ? model_build(scn, eng, rec, &ms, err, sizeof err) : NULL;
    double t = -1;
    if (m) {
        double t0 = now_s();
        sim_set_window_hook(eng, window_hook, rec);
        sim_time_ns until_ns = scn_duration_ns(scn, "simulation.until");
        int rc = sim_run(eng, until_ns);
        sim_stats st;
        sim_get_stats(eng, &st);
        if (rc == 0 && model_finish(m, rec) == 0) {
            t = now_s() - t0;
            if (recorder_close(rec, st.end_ns, err, sizeof err) != 0)
                t = -1;
            rec = NULL;
        }
    }
    if (t < 0)
        fprintf(stderr, "bench_props: %s\n", err);
    if (rec)
        recorder_abort(rec);
    model_free(m);
    sim_engine_free(eng);
    scenario_free(scn);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + sizeof props_text + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
        buf[n] = '\0';
    else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    const char *path = VDCSIM_SOURCE_DIR "/scenarios/large_datacenter.cfg", *until = "6h";
    int reps = 5, threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--scenario") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--until") == 0)
            until = argv[i + 1];
        else if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: bench_props [--scenario PATH] [--until DURATION] [--reps N] [--threads N]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > 100 || threads < 1 || threads > 1024 || (argc - 1) % 2) {
        fprintf(stderr, "usage: bench_props [--scenario PATH] [--until DURATION] [--reps N] [--threads N]\n");
        return 2;
    }
    char *plain = read_text(path);
    if (!plain) {
        fprintf(stderr, "bench_props: cannot read %s\n", path);
        return 2;
    }
    size_t n = strlen(plain);
    char *monitored = malloc(n + sizeof props_text + 1);
    if (!monitored)
        return 1;
    memcpy(monitored, plain, n);
    memcpy(monitored + n, props_text, sizeof props_text);
    char o_until[128], o_threads[64];
    snprintf(o_until, sizeof o_until, "simulation.until=\"%s\"", until);
    snprintf(o_threads, sizeof o_threads, "simulation.threads=%d", threads);
    /* The two runs' files go to a private directory, removed at the end:
     * nothing is written where the user did not ask. */
    const char *tmp = getenv("TMPDIR");
    char dir[512], path_plain[600], path_mon[600], o_plain[700], o_mon[700];
    snprintf(dir, sizeof dir, "%s/bench_props.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_props: cannot create a directory %s\n", dir);
        return 1;
    }
    snprintf(path_plain, sizeof path_plain, "%s/plain.h5", dir);
    snprintf(path_mon, sizeof path_mon, "%s/monitored.h5", dir);
    snprintf(o_plain, sizeof o_plain, "output.path=\"%s\"", path_plain);
    snprintf(o_mon, sizeof o_mon, "output.path=\"%s\"", path_mon);
    const char *ov_plain[] = {o_until, o_threads, o_plain};
    const char *ov_mon[] = {o_until, o_threads, o_mon};
    double *tp = calloc((size_t)reps, sizeof *tp), *tm = calloc((size_t)reps, sizeof *tm);
    if (!tp || !tm)
        return 1;
    for (int r = 0; r < reps; r++) {
        tp[r] = run_once(plain, path, ov_plain, 3, threads);
        tm[r] = run_once(monitored, path, ov_mon, 3, threads);
        if (tp[r] < 0 || tm[r] < 0)
            break;
        fprintf(stderr, "rep %d: plain %.3f s, monitored %.3f s\n", r + 1, tp[r], tm[r]);
    }
    remove(path_plain);
    remove(path_mon);
    rmdir(dir);
    for (int r = 0; r < reps; r++)
        if (tp[r] < 0 || tm[r] < 0)
            return 1;
    double mp = median(tp, reps), mm = median(tm, reps);
    printf("runs=%d until=%s threads=%d plain_s=%.3f monitored_s=%.3f overhead_pct=%.1f properties=10\n", reps, until,
           threads, mp, mm, 100.0 * (mm - mp) / mp);
    free(tp);
    free(tm);
    free(plain);
    free(monitored);
    return 0;
}
