/* drs_stage.c - where a VM's staged stats lie, when hosts stage them and
 * which hosts' stats a controller event comes after (drs_stage.h). */
#include "models/vsphere/drs_stage.h"

#include "models/core/datacenter.h"
#include "models/core/model_env.h"

drs_stage_map drs_stage_map_of(const model_env *env, uint32_t cluster_index)
{
    if (env->vm_local && env->dc && env->dc->vm_first)
        return (drs_stage_map){.vm_local = env->vm_local,
                               .first = env->dc->vm_first[cluster_index],
                               .count = env->dc->vms_in[cluster_index]};
    return (drs_stage_map){.vm_local = NULL, .first = 0, .count = 0};
}

sim_time_ns drs_stage_next_ns(sim_time_ns t, sim_time_ns sample_period_ns, sim_time_ns drs_period_ns)
{
    sim_time_ns s = t + sample_period_ns;
    if (drs_stage_at(s, sample_period_ns, drs_period_ns))
        return s;
    /* s is past its period's first sample: the first sample of the next
     * period, less than a sample period into it, so it stages */
    sim_time_ns next_period = (s / drs_period_ns + 1) * drs_period_ns;
    return (next_period + sample_period_ns - 1) / sample_period_ns * sample_period_ns;
}

uint32_t drs_stage_hosts_before(sim_time_ns now, uint32_t priority, uint32_t src_lp, sim_time_ns due_ns,
                                uint32_t stats_priority, uint32_t first_host_lp, uint32_t n_hosts)
{
    if (now < due_ns || (now == due_ns && priority < stats_priority))
        return 0;
    if (now > due_ns || priority > stats_priority)
        return n_hosts;
    if (src_lp <= first_host_lp)
        return 0;
    uint32_t below = src_lp - first_host_lp;
    return below < n_hosts ? below : n_hosts;
}
