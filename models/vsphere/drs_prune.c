/* drs_prune.c - host lists and extreme-host selection for DRS's pruned
 * search (see drs_prune.h). */
#include "models/vsphere/drs_prune.h"

#include <stdlib.h>

int drs_host_lists_init(drs_host_lists *l, uint32_t n_hosts, uint32_t n_vms, const int32_t *assignment)
{
    l->n_hosts = n_hosts;
    l->n_vms = n_vms;
    l->head = malloc((n_hosts ? n_hosts : 1) * sizeof *l->head);
    l->next = malloc((n_vms ? n_vms : 1) * sizeof *l->next);
    l->prev = malloc((n_vms ? n_vms : 1) * sizeof *l->prev);
    if (!l->head || !l->next || !l->prev) {
        drs_host_lists_free(l);
        return -1;
    }
    for (uint32_t h = 0; h < n_hosts; h++)
        l->head[h] = -1;
    /* backwards so that each list starts in ascending VM order */
    for (uint32_t v = n_vms; v-- > 0;) {
        l->next[v] = l->prev[v] = -1;
        drs_host_lists_move(l, v, -1, assignment[v]);
    }
    return 0;
}

void drs_host_lists_move(drs_host_lists *l, uint32_t v, int32_t from, int32_t to)
{
    if (from >= 0 && (uint32_t)from < l->n_hosts) {
        if (l->prev[v] >= 0)
            l->next[l->prev[v]] = l->next[v];
        else
            l->head[from] = l->next[v];
        if (l->next[v] >= 0)
            l->prev[l->next[v]] = l->prev[v];
        l->next[v] = l->prev[v] = -1;
    }
    if (to >= 0 && (uint32_t)to < l->n_hosts) {
        l->prev[v] = -1;
        l->next[v] = l->head[to];
        if (l->head[to] >= 0)
            l->prev[l->head[to]] = (int32_t)v;
        l->head[to] = (int32_t)v;
    }
}

void drs_host_lists_free(drs_host_lists *l)
{
    free(l->head);
    free(l->next);
    free(l->prev);
    l->head = l->next = l->prev = NULL;
}

uint32_t drs_prune_width(uint32_t n_hosts)
{
    uint32_t log2_ceil = 0;
    while (log2_ceil < 32 && ((uint64_t)1 << log2_ceil) < n_hosts)
        log2_ceil++;
    uint32_t k = 2 * log2_ceil;
    return k < 4 ? 4 : k;
}

/* a ranks before b: more extreme key, then lower index */
static int ranks_before(const double *key, uint32_t a, uint32_t b, int largest)
{
    if (key[a] != key[b])
        return largest ? key[a] > key[b] : key[a] < key[b];
    return a < b;
}

void drs_prune_select(const double *key, const double *eligible, uint32_t n, uint32_t k, int largest,
                      uint32_t *sorted, uint8_t *mark, uint32_t *out, uint32_t *n_out)
{
    uint32_t m = 0;
    if (k == 0)
        return;
    for (uint32_t h = 0; h < n; h++) {
        if (eligible[h] == 0.0)
            continue;
        if (m == k && !ranks_before(key, h, sorted[m - 1], largest))
            continue;
        uint32_t i = m < k ? m++ : k - 1; /* the last one falls off when full */
        while (i > 0 && ranks_before(key, h, sorted[i - 1], largest)) {
            sorted[i] = sorted[i - 1];
            i--;
        }
        sorted[i] = h;
    }
    for (uint32_t i = 0; i < m; i++)
        if (!mark[sorted[i]]) {
            mark[sorted[i]] = 1;
            out[(*n_out)++] = sorted[i];
        }
}
