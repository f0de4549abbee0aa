/* drs_prune.h - the data of DRS's bounded search (drs.search = "pruned",
 * docs/vsphere.md "Cost of a pass"): which VMs sit on which host, kept up
 * to date move by move, and the host orders it scans in.
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

/* A host in the bounded search: 1/C and deviation d of the resource
 * searched on. */
typedef struct drs_host_key {
    double inv, dev;
    uint32_t host;
} drs_host_key;

/* Destinations: by inv, then dev ascending, then host. Sources: by dev
 * descending, then host. */
void drs_host_keys_sort_dest(drs_host_key *k, uint32_t n);
void drs_host_keys_sort_src(drs_host_key *k, uint32_t n);

#endif
