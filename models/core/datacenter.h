/* datacenter.h - many clusters under one vCenter (the `clusters` key,
 * docs/clusters.md).
 *
 * Without `clusters` a run is one cluster holding every host and VM, as
 * before: n_clusters = 1 and no maps. With it:
 *  - each cluster names its host groups (clusters.[].hosts.[].group); a
 *    host group belongs to exactly one cluster, and hosts are numbered
 *    cluster by cluster (in the order of clusters.[], then of each
 *    cluster's groups), so that cluster k's hosts are one range
 *    first_host[k] .. first_host[k] + n_hosts[k] - 1;
 *  - a VM group belongs to the cluster of vms.[].cluster, else to the
 *    cluster of its vms.[].host_group, else each of its VMs is placed into
 *    a cluster by the datacenter-level initial placement at build time
 *    (datacenter_assign_vms, the rule in docs/clusters.md).
 * The controller of each cluster is its own LP (models/core/cluster.h).
 */
#ifndef VDCSIM_MODELS_CORE_DATACENTER_H
#define VDCSIM_MODELS_CORE_DATACENTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/core/placement.h"
#include "models/core/vm.h"
#include "scenario/scenario.h"

/* The vSphere configuration maximum of hosts per cluster (VMware
 * Configuration Maximums, vSphere 6.0-6.7: 64; 7.0 and 8.0: 96). */
#define DATACENTER_MAX_HOSTS_VSPHERE6 64u
#define DATACENTER_MAX_HOSTS_VSPHERE7 96u

typedef struct datacenter {
    int explicit_clusters; /* the scenario has a non-empty `clusters` list */
    uint32_t n_clusters;   /* 1 without `clusters` */
    int32_t *group_cluster; /* per host group: its cluster */
    int32_t *group_order;   /* the host groups in host numbering order */
    int n_groups;
    uint32_t *first_host, *n_hosts; /* per cluster */
    uint32_t *host_cluster;         /* per host (NULL without clusters) */
    uint32_t *vm_cluster;           /* per VM (NULL without clusters) */
    uint32_t *vms_in;               /* per cluster: VMs that belong to it */
    uint32_t *vm_first;             /* per cluster: its VMs are vm_ids[vm_first[k] .. + vms_in[k]) */
    uint32_t *vm_ids;               /* the VMs cluster by cluster, each in id order */
    /* Cross-cluster vMotion (vcenter.migrations, docs/clusters.md): each
     * VM a scheduled action moves has a twin, a VM appended after the
     * scenario's n_vms_base VMs that belongs to the target cluster and
     * starts off; the move powers the original off and the twin on. */
    uint32_t n_vms_base;            /* the scenario's VMs; twins are n_vms_base .. */
    struct datacenter_move *moves;  /* in action order, then VM id */
    uint32_t n_moves;
    /* Cross-cluster rebalancing (vcenter.cross_cluster_balance): moves
     * [n_scheduled, n_moves) are the candidates the balancer may start,
     * one per VM and cluster it may go to, each with its twin; those of a
     * VM are consecutive, in cluster order, from balance_first[vm]. */
    uint32_t n_scheduled;           /* vcenter.migrations moves: [0, n_scheduled) */
    uint32_t *balance_first;        /* per scenario VM: its first candidate, UINT32_MAX none (NULL: balancer off) */
    uint8_t *balance_cluster;       /* per cluster: 1 if the balancer moves VMs out of and into it */
} datacenter;

/* One VM moved by one vcenter.migrations action. */
typedef struct datacenter_move {
    sim_time_ns at_ns;     /* vcenter.migrations.[action].at */
    uint32_t action;       /* vcenter.migrations.[action] */
    uint32_t vm;           /* the VM moved (a scenario VM) */
    uint32_t twin;         /* its twin in the target cluster, UINT32_MAX when EVC refuses the move */
    uint32_t from, to;     /* clusters */
    uint8_t evc_ok;        /* the target's EVC baseline covers the source's */
    uint8_t shared_storage; /* both clusters name the same datastore: no disk copy */
    uint8_t balance;        /* a rebalancing candidate (action and at_ns unused) */
} datacenter_move;

/* Reads `clusters` and maps host groups to clusters. 0, -1 out of memory,
 * -2 bad input ("FILE:LINE: key 'K': why" in err): a group in two
 * clusters, a group in none, a cluster without hosts. */
int datacenter_read(const scenario *scn, datacenter *dc, char *err, size_t err_len);

/* Fills host_cluster and the ranges from each host's group (hosts built
 * in group_order). 0 or -1 (no memory). */
int datacenter_assign_hosts(datacenter *dc, const uint32_t *host_group, uint32_t n_hosts);

/* Puts every VM into a cluster. view: every host, empty (capacities only).
 * 0, -1 out of memory, -2 bad input (vms.[].cluster against its host
 * group's cluster, or a VM that fits in no cluster). */
int datacenter_assign_vms(datacenter *dc, const scenario *scn, const vm_spec *vms, uint32_t n_vms,
                          const placement_host_view *view, uint32_t n_hosts, char *err, size_t err_len);

/* The key that sets `key` ("drs.enabled") for cluster k: the cluster's
 * own "clusters.[k].drs.enabled" when the scenario has `clusters` and
 * writes it, else `key` itself (the cluster inherits). Returns buf. */
const char *datacenter_key(const scenario *scn, int explicit_clusters, uint32_t k, const char *key, char *buf,
                           size_t len);

/* The configuration maximum of hosts per cluster for the vSphere version
 * the scenario models (drs.policy vsphere7-score: 7.0+, else 6.x). */
uint32_t datacenter_max_hosts(const scenario *scn);

/* `vdcsim check` lines: one per cluster, and a warning per cluster above
 * the configuration maximum. */
void datacenter_describe(const datacenter *dc, const scenario *scn, FILE *out);

/* vms_in, vm_first and vm_ids from vm_cluster[0 .. n_vms). 0 or -1. */
int datacenter_index_vms(datacenter *dc, uint32_t n_vms);

/* Reads vcenter.migrations (after datacenter_assign_vms) and appends one
 * twin per moved VM to *specs / *vms / *times (reallocated), in the target cluster,
 * starting off; with vcenter.cross_cluster_balance, also one candidate
 * move and twin per VM not moved by a migration and per other cluster it
 * may be rebalanced to (datacenter_balance_pair); redoes the per-cluster
 * VM lists. Nothing changes without migrations or the balancer. 0, -1 out of memory, -2 bad input (err written). */
int datacenter_plan_moves(datacenter *dc, const scenario *scn, vm_spec **specs, vm **vms, vm_times **times,
                          uint32_t *n_vms, uint64_t max_vms, char *err, size_t err_len);

/* 1 if the rebalancer may move a VM from cluster `from` to `to`: both
 * take part (DRS on), EVC compatible, the same datastore. */
int datacenter_balance_pair(const datacenter *dc, const scenario *scn, uint32_t from, uint32_t to);

/* EVC (docs/clusters.md): 1 if `name` is "" or a known baseline. */
int datacenter_evc_known(const char *name);
/* 1 if a VM running under baseline `from` may vMotion to a cluster with
 * baseline `to`: the same vendor and the same or a later generation (a
 * superset of CPU features), or both not stated. */
int datacenter_evc_compatible(const char *from, const char *to);

void datacenter_free(datacenter *dc);

#endif
