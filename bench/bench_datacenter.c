/* bench_datacenter.c - the simulator at datacenter scale: builds and runs a
 * scenario (default scenarios/large_datacenter.cfg: 2,000 hosts, 40,000
 * VMs, a week at 5-minute samples) with recording to an HDF5 file, and
 * prints one line of key=value fields:
 *   hosts, vms, threads, until_s   what ran
 *   events, events_per_s           executed by the engine (sim_run only)
 *   build_s, run_s, wall_s         model build, sim_run, whole (build + run + close)
 *   end_s, end_cpu_s               after sim_run: the model's tables and the file's close (serial)
 *   build_cpu_s                    CPU time (user + system) of the model build
 *   cpu_s                          process CPU time (getrusage), all threads
 *   peak_rss_mib                   getrusage ru_maxrss at the end
 *   peak_bytes_per_vm              that peak / VMs (issue 18's target: at most 1,024)
 *   load_rss_mib                   peak RSS before the build (scenario, engine, recorder)
 *   build_rss_mib                  peak RSS growth across the model build
 *   run_rss_mib                    peak RSS at the end of sim_run (before the tables are written)
 *   build_bytes_per_vm             that growth / VMs (hosts, LPs, series included)
 *   vm_struct_bytes                sizeof(vm_spec) + sizeof(vm)
 *   solo_windows, team_epochs ...  several threads: the team/solo chooser's
 *                                  account (sim_stats in sim/engine.h)
 * No timing is asserted anywhere: tests/test_bench_datacenter.sh runs it on
 * short settings for the output and the sanity of the numbers only.
 *
 *   bench_datacenter [--scenario PATH] [--until DURATION] [--threads N] [--output PATH]
 *                    [--window-work on|off] [--team auto|always|never] [--traces DIR]
 * --team always|never runs every epoch with the team or solo (to measure
 * each mode alone); auto (the default) lets the chooser decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "models/model.h"
#include "models/core/vm.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"
#include "sim/malloc_tune.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident set so far, bytes (Linux reports KiB). */
static double peak_rss_bytes(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss * 1024.0;
}

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The serial window-end hook's time, summed over the run (wall and thread
 * CPU): what the other threads wait for (issue 18 item 3). */
static double hook_end_wall_s, hook_end_cpu_s;

/* The recorder writes each window's rows between the engine's windows. */
static int window_hook(void *ctx, sim_engine *eng, sim_window_phase phase, sim_time_ns window_end_ns)
{
    recorder *rec = ctx;
    (void)eng;
    if (phase == SIM_WINDOW_BEGIN)
        return recorder_window_begin(rec, window_end_ns) != 0;
    const double wall0 = now_s(), cpu0 = thread_cpu_s();
    int rc = recorder_window_end(rec, window_end_ns) != 0;
    hook_end_wall_s += now_s() - wall0;
    hook_end_cpu_s += thread_cpu_s() - cpu0;
    return rc;
}

/* The series chunks' filtering on every thread during the next window. */
static void window_work(void *ctx, int thread, int threads) { recorder_window_work(ctx, thread, threads); }

/* CPU time of the process so far (user + system), s: unlike wall time it
 * holds up when other jobs share the machine. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
           1e-6 * (double)ru.ru_stime.tv_usec;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_datacenter [--scenario PATH] [--until DURATION] [--threads N] [--output PATH] "
                    "[--window-work on|off] [--team auto|always|never] [--steal on|off] [--traces DIR]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *path = VDCSIM_SOURCE_DIR "/scenarios/large_datacenter.cfg";
    const char *until = NULL, *output = "bench_datacenter.h5";
    int threads = 1, window_work_on = 1, team_choice = SIM_CHOOSE_AUTO, no_steal = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "--scenario") == 0)
            path = argv[++i];
        else if (strcmp(argv[i], "--until") == 0)
            until = argv[++i];
        else if (strcmp(argv[i], "--output") == 0)
            output = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 1024)
                return usage();
            threads = (int)t;
        } else if (strcmp(argv[i], "--window-work") == 0) { /* off: the recorder filters at the window end */
            const char *v = argv[++i];
            if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
                return usage();
            window_work_on = strcmp(v, "on") == 0;
        } else if (strcmp(argv[i], "--traces") == 0) { /* as vdcsim run --traces: where the traces are */
            if (setenv("VDCSIM_TRACES", argv[++i], 1) != 0)
                return usage();
        } else if (strcmp(argv[i], "--steal") == 0) { /* off: each thread runs only its own block */
            const char *v = argv[++i];
            if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
                return usage();
            no_steal = strcmp(v, "off") == 0;
        } else if (strcmp(argv[i], "--team") == 0) { /* auto, or one mode for the whole run */
            const char *v = argv[++i];
            if (strcmp(v, "auto") == 0)
                team_choice = SIM_CHOOSE_AUTO;
            else if (strcmp(v, "always") == 0)
                team_choice = SIM_CHOOSE_TEAM;
            else if (strcmp(v, "never") == 0)
                team_choice = SIM_CHOOSE_SOLO;
            else
                return usage();
        } else
            return usage();
    }
    char o_until[128], o_threads[64], o_output[4200];
    const char *overrides[3];
    int n_over = 0;
    snprintf(o_threads, sizeof o_threads, "simulation.threads=%d", threads);
    overrides[n_over++] = o_threads;
    snprintf(o_output, sizeof o_output, "output.path=\"%s\"", output);
    overrides[n_over++] = o_output;
    if (until) {
        snprintf(o_until, sizeof o_until, "simulation.until=\"%s\"", until);
        overrides[n_over++] = o_until;
    }
    char err[2048];
    sim_malloc_tune(); /* as `vdcsim run` does */
    double t0 = now_s();
    scenario *scn = scenario_load_file(path, overrides, n_over, err, sizeof err);
    if (!scn) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    sim_time_ns lookahead_ns = 0;
    if (model_lookahead_ns(scn, &lookahead_ns, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    sim_config cfg = {.seed = (uint64_t)scn_int(scn, "simulation.seed"),
                      .lookahead_ns = lookahead_ns,
                      .threads = threads,
                      .team_choice = team_choice,
                      .no_steal = no_steal};
    sim_engine *eng = sim_engine_new(&cfg);
    recorder *rec = eng ? recorder_open(output, sim_threads(eng), err, sizeof err) : NULL;
    if (!rec) {
        fprintf(stderr, "bench_datacenter: %s\n", eng ? err : "cannot create the engine");
        return 1;
    }
    double rss_before = peak_rss_bytes(), t_build = now_s(), load_s = t_build - t0, cpu_build0 = cpu_s();
    model_status ms;
    model *m = model_build(scn, eng, rec, &ms, err, sizeof err);
    if (!m) {
        fprintf(stderr, "%s\n", err);
        return ms == MODEL_BAD_INPUT ? 2 : 1;
    }
    double build_s = now_s() - t_build, rss_built = peak_rss_bytes(), build_cpu_s = cpu_s() - cpu_build0;
    sim_time_ns until_ns = scn_duration_ns(scn, "simulation.until");
    sim_set_window_hook(eng, window_hook, rec);
    if (window_work_on)
        sim_set_window_work(eng, window_work, rec);
    const double run_cpu_start_s = cpu_s();
    int rc = sim_run(eng, until_ns);
    const double run_cpu_s = cpu_s() - run_cpu_start_s;
    const double end_wall0 = now_s(), end_cpu0 = cpu_s();
    double rss_run = peak_rss_bytes();
    sim_stats st;
    sim_get_stats(eng, &st);
    if (rc == 0)
        sim_release_events(eng); /* as vdcsim run does: the memory goes to the tables */
    if (rc != 0 || recorder_end_series(rec, st.end_ns) != 0 || model_finish(m, rec) != 0) {
        fprintf(stderr, "bench_datacenter: run failed: %s\n", rc != 0 ? sim_error(eng) : recorder_error(rec));
        return 1;
    }
    if (recorder_close(rec, st.end_ns, err, sizeof err) != 0) {
        fprintf(stderr, "bench_datacenter: %s\n", err);
        return 1;
    }
    double wall_s = now_s() - t0, end_s = now_s() - end_wall0, end_cpu_s = cpu_s() - end_cpu0;
    uint32_t vms = model_vm_count(m), hosts = model_host_count(m);
    double built = rss_built - rss_before;
    printf("hosts=%u vms=%u threads=%d until_s=%.0f events=%llu events_per_s=%.0f load_s=%.3f build_s=%.3f run_s=%.3f "
           "wall_s=%.3f cpu_s=%.3f build_cpu_s=%.3f peak_rss_mib=%.1f peak_bytes_per_vm=%.0f run_rss_mib=%.1f load_rss_mib=%.1f build_rss_mib=%.1f build_bytes_per_vm=%.0f vm_struct_bytes=%zu "
           "windows=%llu solo_windows=%llu rebalances=%llu lps=%llu run_cpu_s=%.3f hook_end_s=%.3f hook_end_cpu_s=%.3f end_s=%.3f end_cpu_s=%.3f affinity=%d remote_events=%llu thread_events=%llu stolen_groups=%llu "
           "team_epochs=%llu team_epochs_lost=%llu team_probes=%llu team_probes_skipped=%llu team_refreshes=%llu team_lost_wall_s=%.3f team_wall_s=%.3f team_lp_wall_s=%.3f team_cpu_s=%.3f team_solo_estimate_s=%.3f solo_wall_s=%.3f solo_cpu_s=%.3f team_serial_wall_s=%.3f team_redeal_wall_s=%.3f barrier_waits=%llu barrier_sleeps=%llu\n",
           hosts, vms, sim_threads(eng), (double)until_ns / 1e9, (unsigned long long)st.events, st.events_per_s,
           load_s, build_s, st.wall_s, wall_s, cpu_s(), build_cpu_s, peak_rss_bytes() / 1048576.0,
           vms ? peak_rss_bytes() / vms : 0.0, rss_run / 1048576.0, rss_before / 1048576.0, built / 1048576.0,
           vms ? built / vms : 0.0, sizeof(vm_spec) + sizeof(vm), (unsigned long long)st.windows,
           (unsigned long long)st.solo_windows, (unsigned long long)st.rebalances, (unsigned long long)st.lp_count,
           run_cpu_s, hook_end_wall_s, hook_end_cpu_s, end_s, end_cpu_s, sim_affinity_used(eng),
           (unsigned long long)st.remote_events, (unsigned long long)st.thread_events,
           (unsigned long long)st.stolen_groups,
           (unsigned long long)st.team_epochs, (unsigned long long)st.team_epochs_lost,
           (unsigned long long)st.team_probes, (unsigned long long)st.team_probes_skipped, (unsigned long long)st.team_refreshes, st.team_lost_wall_s, st.team_wall_s,
           st.team_lp_wall_s, st.team_cpu_s, st.team_solo_estimate_s, st.solo_wall_s, st.solo_cpu_s,
           st.team_serial_wall_s, st.team_redeal_wall_s, (unsigned long long)st.barrier_waits,
           (unsigned long long)st.barrier_sleeps);
    model_free(m);
    sim_engine_free(eng);
    scenario_free(scn);
    return 0;
}
