/* run_summary.h - the one-screen summary of a run, computed from its HDF5 file.
 *
 * `vdcsim run` prints it after writing the file and `vdcsim summary FILE.h5`
 * prints it later: both read the file (scenario -> model -> engine ->
 * recorder -> HDF5 -> analysis), so they print the same thing. What each
 * number means and how it is computed: docs/analysis.md.
 *
 * The struct holds every number the printout shows, so tests check numbers,
 * not text. It owns no memory (no free function). A run attribute the file
 * does not have leaves its has_* flag 0; a percentage that cannot be
 * computed (no hosts, no capacity, no samples) is NaN; both print as "-".
 */
#ifndef VDCSIM_ANALYSIS_RUN_SUMMARY_H
#define VDCSIM_ANALYSIS_RUN_SUMMARY_H

#include <hdf5.h> /* hid_t (include path from CMake: HDF5_INCLUDE_DIRS) */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Services shown in the summary (the file holds all of them). */
#define RUN_SUMMARY_MAX_SERVICES 8
#define RUN_SUMMARY_MAX_EXHAUSTED 8
#define RUN_SUMMARY_MAX_CLUSTERS 32
#define RUN_SUMMARY_MAX_CLUSTER_SIZES 8
#define RUN_SUMMARY_MAX_PROPERTIES 32

typedef struct run_summary_service {
    char name[64];
    double arrival_rps;     /* whole-run totals of /tables/services */
    double throughput_rps;
    double mean_wait_ns, mean_sojourn_ns;
    double mean_in_system;  /* time-weighted L; Little: L = arrival_rps * mean_sojourn */
    int64_t dropped;
    double p99_peak_ns;     /* highest /series/service/latency_p99_ns sample, NaN when none */
    double p99_ns;          /* whole-run p99 of /tables/services, NaN when none (older files) */
} run_summary_service;
#include "analysis/avail_summary.h"

typedef struct run_summary {
    int64_t format_version;

    /* run metadata: root attributes written by the driver */
    char vdcsim_version[64];    /* "" when absent */
    char scenario_path[1024];   /* "" when absent */
    int has_seed, has_threads, has_until, has_end, has_wall_time, has_events, has_events_per_s,
        has_windows, has_lp_count;
    int64_t seed, threads;
    int64_t until_ns;           /* simulation.until */
    int64_t end_ns;             /* where the engine stopped (attribute end_ns) */
    double wall_time_s;
    int64_t events;             /* events executed */
    double events_per_s;
    int64_t windows;
    int64_t lp_count;

    /* /tables/hosts */
    int64_t hosts;              /* rows */
    int64_t cores;              /* sum of column cores */
    double cpu_capacity_mhz;    /* sum of column cpu_capacity_mhz */
    int64_t memory_mib;         /* sum of column memory_mib */

    /* /tables/vms and /events */
    int64_t vms;                /* rows of /tables/vms (0 when absent) */
    int has_events_log;         /* /events exists */
    int64_t vms_placed;         /* events of kind "vm_placed" */
    int64_t vm_placement_failures; /* events of kind "vm_placement_failed" */
    int64_t vms_started;        /* events of kind "vm_started" */

    /* /series/host/... (has_host_series 0: none of the below) */
    int has_host_series;
    int64_t samples;            /* rows of the time axis */
    int64_t sample_start_ns, sample_period_ns;
    /* first sample with a workload (series_scan.h): demand, usage, memory and CPU-ready
     * statistics start there (power and energy count every sample) */
    int64_t stats_first_row;
    /* cluster totals per sample = sum over hosts, NaN cells left out;
     * samples whose cells are all NaN are left out of mean and peak */
    double cpu_demand_mean_mhz, cpu_demand_peak_mhz;
    double cpu_demand_mean_pct, cpu_demand_peak_pct; /* % of cpu_capacity_mhz */
    int64_t cpu_demand_peak_time_ns;                 /* -1 when none */
    double cpu_usage_mean_mhz, cpu_usage_peak_mhz;
    double cpu_usage_mean_pct, cpu_usage_peak_pct;
    int64_t cpu_usage_peak_time_ns;
    /* the host whose cpu_usage_mhz / its cpu_capacity_mhz peaks highest */
    int64_t busiest_host;       /* row of /tables/hosts, -1 when none */
    char busiest_host_name[128];
    double busiest_host_peak_pct;
    int64_t busiest_host_peak_time_ns;
    /* the last sample: memory_committed_mib summed over hosts / memory_mib */
    int64_t last_sample_time_ns; /* -1 when there are no samples */
    double memory_committed_last_mib;
    double memory_committed_last_pct;
    double vms_running_last;    /* sum of vms_running at the last sample; NaN when absent */

    /* the GPU-sharing experiment's root attributes (has_gpu 0: none; docs/kubernetes-gpu.md) */
    int has_gpu;
    int64_t gpu_placed_pods, gpu_failed_pods;
    double gpu_allocation_ratio;
    /* the DLRM replay's root attributes (has_dlrm 0: none) */
    int has_dlrm;
    int64_t dlrm_placed, dlrm_placed_after_wait, dlrm_failed;
    double dlrm_gpu_allocation_ratio;
    /* /tables/pods, /events and /series/host/pods_running (has_pods 0: none) */
    int has_pods;
    int64_t pods;               /* rows of /tables/pods */
    int64_t pods_unplaced;      /* rows whose node is "" */
    double pods_running_last;   /* sum of pods_running at the last sample; NaN when absent */
    int64_t pod_nodes_last;     /* hosts with pods_running > 0 at the last sample */
    double pods_per_host_last;  /* pods_running_last / pod_nodes_last; NaN when 0 */
    int64_t pod_restarts, pod_oom_kills, pod_crashes; /* events pod_restarted, pod_oom_killed, pod_crashed */
    double pod_startup_mean_s;  /* mean of startup_latency_s over pods that started; NaN when none */
    double pod_throttled_pct;   /* mean of throttled_fraction over pods with a CPU limit, in %; NaN when none */
    /* /tables/services and /series/service/latency_p99_ns (0 services: none) */
    int64_t services;           /* rows of /tables/services */
    run_summary_service service[RUN_SUMMARY_MAX_SERVICES]; /* the first ones */
    /* failures and repairs (docs/failures.md); has_availability 0 when the
     * run had no failure model (no availability tables) */
    int has_availability;
    avail_summary avail;
    /* /series/cluster/... (has_cluster_series 0: none of the below); the
     * cumulative counts are the end-of-run totals of /tables/cluster (files
     * before issue 14: those of the last sample) */
    int has_cluster_series;
    int64_t cluster_samples;
    double vms_arrived;           /* power-on requests the controller received */
    double vms_rejected;          /* of which rejected for lack of capacity */
    double rejection_probability; /* rejected / arrived; NaN when none arrived */
    double vms_running_mean;      /* mean over samples of vms_running (placed, not released) */
    /* /tables/clusters (runs with `clusters`, docs/clusters.md; 0: one
     * cluster): every cluster's size, and the first ones' totals */
    int64_t clusters;
    struct {
        char name[64];
        int64_t hosts, vms, arrived, rejected, running;
    } cluster[RUN_SUMMARY_MAX_CLUSTERS];
    int64_t n_cluster_sizes; /* distinct sizes, largest first, at most RUN_SUMMARY_MAX_CLUSTER_SIZES */
    struct {
        int64_t hosts, clusters;
    } cluster_size[RUN_SUMMARY_MAX_CLUSTER_SIZES];
    /* /tables/xvmotions (runs with vcenter.migrations, docs/clusters.md):
     * cross-cluster vMotions asked for, done, and their mean duration */
    int64_t xvmotions, xvmotions_done;
    double xvmotion_mean_s;
    /* /tables/arrival_groups: groups whose arrivals stopped because
     * vms.[].count was used up (the first RUN_SUMMARY_MAX_EXHAUSTED) */
    int64_t arrivals_exhausted;
    struct {
        char name[64];
        int64_t group, count, at_ns;
    } exhausted[RUN_SUMMARY_MAX_EXHAUSTED];
    /* contention model series (docs/host-model.md); NaN when absent */
    double cpu_ready_host_mean_pct; /* mean over the finite cells of /series/host/cpu_ready_pct */
    double cpu_ready_host_peak_pct; /* largest such cell */
    double cpu_ready_vm_p95_pct;    /* nearest-rank p95 over the finite cells of /series/vm/cpu_ready_pct,
                                       resolved to 0.001 % (analysis/series_cells.h) */
    double cpu_useful_mean_mhz;     /* cluster totals per sample, mean over samples like cpu_usage */
    double memory_consumed_mean_mib, memory_active_mean_mib, memory_shared_mean_mib;
    double memory_ballooned_mean_mib, memory_compressed_mean_mib, memory_swapped_mean_mib;
    double memory_swapped_peak_mib;
    double power_mean_w, power_peak_w; /* cluster total */
    double energy_kwh;                 /* sum over samples of the cluster total * sample period */
    /* /tables/properties (monitors during the run, docs/properties.md):
     * every property counts in properties / properties_violated, the first
     * RUN_SUMMARY_MAX_PROPERTIES are listed */
    int64_t properties, properties_violated;
    struct {
        char name[64];
        int64_t entities, violations, pending;
    } property[RUN_SUMMARY_MAX_PROPERTIES];
} run_summary;

/* Reads the run file at `path`: checks format == "vdcsim" and
 * format_version == REC_FORMAT_VERSION (another version is refused, naming
 * both), reads the run attributes that are present, sums the hosts table,
 * counts VMs and event kinds by name, and streams the host series in blocks
 * of rows. Returns 0, or -1 with a message naming the file and the dataset
 * in err. */
int run_summary_read(const char *path, run_summary *out, char *err, size_t err_len);

/* The same on a file the caller has opened (and closes); `path` names it in
 * messages. fuzz_summary reads an in-memory image this way. */
int run_summary_read_file(hid_t file, const char *path, run_summary *out, char *err, size_t err_len);

/* Prints the summary: one screen, aligned, units explicit. `path` is the file
 * it was read from (printed on the last line). */
void run_summary_print(const run_summary *s, const char *path, FILE *out);

/* One warning line per group whose arrivals stopped because its count
 * was used up, each line starting with prefix ("vdcsim: " on stderr). */
void run_summary_warn_exhausted(const run_summary *s, const char *prefix, FILE *out);

#endif
