/* placement.c - placement through a registered policy (see placement.h). */
#include "models/core/placement.h"

#include <stdio.h>

#include "models/core/placement_index.h"
#include "models/policies/registry.h"

int placement_choice_read(const scenario *scn, vdcsim_policy_kind kind, const char *key_policy,
                          const char *key_args, placement_choice *out, char *err, size_t err_len)
{
    const char *name = scn_string(scn, "%s", key_policy);
    const policy_registry *r = policy_registry_of(kind);
    out->policy = r ? policy_lookup(r, name) : NULL;
    if (out->policy == NULL)
        return scn_key_error(scn, err, err_len, key_policy, "'%s' is not a registered %s policy", name,
                             r ? r->name : "placement");
    return policy_args_read(scn, &out->policy->info, key_args, &out->args, err, err_len);
}

int placement_reservations_fit(const placement_host_view *h, const placement_request *req)
{
    return h->committed_sriov_vfs + req->sriov_vfs <= h->sriov_vfs &&
           h->reserved_cpu_mhz + req->cpu_reservation_mhz <= h->cpu_mhz &&
           h->reserved_memory_mib + req->memory_reservation_mib <= (double)h->physical_memory_mib;
}

int placement_fits(const placement_host_view *h, const placement_request *req)
{
    if (!h->usable)
        return 0;
    if (req->host_group >= 0 && h->group != req->host_group)
        return 0;
    if (req->vcpus > h->logical_cpus)
        return 0;
    if (!placement_reservations_fit(h, req))
        return 0;
    return h->committed_memory_mib + req->memory_mib <= h->memory_mib;
}

void placement_view_add(placement_host_view *h, const placement_request *req)
{
    h->committed_memory_mib += req->memory_mib;
    h->committed_cpu_mhz += req->cpu_mhz;
    h->committed_sriov_vfs += req->sriov_vfs;
    h->reserved_cpu_mhz += req->cpu_reservation_mhz;
    h->reserved_memory_mib += req->memory_reservation_mib;
}

void placement_view_remove(placement_host_view *h, const placement_request *req)
{
    h->committed_memory_mib = h->committed_memory_mib > req->memory_mib ? h->committed_memory_mib - req->memory_mib : 0;
    h->committed_cpu_mhz = h->committed_cpu_mhz > req->cpu_mhz ? h->committed_cpu_mhz - req->cpu_mhz : 0.0;
    h->committed_sriov_vfs = h->committed_sriov_vfs > req->sriov_vfs ? h->committed_sriov_vfs - req->sriov_vfs : 0;
    h->reserved_cpu_mhz =
        h->reserved_cpu_mhz > req->cpu_reservation_mhz ? h->reserved_cpu_mhz - req->cpu_reservation_mhz : 0.0;
    h->reserved_memory_mib = h->reserved_memory_mib > req->memory_reservation_mib
                                 ? h->reserved_memory_mib - req->memory_reservation_mib
                                 : 0.0;
}

static uint32_t next_host(const vdcsim_placement_call *call, uint32_t from)
{
    return placement_index_next(call->index, from, call->req->memory_mib);
}

int32_t placement_choose(const placement_choice *pc, const placement_host_view *hosts, uint32_t n_hosts,
                         const placement_request *req, const uint8_t *failover_host)
{
    return placement_choose_indexed(pc, hosts, n_hosts, req, failover_host, NULL);
}

int32_t placement_choose_indexed(const placement_choice *pc, const placement_host_view *hosts, uint32_t n_hosts,
                                 const placement_request *req, const uint8_t *failover_host,
                                 const placement_index *index)
{
    vdcsim_placement_call call = {.args = pc->args.bytes,
                                  .hosts = hosts,
                                  .n_hosts = n_hosts,
                                  .req = req,
                                  .fits = placement_fits,
                                  .failover_host = failover_host,
                                  .next_host = index && index->n == n_hosts ? next_host : NULL,
                                  .index = index};
    int32_t chosen = pc->policy->choose(&call);
    /* The policy's contract: only a host that fits. */
    if (chosen < 0 || (uint32_t)chosen >= n_hosts || !placement_fits(&hosts[chosen], req))
        return -1;
    return chosen;
}
