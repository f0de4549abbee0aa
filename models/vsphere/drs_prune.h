/* drs_prune.h - the candidate sets of DRS's pruned search (drs.search =
 * "pruned", docs/vsphere.md "Cost of a pass"): which VMs sit on which host,
 * kept up to date move by move, and the k most / least loaded hosts.
 *
 * Internal to drs.c. Pure data structures, no allocation after init.
 */
#ifndef VDCSIM_MODELS_DRS_PRUNE_H
#define VDCSIM_MODELS_DRS_PRUNE_H

#include <stdint.h>

/* VMs per host as doubly linked lists threaded through per-VM arrays:
 * moving a VM is O(1), listing a host's VMs is O(its VMs). The order
 * inside a list is not meaningful (the search breaks ties by index). */
typedef struct drs_host_lists {
    int32_t *head; /* n_hosts: first VM on the host, -1 none */
    int32_t *next; /* n_vms */
    int32_t *prev; /* n_vms */
    uint32_t n_hosts, n_vms;
} drs_host_lists;

/* VMs whose assignment is outside 0..n_hosts-1 are in no list. 0 or -1. */
int drs_host_lists_init(drs_host_lists *l, uint32_t n_hosts, uint32_t n_vms, const int32_t *assignment);
void drs_host_lists_move(drs_host_lists *l, uint32_t v, int32_t from, int32_t to);
void drs_host_lists_free(drs_host_lists *l);

/* How many hosts of each extreme the pruned search looks at:
 * max(4, 2 ceil(log2 H)) (every host when H is at most that). */
uint32_t drs_prune_width(uint32_t n_hosts);

/* Appends to out[*n_out] the hosts among the first n with eligible[h] != 0
 * holding the k largest (largest != 0) or k smallest key[h], ties to the
 * lower index, skipping hosts already marked (mark[h] != 0) and marking
 * the ones appended. sorted is scratch for k entries. O(n k) worst case,
 * O(n) typical. */
void drs_prune_select(const double *key, const double *eligible, uint32_t n, uint32_t k, int largest,
                      uint32_t *sorted, uint8_t *mark, uint32_t *out, uint32_t *n_out);

#endif
