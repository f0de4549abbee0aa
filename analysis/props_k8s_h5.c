/* props_k8s_h5.c - the control plane's pods read from a run (see props_k8s_h5.h). */
#include "analysis/props_k8s_h5.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "analysis/props_lifecycle.h"

#define NAME_LEN 128

struct pk8s_h5 {
    long n_pods;
    size_t *first;      /* n_pods + 1: each pod's records, in time order */
    int64_t *time_ns;   /* per record */
    int *phase;         /* per record: PK8S_* */
    int64_t *workload;  /* per pod */
    long n_workloads;
    char (*workload_name)[NAME_LEN];
};

typedef struct collect_arg {
    size_t n, cap;
    h5r_event *e;
    int failed;
} collect_arg;

static void collect(const h5r_event *e, void *arg)
{
    collect_arg *c = arg;
    if (c->failed)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        h5r_event *g = realloc(c->e, cap * sizeof *g);
        if (!g) {
            c->failed = 1;
            return;
        }
        c->e = g;
        c->cap = cap;
    }
    c->e[c->n++] = *e;
}

static int load_workloads(hid_t file, pk8s_h5 *k, char *err, size_t err_len)
{
    static const char path[] = "/tables/k8s_workloads";
    if (h5r_exists(file, path) == 0)
        return 0;
    hsize_t rows = 0;
    hid_t t = h5r_open_dataset(file, path, 1, &rows, err, err_len);
    if (t < 0)
        return -1;
    size_t bytes = h5r_array_bytes(rows ? rows : 1, NAME_LEN);
    k->workload_name = bytes ? malloc(bytes) : NULL;
    int rc = k->workload_name ? h5r_table_column_strs(t, path, "name", 0, rows, k->workload_name[0], NAME_LEN, err,
                                                      err_len)
                              : -1;
    if (!k->workload_name)
        snprintf(err, err_len, "%s: %llu rows: out of memory", path, (unsigned long long)rows);
    H5Dclose(t);
    k->n_workloads = (long)rows;
    return rc;
}

/* Checks the records and sorts them by pod (stable: each pod's stay in time order). */
static int index_records(pk8s_h5 *k, const collect_arg *c, char *err, size_t err_len)
{
    long n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const h5r_event *e = &c->e[i];
        /* ids count the pods created, each with at least its creation record */
        if (e->subject < 0 || (size_t)e->subject >= c->n || e->a < PK8S_PENDING || e->a > PK8S_DELETED ||
            e->b < 0 || e->b >= k->n_workloads || e->time_ns < 0 || (i > 0 && e->time_ns < c->e[i - 1].time_ns)) {
            snprintf(err, err_len,
                     "/events: k8s_pod_phase record %zu (pod %lld, phase %lld, workload %lld, time %lld ns) is not "
                     "valid for %ld workloads",
                     i, (long long)e->subject, (long long)e->a, (long long)e->b, (long long)e->time_ns,
                     k->n_workloads);
            return -1;
        }
        n = e->subject + 1 > n ? (long)e->subject + 1 : n;
    }
    k->first = calloc((size_t)n + 1, sizeof *k->first);
    k->workload = malloc(((size_t)n + 1) * sizeof *k->workload);
    k->time_ns = malloc((c->n ? c->n : 1) * sizeof *k->time_ns);
    k->phase = malloc((c->n ? c->n : 1) * sizeof *k->phase);
    size_t *fill = calloc((size_t)n + 1, sizeof *fill);
    if (!k->first || !k->workload || !k->time_ns || !k->phase || !fill) {
        free(fill);
        snprintf(err, err_len, "/events: k8s_pod_phase: out of memory");
        return -1;
    }
    for (size_t i = 0; i < c->n; i++)
        k->first[c->e[i].subject + 1]++;
    for (long p = 0; p < n; p++)
        k->first[p + 1] += k->first[p];
    for (size_t i = 0; i < c->n; i++) {
        int64_t p = c->e[i].subject;
        size_t at = k->first[p] + fill[p]++;
        k->time_ns[at] = c->e[i].time_ns;
        k->phase[at] = (int)c->e[i].a;
        if (at == k->first[p])
            k->workload[p] = c->e[i].b;
    }
    free(fill);
    for (long p = 0; p < n; p++)
        if (k->first[p] == k->first[p + 1] || k->phase[k->first[p]] != PK8S_PENDING) {
            snprintf(err, err_len, "/events: k8s_pod_phase: pod %ld has no creation record (phase 0 first)", p);
            return -1;
        }
    k->n_pods = n;
    return 0;
}

int pk8s_h5_load(hid_t file, pk8s_h5 **out, char *err, size_t err_len)
{
    *out = NULL;
    pk8s_h5 *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    static const char *const kinds[] = {"k8s_pod_phase"};
    collect_arg c = {0};
    int rc = load_workloads(file, k, err, err_len);
    if (rc == 0 && h5r_events_each(file, kinds, 1, collect, &c, err, err_len) < 0)
        rc = -1;
    if (rc == 0 && c.failed) {
        snprintf(err, err_len, "/events: k8s_pod_phase: out of memory");
        rc = -1;
    }
    if (rc == 0)
        rc = index_records(k, &c, err, err_len);
    free(c.e);
    if (rc != 0) {
        pk8s_h5_free(k);
        return -1;
    }
    *out = k;
    return 0;
}

long pk8s_h5_count(const pk8s_h5 *k) { return k ? k->n_pods : 0; }

void pk8s_h5_describe(const pk8s_h5 *k, size_t pod, char *name, size_t name_len, char *group, size_t group_len)
{
    const char *w = k->workload_name[k->workload[pod]];
    snprintf(name, name_len, "k8s/%s-%zu", w, pod);
    snprintf(group, group_len, "%s", w);
}

int pk8s_h5_signal(const pk8s_h5 *k, props_atom a, size_t pod, int64_t end_ns, ps_signal *out, char *err,
                   size_t err_len)
{
    ps_init(out, end_ns);
    if ((long)pod >= k->n_pods) {
        snprintf(err, err_len, "/events: k8s pod %zu out of range", pod);
        return -1;
    }
    props_k8s_pod p;
    props_k8s_pod_init(&p);
    if (ps_push(out, 0, props_k8s_pod_value(&p, a)) != 0)
        return -1;
    for (size_t i = k->first[pod]; i < k->first[pod + 1] && k->time_ns[i] < end_ns; i++) {
        props_k8s_pod_record(&p, k->phase[i]);
        if (ps_push(out, k->time_ns[i], props_k8s_pod_value(&p, a)) != 0)
            return -1;
    }
    return 0;
}

void pk8s_h5_free(pk8s_h5 *k)
{
    if (!k)
        return;
    free(k->first);
    free(k->time_ns);
    free(k->phase);
    free(k->workload);
    free(k->workload_name);
    free(k);
}
