/* placement.c - initial placement policies (see placement.h). */
#include "models/core/placement.h"

#include <stdlib.h>
#include <string.h>

#include "models/vsphere/drs.h"

int placement_policy_parse(const char *name, placement_policy *out)
{
    if (strcmp(name, "first_fit") == 0) {
        *out = PLACEMENT_FIRST_FIT;
        return 0;
    }
    if (strcmp(name, "drs") == 0) {
        *out = PLACEMENT_DRS;
        return 0;
    }
    return -1;
}

int placement_fits(const placement_host_view *h, const placement_request *req)
{
    if (!h->usable)
        return 0;
    if (req->host_group >= 0 && h->group != req->host_group)
        return 0;
    if (req->vcpus > h->logical_cpus)
        return 0;
    if (h->committed_sriov_vfs + req->sriov_vfs > h->sriov_vfs)
        return 0;
    if (h->reserved_cpu_mhz + req->cpu_reservation_mhz > h->cpu_mhz)
        return 0;
    if (h->reserved_memory_mib + req->memory_reservation_mib > (double)h->physical_memory_mib)
        return 0;
    return h->committed_memory_mib + req->memory_mib <= h->memory_mib;
}

int32_t placement_choose(placement_policy policy, const placement_host_view *hosts, uint32_t n_hosts,
                         const placement_request *req)
{
    switch (policy) {
    case PLACEMENT_FIRST_FIT:
        for (uint32_t i = 0; i < n_hosts; i++)
            if (placement_fits(&hosts[i], req))
                return (int32_t)i;
        return -1;
    case PLACEMENT_DRS: {
        /* Committed memory is the memory entitlement: the controller does
         * not overcommit memory, so the fit check and the load agree. */
        drs_load_view *view = malloc((size_t)(n_hosts ? n_hosts : 1) * sizeof *view);
        int32_t chosen;
        if (view == NULL)
            return -1;
        for (uint32_t i = 0; i < n_hosts; i++) {
            view[i].cpu_capacity_mhz = hosts[i].cpu_mhz;
            view[i].mem_capacity_mib = (double)hosts[i].memory_mib;
            view[i].cpu_entitled_mhz = hosts[i].committed_cpu_mhz;
            view[i].mem_entitled_mib = (double)hosts[i].committed_memory_mib;
            view[i].balancing = hosts[i].usable;
            view[i].feasible = placement_fits(&hosts[i], req);
        }
        chosen = drs_place_by_load(view, n_hosts, req->cpu_mhz, (double)req->memory_mib, DRS_COMBINE_MAX);
        free(view);
        return chosen;
    }
    }
    return -1;
}
