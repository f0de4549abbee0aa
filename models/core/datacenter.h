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
} datacenter;

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

void datacenter_free(datacenter *dc);

#endif
