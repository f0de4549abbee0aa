/* placement_preview.c - for `vdcsim check`: the placement policy in force,
 * replayed on the controller's fresh view over the VMs that power on at
 * fixed times (in start order, ties by index, none leaving), with each
 * VM's long-run mean CPU demand committed where it lands. It warns when
 * that leaves some host's expected CPU demand above its capacity while
 * another host is idle (under 10 % of its capacity): first fit packs by
 * memory and ignores CPU, which a host-count what-if cannot undo (issue 14
 * item 10). A preview only: arrivals, lifetimes, failures and DRS moves are
 * not replayed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/core/cluster.h"
#include "models/core/core_build.h"
#include "models/core/placement.h"

static const core_model *sort_model; /* qsort has no context argument */

static int by_start(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    sim_time_ns sx = sort_model->vm_times[x].arrived_ns, sy = sort_model->vm_times[y].arrived_ns;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return (x > y) - (x < y);
}

void core_placement_preview(const core_model *m, FILE *out)
{
    uint32_t n_hosts = m->env.n_hosts, n_vms = m->env.n_vms;
    if (n_hosts < 2 || m->ctrl.placement.policy == NULL || m->dc.explicit_clusters)
        return; /* with clusters: not modelled (docs/clusters.md, Limits) */
    placement_host_view *view = malloc((size_t)n_hosts * sizeof *view);
    uint32_t *order = malloc((size_t)(n_vms ? n_vms : 1) * sizeof *order);
    if (!view || !order) {
        free(view);
        free(order);
        return;
    }
    for (uint32_t h = 0; h < n_hosts; h++)
        view[h] = m->empty_view[h];
    uint32_t n = 0;
    for (uint32_t v = 0; v < n_vms; v++)
        if (m->vm_times[v].arrived_ns >= 0 && !model_vm_spec(&m->env, v)->starts_off)
            order[n++] = v;
    sort_model = m;
    qsort(order, n, sizeof *order, by_start);
    for (uint32_t i = 0; i < n; i++) {
        placement_request req = cluster_spec_request(model_vm_spec(&m->env, order[i]));
        int32_t h = placement_choose(&m->ctrl.placement, view, n_hosts, &req, NULL);
        if (h < 0)
            continue;
        placement_view_add(&view[h], &req);
    }
    uint32_t over = 0, idle = 0;
    int32_t worst = -1;
    double worst_ratio = 0.0;
    for (uint32_t h = 0; h < n_hosts; h++) {
        double cap = view[h].cpu_mhz, ratio = cap > 0.0 ? view[h].committed_cpu_mhz / cap : 0.0;
        if (ratio > 1.0) {
            over++;
            if (ratio > worst_ratio) {
                worst_ratio = ratio;
                worst = (int32_t)h;
            }
        } else if (ratio < 0.1) {
            idle++;
        }
    }
    char worst_name[320] = "?";
    if (worst >= 0) {
        const host_spec *hs = &m->host_specs[worst];
        snprintf(worst_name, sizeof worst_name, "%s-%02" PRIu32, scn_string(m->scn, "hosts.[%u].name", hs->group),
                 hs->index_in_group + 1);
    }
    if (over > 0 && idle > 0)
        fprintf(out,
                "warning: placement %s leaves the mean CPU demand above capacity on %" PRIu32 " host%s (%s"
                " at %.0f %%) while %" PRIu32 " host%s idle (under 10 %%): adding hosts will not help; "
                "placement.policy = \"drs\" (the default with drs.enabled) places by load\n",
                m->ctrl.placement.policy->info.name, over, over == 1 ? "" : "s", worst_name, 100.0 * worst_ratio, idle,
                idle == 1 ? " is" : "s are");
    free(view);
    free(order);
}
