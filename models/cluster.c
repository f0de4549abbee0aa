/* cluster.c - the cluster controller LP (see cluster.h). */
#include "models/cluster.h"

#include "models/failure.h"
#include "models/model_env.h"

static void cluster_log(sim_ctx *ctx, cluster *c, int kind, int64_t subject, int64_t a)
{
    const model_env *env = c->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++c->log_seq, kind, subject,
                  a, 0, 0.0);
}

static void cluster_power_on(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    const model_env *env = c->env;
    const vm_spec *vs = &env->vm_specs[vm_id];
    placement_request req = {vs->vcpus, vs->memory_mib, vs->host_group, vs->cpu_demand.mean};
    int32_t chosen = placement_choose(c->policy, c->view, env->n_hosts, &req);
    if (chosen < 0) {
        c->placement_failures++;
        cluster_log(ctx, c, env->log_vm_placement_failed, vm_id, -1);
        return;
    }
    c->view[chosen].committed_memory_mib += vs->memory_mib;
    c->view[chosen].committed_cpu_mhz += req.cpu_mhz;
    c->placed++;
    cluster_log(ctx, c, env->log_vm_placed, vm_id, chosen);
    int64_t payload = vm_id;
    sim_send(ctx, env->first_host_lp + (uint32_t)chosen, env->control_latency_ns, env->kind_vm_start,
             &payload, sizeof payload);
}

void cluster_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    cluster *c = state;
    if (c->env->fail && restart_cluster_handle(ctx, c, ev))
        return;
    if (ev->kind == c->env->kind_vm_power_on)
        cluster_power_on(ctx, c, (uint32_t)ev->payload.i64[0]);
}
