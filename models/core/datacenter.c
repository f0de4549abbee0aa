/* datacenter.c - many clusters under one vCenter (see datacenter.h). */
#include "models/core/datacenter.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int oom(datacenter *dc)
{
    datacenter_free(dc);
    return -1;
}

/* No `clusters`: one cluster of every host group in list order. */
static int read_single(const scenario *scn, datacenter *dc)
{
    dc->n_clusters = 1;
    for (int g = 0; g < dc->n_groups; g++) {
        dc->group_cluster[g] = 0;
        dc->group_order[g] = g;
    }
    (void)scn;
    return 0;
}

int datacenter_read(const scenario *scn, datacenter *dc, char *err, size_t err_len)
{
    *dc = (datacenter){0};
    dc->n_groups = scn_list_len(scn, "hosts");
    int n_clusters = scn_list_len(scn, "clusters");
    size_t ng = dc->n_groups > 0 ? (size_t)dc->n_groups : 1;
    size_t nc = n_clusters > 0 ? (size_t)n_clusters : 1;
    dc->group_cluster = malloc(ng * sizeof *dc->group_cluster);
    dc->group_order = malloc(ng * sizeof *dc->group_order);
    dc->first_host = calloc(nc, sizeof *dc->first_host);
    dc->n_hosts = calloc(nc, sizeof *dc->n_hosts);
    dc->vms_in = calloc(nc, sizeof *dc->vms_in);
    if (!dc->group_cluster || !dc->group_order || !dc->first_host || !dc->n_hosts || !dc->vms_in)
        return oom(dc);
    if (n_clusters == 0)
        return read_single(scn, dc);
    dc->explicit_clusters = 1;
    dc->n_clusters = (uint32_t)n_clusters;
    for (int g = 0; g < dc->n_groups; g++)
        dc->group_cluster[g] = -1;
    int next = 0;
    char key[128];
    for (int c = 0; c < n_clusters; c++) {
        int n = scn_list_len(scn, "clusters.[%d].hosts", c);
        if (n == 0) {
            snprintf(key, sizeof key, "clusters.[%d].hosts", c);
            return scn_key_error(scn, err, err_len, key,
                                 "cluster '%s' has no hosts (expected at least one host group: hosts = ( { group = "
                                 "\"NAME\"; } ))",
                                 scn_string(scn, "clusters.[%d].name", c));
        }
        for (int i = 0; i < n; i++) {
            const char *name = scn_string(scn, "clusters.[%d].hosts.[%d].group", c, i);
            int g = scn_list_find(scn, "hosts", name);
            snprintf(key, sizeof key, "clusters.[%d].hosts.[%d].group", c, i);
            if (g < 0)
                return scn_key_error(scn, err, err_len, key, "no host group is named '%.100s' (expected a hosts.[].name)",
                                     name);
            if (dc->group_cluster[g] >= 0)
                return scn_key_error(scn, err, err_len, key,
                                     "host group '%.100s' is already in cluster '%s' (a host group belongs to one "
                                     "cluster)",
                                     name, scn_string(scn, "clusters.[%d].name", dc->group_cluster[g]));
            dc->group_cluster[g] = c;
            dc->group_order[next++] = g;
        }
    }
    for (int g = 0; g < dc->n_groups; g++)
        if (dc->group_cluster[g] < 0) {
            snprintf(key, sizeof key, "hosts.[%d].name", g);
            return scn_key_error(scn, err, err_len, key,
                                 "host group '%.100s' is in no cluster (with `clusters`, every host group belongs to "
                                 "one: add it to a cluster's hosts)",
                                 scn_string(scn, "hosts.[%d].name", g));
        }
    return 0;
}

int datacenter_assign_hosts(datacenter *dc, const uint32_t *host_group, uint32_t n_hosts)
{
    if (!dc->explicit_clusters) {
        dc->n_hosts[0] = n_hosts;
        return 0;
    }
    dc->host_cluster = malloc((n_hosts ? n_hosts : 1) * sizeof *dc->host_cluster);
    if (!dc->host_cluster)
        return -1;
    for (uint32_t h = 0; h < n_hosts; h++) {
        uint32_t c = (uint32_t)dc->group_cluster[host_group[h]];
        dc->host_cluster[h] = c;
        if (dc->n_hosts[c]++ == 0)
            dc->first_host[c] = h; /* hosts come cluster by cluster */
    }
    return 0;
}

/* The cluster a VM group names (vms.[g].cluster) or that its host group is
 * in; -1 when neither is given. -2 on a contradiction (err written). */
static int32_t group_cluster_of(const datacenter *dc, const scenario *scn, int g, int32_t host_group, char *err,
                                size_t err_len)
{
    const char *name = scn_string(scn, "vms.[%d].cluster", g);
    int32_t named = -1;
    char key[64];
    snprintf(key, sizeof key, "vms.[%d].cluster", g);
    if (name[0]) {
        named = scn_list_find(scn, "clusters", name);
        if (named < 0)
            return scn_key_error(scn, err, err_len, key, "no cluster is named '%.100s' (expected a clusters.[].name)",
                                 name);
    }
    int32_t by_group = host_group >= 0 ? dc->group_cluster[host_group] : -1;
    if (named >= 0 && by_group >= 0 && named != by_group)
        return scn_key_error(scn, err, err_len, key,
                             "the group's host_group '%s' is in cluster '%s', not in '%s'",
                             scn_string(scn, "hosts.[%d].name", host_group),
                             scn_string(scn, "clusters.[%d].name", by_group), name);
    return named >= 0 ? named : by_group;
}

/* The datacenter-level initial placement [M]: the cluster with the most
 * free memory (placeable memory of its hosts minus the configured memory
 * of the VMs already in it) among those with a host the VM fits on when
 * empty; ties to the lowest index; if none admits it, among all. */
static uint32_t place_in_cluster(const datacenter *dc, const uint8_t *admits, const double *free_mib)
{
    int32_t best = -1;
    for (int pass = 0; pass < 2 && best < 0; pass++)
        for (uint32_t c = 0; c < dc->n_clusters; c++)
            if ((pass == 1 || admits[c]) && (best < 0 || free_mib[c] > free_mib[best]))
                best = (int32_t)c;
    return (uint32_t)best;
}

/* vms_in, vm_first and vm_ids from vm_cluster (again after twins are added). 0 or -1. */
int datacenter_index_vms(datacenter *dc, uint32_t n_vms)
{
    uint32_t nc = dc->n_clusters;
    memset(dc->vms_in, 0, nc * sizeof *dc->vms_in);
    for (uint32_t v = 0; v < n_vms; v++)
        dc->vms_in[dc->vm_cluster[v]]++;
    free(dc->vm_first);
    free(dc->vm_ids);
    dc->vm_first = calloc(nc, sizeof *dc->vm_first);
    dc->vm_ids = malloc((n_vms ? n_vms : 1) * sizeof *dc->vm_ids);
    uint32_t *next = calloc(nc, sizeof *next);
    if (!dc->vm_first || !dc->vm_ids || !next) {
        free(next);
        return -1;
    }
    for (uint32_t k = 1; k < nc; k++)
        dc->vm_first[k] = dc->vm_first[k - 1] + dc->vms_in[k - 1];
    for (uint32_t v = 0; v < n_vms; v++) {
        uint32_t k = dc->vm_cluster[v];
        dc->vm_ids[dc->vm_first[k] + next[k]++] = v;
    }
    free(next);
    return 0;
}

int datacenter_assign_vms(datacenter *dc, const scenario *scn, const vm_spec *vms, uint32_t n_vms,
                          const placement_host_view *view, uint32_t n_hosts, char *err, size_t err_len)
{
    if (!dc->explicit_clusters) {
        int n_groups = scn_list_len(scn, "vms");
        for (int g = 0; g < n_groups; g++)
            if (scn_string(scn, "vms.[%d].cluster", g)[0]) {
                char key[64];
                snprintf(key, sizeof key, "vms.[%d].cluster", g);
                return scn_key_error(scn, err, err_len, key,
                                     "names cluster '%.100s' but the scenario has no `clusters` (one cluster of "
                                     "every host): define clusters or leave it out",
                                     scn_string(scn, "vms.[%d].cluster", g));
            }
        dc->vms_in[0] = n_vms;
        dc->n_vms_base = n_vms;
        return 0;
    }
    dc->n_vms_base = n_vms;
    uint32_t nc = dc->n_clusters;
    dc->vm_cluster = malloc((n_vms ? n_vms : 1) * sizeof *dc->vm_cluster);
    double *free_mib = calloc(nc, sizeof *free_mib);
    uint8_t *admits = calloc(nc, 1);
    if (!dc->vm_cluster || !free_mib || !admits) {
        free(free_mib);
        free(admits);
        return -1;
    }
    int rc = 0;
    for (uint32_t h = 0; h < n_hosts; h++)
        free_mib[dc->host_cluster[h]] += (double)view[h].memory_mib;
    /* first the VMs whose cluster is given, so the others see them */
    int32_t c = -1;
    for (uint32_t v = 0; v < n_vms; v++) {
        if ((v == 0 || vms[v].group != vms[v - 1].group) &&
            (c = group_cluster_of(dc, scn, (int)vms[v].group, vms[v].host_group, err, err_len)) == -2) {
            rc = -2;
            break;
        }
        dc->vm_cluster[v] = c >= 0 ? (uint32_t)c : UINT32_MAX;
        if (c >= 0)
            free_mib[c] -= (double)vm_spec_memory_mib(&vms[v]);
    }
    for (uint32_t v = 0; v < n_vms && rc == 0; v++) {
        if (dc->vm_cluster[v] != UINT32_MAX)
            continue;
        const vm_spec *vs = &vms[v];
        if (v == 0 || vs->group != vms[v - 1].group) { /* the VMs of a group are alike */
            placement_request req = {vm_spec_vcpus(vs), vm_spec_memory_mib(vs), -1, vm_spec_cpu_demand(vs)->mean,
                                     vm_spec_res(vs)->sriov ? 1u : 0u,
                                     vm_spec_res(vs)->cpu_reservation_mhz, vm_spec_res(vs)->memory_reservation_mib};
            memset(admits, 0, nc);
            for (uint32_t h = 0; h < n_hosts; h++)
                admits[dc->host_cluster[h]] |= (uint8_t)placement_fits(&view[h], &req);
        }
        uint32_t chosen = place_in_cluster(dc, admits, free_mib);
        dc->vm_cluster[v] = chosen;
        free_mib[chosen] -= (double)vm_spec_memory_mib(vs);
    }
    if (rc == 0 && datacenter_index_vms(dc, n_vms) != 0) {
        free(free_mib);
        free(admits);
        return -1;
    }
    free(free_mib);
    free(admits);
    return rc;
}

const char *datacenter_key(const scenario *scn, int explicit_clusters, uint32_t k, const char *key, char *buf,
                           size_t len)
{
    if (explicit_clusters && scn_is_set(scn, "clusters.[%u].%s", k, key))
        snprintf(buf, len, "clusters.[%u].%s", k, key);
    else
        snprintf(buf, len, "%s", key);
    return buf;
}

uint32_t datacenter_max_hosts(const scenario *scn)
{
    return strcmp(scn_string(scn, "drs.policy"), "vsphere7-score") == 0 ? DATACENTER_MAX_HOSTS_VSPHERE7
                                                                        : DATACENTER_MAX_HOSTS_VSPHERE6;
}

void datacenter_describe(const datacenter *dc, const scenario *scn, FILE *out)
{
    if (!dc->explicit_clusters)
        return;
    uint32_t max = datacenter_max_hosts(scn);
    fprintf(out, "clusters: %" PRIu32 " under one vCenter\n", dc->n_clusters);
    for (uint32_t c = 0; c < dc->n_clusters; c++) {
        const char *name = scn_string(scn, "clusters.[%u].name", c);
        fprintf(out, "cluster %s: %" PRIu32 " hosts (%" PRIu32 " .. %" PRIu32 "), %" PRIu32 " VMs\n", name,
                dc->n_hosts[c], dc->first_host[c], dc->first_host[c] + dc->n_hosts[c] - 1, dc->vms_in[c]);
        const char *evc = scn_string(scn, "clusters.[%u].evc", c);
        const char *datastore = scn_string(scn, "clusters.[%u].datastore", c);
        if (evc[0] || strcmp(datastore, "shared") != 0) /* written only when the scenario sets them */
            fprintf(out, "cluster %s: EVC %s, datastore %s\n", name, evc[0] ? evc : "(not stated)", datastore);
        if (dc->n_hosts[c] > max)
            fprintf(out,
                    "warning: cluster %s has %" PRIu32 " hosts, more than the vSphere %s configuration maximum of %" PRIu32
                    " hosts per cluster (docs/clusters.md)\n",
                    name, dc->n_hosts[c], max == DATACENTER_MAX_HOSTS_VSPHERE7 ? "7.0/8.0" : "6.x", max);
    }
}

void datacenter_free(datacenter *dc)
{
    free(dc->group_cluster);
    free(dc->group_order);
    free(dc->first_host);
    free(dc->n_hosts);
    free(dc->host_cluster);
    free(dc->vm_cluster);
    free(dc->vms_in);
    free(dc->vm_first);
    free(dc->vm_ids);
    free(dc->moves);
    free(dc->balance_first);
    free(dc->balance_cluster);
    *dc = (datacenter){0};
}
