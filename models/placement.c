/* placement.c - initial placement policies (see placement.h). */
#include "models/placement.h"

#include <string.h>

int placement_policy_parse(const char *name, placement_policy *out)
{
    if (strcmp(name, "first_fit") == 0) {
        *out = PLACEMENT_FIRST_FIT;
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
    }
    return -1;
}
