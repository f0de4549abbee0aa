/* core_build.c - the core of a run from the scenario (see core_build.h). */
#include "models/core/core_build.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "models/host/host_contention.h"
#include "models/core/placement.h"
#include "recorder/declare.h"
#include "scenario/schema.h"

/* Event priorities at equal time: placement decisions before starts, and
 * starts before samples, so a sample at t sees the VMs started at t.
 * Cluster notices and granted maintenance windows come first, with the
 * failure module's own events (priority 5). */
enum {
    PRIO_CLUSTER_NOTICE = 5,
    PRIO_HOST_MAINTENANCE = 5,
    PRIO_WORKLOAD_ARRIVAL = 5,
    PRIO_VM_POWER_ON = 10,
    PRIO_VM_STOPPED = 8, /* releases before the placements of the same instant */
    PRIO_VM_START = 20,
    PRIO_VM_BOOTED = 22,
    PRIO_VM_LIFETIME_END = 30,
    PRIO_VM_STOP = 32,
    PRIO_HOST_SAMPLE = 90,
    PRIO_CLUSTER_SAMPLE = 91
};

static void fail(model_status *status, model_status code, char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fail(model_status *status, model_status code, char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    *status = code;
}

/* Sums a list's `count` keys, refusing totals beyond `limit`. */
static int total_count(const scenario *scn, const char *list, uint64_t limit, uint64_t *total, model_status *status,
                       char *err, size_t err_len)
{
    uint64_t sum = 0;
    int n = scn_list_len(scn, "%s", list);
    for (int g = 0; g < n; g++) {
        sum += (uint64_t)scn_int(scn, "%s.[%d].count", list, g);
        if (sum > limit) {
            fail(status, MODEL_BAD_INPUT, err, err_len,
                 "%s: key '%s.[%d].count': the groups up to this one add up to %" PRIu64
                 " %s, more than the %" PRIu64 " one run can hold (split the study into runs)",
                 scenario_name(scn), list, g, sum, list, limit);
            return -1;
        }
    }
    *total = sum;
    return 0;
}

static int32_t host_group_index(const scenario *scn, const char *name)
{
    if (!name || !name[0])
        return -1;
    return scn_list_find(scn, "hosts", name); /* -1 is unreachable: the schema checks references */
}

/* hosts.[g]: the contention model's hardware description (host_hw.h). */
static int read_host_hw(const scenario *scn, int g, uint32_t sockets, host_hw *hw, model_status *status, char *err,
                        size_t err_len)
{
    int64_t nodes = scn_int(scn, "hosts.[%d].numa_nodes", g);
    *hw = (host_hw){
        .numa_nodes = nodes > 0 ? (uint32_t)nodes : sockets,
        .threads_per_core = (uint32_t)scn_int(scn, "hosts.[%d].threads_per_core", g),
        .smt_gain = scn_float(scn, "hosts.[%d].smt_gain", g),
        .numa_local_ns = (double)scn_duration_ns(scn, "hosts.[%d].memory_latency_local", g),
        .numa_remote_ns = (double)scn_duration_ns(scn, "hosts.[%d].memory_latency_remote", g),
        .mem_bw_local_gbs = scn_float(scn, "hosts.[%d].memory_bandwidth_local", g),
        .mem_bw_remote_gbs = scn_float(scn, "hosts.[%d].memory_bandwidth_remote", g),
        .nics = (uint32_t)scn_int(scn, "hosts.[%d].nics", g),
        .nic_gbps = scn_gbps(scn, "hosts.[%d].nic_speed", g),
        .sriov_vfs_per_nic = (uint32_t)scn_int(scn, "hosts.[%d].sriov_vfs_per_nic", g),
        .virtio_mhz_per_gbps = scn_mhz(scn, "hosts.[%d].virtio_cpu_per_gbps", g),
        .ept_large_pages = scn_bool(scn, "hosts.[%d].ept_large_pages", g),
        .page_walk_ref_ns = (double)scn_duration_ns(scn, "hosts.[%d].page_walk_reference_latency", g),
        .page_sharing = scn_float(scn, "hosts.[%d].page_sharing", g),
        .touch_rate_per_s = scn_float(scn, "hosts.[%d].memory_fault_rate", g),
        .decompress_s = (double)scn_duration_ns(scn, "hosts.[%d].memory_decompress_latency", g) * 1e-9,
        .swapin_s = (double)scn_duration_ns(scn, "hosts.[%d].memory_swapin_latency", g) * 1e-9,
        .power = {.idle_w = scn_watts(scn, "hosts.[%d].power_idle", g),
                  .peak_w = scn_watts(scn, "hosts.[%d].power_peak", g)},
    };
    const char *curve = scn_string(scn, "hosts.[%d].power_curve", g);
    if (curve[0]) {
        char why[256];
        if (power_curve_parse(curve, hw->power.curve_w, why, sizeof why) != 0) {
            fail(status, MODEL_BAD_INPUT, err, err_len, "%s: key 'hosts.[%d].power_curve': %s", scenario_name(scn), g,
                 why);
            return -1;
        }
        hw->power.has_curve = 1;
    }
    return 0;
}

/* vms.[g].<key>: a level's preset per unit times units, or the custom number. */
static double shares_of(const scenario *scn, int g, const char *key, double (*per_unit)(shares_level), double units)
{
    shares_level level = (shares_level)scn_enum(scn, "vms.[%d].%s", g, key);
    if (level == SHARES_CUSTOM)
        return scn_float(scn, "vms.[%d].%s_custom", g, key);
    return per_unit(level) * units;
}

/* vms.[g]: reservations, limits, shares, vNUMA, network path (host_hw.h). */
static vm_resources read_vm_resources(const scenario *scn, int g, uint32_t vcpus, uint64_t memory_mib)
{
    double cpu_limit = scn_mhz(scn, "vms.[%d].cpu_limit", g);
    double mem_limit = (double)(scn_bytes(scn, "vms.[%d].memory_limit", g) >> 20);
    return (vm_resources){
        .cpu_reservation_mhz = scn_mhz(scn, "vms.[%d].cpu_reservation", g),
        .cpu_limit_mhz = cpu_limit > 0.0 ? cpu_limit : INFINITY,
        .cpu_shares = shares_of(scn, g, "cpu_shares", cpu_shares_per_vcpu, (double)vcpus),
        .memory_reservation_mib = (double)(scn_bytes(scn, "vms.[%d].memory_reservation", g) >> 20),
        .memory_limit_mib = mem_limit > 0.0 ? mem_limit : INFINITY,
        .memory_shares = shares_of(scn, g, "memory_shares", mem_shares_per_mib, (double)memory_mib),
        .tlb_misses_per_kcycle = scn_float(scn, "vms.[%d].tlb_miss_rate", g),
        .mem_bw_per_vcpu_gbs = scn_float(scn, "vms.[%d].memory_bandwidth_per_vcpu", g),
        .vnuma = (uint8_t)scn_enum(scn, "vms.[%d].vnuma", g),
        .sriov = scn_enum(scn, "vms.[%d].network_mode", g) == VM_NETWORK_SRIOV,
        .large_pages = (uint8_t)scn_bool(scn, "vms.[%d].large_pages", g),
    };
}

static int build_hosts(core_model *m, uint32_t n_hosts, char *err, size_t err_len, model_status *status)
{
    const scenario *scn = m->scn;
    m->host_specs = calloc(n_hosts ? n_hosts : 1, sizeof *m->host_specs);
    m->hosts = calloc(n_hosts ? n_hosts : 1, sizeof *m->hosts);
    if (!m->host_specs || !m->hosts)
        return -1;
    uint32_t i = 0;
    int groups = scn_list_len(scn, "hosts");
    for (int pos = 0; pos < groups; pos++) {
        int g = m->dc.group_order[pos]; /* list order, or cluster by cluster (datacenter.h) */
        host_spec spec = {
            .group = (uint32_t)g,
            .sockets = (uint32_t)scn_int(scn, "hosts.[%d].sockets", g),
            .cores_per_socket = (uint32_t)scn_int(scn, "hosts.[%d].cores_per_socket", g),
            .cpu_mhz = scn_mhz(scn, "hosts.[%d].cpu", g),
            .memory_mib = scn_bytes(scn, "hosts.[%d].memory", g) >> 20,
        };
        if (read_host_hw(scn, g, spec.sockets, &spec.hw, status, err, err_len) != 0)
            return -2;
        int64_t count = scn_int(scn, "hosts.[%d].count", g);
        for (int64_t k = 0; k < count; k++, i++) {
            m->host_specs[i] = spec;
            m->host_specs[i].index_in_group = (uint32_t)k;
            m->hosts[i] = (host){.env = &m->env, .index = i};
        }
    }
    return 0;
}

static int build_vms(core_model *m, uint32_t n_vms, char *err, size_t err_len, model_status *status)
{
    const scenario *scn = m->scn;
    m->vm_spec_store = calloc(n_vms ? n_vms : 1, sizeof *m->vm_spec_store);
    m->vm_store = calloc(n_vms ? n_vms : 1, sizeof *m->vm_store);
    m->vm_times = calloc(n_vms ? n_vms : 1, sizeof *m->vm_times);
    m->vm_group_specs = calloc(m->n_groups ? (size_t)m->n_groups : 1, sizeof *m->vm_group_specs);
    if (!m->vm_spec_store || !m->vm_store || !m->vm_times || !m->vm_group_specs)
        return -1;
    uint32_t i = 0;
    int groups = m->n_groups;
    for (int g = 0; g < groups; g++) {
        workload_group *wg = &m->groups[g];
        wg->first_vm = i;
        vm_group_spec *gs = &m->vm_group_specs[g];
        *gs = (vm_group_spec){
            .vcpus = (uint32_t)scn_int(scn, "vms.[%d].vcpus", g),
            .memory_mib = scn_bytes(scn, "vms.[%d].memory", g) >> 20,
            .start_ns = scn_duration_ns(scn, "vms.[%d].start", g),
        };
        gs->res = read_vm_resources(scn, g, gs->vcpus, gs->memory_mib);
        int32_t host_group = host_group_index(scn, scn_string(scn, "vms.[%d].host_group", g));
        int read = workload_group_read_demands(scn, g, wg, &m->demands, err, err_len);
        if (read == -2)
            return -1;
        if (read != 0) {
            *status = MODEL_BAD_INPUT;
            return -2;
        }
        int bound = workload_group_bind(scn, g, wg, gs->demand, gs->per_vm_series, err, err_len);
        if (bound == -2)
            return -1;
        if (bound != 0) {
            *status = MODEL_BAD_INPUT;
            return -2;
        }
        int at_start = wg->arrival.process == ARRIVAL_AT_START;
        for (uint32_t k = 0; k < wg->count; k++, i++) {
            /* in id order until build_clusters stores them by cluster */
            m->vm_spec_store[i] = (vm_spec){.gs = gs, .group = (uint32_t)g, .index_in_group = k, .host_group = host_group};
            m->vm_store[i] = (vm){.state = VM_STOPPED, .host = -1, .cpu_speed_factor = 1.0};
            m->vm_times[i] = (vm_times){.arrived_ns = at_start ? gs->start_ns : -1, .stopped_ns = -1};
        }
    }
    return 0;
}

static const rec_column host_columns[] = {
    {"name", REC_STR, NULL},          {"group", REC_STR, NULL},       {"sockets", REC_I64, NULL},
    {"cores", REC_I64, NULL},         {"cpu_mhz", REC_F64, "MHz"},    {"memory_mib", REC_I64, "MiB"},
    {"cpu_capacity_mhz", REC_F64, "MHz"},
    {"numa_nodes", REC_I64, NULL},    {"threads_per_core", REC_I64, NULL},
    {"cpu_schedulable_mhz", REC_F64, "MHz"}, {"power_idle_w", REC_F64, "W"},
    {"power_peak_w", REC_F64, "W"},
};
static const rec_column vm_columns[] = {
    {"name", REC_STR, NULL},       {"group", REC_STR, NULL},
    {"vcpus", REC_I64, NULL},      {"memory_mib", REC_I64, "MiB"},
    {"cpu_demand_kind", REC_STR, NULL}, {"cpu_demand_mean_mhz", REC_F64, "MHz"},
    {"start_ns", REC_I64, "ns"},   {"host", REC_I64, NULL},
    {"state", REC_STR, NULL},
    {"arrived_ns", REC_I64, "ns"}, {"stopped_ns", REC_I64, "ns"},
    {"trace_file", REC_STR, NULL},
};

/* The trace file VM i replays (a name inside its group's trace.path), or ""
 * when its group replays no trace. */
static const char *vm_trace_file(const core_model *m, const vm_spec *s)
{
    if (!m->groups || s->group >= (uint32_t)m->n_groups)
        return "";
    const workload_group *wg = &m->groups[s->group];
    if (!wg->trace || s->index_in_group >= wg->trace->table.n_vms || !wg->trace->table.names)
        return "";
    return wg->trace->table.names[s->index_in_group];
}

/* Entity names are "<group>-<n>", n counted from 1 within the group. */
void core_entity_name(char *buf, size_t len, const char *group, uint32_t index_in_group)
{
    snprintf(buf, len, "%s-%02" PRIu32, group, index_in_group + 1);
}

/* The contention model's series: per host, their totals per cluster (the
 * recorder sums hosts), and per VM when asked. */
static const struct {
    const char *name, *unit;
    int total; /* also /series/cluster/<name> */
} contention_series[HOST_SERIES_COUNT] = {
    [HOST_SERIES_CPU_READY_PCT] = {"cpu_ready_pct", "%", 0},
    [HOST_SERIES_CPU_READY_MS] = {"cpu_ready_ms", "ms", 1},
    [HOST_SERIES_CPU_USEFUL_MHZ] = {"cpu_useful_mhz", "MHz", 1},
    [HOST_SERIES_CPU_HYPERVISOR_MHZ] = {"cpu_hypervisor_mhz", "MHz", 1},
    [HOST_SERIES_MEMORY_CONSUMED_MIB] = {"memory_consumed_mib", "MiB", 1},
    [HOST_SERIES_MEMORY_ACTIVE_MIB] = {"memory_active_mib", "MiB", 1},
    [HOST_SERIES_MEMORY_SHARED_MIB] = {"memory_shared_mib", "MiB", 1},
    [HOST_SERIES_MEMORY_BALLOONED_MIB] = {"memory_ballooned_mib", "MiB", 1},
    [HOST_SERIES_MEMORY_COMPRESSED_MIB] = {"memory_compressed_mib", "MiB", 1},
    [HOST_SERIES_MEMORY_SWAPPED_MIB] = {"memory_swapped_mib", "MiB", 1},
    [HOST_SERIES_NETWORK_GBPS] = {"network_gbps", "Gbps", 1},
    [HOST_SERIES_POWER_W] = {"power_w", "W", 1},
};

static int declare_contention_series(core_model *m, const scenario *scn, recorder *rec)
{
    model_env *env = &m->env;
    sim_time_ns period = env->sample_period_ns;
    int n = (int)env->n_hosts;
    for (int k = 0; k < HOST_SERIES_COUNT; k++) {
        env->series_host[k] =
            rec_series_new(rec, "host", contention_series[k].name, contention_series[k].unit, "hosts", n, 0, period);
        if (env->series_host[k] < 0)
            return -1;
        if (contention_series[k].total &&
            rec_series_new_total(rec, "cluster", contention_series[k].name, contention_series[k].unit,
                                 env->series_host[k]) < 0)
            return -1;
    }
    if (rec_series_new_total(rec, "cluster", "cpu_demand_mhz", "MHz", env->series_host_cpu_demand) < 0 ||
        rec_series_new_total(rec, "cluster", "cpu_usage_mhz", "MHz", env->series_host_cpu_usage) < 0)
        return -1;
    if (scn_bool(scn, "output.per_vm_series") && env->n_vms > 0) {
        int v = (int)env->n_vms;
        env->series_vm_ready = rec_series_new(rec, "vm", "cpu_ready_pct", "%", "vms", v, 0, period);
        env->series_vm_entitlement = rec_series_new(rec, "vm", "cpu_entitlement_mhz", "MHz", "vms", v, 0, period);
        env->series_vm_speed = rec_series_new(rec, "vm", "cpu_speed_factor", "1", "vms", v, 0, period);
        if (env->series_vm_ready < 0 || env->series_vm_entitlement < 0 || env->series_vm_speed < 0)
            return -1;
    }
    return 0;
}

static int declare_recording(core_model *m, const scenario *scn, recorder *rec)
{
    model_env *env = &m->env;
    sim_time_ns period = env->sample_period_ns;
    const rec_series_decl per_host[] = {
        {"cpu_demand_mhz", "MHz", &env->series_host_cpu_demand},
        {"cpu_usage_mhz", "MHz", &env->series_host_cpu_usage},
        {"memory_committed_mib", "MiB", &env->series_host_memory_committed},
        {"vms_running", "1", &env->series_host_vms_running},
    };
    const rec_series_decl per_vm[] = {{"cpu_demand_mhz", "MHz", &env->series_vm_cpu_demand}};
    const rec_kind_decl kinds[] = {
        {"vm_placed", &env->log_vm_placed},   {"vm_placement_failed", &env->log_vm_placement_failed},
        {"vm_started", &env->log_vm_started}, {"vm_arrived", &env->log_vm_arrived},
        {"vm_queued", &env->log_vm_queued},   {"vm_stopped", &env->log_vm_stopped},
        {"vm_arrivals_exhausted", &env->log_vm_arrivals_exhausted},
    };
    const rec_series_decl per_cluster[] = {
        {"vms_running", "1", &env->series_cluster_vms_running},
        {"vms_arrived", "1", &env->series_cluster_vms_arrived},
        {"vms_rejected", "1", &env->series_cluster_vms_rejected},
        {"vms_queued", "1", &env->series_cluster_vms_queued},
    };
    /* a scenario of services only has no hosts, hence no host series */
    int hosts = env->n_hosts > 0;
    if ((hosts && rec_series_group(rec, "host", "hosts", (int)env->n_hosts, period, per_host, 4) != 0) ||
        (scn_bool(scn, "output.per_vm_series") && env->n_vms > 0 &&
         rec_series_group(rec, "vm", "vms", (int)env->n_vms, period, per_vm, 1) != 0) ||
        (hosts && declare_contention_series(m, scn, rec) != 0) || rec_event_kinds(rec, kinds, (int)(sizeof kinds / sizeof kinds[0])) != 0)
        return -1;
    for (size_t k = 0; k < sizeof per_cluster / sizeof per_cluster[0]; k++)
        if ((*per_cluster[k].id = cluster_series_new(rec, env, per_cluster[k].name, per_cluster[k].unit, period, 1)) < 0)
            return -1;

    /* with `clusters`, one more column: the host's cluster */
    enum { N_HOST_COLUMNS = sizeof host_columns / sizeof host_columns[0] };
    rec_column columns[N_HOST_COLUMNS + 1];
    memcpy(columns, host_columns, sizeof host_columns);
    columns[N_HOST_COLUMNS] = (rec_column){"cluster", REC_STR, NULL};
    int table = rec_table_new(rec, "hosts", columns, N_HOST_COLUMNS + (m->dc.explicit_clusters ? 1 : 0));
    if (table < 0)
        return -1;
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        const host_spec *h = &m->host_specs[i];
        const char *group = scn_string(scn, "hosts.[%u].name", h->group);
        char name[300];
        core_entity_name(name, sizeof name, group, h->index_in_group);
        rec_value row[] = {{.str = name},
                           {.str = group},
                           {.i64 = h->sockets},
                           {.i64 = host_cores(h)},
                           {.f64 = h->cpu_mhz},
                           {.i64 = (int64_t)h->memory_mib},
                           {.f64 = host_cpu_capacity_mhz(h)},
                           {.i64 = h->hw.numa_nodes},
                           {.i64 = h->hw.threads_per_core},
                           {.f64 = host_schedulable_mhz(h)},
                           {.f64 = h->hw.power.has_curve ? h->hw.power.curve_w[0] : h->hw.power.idle_w},
                           {.f64 = h->hw.power.has_curve ? h->hw.power.curve_w[POWER_CURVE_POINTS - 1]
                                                         : h->hw.power.peak_w},
                           {.str = m->dc.explicit_clusters
                                       ? scn_string(scn, "clusters.[%u].name", m->dc.host_cluster[i])
                                       : ""}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}

static void init_env_ids(model_env *env)
{
    env->series_host_cpu_demand = env->series_host_cpu_usage = -1;
    env->series_host_memory_committed = env->series_host_vms_running = -1;
    env->series_vm_cpu_demand = -1;
    for (int k = 0; k < HOST_SERIES_COUNT; k++)
        env->series_host[k] = -1;
    env->series_vm_ready = env->series_vm_entitlement = env->series_vm_speed = -1;
    env->log_vm_placed = env->log_vm_placement_failed = env->log_vm_started = -1;
    env->series_cluster_vms_running = env->series_cluster_vms_arrived = -1;
    env->series_cluster_vms_rejected = env->series_cluster_vms_queued = -1;
    env->log_vm_arrived = env->log_vm_queued = env->log_vm_stopped = -1;
    env->log_vm_arrivals_exhausted = -1;
}

/* Reads every VM group's workload (loading traces) and counts the VMs. */
static int read_groups(core_model *m, uint64_t *n_vms, model_status *status, char *err, size_t err_len)
{
    const scenario *scn = m->scn;
    m->n_groups = scn_list_len(scn, "vms");
    m->groups = calloc(m->n_groups ? (size_t)m->n_groups : 1, sizeof *m->groups);
    if (!m->groups) {
        fail(status, MODEL_RUNTIME_ERROR, err, err_len, "out of memory");
        return -1;
    }
    uint64_t sum = 0;
    for (int g = 0; g < m->n_groups; g++) {
        uint32_t count = 0;
        if (workload_group_read(scn, g, &m->groups[g], &count, err, err_len) != 0) {
            *status = MODEL_BAD_INPUT;
            return -1;
        }
        m->groups[g].count = count;
        sum += count;
        if (sum > MODEL_MAX_VMS) {
            fail(status, MODEL_BAD_INPUT, err, err_len,
                 "%s: key 'vms.[%d].count': the groups up to this one add up to %" PRIu64
                 " vms, more than the %" PRIu64 " one run can hold (split the study into runs)",
                 scenario_name(scn), g, sum, (uint64_t)MODEL_MAX_VMS);
            return -1;
        }
    }
    *n_vms = sum;
    return 0;
}


/* The hosts' clusters (datacenter.h). 0 or -1. */
static int assign_hosts(core_model *m)
{
    uint32_t n = m->env.n_hosts;
    uint32_t *groups = malloc((n ? n : 1) * sizeof *groups);
    if (!groups)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        groups[i] = m->host_specs[i].group;
    int rc = datacenter_assign_hosts(&m->dc, groups, n);
    free(groups);
    m->env.n_clusters = m->dc.n_clusters;
    m->env.host_cluster = m->dc.host_cluster;
    return rc;
}

/* Stores the VMs' specs and records cluster after cluster (model_env.h),
 * in the order of datacenter.vm_ids: a cluster's VMs (its cross-cluster
 * twins included) in id order from vm_first[cluster], so that a VM's slot
 * is also its DRS stage record (drs_stage.h). Nothing to do with one
 * cluster: the slot is the id. 0, or -1 out of memory. */
static int store_vms_by_cluster(core_model *m)
{
    const uint32_t n = m->env.n_vms;
    if (!m->dc.explicit_clusters || m->dc.n_clusters < 2 || n == 0)
        return 0;
    uint32_t *slot = malloc((size_t)n * sizeof *slot);
    vm_spec *specs = malloc((size_t)n * sizeof *specs);
    vm *vms = malloc((size_t)n * sizeof *vms);
    if (!slot || !specs || !vms) {
        free(slot);
        free(specs);
        free(vms);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t v = m->dc.vm_ids[i];
        slot[v] = i;
        specs[i] = m->vm_spec_store[v];
        vms[i] = m->vm_store[v];
    }
    free(m->vm_spec_store);
    free(m->vm_store);
    m->vm_spec_store = specs;
    m->vm_store = vms;
    m->vm_slot = slot;
    return 0;
}

/* One controller per cluster, each with the placement policy and a view of
 * every host in which only its own hosts are usable (the one cluster of a
 * run without `clusters` uses the empty view itself); the VMs put into
 * clusters. */
static model_status build_clusters(model_builder *b, core_model *m, const placement_choice *placement)
{
    model_env *env = &m->env;
    int rc = datacenter_assign_vms(&m->dc, m->scn, m->vm_spec_store, env->n_vms, m->empty_view, env->n_hosts, b->err,
                                   b->err_len);
    if (rc != 0)
        return rc == -1 ? model_runtime_error(b, "out of memory") : MODEL_BAD_INPUT;
    /* cross-cluster vMotion: a twin per moved VM in its target cluster */
    rc = datacenter_plan_moves(&m->dc, m->scn, &m->vm_spec_store, &m->vm_store, &m->vm_times, &env->n_vms,
                               MODEL_MAX_VMS, b->err, b->err_len);
    if (rc != 0)
        return rc == -1 ? model_runtime_error(b, "out of memory") : MODEL_BAD_INPUT;
    if (store_vms_by_cluster(m) != 0)
        return model_runtime_error(b, "out of memory");
    env->vm_spec_store = m->vm_spec_store;
    env->vm_store = m->vm_store;
    env->vm_slot = m->vm_slot;
    env->vm_times = m->vm_times;
    env->dc = &m->dc;
    env->vm_cluster = m->dc.vm_cluster;
    m->ctrls = calloc(env->n_clusters, sizeof *m->ctrls);
    m->ctrl_more = calloc(env->n_clusters, sizeof *m->ctrl_more);
    if (!m->ctrls || !m->ctrl_more)
        return model_runtime_error(b, "out of memory");
    if (m->dc.explicit_clusters) {
        size_t bytes = (env->n_hosts ? env->n_hosts : 1) * sizeof *m->shared_view;
        m->shared_view = malloc(bytes);
        m->vm_local = malloc((env->n_vms ? env->n_vms : 1) * sizeof *m->vm_local);
        if (!m->shared_view || !m->vm_local)
            return model_runtime_error(b, "out of memory");
        memcpy(m->shared_view, m->empty_view, bytes);
        env->vm_local = m->vm_local;
    }
    for (uint32_t k = 0; k < env->n_clusters; k++) {
        cluster *c = m->ctrls[k] = k == 0 ? &m->ctrl : &m->ctrl_more[k - 1];
        *c = (cluster){.env = env, .index = k, .placement = *placement, .first_host = m->dc.first_host[k],
                       .n_hosts = m->dc.n_hosts[k]};
        char key[64], args[64];
        if (m->dc.explicit_clusters && scn_is_set(m->scn, "clusters.[%u].placement.policy", k)) {
            snprintf(key, sizeof key, "clusters.[%u].placement.policy", k);
            snprintf(args, sizeof args, "clusters.[%u].placement.args", k);
            if (placement_choice_read(m->scn, VDCSIM_POLICY_PLACEMENT, key, args, &c->placement, b->err,
                                      b->err_len) != 0)
                return MODEL_BAD_INPUT;
        }
        if (!m->dc.explicit_clusters) {
            c->view = m->empty_view;
        } else {
            /* one view shared by all controllers: each places only on its
             * own hosts' slice (cluster.c), so its entries are its own */
            c->vm_ids = m->dc.vm_ids + m->dc.vm_first[k];
            c->n_vm_ids = m->dc.vms_in[k];
            c->vm_local = m->vm_local;
            c->view = m->shared_view;
            for (uint32_t i = 0; i < c->n_vm_ids; i++)
                m->vm_local[c->vm_ids[i]] = i;
        }
        if (cluster_init_lifecycle(c, c->vm_local ? c->n_vm_ids : env->n_vms) != 0)
            return model_runtime_error(b, "out of memory");
    }
    return MODEL_OK;
}

model_status core_build(model_builder *b, core_model *m)
{
    const scenario *scn = b->scn;
    model_status status = MODEL_OK;
    char *err = b->err;
    size_t err_len = b->err_len;
    uint64_t n_hosts = 0, n_vms = 0;
    m->scn = scn;
    if (total_count(scn, "hosts", MODEL_MAX_HOSTS, &n_hosts, &status, err, err_len) != 0)
        return status;
    if (read_groups(m, &n_vms, &status, err, err_len) != 0)
        return status;
    int dc_rc = datacenter_read(scn, &m->dc, err, err_len);
    if (dc_rc != 0)
        return dc_rc == -1 ? model_runtime_error(b, "out of memory") : MODEL_BAD_INPUT;
    /* hosts may be left out only by a scenario of services with dedicated
     * capacity (issue 14): VMs and pods need hosts to run on */
    if (n_hosts == 0 && n_vms > 0) {
        scn_key_error(scn, err, err_len, "vms", "%" PRIu64 " VMs but no hosts to run them (expected a hosts list)",
                      n_vms);
        return MODEL_BAD_INPUT;
    }
    if (n_hosts == 0 && scn_list_len(scn, "services") == 0) {
        scn_key_error(scn, err, err_len, "hosts",
                      "nothing to simulate (expected a hosts list, or services with dedicated capacity)");
        return MODEL_BAD_INPUT;
    }
    model_env *env = &m->env;
    init_env_ids(env);
    env->rec = b->rec;
    env->n_hosts = (uint32_t)n_hosts;
    env->n_vms = (uint32_t)n_vms;
    env->sample_period_ns = scn_duration_ns(scn, "simulation.sample_period");
    env->control_latency_ns = scn_duration_ns(scn, "simulation.control_latency");

    int vm_status = 0;
    if ((vm_status = build_hosts(m, env->n_hosts, err, err_len, &status)) != 0 ||
        (vm_status = build_vms(m, env->n_vms, err, err_len, &status)) != 0) {
        if (vm_status != -2)
            fail(&status, MODEL_RUNTIME_ERROR, err, err_len,
                 "out of memory building %" PRIu64 " hosts and %" PRIu64 " VMs", n_hosts, n_vms);
        return status;
    }
    if (assign_hosts(m) != 0)
        return model_runtime_error(b, "out of memory");
    env->host_specs = m->host_specs;
    env->vm_spec_store = m->vm_spec_store; /* in id order until build_clusters */
    env->vm_store = m->vm_store;
    env->vm_times = m->vm_times;
    env->groups = m->groups;
    env->n_groups = (uint32_t)m->n_groups;
    env->queue_on_no_capacity = strcmp(scn_string(scn, "placement.on_no_capacity"), "queue") == 0;

    model_status st;
    sim_engine *eng = b->eng;
    env->kind_vm_power_on = sim_kind_register(eng, "vm.power_on", PRIO_VM_POWER_ON);
    env->kind_vm_start = sim_kind_register(eng, "vm.start", PRIO_VM_START);
    env->kind_host_sample = sim_kind_register(eng, "host.sample", PRIO_HOST_SAMPLE);
    env->kind_vm_stop = sim_kind_register(eng, "vm.stop", PRIO_VM_STOP);
    env->kind_vm_stopped = sim_kind_register(eng, "vm.stopped", PRIO_VM_STOPPED);
    env->kind_vm_booted = sim_kind_register(eng, "vm.booted", PRIO_VM_BOOTED);
    env->kind_vm_lifetime_end = sim_kind_register(eng, "vm.lifetime_end", PRIO_VM_LIFETIME_END);
    env->kind_cluster_sample = sim_kind_register(eng, "cluster.sample", PRIO_CLUSTER_SAMPLE);
    env->kind_workload_arrival = sim_kind_register(eng, "workload.arrival", PRIO_WORKLOAD_ARRIVAL);
    env->kind_cluster_notice = sim_kind_register(eng, "cluster.notice", PRIO_CLUSTER_NOTICE);
    env->kind_host_maintenance = sim_kind_register(eng, "host.maintenance", PRIO_HOST_MAINTENANCE);

    /* The controllers' view starts from each host's capacity. */
    placement_choice placement;
    if (placement_choice_read(scn, VDCSIM_POLICY_PLACEMENT, "placement.policy", "placement.args", &placement, b->err,
                              b->err_len) != 0)
        return MODEL_BAD_INPUT;
    m->empty_view = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *m->empty_view);
    if (!m->empty_view)
        return model_runtime_error(b, "out of memory");
    for (uint32_t i = 0; i < env->n_hosts; i++)
        m->empty_view[i] = (placement_host_view){.logical_cpus = host_cores(&m->host_specs[i]),
                                                 .memory_mib = (uint64_t)((double)m->host_specs[i].memory_mib *
                                                                         scn_float(scn, "placement.memory_overcommit")),
                                                 .cpu_mhz = host_cpu_capacity_mhz(&m->host_specs[i]),
                                                 .physical_memory_mib = m->host_specs[i].memory_mib,
                                                 .sriov_vfs = m->host_specs[i].hw.nics *
                                                              m->host_specs[i].hw.sriov_vfs_per_nic,
                                                 .group = (int32_t)m->host_specs[i].group,
                                                 .usable = 1};
    if ((st = build_clusters(b, m, &placement)) != MODEL_OK)
        return st;
    b->env = env;
    b->vm_spec_store = m->vm_spec_store;
    b->hosts = m->hosts;
    b->cluster = &m->ctrl;
    b->clusters = m->ctrls;
    b->n_clusters = env->n_clusters;
    return MODEL_OK;
}

/* The demand states of the VMs with a stateful spec, zeroed (not started),
 * one slot per such VM (twins included: each VM id has its own), declared
 * shared over MPI ranks. 0, or -1 out of memory. */
static int build_demand_states(core_model *m, sim_engine *eng)
{
    model_env *env = &m->env;
    uint32_t n = 0;
    for (uint32_t i = 0; i < env->n_vms; i++)
        n += (uint32_t)vm_spec_demand_stateful(model_vm_spec(env, i));
    if (n == 0)
        return 0;
    /* n <= n_vms <= MODEL_MAX_VMS: the products below fit a size_t */
    m->vm_demand_slot = malloc((size_t)env->n_vms * sizeof *m->vm_demand_slot);
    m->vm_demand_states = calloc((size_t)n * VM_DEMANDS, sizeof *m->vm_demand_states);
    if (!m->vm_demand_slot || !m->vm_demand_states)
        return -1;
    /* in the VM stores' order (model_env.h): a cluster's states together */
    uint32_t next = 0;
    for (uint32_t slot = 0; slot < env->n_vms; slot++) {
        const uint32_t i = m->vm_slot ? m->dc.vm_ids[slot] : slot; /* the VM stored there */
        m->vm_demand_slot[i] = vm_spec_demand_stateful(&m->vm_spec_store[slot]) ? next++ : UINT32_MAX;
    }
    env->vm_demand_slot = m->vm_demand_slot;
    env->vm_demand_states = m->vm_demand_states;
    return sim_share(eng, "vm demand states", m->vm_demand_states, VM_DEMANDS * sizeof *m->vm_demand_states, n);
}

model_status core_start(model_builder *b, core_model *m, uint32_t n_host_slots, uint32_t n_cluster_slots)
{
    sim_engine *eng = b->eng;
    model_env *env = &m->env;
    char lp_name[300];
    for (uint32_t k = 0; k < env->n_clusters; k++) {
        cluster *c = m->ctrls[k];
        if (n_cluster_slots && !(c->ext = calloc(n_cluster_slots, sizeof *c->ext)))
            return model_runtime_error(b, "out of memory");
        if (m->dc.explicit_clusters)
            snprintf(lp_name, sizeof lp_name, "cluster %s", scn_string(b->scn, "clusters.[%u].name", k));
        else
            snprintf(lp_name, sizeof lp_name, "cluster");
        uint32_t lp = sim_lp_new(eng, lp_name, cluster_handle, c);
        /* a cluster's controller and hosts on one thread: each host sends
         * its controller a message every sample (docs/engine.md) */
        sim_lp_set_affinity(eng, lp, k);
        if (k == 0)
            env->cluster_lp = lp; /* cluster k is LP cluster_lp + k */
    }
    /* the sample step's scratch per thread, not per host: hosts of one
     * thread sample one after the other */
    m->n_thread_scratch = (uint32_t)sim_threads(eng);
    /* one cache-line-aligned block per thread (host_scratch is aligned) */
    if (!(m->thread_scratch = aligned_alloc(_Alignof(host_scratch), m->n_thread_scratch * sizeof *m->thread_scratch)))
        return model_runtime_error(b, "out of memory");
    memset(m->thread_scratch, 0, m->n_thread_scratch * sizeof *m->thread_scratch);
    env->host_scratch_per_thread = m->thread_scratch;
    env->first_host_lp = sim_lp_count(eng);
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        if (n_host_slots && !(m->hosts[i].ext = calloc(n_host_slots, sizeof *m->hosts[i].ext)))
            return model_runtime_error(b, "out of memory");
        snprintf(lp_name, sizeof lp_name, "host %" PRIu32, i);
        const uint32_t lp = sim_lp_new(eng, lp_name, host_handle, &m->hosts[i]);
        sim_lp_set_prefetch(eng, lp, host_prefetch);
        sim_lp_set_affinity(eng, lp, env->host_cluster ? env->host_cluster[i] : 0);
        sim_schedule(eng, env->first_host_lp + i, 0, env->kind_host_sample, NULL, 0);
    }
    for (uint32_t k = 0; k < env->n_clusters; k++)
        sim_schedule(eng, env->cluster_lp + k, 0, env->kind_cluster_sample, NULL, 0);
    /* Over MPI ranks (docs/engine.md): hosts are spread, every other LP stays
     * on rank 0; a VM's record is written by whichever LP holds the VM. */
    sim_spread_lps(eng, env->first_host_lp, env->first_host_lp + env->n_hosts);
    /* The CPU figures of a VM's record are the sample's results: its host
     * writes them for all its VMs and reads them back in the same sample
     * (its series, the DRS stage), and no LP of a distributable module
     * reads them elsewhere (model_distributable): local bytes, not sent
     * each sample (vm.h). */
    if (sim_share(eng, "vms", m->vm_store, sizeof *m->vm_store, env->n_vms) != 0 ||
        sim_share_local_bytes(eng, m->vm_store, offsetof(vm, cpu_ready_pct),
                              sizeof(vm) - offsetof(vm, cpu_ready_pct)) != 0 ||
        sim_share(eng, "vm times", m->vm_times, sizeof *m->vm_times, env->n_vms) != 0 ||
        build_demand_states(m, eng) != 0)
        return model_runtime_error(b, "out of memory");
    return MODEL_OK;
}

int core_declare_recording(model_builder *b, core_model *m) { return declare_recording(m, b->scn, b->rec); }

/* The controller's totals at the end of the run (the cluster series hold
 * them only at each sample). */
static const rec_column cluster_columns[] = {
    {"vms_arrived", REC_I64, NULL}, {"vms_rejected", REC_I64, NULL},
    {"vms_queued", REC_I64, NULL},  {"vms_running", REC_I64, NULL},
};

static int write_cluster_totals(const core_model *m, recorder *rec)
{
    int table = rec_table_new(rec, "cluster", cluster_columns, (int)(sizeof cluster_columns / sizeof cluster_columns[0]));
    if (table < 0)
        return -1;
    uint64_t arrived = 0, rejected = 0, queued = 0, live = 0;
    for (uint32_t k = 0; k < m->env.n_clusters; k++) { /* over the clusters: the datacenter's totals */
        const cluster *c = m->ctrls[k];
        arrived += c->arrived;
        rejected += c->placement_failures;
        queued += c->n_queued;
        live += c->live;
    }
    rec_value row[] = {{.i64 = (int64_t)arrived}, {.i64 = (int64_t)rejected}, {.i64 = (int64_t)queued},
                       {.i64 = (int64_t)live}};
    return rec_table_row(rec, table, row);
}

/* With `clusters`: one row per cluster, its settings and its totals. */
static const rec_column clusters_columns[] = {
    {"name", REC_STR, NULL},           {"hosts", REC_I64, NULL},         {"first_host", REC_I64, NULL},
    {"vms", REC_I64, NULL},            {"placement_policy", REC_STR, NULL}, {"drs_enabled", REC_I64, NULL},
    {"dpm_enabled", REC_I64, NULL},    {"ha_enabled", REC_I64, NULL},    {"ha_admission_control", REC_STR, NULL},
    {"vms_arrived", REC_I64, NULL},    {"vms_rejected", REC_I64, NULL},  {"vms_queued", REC_I64, NULL},
    {"vms_running", REC_I64, NULL},
};

static int write_clusters(const core_model *m, const scenario *scn, recorder *rec)
{
    if (!m->dc.explicit_clusters)
        return 0;
    int table = rec_table_new(rec, "clusters", clusters_columns,
                              (int)(sizeof clusters_columns / sizeof clusters_columns[0]));
    if (table < 0)
        return -1;
    for (uint32_t k = 0; k < m->env.n_clusters; k++) {
        const cluster *c = m->ctrls[k];
        char key[64];
        int explicit_clusters = m->dc.explicit_clusters;
        int ha = scn_bool(scn, "%s", datacenter_key(scn, explicit_clusters, k, "ha.enabled", key, sizeof key));
        int drs = scn_bool(scn, "%s", datacenter_key(scn, explicit_clusters, k, "drs.enabled", key, sizeof key));
        int dpm = drs && scn_bool(scn, "%s", datacenter_key(scn, explicit_clusters, k, "dpm.enabled", key, sizeof key));
        const char *admission =
            ha ? scn_string(scn, "%s", datacenter_key(scn, explicit_clusters, k, "ha.admission_control", key, sizeof key))
               : "";
        rec_value row[] = {{.str = scn_string(scn, "clusters.[%u].name", k)},
                           {.i64 = c->n_hosts},
                           {.i64 = c->first_host},
                           {.i64 = m->dc.vms_in[k]},
                           {.str = c->placement.policy ? c->placement.policy->info.name : ""},
                           {.i64 = drs},
                           {.i64 = dpm},
                           {.i64 = ha},
                           {.str = admission},
                           {.i64 = (int64_t)c->arrived},
                           {.i64 = (int64_t)c->placement_failures},
                           {.i64 = (int64_t)c->n_queued},
                           {.i64 = (int64_t)c->live}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}

int core_write_tables(const core_model *m, const scenario *scn, recorder *rec)
{
    if (write_cluster_totals(m, rec) != 0 || write_clusters(m, scn, rec) != 0)
        return -1;
    enum { N_VM_COLUMNS = sizeof vm_columns / sizeof vm_columns[0] };
    rec_column columns[N_VM_COLUMNS + 1];
    memcpy(columns, vm_columns, sizeof vm_columns);
    columns[N_VM_COLUMNS] = (rec_column){"cluster", REC_STR, NULL};
    int table = rec_table_new(rec, "vms", columns, N_VM_COLUMNS + (m->dc.explicit_clusters ? 1 : 0));
    if (table < 0 || rec_table_reserve(rec, table, m->env.n_vms) != 0)
        return -1;
    /* each cluster's name looked up once, and a group's once per run of
     * its VMs: two scenario paths per VM were a third of this serial end
     * of a run (issue 18 item 3) */
    const char **cluster_names = calloc(m->dc.n_clusters, sizeof *cluster_names);
    if (cluster_names == NULL)
        return -1;
    const char *group = NULL, *cluster_name = "";
    uint32_t group_of = UINT32_MAX;
    int rc = 0;
    for (uint32_t i = 0; i < m->env.n_vms && rc == 0; i++) {
        const vm_spec *s = model_vm_spec(&m->env, i);
        const vm *v = model_vm(&m->env, i);
        if (s->group != group_of) {
            group = scn_string(scn, "vms.[%u].name", s->group);
            group_of = s->group;
        }
        if (m->dc.explicit_clusters || i >= m->dc.n_vms_base) {
            uint32_t c = m->dc.vm_cluster[i];
            if (cluster_names[c] == NULL)
                cluster_names[c] = scn_string(scn, "clusters.[%u].name", c);
            cluster_name = cluster_names[c];
        }
        char name[300];
        core_entity_name(name, sizeof name, group, s->index_in_group);
        if (i >= m->dc.n_vms_base) /* a cross-cluster twin: "<name>@<target cluster>" */
            snprintf(name + strlen(name), sizeof name - strlen(name), "@%s", cluster_name);
        rec_value row[] = {{.str = name},
                           {.str = group},
                           {.i64 = vm_spec_vcpus(s)},
                           {.i64 = (int64_t)vm_spec_memory_mib(s)},
                           {.str = demand_kind_name(vm_spec_cpu_demand(s)->kind)},
                           {.f64 = vm_spec_demand_mean(s, VM_DEMAND_CPU)},
                           {.i64 = vm_spec_start_ns(s)},
                           {.i64 = v->host},
                           {.str = vm_state_name(v->state)},
                           {.i64 = m->vm_times[i].arrived_ns},
                           {.i64 = m->vm_times[i].stopped_ns},
                           {.str = vm_trace_file(m, s)},
                           {.str = m->dc.explicit_clusters ? cluster_name : ""}};
        rc = rec_table_row(rec, table, row) != 0 ? -1 : 0;
    }
    free(cluster_names);
    return rc;
}

double core_group_expected_vms(const workload_group *wg, sim_time_ns until_ns, sim_time_ns *window_ns)
{
    const arrival_spec *a = &wg->arrival;
    double count = (double)wg->count;
    *window_ns = 0;
    if (a->process == ARRIVAL_AT_START)
        return count;
    sim_time_ns end = a->until_ns < until_ns ? a->until_ns : until_ns;
    sim_time_ns window = end > a->start_ns ? end - a->start_ns : 0;
    *window_ns = window;
    double arrivals;
    if (a->process == ARRIVAL_LIST) {
        arrivals = 0.0;
        for (size_t k = 0; k < a->n_offsets; k++)
            if (a->offsets_ns[k] < window)
                arrivals += 1.0;
        /* a list has no steady rate: every listed VM counts at once */
        return arrivals < count ? arrivals : count;
    }
    arrivals = a->gap_ns > 0.0 ? (double)window / a->gap_ns : 0.0;
    if (arrivals > count)
        arrivals = count;
    if (!wg->has_lifetime)
        return arrivals; /* they never leave: all that arrived are there at the end */
    double little = a->gap_ns > 0.0 ? dist_mean(&wg->lifetime) / a->gap_ns : 0.0; /* L = lambda W */
    return little < arrivals ? little : arrivals;
}

void core_describe(const core_model *m, const scenario *scn, FILE *out)
{
    const model_env *env = &m->env;
    double cap_mhz = 0.0;
    uint64_t cores = 0, mem_mib = 0;
    double vcpus = 0.0, vm_mem_mib = 0.0, mean_demand_mhz = 0.0, expected_vms = 0.0;
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        cap_mhz += host_cpu_capacity_mhz(&m->host_specs[i]);
        cores += host_cores(&m->host_specs[i]);
        mem_mib += m->host_specs[i].memory_mib;
    }
    sim_time_ns until_ns = scn_duration_ns(scn, "simulation.until");
    for (int g = 0; g < m->n_groups; g++) {
        const workload_group *wg = &m->groups[g];
        if (wg->count == 0)
            continue;
        sim_time_ns window_ns;
        double at_once = core_group_expected_vms(wg, until_ns, &window_ns);
        /* the group's VMs are alike but for trace demand: weigh the mean demand per VM */
        double demand = 0.0;
        for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++)
            demand += vm_spec_demand_mean(model_vm_spec(env, v), VM_DEMAND_CPU);
        const vm_spec *s = model_vm_spec(env, wg->first_vm);
        expected_vms += at_once;
        vcpus += at_once * vm_spec_vcpus(s);
        vm_mem_mib += at_once * (double)vm_spec_memory_mib(s);
        mean_demand_mhz += at_once * demand / wg->count;
        if (wg->arrival.process != ARRIVAL_AT_START)
            fprintf(out, "arrivals: vms.[%d] '%s': %.1f VMs at once expected of count %" PRIu32 " (%s)\n", g,
                    scn_string(scn, "vms.[%d].name", g), at_once, wg->count,
                    wg->arrival.process == ARRIVAL_LIST ? "every listed arrival before the end"
                    : wg->has_lifetime                  ? "Little's law: rate x mean lifetime, capped by count"
                                                        : "no lifetime: all arrivals by the end, capped by count");
    }
    fprintf(out, "hosts:  %" PRIu32 " in %d groups: %" PRIu64 " cores, %.1f GHz, %.1f GiB\n", env->n_hosts,
            scn_list_len(scn, "hosts"), cores, cap_mhz / 1000.0, (double)mem_mib / 1024.0);
    fprintf(out, "vms:    %" PRIu32 " in %d groups, %.1f at once expected: %.0f vCPUs, %.1f GiB, mean CPU demand %.1f GHz\n",
            env->n_vms, scn_list_len(scn, "vms"), expected_vms, vcpus, vm_mem_mib / 1024.0, mean_demand_mhz / 1000.0);
    if (cores > 0 && mem_mib > 0 && cap_mhz > 0)
        fprintf(out, "ratios: vCPU:core %.2f, memory %.1f%%, mean CPU demand %.1f%% of capacity (VMs expected at once)\n",
                vcpus / (double)cores, 100.0 * vm_mem_mib / (double)mem_mib, 100.0 * mean_demand_mhz / cap_mhz);
    datacenter_describe(&m->dc, scn, out);
    core_placement_preview(m, out);
}

int core_check(const core_model *m, const scenario *scn, char *err, size_t err_len)
{
    for (int g = 0; g < m->n_groups; g++) {
        const workload_group *wg = &m->groups[g];
        if (wg->count == 0)
            continue;
        const vm_spec *vs = model_vm_spec(&m->env, wg->first_vm);
        placement_request req = {vm_spec_vcpus(vs), vm_spec_memory_mib(vs), vs->host_group, vm_spec_cpu_demand(vs)->mean,
                                 vm_spec_res(vs)->sriov ? 1u : 0u, vm_spec_res(vs)->cpu_reservation_mhz,
                                 vm_spec_res(vs)->memory_reservation_mib};
        uint32_t max_cpus = 0;
        uint64_t max_mib = 0;
        int fits = 0;
        for (uint32_t h = 0; h < m->env.n_hosts && !fits; h++) {
            const placement_host_view *hv = &m->empty_view[h];
            fits = placement_fits(hv, &req);
            if (req.host_group < 0 || hv->group == req.host_group) {
                max_cpus = hv->logical_cpus > max_cpus ? hv->logical_cpus : max_cpus;
                max_mib = hv->memory_mib > max_mib ? hv->memory_mib : max_mib;
            }
        }
        if (fits)
            continue;
        char key[64];
        const char *what = vm_spec_vcpus(vs) > max_cpus        ? "vcpus"
                           : vm_spec_memory_mib(vs) > max_mib ? "memory"
                                                                : "name";
        snprintf(key, sizeof key, "vms.[%d].%s", g, what);
        return scn_key_error(scn, err, err_len, key,
                             "a VM of group '%s' (%" PRIu32 " vCPUs, %.1f GiB, its reservations and SR-IOV) fits on "
                             "no host%s, not even an empty one (largest: %" PRIu32 " logical CPUs, %.1f GiB "
                             "placeable): it could never run",
                             scn_string(scn, "vms.[%d].name", g), vm_spec_vcpus(vs),
                             (double)vm_spec_memory_mib(vs) / 1024.0,
                             vs->host_group >= 0 ? " of its host group" : "", max_cpus, (double)max_mib / 1024.0);
    }
    return 0;
}

void core_free(core_model *m)
{
    if (m->hosts)
        for (uint32_t i = 0; i < m->env.n_hosts; i++)
            host_release(&m->hosts[i]);
    free(m->hosts);
    free(m->host_specs);
    free(m->vm_spec_store);
    free(m->vm_slot);
    free(m->vm_group_specs);
    free(m->vm_demand_slot);
    free(m->vm_demand_states);
    free(m->vm_store);
    free(m->vm_times);
    if (m->ctrls)
        for (uint32_t k = 0; k < m->env.n_clusters; k++)
            if (m->ctrls[k])
                cluster_release(m->ctrls[k]);
    free(m->ctrls);
    free(m->ctrl_more);
    free(m->empty_view);
    free(m->shared_view);
    for (uint32_t t = 0; m->thread_scratch && t < m->n_thread_scratch; t++)
        host_scratch_free(&m->thread_scratch[t]);
    free(m->thread_scratch);
    free(m->vm_local);
    datacenter_free(&m->dc);
    if (m->groups)
        for (int g = 0; g < m->n_groups; g++)
            workload_group_free(&m->groups[g]);
    free(m->groups);
    workload_demands_free(&m->demands);
}
