/* placement_optimal.c - the "optimal" placement policy (docs/optimal.md).
 *
 * A placement policy chooses one VM at a time and may keep no state
 * (include/vdcsim/placement.h), but the optimum is a property of all the
 * initial VMs together. So the work is split:
 *  - the module (optimal_placement_module, last in models/model.c's table)
 *    runs only when placement.policy = "optimal". At build time it takes
 *    the initial placement instance (analysis/optimal_scenario.h: the
 *    at_start VMs, the hosts, the hard rules) and solves it exactly with
 *    placement.optimal_solver for placement.optimal_objective within
 *    placement.optimal_time_limit: the plan, one host per initial VM;
 *  - its cluster `mask` hook, at a power-on of a planned VM, hides every
 *    host but the planned one when the planned host is usable and the VM
 *    fits there as the controller's view stands; otherwise it hides
 *    nothing (the plan cannot be kept, e.g. a host failed first);
 *  - the policy's choose() is first fit: with one host left it is the
 *    planned host; for later arrivals (not in the plan) and fallbacks it
 *    is the documented default, first fit.
 * Determinism: the plan is computed once, before the run, on one thread;
 * a run whose optimum is not proven within the time limit stops with exit
 * 1 (a plan must not depend on the machine's speed). An infeasible
 * instance (the initial VMs do not all fit) has no plan: every VM is
 * placed by first fit, and `vdcsim check` says so.
 */
#include "models/policies/placement_optimal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/optimal_scenario.h"
#include "models/core/cluster.h"
#include "models/core/model_env.h"
#include "models/policies/registry.h"

static int32_t optimal_choose(const vdcsim_placement_call *call)
{
    for (uint32_t i = 0; i < call->n_hosts; i++)
        if (call->fits(&call->hosts[i], call->req))
            return (int32_t)i;
    return -1;
}

const vdcsim_placement_policy placement_optimal = {
    .info = {.name = "optimal",
             .doc = "The VMs present at the start go where the exact optimum of the initial placement puts "
                    "them (placement.optimal_objective, solved by placement.optimal_solver within "
                    "placement.optimal_time_limit); later power-ons, and VMs whose planned host no longer "
                    "fits, by first fit (docs/optimal.md). [M]"},
    .choose = optimal_choose,
};

typedef struct optimal_plan {
    uint32_t n_vms;
    int32_t *host_of_vm; /* per scenario VM: its planned host, -1 */
    optimal_result result;
    uint32_t n_planned;
    optimal_solver solver;
} optimal_plan;

static void optimal_mask(cluster *c, const cluster_feature *f, uint32_t vm_id, cluster_place_purpose purpose)
{
    const optimal_plan *plan = f->world;
    if (purpose != CLUSTER_PLACE_POWER_ON || vm_id >= plan->n_vms || plan->host_of_vm[vm_id] < 0)
        return;
    uint32_t h = (uint32_t)plan->host_of_vm[vm_id];
    placement_request req = optimal_request_of(model_vm_spec(c->env, vm_id));
    if (!placement_fits(&c->view[h], &req))
        return; /* the plan cannot be kept: first fit on every host */
    for (uint32_t k = 0; k < c->env->n_hosts; k++)
        if (k != h)
            cluster_mask_host(c, k);
}

static const cluster_hooks optimal_cluster_hooks = {.name = "optimal_placement", .mask = optimal_mask};

static void plan_free(optimal_plan *p)
{
    if (p)
        free(p->host_of_vm);
    free(p);
}

static model_status optimal_build(model_builder *b, void **world)
{
    const scenario *scn = b->scn;
    *world = NULL;
    if (policy_lookup(policy_registry_of(VDCSIM_POLICY_PLACEMENT), scn_string(scn, "placement.policy")) !=
        &placement_optimal)
        return MODEL_OK;
    optimal_options opt = {.objective = (optimal_objective)scn_enum(scn, "placement.optimal_objective"),
                           .solver = (optimal_solver)scn_enum(scn, "placement.optimal_solver"),
                           .time_limit_s = (double)scn_duration_ns(scn, "placement.optimal_time_limit") * 1e-9};
    if (!optimal_solver_available(opt.solver))
        return model_key_error(b, "placement.optimal_solver",
                               "this vdcsim was built without %s: install the Debian package %s and build "
                               "again, or choose another solver",
                               optimal_solver_key(opt.solver), optimal_solver_package(opt.solver));
    optimal_plan *plan = calloc(1, sizeof *plan);
    const model_env *env = b->env;
    if (!plan || !(plan->host_of_vm = malloc((size_t)(env->n_vms ? env->n_vms : 1) * sizeof *plan->host_of_vm))) {
        plan_free(plan);
        return model_runtime_error(b, "out of memory");
    }
    plan->n_vms = env->n_vms;
    plan->solver = opt.solver;
    for (uint32_t v = 0; v < env->n_vms; v++)
        plan->host_of_vm[v] = -1;
    optimal_scenario os;
    int rc = optimal_scenario_collect(scn, env, b->cluster->view, &os, b->err, b->err_len);
    if (rc != 0) {
        optimal_scenario_free(&os);
        plan_free(plan);
        return rc == -1 ? MODEL_BAD_INPUT : MODEL_RUNTIME_ERROR;
    }
    int32_t *where = malloc((size_t)(os.in.n_vms ? os.in.n_vms : 1) * sizeof *where);
    if (!where) {
        optimal_scenario_free(&os);
        plan_free(plan);
        return model_runtime_error(b, "out of memory");
    }
    optimal_solve(&os.in, &opt, &plan->result, where, b->err, b->err_len);
    model_status st = MODEL_OK;
    switch (plan->result.status) {
    case OPTIMAL_PROVEN:
        for (uint32_t i = 0; i < os.in.n_vms; i++)
            plan->host_of_vm[os.vm_id[i]] = where[i];
        plan->n_planned = os.in.n_vms;
        break;
    case OPTIMAL_INFEASIBLE: break; /* no plan: first fit for every VM */
    case OPTIMAL_TIME_LIMIT:
    case OPTIMAL_NO_SOLUTION:
        st = model_runtime_error(b,
                             "placement.optimal_time_limit: the optimal placement of the %" PRIu32 " initial VMs was not proven within %.3g s "
                             "(%s; best found %.6g, bound %.6g): raise the limit or choose another "
                             "placement.policy (a run must not depend on the machine's speed)",
                             os.in.n_vms, opt.time_limit_s, optimal_solver_label(opt.solver), plan->result.value,
                             plan->result.bound);
        break;
    case OPTIMAL_ERROR: st = MODEL_RUNTIME_ERROR; break;
    }
    free(where);
    optimal_scenario_free(&os);
    if (st != MODEL_OK) {
        plan_free(plan);
        return st;
    }
    *world = plan;
    return MODEL_OK;
}

static void optimal_describe(const void *world, FILE *out)
{
    const optimal_plan *p = world;
    if (p->result.status == OPTIMAL_INFEASIBLE)
        fprintf(out, "optimal: the initial VMs do not all fit together: no plan, every VM by first fit\n");
    else
        fprintf(out, "optimal: %" PRIu32 " initial VMs planned, objective value %.6g, proven by %s in %.3f s\n",
                p->n_planned, p->result.value, optimal_solver_label(p->solver), p->result.solve_s);
}

static void optimal_free(model_builder *b, void *world)
{
    (void)b;
    plan_free(world);
}

const model_module optimal_placement_module = {
    .name = "optimal_placement",
    .build = optimal_build,
    .describe = optimal_describe,
    .free = optimal_free,
    .cluster_hooks = &optimal_cluster_hooks,
};
