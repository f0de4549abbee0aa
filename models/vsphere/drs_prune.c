/* drs_prune.c - host lists and host orders for DRS's bounded search (see
 * drs_prune.h). */
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

static int cmp_dest(const void *pa, const void *pb)
{
    const drs_host_key *a = pa, *b = pb;
    if (a->inv != b->inv)
        return a->inv < b->inv ? -1 : 1;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    return (a->host > b->host) - (a->host < b->host);
}

static int cmp_src(const void *pa, const void *pb)
{
    const drs_host_key *a = pa, *b = pb;
    if (a->dev != b->dev)
        return a->dev > b->dev ? -1 : 1;
    return (a->host > b->host) - (a->host < b->host);
}

void drs_host_keys_sort_dest(drs_host_key *k, uint32_t n)
{
    qsort(k, n, sizeof *k, cmp_dest);
}

void drs_host_keys_sort_src(drs_host_key *k, uint32_t n)
{
    qsort(k, n, sizeof *k, cmp_src);
}
