/* workload.c - arrivals, lifetimes, boot times and traces of VM groups
 * (see workload.h). */
#include "models/workload/workload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>



static int fail_key(char *err, size_t err_len, const scenario *scn, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vkey_error(scn, err, err_len, scn_line(scn, "%s", key), key, fmt, ap);
    va_end(ap);
    return -1;
}

/* Prefixes dist_from_scenario's "FILE: key ..." message with the key's line. */
static int read_dist(const scenario *scn, const char *prefix, dist_spec *out, char *err, size_t err_len)
{
    char why[4600];
    if (dist_from_scenario(scn, prefix, out, why, sizeof why) == 0)
        return 0;
    const char *name = scenario_name(scn);
    size_t len = strlen(name);
    int line = scn_line(scn, "%s", prefix);
    if (line > 0 && strncmp(why, name, len) == 0 && why[len] == ':')
        snprintf(err, err_len, "%s:%d%s", name, line, why + len);
    else
        snprintf(err, err_len, "%s", why);
    return -1;
}

/* A trace directory: relative to the scenario file, else to the shared
 * trace folder next to the source tree. */
static void resolve_trace_dir(const scenario *scn, const char *path, char *buf, size_t len)
{
    scn_resolve_path(scn, path, buf, len);
    if (path[0] == '/')
        return;
    struct stat st;
    if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
        return;
    snprintf(buf, len, "%s/../shared/traces/%s", VDCSIM_SOURCE_DIR, path);
}

static int read_arrival(const scenario *scn, int g, arrival_spec *a, char *err, size_t err_len)
{
    char key[128];
    memset(a, 0, sizeof *a);
    a->process = (arrival_process)scn_enum(scn, "vms.[%d].arrival.process", g);
    a->start_ns = scn_duration_ns(scn, "vms.[%d].start", g);
    a->until_ns = scn_duration_ns(scn, "vms.[%d].arrival.until", g);
    double rate = scn_rate(scn, 3600.0, "vms.[%d].arrival.rate", g); /* per hour */
    int64_t interval = scn_duration_ns(scn, "vms.[%d].arrival.interval", g);
    if (a->process == ARRIVAL_POISSON || a->process == ARRIVAL_DETERMINISTIC) {
        int has_rate = scn_is_set(scn, "vms.[%d].arrival.rate", g), has_interval = scn_is_set(scn, "vms.[%d].arrival.interval", g);
        snprintf(key, sizeof key, "vms.[%d].arrival.%s", g, has_rate ? "rate" : "interval");
        if (has_rate == has_interval)
            return fail_key(err, err_len, scn, key, "set exactly one of rate and interval for %s arrivals",
                            scn_string(scn, "vms.[%d].arrival.process", g));
        if (has_rate ? !(rate > 0) : interval <= 0)
            return fail_key(err, err_len, scn, key, "must be > 0 for %s arrivals",
                            scn_string(scn, "vms.[%d].arrival.process", g));
        a->gap_ns = has_rate ? 3600e9 / rate : (double)interval;
    }
    if (a->process == ARRIVAL_LIST) {
        snprintf(key, sizeof key, "vms.[%d].arrival.times", g);
        char why[256];
        if (arrival_parse_times(scn_string(scn, "%s", key), &a->offsets_ns, &a->n_offsets, why, sizeof why) != 0)
            return fail_key(err, err_len, scn, key, "%s", why);
        if (a->n_offsets == 0)
            return fail_key(err, err_len, scn, key, "list arrivals need at least one time");
    }
    return 0;
}

static int read_trace(const scenario *scn, int g, workload_group *wg, uint32_t *count, char *err, size_t err_len)
{
    char key[128];
    trace_format fmt = (trace_format)scn_enum(scn, "vms.[%d].trace.format", g);
    if (fmt == TRACE_NONE)
        return 0;
    const char *format = scn_string(scn, "vms.[%d].trace.format", g);
    scn_path(key, sizeof key, "vms.[%d].trace.path", g);
    const char *path = scn_string(scn, "%s", key);
    if (!path[0])
        return fail_key(err, err_len, scn, key, "a %s trace needs the directory of its VM files", format);
    char dir[8192], why[8192];
    resolve_trace_dir(scn, path, dir, sizeof dir);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        const char *root = getenv("VDCSIM_TRACES");
        if (root && root[0])
            return fail_key(err, err_len, scn, key,
                            "'%s' is a directory neither next to the scenario file nor under %.1000s "
                            "(VDCSIM_TRACES) or %s/../shared/traces",
                            path, root, VDCSIM_SOURCE_DIR);
        return fail_key(err, err_len, scn, key,
                        "'%s' is a directory neither next to the scenario file nor under %s/../shared/traces "
                        "(give the directory that holds the traces with --traces DIR or VDCSIM_TRACES)",
                        path, VDCSIM_SOURCE_DIR);
    }
    long available = trace_count_vms(dir, fmt, why, sizeof why);
    if (available < 0)
        return fail_key(err, err_len, scn, key, "%s", why);
    int64_t first = scn_int(scn, "vms.[%d].trace.first", g);
    if (first > available) {
        snprintf(key, sizeof key, "vms.[%d].trace.first", g);
        return fail_key(err, err_len, scn, key, "%lld is beyond the %ld VM files of %s", (long long)first,
                        available, dir);
    }
    if (scn_is_set(scn, "vms.[%d].count", g)) {
        if (*count > available - first) {
            snprintf(key, sizeof key, "vms.[%d].count", g);
            return fail_key(err, err_len, scn, key, "%u VMs but %s holds %ld VM files from file %lld on", *count,
                            dir, available - first, (long long)first);
        }
    } else {
        *count = (uint32_t)(available - first);
    }
    trace_duplicates dup = (trace_duplicates)scn_enum(scn, "vms.[%d].trace.duplicates", g);
    /* Owned by the group from here on (workload_group_free frees what a
     * failed load left). */
    workload_trace *t = wg->trace = calloc(1, sizeof *wg->trace);
    if (t == NULL)
        return fail_key(err, err_len, scn, key, "out of memory");
    if (trace_load_dup(dir, fmt, dup, (uint32_t)first, *count, &t->table, why, sizeof why) != 0)
        return fail_key(err, err_len, scn, key, "%s", why);
    t->cpu_scale = fmt == TRACE_PLANETLAB ? scn_mhz(scn, "vms.[%d].trace.cpu_full_scale", g) / 100.0 : 1.0;
    t->interp = (trace_interp)scn_enum(scn, "vms.[%d].trace.interpolation", g);
    t->at_end = (trace_at_end)scn_enum(scn, "vms.[%d].trace.at_end", g);
    return 0;
}

int workload_group_read(const scenario *scn, int g, workload_group *out, uint32_t *count, char *err,
                        size_t err_len)
{
    memset(out, 0, sizeof *out);
    *count = (uint32_t)scn_int(scn, "vms.[%d].count", g);
    char prefix[96];
    if (read_arrival(scn, g, &out->arrival, err, err_len) != 0 || read_trace(scn, g, out, count, err, err_len) != 0)
        return -1;
    out->arrival.count = *count;
    if (scn_enum(scn, "vms.[%d].lifetime.distribution", g) != LIFETIME_INFINITE) {
        scn_path(prefix, sizeof prefix, "vms.[%d].lifetime", g);
        if (read_dist(scn, prefix, &out->lifetime, err, err_len) != 0)
            return -1;
        out->has_lifetime = 1;
    }
    scn_path(prefix, sizeof prefix, "vms.[%d].boot_time", g);
    return read_dist(scn, prefix, &out->boot, err, err_len);
}

int workload_group_bind(const scenario *scn, int g, workload_group *wg, const demand_spec *demand[3],
                        const demand_series *per_vm_series[3], char *err, size_t err_len)
{
    static const char *const names[] = {"cpu_demand", "memory_demand", "network_demand"};
    static const trace_resource resources[] = {TRACE_CPU, TRACE_MEMORY, TRACE_NETWORK};
    for (int r = 0; r < 3; r++) {
        demand[r] = wg->demand[r];
        per_vm_series[r] = NULL;
        /* The kind as read from vms.[g].<name>.kind (demand_read.h). */
        if (wg->demand[r]->kind != DEMAND_TRACE)
            continue;
        char key[128];
        scn_path(key, sizeof key, "vms.[%d].%s.kind", g, names[r]);
        workload_trace *t = wg->trace;
        if (t == NULL)
            return fail_key(err, err_len, scn, key, "kind \"trace\" needs vms.[%d].trace.format and .path", g);
        if (!trace_has(&t->table, resources[r]))
            return fail_key(err, err_len, scn, key, "the %s trace has no %s (it records CPU only)",
                            scn_string(scn, "vms.[%d].trace.format", g), names[r]);
        /* only the trace-kind resources, and per VM only its series */
        if (!t->vm_series[r] && !(t->vm_series[r] = calloc((size_t)wg->count + 1, sizeof *t->vm_series[r])))
            return -2;
        demand_spec *d = &t->demand[r];
        *d = *wg->demand[r];
        d->series = (demand_series){0};
        d->scale = r == 0 ? t->cpu_scale : 1.0;
        d->interp = t->interp;
        d->at_end = t->at_end;
        demand[r] = d;
        per_vm_series[r] = t->vm_series[r]; /* VM k's: per_vm_series[r] + k */
        for (uint32_t k = 0; k < wg->count; k++)
            t->vm_series[r][k] = trace_series(&t->table, k, resources[r]);
    }
    return 0;
}

void workload_group_free(workload_group *wg)
{
    arrival_free(&wg->arrival);
    dist_free(&wg->lifetime);
    dist_free(&wg->boot);
    if (wg->trace != NULL) {
        trace_free(&wg->trace->table);
        for (int r = 0; r < 3; r++)
            free(wg->trace->vm_series[r]);
    }
    free(wg->trace);
    wg->trace = NULL;
}
