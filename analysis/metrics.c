/* metrics.c - the catalogue of named run metrics (see metrics.h). Each row
 * says what it computes; the functions below only read through metric_run,
 * which caches what rows share. */
#include "analysis/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cell_quantile.h"
#include "analysis/h5_read.h"
#include "analysis/metric_run.h"

#define SERVICES_PATH "/tables/services"
#define NS_PER_HOUR 3.6e12

/* ---- compute functions --------------------------------------------------- */

/* Mean over samples of the cluster total of a host series (arg: its name). */
static int fn_total_mean(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    const metric_scan *s;
    int rc = metric_run_host_scan(r, m->arg, &s);
    if (rc <= 0 || !isfinite(s->mean))
        return rc < 0 ? -1 : 0;
    *out = s->mean;
    return 1;
}

static int fn_total_peak(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    const metric_scan *s;
    int rc = metric_run_host_scan(r, m->arg, &s);
    if (rc <= 0 || !isfinite(s->peak))
        return rc < 0 ? -1 : 0;
    *out = s->peak;
    return 1;
}

/* Energy: the cluster power total integrated over the samples that have
 * one, each standing for one sample period (W * s / 3.6e6 = kWh). */
static int fn_energy(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    const metric_scan *s;
    const metric_axis *axis;
    int rc = metric_run_host_scan(r, m->arg, &s);
    if (rc <= 0 || !isfinite(s->mean))
        return rc < 0 ? -1 : 0;
    if (metric_run_host_axis(r, &axis) <= 0)
        return 0;
    *out = s->mean * (double)s->valid_rows * ((double)axis->period_ns * 1e-9) / 3.6e6;
    return 1;
}

/* Cells of a 2-D series (arg: path): the mean when param < 0, else the
 * nearest-rank param-quantile. */
static int cells_stat(metric_run *r, const metric_def *m, int per_host_pct, double *out)
{
    /* the table's other quantiles of the same cells, computed in the same
     * passes over them */
    double along[CELLQ_MAX_AT_ONCE];
    int n_along = 0;
    for (size_t i = 0; i < metric_def_count && n_along < CELLQ_MAX_AT_ONCE; i++)
        if (metric_defs[i].compute == m->compute && metric_defs[i].param >= 0 && &metric_defs[i] != m &&
            strcmp(metric_defs[i].arg, m->arg) == 0)
            along[n_along++] = metric_defs[i].param;
    metric_cells c;
    int rc = metric_run_cells(r, m->arg, per_host_pct, m->param, along, n_along, &c);
    if (rc <= 0 || c.n == 0)
        return rc < 0 ? -1 : 0;
    *out = m->param < 0 ? c.mean : c.quantile;
    return 1;
}

static int fn_cells(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    return cells_stat(r, m, 0, out);
}

static int fn_cells_host_pct(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    return cells_stat(r, m, 1, out);
}

/* A [sample, 1] series (arg: path): param 0 its mean, 1 its maximum. */
static int fn_series1(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    metric_series1 s;
    int rc = metric_run_series1(r, m->arg, &s);
    if (rc <= 0 || s.finite == 0)
        return rc < 0 ? -1 : 0;
    *out = m->param == 0 ? s.mean : m->param == 1 ? s.max : s.last;
    return 1;
}

#define GPU_SERIES "/series/gpu/"
#define GPU_CAUSES "/tables/gpu_unallocated"
#define DLRM_SERIES "/series/dlrm/"

/* A GPU-experiment series (arg: its name) at the first pod whose arrival
 * brings the arrived GPU request to param x the cluster's GPU capacity. */
static int fn_gpu_at_arrived(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    hid_t file = metric_run_file(r);
    char path[128], msg[512];
    snprintf(path, sizeof path, GPU_SERIES "%s", m->arg);
    if (!h5r_exists(file, path) || !h5r_exists(file, GPU_SERIES "arrived_gpu_fraction"))
        return 0;
    hsize_t da[2] = {0, 0}, dv[2] = {0, 0};
    hid_t a = h5r_open_dataset(file, GPU_SERIES "arrived_gpu_fraction", 2, da, msg, sizeof msg);
    if (a < 0)
        return metric_run_fail(r, "%s", msg);
    hid_t v = h5r_open_dataset(file, path, 2, dv, msg, sizeof msg);
    if (v < 0) {
        H5Dclose(a);
        return metric_run_fail(r, "%s", msg);
    }
    int rc = 0;
    double x = NAN, y = NAN;
    for (hsize_t i = 0; i < da[0] && i < dv[0]; i++) {
        if (h5r_read_rows_f64(a, i, 1, 1, &x) != 0 || h5r_read_rows_f64(v, i, 1, 1, &y) != 0) {
            rc = -1;
            break;
        }
        if (isfinite(x) && x >= m->param - 1e-12) {
            rc = isfinite(y);
            break;
        }
    }
    H5Dclose(a);
    H5Dclose(v);
    if (rc < 0)
        return metric_run_fail(r, "%s: cannot read", path);
    if (rc == 1)
        *out = y;
    return rc;
}

/* Row param of /tables/gpu_unallocated (the causes in k8s_gpu_cause order), in GPUs. */
static int fn_gpu_cause(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    hid_t file = metric_run_file(r);
    if (!h5r_exists(file, GPU_CAUSES))
        return 0;
    char msg[512], name[32];
    hsize_t rows = 0, row = (hsize_t)m->param;
    hid_t ds = h5r_open_dataset(file, GPU_CAUSES, 1, &rows, msg, sizeof msg);
    if (ds < 0)
        return metric_run_fail(r, "%s", msg);
    double v = NAN;
    int rc = 1;
    if (row >= rows || h5r_table_column_str(ds, GPU_CAUSES, "cause", row, name, sizeof name, msg, sizeof msg) != 0 ||
        strcmp(name, m->arg) != 0 || h5r_table_column_f64(ds, GPU_CAUSES, "gpu_milli", row, 1, &v, msg, sizeof msg) != 0)
        rc = metric_run_fail(r, "%s: no row %d '%s'", GPU_CAUSES, (int)row, m->arg);
    H5Dclose(ds);
    if (rc <= 0 || !isfinite(v))
        return rc < 0 ? -1 : 0;
    *out = v / 1000.0;
    return 1;
}

/* Rejected / arrived at the end of the run (/tables/cluster); files
 * before issue 14: at the last sample of the cumulative cluster counts. */
static int fn_rejection(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    static const char path[] = "/tables/cluster";
    hid_t file = metric_run_file(r);
    if (h5r_exists(file, path)) {
        hsize_t rows = 0;
        char msg[512];
        hid_t t = h5r_open_dataset(file, path, 1, &rows, msg, sizeof msg);
        if (t < 0)
            return metric_run_fail(r, "%s", msg);
        int64_t n_arrived = 0, n_rejected = 0;
        int ok = rows == 1 && h5r_table_column_i64(t, path, "vms_arrived", 0, 1, &n_arrived, msg, sizeof msg) == 0 &&
                 h5r_table_column_i64(t, path, "vms_rejected", 0, 1, &n_rejected, msg, sizeof msg) == 0;
        H5Dclose(t);
        if (!ok)
            return metric_run_fail(r, "%s", rows == 1 ? msg : "/tables/cluster: not one row");
        if (n_arrived <= 0)
            return 0;
        *out = (double)n_rejected / (double)n_arrived;
        return 1;
    }
    metric_series1 arrived, rejected;
    int rc = metric_run_series1(r, "/series/cluster/vms_arrived", &arrived);
    if (rc > 0)
        rc = metric_run_series1(r, "/series/cluster/vms_rejected", &rejected);
    if (rc <= 0 || arrived.finite == 0 || rejected.finite == 0 || !(arrived.last > 0))
        return rc < 0 ? -1 : 0;
    *out = rejected.last / arrived.last;
    return 1;
}

/* Availability tables; arg names the field. */
static int fn_avail(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    const avail_summary *a;
    int rc = metric_run_avail(r, &a);
    if (rc <= 0)
        return rc;
    if (strcmp(m->arg, "lost_vm_hours") == 0 && a->has_vms)
        *out = a->lost_vm_hours;
    else if (strcmp(m->arg, "vm_downtime_max_h") == 0 && a->has_vms)
        *out = a->vm_downtime_max_h;
    else if (strcmp(m->arg, "vms_down_at_end") == 0 && a->has_vms)
        *out = (double)a->vms_down_at_end;
    else if (strcmp(m->arg, "host_failures") == 0 && a->has_hosts)
        *out = (double)a->host_failures;
    else
        return 0;
    return 1;
}

/* Events of kind arg: param 0 the count, 1 the count per simulated hour,
 * 2 the sum of their values. Absent when the run never registered the kind. */
static int fn_events(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    int known = metric_run_kind_known(r, m->arg);
    if (known <= 0)
        return known;
    double *values;
    size_t n;
    if (metric_run_event_values(r, m->arg, &values, &n) < 0)
        return -1;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    free(values);
    if (m->param == 1) {
        int64_t end_ns;
        int rc = metric_run_end_ns(r, &end_ns);
        if (rc <= 0 || end_ns <= 0)
            return rc < 0 ? -1 : 0;
        *out = (double)n / ((double)end_ns / NS_PER_HOUR);
    } else {
        *out = m->param == 2 ? sum : (double)n;
    }
    return 1;
}

/* Nearest-rank param-quantile of the values of the events of kind arg;
 * absent when there are none. */
static int fn_event_quantile(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    double *values;
    size_t n;
    if (metric_run_event_values(r, m->arg, &values, &n) < 0)
        return -1;
    if (n == 0) {
        free(values);
        return 0;
    }
    *out = quantile_of_values(values, n, m->param);
    free(values);
    return 1;
}

/* The row of /tables/services named `entity`: -1 error, 0 none, 1 found. */
static int service_row(metric_run *r, hid_t ds, hsize_t rows, const char *entity, hsize_t *row)
{
    char name[256], msg[512];
    for (hsize_t i = 0; i < rows; i++) {
        if (h5r_table_column_str(ds, SERVICES_PATH, "name", i, name, sizeof name, msg, sizeof msg) != 0)
            return metric_run_fail(r, "%s", msg);
        if (strcmp(name, entity) == 0) {
            *row = i;
            return 1;
        }
    }
    return 0;
}

/* Column arg of the service's row in /tables/services, times param (ns ->
 * ms); absent when the service or a finite value is missing. */
static int fn_service(metric_run *r, const metric_def *m, const char *entity, double *out)
{
    hid_t file = metric_run_file(r);
    if (!h5r_exists(file, SERVICES_PATH))
        return 0;
    char msg[512];
    hsize_t rows = 0, row = 0;
    hid_t ds = h5r_open_dataset(file, SERVICES_PATH, 1, &rows, msg, sizeof msg);
    if (ds < 0)
        return metric_run_fail(r, "%s", msg);
    int rc = service_row(r, ds, rows, entity, &row);
    double v = NAN;
    if (rc == 1 && h5r_table_column_f64(ds, SERVICES_PATH, m->arg, row, 1, &v, msg, sizeof msg) != 0)
        rc = metric_run_fail(r, "%s", msg);
    H5Dclose(ds);
    if (rc <= 0 || !isfinite(v))
        return rc < 0 ? -1 : 0;
    *out = v * m->param;
    return 1;
}

/* ---- the catalogue ------------------------------------------------------- */

#define HOST_SERIES "/tables/hosts, /series/host/"
#define READY_VM "/series/vm/cpu_ready_pct (output.per_vm_series)"

const metric_def metric_defs[] = {
    {"cpu_demand_cluster_mean_mhz", "MHz", "CPU",
     "Mean over samples of the cluster's CPU demand (sum over hosts of cpu_demand_mhz).",
     HOST_SERIES "cpu_demand_mhz", fn_total_mean, "cpu_demand_mhz", 0, 0},
    {"cpu_usage_cluster_mean_mhz", "MHz", "CPU",
     "Mean over samples of the cluster's CPU usage (sum over hosts of cpu_usage_mhz).",
     HOST_SERIES "cpu_usage_mhz", fn_total_mean, "cpu_usage_mhz", 0, 0},
    {"cpu_usage_cluster_peak_mhz", "MHz", "CPU", "Largest cluster CPU usage of any sample.",
     HOST_SERIES "cpu_usage_mhz", fn_total_peak, "cpu_usage_mhz", 0, 0},
    {"cpu_demand_host_p95_pct", "%", "CPU",
     "95th percentile (nearest rank) over every (sample, host) cell of demand / host capacity x 100.",
     HOST_SERIES "cpu_demand_mhz", fn_cells_host_pct, "/series/host/cpu_demand_mhz", 0.95, 0},
    {"cpu_usage_host_mean_pct", "%", "CPU", "Mean over every (sample, host) cell of usage / host capacity (cpu_capacity_mhz, cores x clock) x 100; "
     "above 100 with SMT (cpu_schedulable_mhz > cpu_capacity_mhz).",
     HOST_SERIES "cpu_usage_mhz", fn_cells_host_pct, "/series/host/cpu_usage_mhz", -1, 0},
    {"cpu_usage_host_p95_pct", "%", "CPU", "95th percentile over (sample, host) cells of usage / capacity x 100.",
     HOST_SERIES "cpu_usage_mhz", fn_cells_host_pct, "/series/host/cpu_usage_mhz", 0.95, 0},
    {"cpu_usage_host_p99_pct", "%", "CPU", "99th percentile over (sample, host) cells of usage / capacity x 100.",
     HOST_SERIES "cpu_usage_mhz", fn_cells_host_pct, "/series/host/cpu_usage_mhz", 0.99, 0},
    {"cpu_ready_host_mean_pct", "%", "CPU ready", "Mean over every (sample, host) cell of the host's CPU ready.",
     "/series/host/cpu_ready_pct", fn_cells, "/series/host/cpu_ready_pct", -1, 0},
    {"cpu_ready_host_p95_pct", "%", "CPU ready", "95th percentile over (sample, host) cells of CPU ready.",
     "/series/host/cpu_ready_pct", fn_cells, "/series/host/cpu_ready_pct", 0.95, 0},
    {"cpu_ready_host_p99_pct", "%", "CPU ready", "99th percentile over (sample, host) cells of CPU ready.",
     "/series/host/cpu_ready_pct", fn_cells, "/series/host/cpu_ready_pct", 0.99, 0},
    {"cpu_ready_vm_mean_pct", "%", "CPU ready",
     "Mean over every (sample, VM) cell of the VM's CPU ready, while the VM runs.", READY_VM, fn_cells,
     "/series/vm/cpu_ready_pct", -1, 0},
    {"cpu_ready_vm_p95_pct", "%", "CPU ready", "95th percentile over (sample, VM) cells of CPU ready.", READY_VM,
     fn_cells, "/series/vm/cpu_ready_pct", 0.95, 0},
    {"cpu_ready_vm_p99_pct", "%", "CPU ready", "99th percentile over (sample, VM) cells of CPU ready.", READY_VM,
     fn_cells, "/series/vm/cpu_ready_pct", 0.99, 0},
    {"memory_ballooned_mean_mib", "MiB", "Memory", "Mean over samples of the cluster's ballooned memory.",
     HOST_SERIES "memory_ballooned_mib", fn_total_mean, "memory_ballooned_mib", 0, 0},
    {"memory_swapped_mean_mib", "MiB", "Memory", "Mean over samples of the cluster's swapped memory.",
     HOST_SERIES "memory_swapped_mib", fn_total_mean, "memory_swapped_mib", 0, 0},
    {"memory_swapped_peak_mib", "MiB", "Memory", "Largest cluster swapped memory of any sample.",
     HOST_SERIES "memory_swapped_mib", fn_total_peak, "memory_swapped_mib", 0, 0},
    {"power_mean_w", "W", "Energy", "Mean over samples of the cluster's power draw.", HOST_SERIES "power_w",
     fn_total_mean, "power_w", 0, 0},
    {"energy_kwh", "kWh", "Energy",
     "Cluster power integrated over the run: sum over samples of total power x sample period / 3.6e6.",
     HOST_SERIES "power_w, its period_ns", fn_energy, "power_w", 0, 0},
    {"vm_downtime_h", "h", "Availability", "VM-hours lost: sum over VMs of downtime_h.",
     "/tables/vm_availability", fn_avail, "lost_vm_hours", 0, 0},
    {"vm_downtime_max_h", "h", "Availability", "Longest total downtime of any one VM.",
     "/tables/vm_availability", fn_avail, "vm_downtime_max_h", 0, 0},
    {"vms_down_at_end", "1", "Availability", "VMs down at the end of the run (never restarted).",
     "/tables/vm_availability", fn_avail, "vms_down_at_end", 0, 0},
    {"host_failures", "1", "Availability", "Host failures (sum of failures over hosts).",
     "/tables/host_availability", fn_avail, "host_failures", 0, 0},
    {"ha_admission_refusals", "1", "Availability", "vSphere HA admission-control refusals (event count).",
     "/events ha_admission_refused", fn_events, "ha_admission_refused", 0, 0},
    {"migrations_per_hour", "1/h", "Migration", "Completed vMotions per simulated hour (count / end_ns in h).",
     "/events vmotion_done, root end_ns", fn_events, "vmotion_done", 1, 0},
    {"vmotion_downtime_s", "s", "Migration", "Total switch-over downtime of the completed vMotions.",
     "/events vmotion_done (value)", fn_events, "vmotion_done", 2, 0},
    {"vm_rejection_probability", "1", "Admission", "VMs rejected / VMs arrived, at the end of the run.",
     "/tables/cluster vms_arrived, vms_rejected", fn_rejection, "", 0, 0},
    {"pending_pods_max", "1", "Kubernetes", "Largest number of pending pods at any sample.",
     "/series/k8s/pending_pods", fn_series1, "/series/k8s/pending_pods", 1, 0},
    {"pending_pods_mean", "1", "Kubernetes", "Mean over samples of the pending pods (time average).",
     "/series/k8s/pending_pods", fn_series1, "/series/k8s/pending_pods", 0, 0},
    {"pod_schedule_latency_p50_s", "s", "Kubernetes",
     "Median (nearest rank) of the creation-to-binding latency of every scheduled pod.",
     "/events k8s_pod_scheduled (value)", fn_event_quantile, "k8s_pod_scheduled", 0.50, 0},
    {"pod_schedule_latency_p99_s", "s", "Kubernetes", "99th percentile of the same latencies.",
     "/events k8s_pod_scheduled (value)", fn_event_quantile, "k8s_pod_scheduled", 0.99, 0},
    {"gpu_allocation_ratio", "1", "GPU sharing",
     "Allocated GPU (milli-GPU of placed pods) / cluster GPU capacity after the last pod (Weng et al., ATC'23).",
     GPU_SERIES "gpu_allocation_ratio", fn_series1, GPU_SERIES "gpu_allocation_ratio", 2, 0},
    {"gpu_allocation_ratio_at_100pct_arrived", "1", "GPU sharing",
     "The allocation ratio at the first pod that brings the arrived GPU request to 100 % of the GPU capacity.",
     GPU_SERIES "gpu_allocation_ratio, arrived_gpu_fraction", fn_gpu_at_arrived, "gpu_allocation_ratio", 1.0, 0},
    {"gpu_fragmentation_rate", "1", "GPU sharing",
     "Fragmented / unallocated GPU milli after the last pod: the unallocated GPU the target workload's tasks "
     "cannot use, in expectation over its task types (the paper's definition).",
     GPU_SERIES "fragmentation_rate", fn_series1, GPU_SERIES "fragmentation_rate", 2, 0},
    {"gpu_fragmentation_rate_at_100pct_arrived", "1", "GPU sharing",
     "The fragmentation rate at 100 % of the GPU capacity arrived.",
     GPU_SERIES "fragmentation_rate, arrived_gpu_fraction", fn_gpu_at_arrived, "fragmentation_rate", 1.0, 0},
    {"gpu_failed_pods", "1", "GPU sharing", "Pods the experiment could not place (no retries).",
     GPU_SERIES "failed_pods", fn_series1, GPU_SERIES "failed_pods", 2, 0},
    {"gpu_unallocated_usable_gpus", "GPUs", "GPU sharing",
     "Unallocated GPU at the end that the target workload's tasks can use (expectation over task types).",
     GPU_CAUSES, fn_gpu_cause, "usable", 0, 0},
    {"gpu_unallocated_lack_gpu_gpus", "GPUs", "GPU sharing",
     "Unallocated GPU at the end on GPUs with too little left for a task (or too few such GPUs): fragmented.",
     GPU_CAUSES, fn_gpu_cause, "lack_gpu", 1, 0},
    {"gpu_unallocated_lack_cpu_gpus", "GPUs", "GPU sharing",
     "Unallocated GPU at the end on nodes whose CPU is too short for a task that the GPUs would fit.",
     GPU_CAUSES, fn_gpu_cause, "lack_cpu", 2, 0},
    {"gpu_unallocated_lack_both_gpus", "GPUs", "GPU sharing",
     "Unallocated GPU at the end on nodes short of both CPU and GPU for a task.", GPU_CAUSES, fn_gpu_cause,
     "lack_both", 3, 0},
    {"gpu_unallocated_no_access_gpus", "GPUs", "GPU sharing",
     "Unallocated GPU at the end of models a task's gpu_spec excludes.", GPU_CAUSES, fn_gpu_cause, "no_access", 4,
     0},
    {"dlrm_failed_instances", "1", "DLRM trace",
     "Instances of the DLRM trace replay never placed: deleted while waiting, or still waiting (docs/kubernetes-gpu.md).",
     DLRM_SERIES "failed_instances", fn_series1, DLRM_SERIES "failed_instances", 2, 0},
    {"dlrm_running_instances_max", "1", "DLRM trace", "Most instances running at a sample of the DLRM replay.",
     DLRM_SERIES "running_instances", fn_series1, DLRM_SERIES "running_instances", 1, 0},
    {"dlrm_cpu_allocation_ratio_mean", "1", "DLRM trace",
     "Requested / total vCPU of the DLRM replay's nodes, mean over the samples.",
     DLRM_SERIES "cpu_allocation_ratio", fn_series1, DLRM_SERIES "cpu_allocation_ratio", 0, 0},
    {"service_latency_mean_ms", "ms", "Services", "Mean sojourn time of the service's requests, whole run.",
     SERVICES_PATH " mean_sojourn_ns", fn_service, "mean_sojourn_ns", 1e-6, 1},
    {"service_latency_p99_ms", "ms", "Services", "99th percentile sojourn time of the service, whole run.",
     SERVICES_PATH " latency_p99_ns", fn_service, "latency_p99_ns", 1e-6, 1},
};

const size_t metric_def_count = sizeof metric_defs / sizeof metric_defs[0];

/* ---- lookups ------------------------------------------------------------- */

const metric_def *metric_find(const char *name, char *entity_buf, size_t entity_len)
{
    const char *open = strchr(name, '[');
    size_t base_len = open ? (size_t)(open - name) : strlen(name);
    if (entity_len > 0)
        entity_buf[0] = '\0';
    for (size_t i = 0; i < metric_def_count; i++) {
        const metric_def *m = &metric_defs[i];
        if (strlen(m->name) != base_len || strncmp(m->name, name, base_len) != 0)
            continue;
        if (!m->per_service)
            return open ? NULL : m;
        size_t len = open ? strlen(open) : 0;
        if (len < 3 || open[len - 1] != ']' || len - 2 >= entity_len)
            return NULL;
        memcpy(entity_buf, open + 1, len - 2);
        entity_buf[len - 2] = '\0';
        return strpbrk(entity_buf, "[]") ? NULL : m;
    }
    return NULL;
}

int metric_value(metric_run *r, const char *name, double *out)
{
    char entity[256];
    *out = NAN;
    const metric_def *m = metric_find(name, entity, sizeof entity);
    if (!m)
        return metric_run_fail(r, "unknown metric '%s' (see docs/metrics.md)", name);
    double v = NAN;
    int rc = m->compute(r, m, entity, &v);
    if (rc == 1)
        *out = v;
    return rc;
}

int metric_run_each_name(metric_run *r, void (*fn)(const char *name, const metric_def *def, void *arg), void *arg)
{
    hid_t file = metric_run_file(r);
    hid_t ds = H5I_INVALID_HID;
    hsize_t services = 0;
    if (h5r_exists(file, SERVICES_PATH)) {
        char msg[512];
        ds = h5r_open_dataset(file, SERVICES_PATH, 1, &services, msg, sizeof msg);
        if (ds < 0)
            return metric_run_fail(r, "%s", msg);
    }
    int rc = 0;
    for (size_t i = 0; i < metric_def_count && rc == 0; i++) {
        const metric_def *m = &metric_defs[i];
        if (!m->per_service) {
            fn(m->name, m, arg);
            continue;
        }
        for (hsize_t s = 0; s < services && rc == 0; s++) {
            char service[200], name[320], msg[512];
            if (h5r_table_column_str(ds, SERVICES_PATH, "name", s, service, sizeof service, msg, sizeof msg) != 0) {
                rc = metric_run_fail(r, "%s", msg);
                break;
            }
            snprintf(name, sizeof name, "%s[%s]", m->name, service);
            fn(name, m, arg);
        }
    }
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

void metrics_write_reference(FILE *out)
{
    fprintf(out, "# Run metrics\n\n"
                 "Generated by `vdcsim metrics --reference` from analysis/metrics.c; do not edit.\n"
                 "A metric whose datasets the run lacks is *absent* (empty CSV cell, JSON null),\n"
                 "never 0. Quantiles are nearest-rank. Rows marked [service] expand to one metric\n"
                 "per row of /tables/services, e.g. `service_latency_p99_ms[web]`.\n"
                 "Over /series/host and /series/vm, samples before the first one with a workload\n"
                 "(a VM running or CPU demand on some host) are left out, as in the run summary\n"
                 "(docs/analysis.md); power and energy count every sample.\n");
    const char *group = "";
    for (size_t i = 0; i < metric_def_count; i++) {
        const metric_def *m = &metric_defs[i];
        if (strcmp(group, m->group) != 0) {
            group = m->group;
            fprintf(out, "\n## %s\n\n| Metric | Unit | Definition | Reads |\n|---|---|---|---|\n", group);
        }
        fprintf(out, "| `%s%s` | %s | %s | %s |\n", m->name, m->per_service ? "[service]" : "", m->unit,
                m->definition, m->datasets);
    }
}
