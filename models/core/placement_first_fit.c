/* placement_first_fit.c - the first_fit placement policy: the
 * lowest-numbered host where the VM fits (placement.h). [M] */
#include "models/core/placement.h"

static int32_t first_fit_choose(const vdcsim_placement_call *call)
{
    if (call->next_host) { /* the same hosts in the same order, skipping those short of memory */
        for (uint32_t i = call->next_host(call, 0); i < call->n_hosts; i = call->next_host(call, i + 1))
            if (call->fits(&call->hosts[i], call->req))
                return (int32_t)i;
        return -1;
    }
    for (uint32_t i = 0; i < call->n_hosts; i++)
        if (call->fits(&call->hosts[i], call->req))
            return (int32_t)i;
    return -1;
}

const vdcsim_placement_policy placement_first_fit = {
    .info = {.name = "first_fit",
             .doc = "The lowest-numbered host where the VM fits (memory, vCPUs, reservations, SR-IOV). [M]"},
    .choose = first_fit_choose,
};
