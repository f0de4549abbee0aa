/* k8s_metrics.c - per-pod CPU metrics as metrics-server serves them (see k8s_metrics.h). */
#include "models/kubernetes/k8s_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void k8s_usage_history_free(k8s_usage_history *h)
{
    free(h->t_ns);
    free(h->usage_m);
    memset(h, 0, sizeof *h);
}

void k8s_usage_history_note(k8s_usage_history *h, int64_t t_ns, int64_t usage_m, int64_t forget_before_ns)
{
    if (h->n > 0 && h->t_ns[h->n - 1] >= t_ns) {
        h->n--; /* a later change at the same instant wins */
        if (h->n > 0 && h->usage_m[h->n - 1] == usage_m)
            return;
    } else if (h->n > 0 && h->usage_m[h->n - 1] == usage_m) {
        return;
    }
    /* drop the steps that ended before forget_before_ns */
    uint32_t drop = 0;
    while (drop + 1 < h->n && h->t_ns[drop + 1] <= forget_before_ns)
        drop++;
    if (drop > 0) {
        memmove(h->t_ns, h->t_ns + drop, (h->n - drop) * sizeof *h->t_ns);
        memmove(h->usage_m, h->usage_m + drop, (h->n - drop) * sizeof *h->usage_m);
        h->n -= drop;
    }
    if (h->n == h->cap) {
        uint32_t cap = h->cap ? 2 * h->cap : 8;
        int64_t *t = realloc(h->t_ns, cap * sizeof *t);
        if (t == NULL)
            abort();
        h->t_ns = t;
        int64_t *u = realloc(h->usage_m, cap * sizeof *u);
        if (u == NULL)
            abort();
        h->usage_m = u;
        h->cap = cap;
    }
    h->t_ns[h->n] = t_ns;
    h->usage_m[h->n] = usage_m;
    h->n++;
}

int64_t k8s_usage_history_mean_m(const k8s_usage_history *h, int64_t from_ns, int64_t to_ns)
{
    if (to_ns <= from_ns)
        return 0;
    /* millicore-ns as a double: exact below 2^53 (a 1000 m pod over 15 s is
     * 1.5e13), and the same on every machine */
    double sum = 0;
    for (uint32_t i = 0; i < h->n; i++) {
        int64_t a = h->t_ns[i], b = i + 1 < h->n ? h->t_ns[i + 1] : to_ns;
        if (a < from_ns)
            a = from_ns;
        if (b > to_ns)
            b = to_ns;
        if (b > a)
            sum += (double)h->usage_m[i] * (double)(b - a);
    }
    return (int64_t)ceil(sum / (double)(to_ns - from_ns));
}

k8s_pod_metric k8s_pod_metric_at(const k8s_usage_history *h, int64_t resolution_ns, int64_t now_ns,
                                 int64_t start_ns)
{
    k8s_pod_metric m = {0};
    int64_t ts = now_ns / resolution_ns * resolution_ns;
    int64_t age = ts - start_ns;
    if (age < K8S_FRESH_CONTAINER_MIN_NS)
        return m; /* no point before this scrape, or too young for the fresh rule */
    int64_t from;
    if (age < resolution_ns)
        from = start_ns; /* fresh container: the previous point is its start at 0 CPU */
    else if (start_ns < ts - resolution_ns)
        from = ts - resolution_ns; /* it was there at the previous scrape */
    else
        return m;
    m.has = 1;
    m.ts_ns = ts;
    m.window_ns = ts - from;
    m.usage_m = k8s_usage_history_mean_m(h, from, ts);
    return m;
}
