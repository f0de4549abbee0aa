/* drs_placement_policy.c - the "drs" VM placement policy: DRS initial
 * placement on the cluster controller's view (drs.h, drs_place_by_load):
 * among the hosts where the VM fits, the one giving the least combined
 * imbalance of committed expected CPU demand and memory; ties to the lower
 * index (docs/vsphere.md). Listed in models/policies/registries.c. */
#include <stdlib.h>

#include "models/vsphere/drs.h"
#include "vdcsim/placement.h"

/* call->fits on host h of the call, for drs_place_by_load_fits */
static int call_fits(const void *arg, uint32_t h)
{
    const vdcsim_placement_call *call = arg;
    return call->fits(&call->hosts[h], call->req);
}

static int32_t drs_choose(const vdcsim_placement_call *call)
{
    uint32_t n_hosts = call->n_hosts;
    /* Committed memory is the memory entitlement: the controller does not
     * overcommit memory, so the fit check and the load agree. The fit is
     * asked only of the hosts that would win (drs_place_by_load_fits): the
     * same host as asking every host first. */
    if (n_hosts == 0)
        return -1; /* no host: drs_place_by_load_fits would find none */
    drs_load_view on_stack[128]; /* a cluster's worth (vSphere's maximum is 96 hosts) without malloc */
    drs_load_view *view = n_hosts <= 128 ? on_stack : malloc((size_t)n_hosts * sizeof *view);
    if (view == NULL)
        return -1;
    for (uint32_t i = 0; i < n_hosts; i++) {
        const vdcsim_placement_host *h = &call->hosts[i];
        view[i].cpu_capacity_mhz = h->cpu_mhz;
        view[i].mem_capacity_mib = (double)h->memory_mib;
        view[i].cpu_entitled_mhz = h->committed_cpu_mhz;
        view[i].mem_entitled_mib = (double)h->committed_memory_mib;
        view[i].balancing = h->usable;
        view[i].feasible = -1; /* unread: asked through call_fits */
    }
    int32_t chosen = drs_place_by_load_fits(view, n_hosts, call->req->cpu_mhz, (double)call->req->memory_mib,
                                            DRS_COMBINE_MAX, call_fits, call);
    if (view != on_stack)
        free(view);
    return chosen;
}

const vdcsim_placement_policy drs_placement_policy = {
    .info = {.name = "drs",
             .doc = "DRS initial placement: among the hosts where the VM fits, the one giving the least "
                    "combined imbalance (max of the CPU and memory standard deviations of normalised "
                    "entitlement) of committed expected CPU demand and memory; ties to the lower index "
                    "(docs/vsphere.md)."},
    .choose = drs_choose,
};
