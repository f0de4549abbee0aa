/* optimal_cmd.c - `vdcsim optimal SCENARIO [--objective hosts|balance]
 * [--time-limit DURATION] [--set KEY=VALUE]...` (docs/optimal.md).
 *
 * Reads the scenario's hosts and VMs with the run's own builder (core_build:
 * same keys, same checks, same FILE:LINE messages), takes the VMs of the
 * at_start groups (the initial placement), and prints
 *   - the exact optimum (analysis/optimal_placement.h), or the best found,
 *     the proven bound and the gap when the time limit is hit;
 *   - GLPK's solve time;
 *   - what the scenario's placement.policy gives on the same VMs: each VM
 *     in power-on order (start time, then VM order) placed by
 *     placement_choose on a fresh controller view and committed there as
 *     the controller does. Lifetimes, arrivals and features (rules, HA,
 *     Kubernetes scheduling) are not part of this comparison; the spare
 *     nodes of autoscaled node groups, off at the start, are left out.
 * Exit: 0 answered (also "infeasible" and "no solution within the limit"),
 * 1 GLPK missing or failing, 2 bad input.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/optimal_placement.h"
#include "app/cli.h"
#include "app/optimal_cmd.h"
#include "models/core/core_build.h"
#include "models/core/placement.h"
#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/model.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

#define MAX_OVERRIDES 256
#define ERR_LEN 2048

static const char optimal_usage[] =
    "usage: vdcsim optimal SCENARIO [--objective hosts|balance] [--time-limit DURATION]\n"
    "                      [--set KEY=VALUE]...\n"
    "The exact optimum of the scenario's initial placement (its at_start VMs) with\n"
    "GLPK, next to what its placement.policy gives on the same VMs (docs/optimal.md).\n"
    "  --objective hosts    fewest hosts used (default)\n"
    "  --objective balance  least maximum host load (expected CPU or memory)\n"
    "  --time-limit 30s     stop the solver then; print the best found, the proven\n"
    "                       bound and the gap (units ms, s, min; default 30s)\n";

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "vdcsim optimal: ");
    fprintf(stderr, what, arg);
    fprintf(stderr, "\n%s", optimal_usage);
    return CLI_EXIT_BAD_INPUT;
}

/* "30s", "500ms", "2min", "10" (seconds): seconds in (0, one day]. */
static int parse_limit_s(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || !isfinite(v))
        return -1;
    if (strcmp(end, "ms") == 0)
        v /= 1000.0;
    else if (strcmp(end, "min") == 0)
        v *= 60.0;
    else if (*end && strcmp(end, "s") != 0)
        return -1;
    if (!(v > 0.0) || v > 86400.0)
        return -1;
    *out = v;
    return 0;
}

typedef struct instance {
    uint32_t n_hosts, n_vms;
    placement_host_view *hosts; /* the controller's fresh view */
    placement_request *vms;     /* at_start VMs in power-on order */
    uint32_t *vm_id;            /* their index among all the scenario's VMs */
} instance;

static void instance_free(instance *in)
{
    free(in->hosts);
    free(in->vms);
    free(in->vm_id);
}

static const core_model *sort_core; /* qsort has no context argument */

static int by_power_on(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    sim_time_ns tx = sort_core->vm_specs[x].start_ns, ty = sort_core->vm_specs[y].start_ns;
    if (tx != ty)
        return tx < ty ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The request the controller builds for a VM (models/core/cluster.c). */
static placement_request request_of(const vm_spec *vs)
{
    return (placement_request){.vcpus = vs->vcpus,
                               .memory_mib = vs->memory_mib,
                               .host_group = vs->host_group,
                               .cpu_mhz = vs->cpu_demand->mean,
                               .sriov_vfs = vs->res.sriov ? 1u : 0u,
                               .cpu_reservation_mhz = vs->res.cpu_reservation_mhz,
                               .memory_reservation_mib = vs->res.memory_reservation_mib};
}

static int collect(const core_model *core, instance *in)
{
    const model_env *env = &core->env;
    in->n_hosts = env->n_hosts;
    in->hosts = malloc((size_t)(env->n_hosts ? env->n_hosts : 1) * sizeof *in->hosts);
    in->vm_id = malloc((size_t)(env->n_vms ? env->n_vms : 1) * sizeof *in->vm_id);
    in->vms = malloc((size_t)(env->n_vms ? env->n_vms : 1) * sizeof *in->vms);
    if (!in->hosts || !in->vm_id || !in->vms)
        return -1;
    memcpy(in->hosts, core->ctrl.view, (size_t)env->n_hosts * sizeof *in->hosts);
    in->n_vms = 0;
    for (int g = 0; g < core->n_groups; g++) {
        const workload_group *wg = &core->groups[g];
        if (wg->arrival.process != ARRIVAL_AT_START)
            continue;
        /* spare nodes of an autoscaled Kubernetes node group stay off until
         * the Cluster Autoscaler asks for them (the k8s module marks them in
         * a run; core_build alone does not) */
        for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++)
            if (!core->vm_specs[v].starts_off &&
                !k8s_vm_starts_off(core->scn, core->vm_specs[v].group, core->vm_specs[v].index_in_group))
                in->vm_id[in->n_vms++] = v;
    }
    sort_core = core;
    qsort(in->vm_id, in->n_vms, sizeof *in->vm_id, by_power_on);
    for (uint32_t i = 0; i < in->n_vms; i++)
        in->vms[i] = request_of(&core->vm_specs[in->vm_id[i]]);
    return 0;
}

/* The scenario's policy, VM after VM on a fresh view, committing what
 * cluster_commit commits. Fills where[] (-1: not placed); returns the
 * number of hosts used, or -1 when out of memory. */
static int64_t run_policy(const placement_choice *policy, const instance *in, int32_t *where, uint32_t *unplaced)
{
    placement_host_view *view = malloc((size_t)(in->n_hosts ? in->n_hosts : 1) * sizeof *view);
    char *used = calloc(in->n_hosts ? in->n_hosts : 1, 1);
    if (!view || !used) {
        free(view);
        free(used);
        return -1;
    }
    memcpy(view, in->hosts, (size_t)in->n_hosts * sizeof *view);
    int64_t n_used = 0;
    *unplaced = 0;
    for (uint32_t i = 0; i < in->n_vms; i++) {
        const placement_request *r = &in->vms[i];
        int32_t h = placement_choose(policy, view, in->n_hosts, r, NULL);
        where[i] = h;
        if (h < 0) {
            (*unplaced)++;
            continue;
        }
        placement_host_view *hv = &view[h];
        hv->committed_memory_mib += r->memory_mib;
        hv->committed_cpu_mhz += r->cpu_mhz;
        hv->committed_sriov_vfs += r->sriov_vfs;
        hv->reserved_cpu_mhz += r->cpu_reservation_mhz;
        hv->reserved_memory_mib += r->memory_reservation_mib;
        if (!used[h]++)
            n_used++;
    }
    free(view);
    free(used);
    return n_used;
}

static void print_value(optimal_objective objective, double value)
{
    if (objective == OPTIMAL_HOSTS)
        printf("%.0f host%s", value, value == 1.0 ? "" : "s");
    else
        printf("maximum load %.4f", value);
}

static int report(const scenario *scn, const core_model *core, const instance *in, optimal_objective objective,
                  double limit_s)
{
    char err[ERR_LEN];
    printf("scenario:   %s\n", scenario_name(scn));
    printf("instance:   %" PRIu32 " at_start VMs on %" PRIu32 " hosts (placement.memory_overcommit %.2f)\n",
           in->n_vms, in->n_hosts, scn_float(scn, "placement.memory_overcommit"));
    printf("objective:  %s\n", objective == OPTIMAL_HOSTS ? "hosts (fewest hosts used)"
                                                          : "balance (least maximum CPU or memory load)");
    int32_t *where = malloc((size_t)(in->n_vms ? in->n_vms : 1) * sizeof *where);
    if (!where) {
        fprintf(stderr, "vdcsim optimal: out of memory\n");
        return CLI_EXIT_RUNTIME;
    }
    optimal_result res;
    optimal_placement_solve(in->hosts, in->n_hosts, in->vms, in->n_vms, objective, limit_s, &res, NULL, err,
                            sizeof err);
    switch (res.status) {
    case OPTIMAL_PROVEN:
        printf("optimum:    ");
        print_value(objective, res.value);
        printf(" (proven optimal)\n");
        break;
    case OPTIMAL_TIME_LIMIT:
        printf("best found: ");
        print_value(objective, res.value);
        printf(" (time limit %.3g s hit)\n", limit_s);
        if (isfinite(res.bound)) {
            printf("bound:      ");
            print_value(objective, res.bound);
            printf(" (proven lower bound), gap %.1f%%\n", 100.0 * res.gap);
        } else {
            printf("bound:      none proven (the root relaxation was not solved in time)\n");
        }
        break;
    case OPTIMAL_NO_SOLUTION:
        printf("best found: none within the time limit of %.3g s\n", limit_s);
        if (isfinite(res.bound)) {
            printf("bound:      ");
            print_value(objective, res.bound);
            printf(" (proven lower bound)\n");
        }
        break;
    case OPTIMAL_INFEASIBLE:
        if (res.unplaceable_vm >= 0) {
            const vm_spec *vs = &core->vm_specs[in->vm_id[res.unplaceable_vm]];
            char name[300];
            core_entity_name(name, sizeof name, scn_string(scn, "vms.[%u].name", vs->group), vs->index_in_group);
            printf("optimum:    infeasible: VM %s fits on no host (vCPUs, memory, reservations, "
                   "SR-IOV or host group)\n",
                   name);
        } else {
            printf("optimum:    infeasible: the VMs do not all fit on the hosts together\n");
        }
        break;
    case OPTIMAL_ERROR:
        free(where);
        cli_print_error("vdcsim optimal: ", err);
        return CLI_EXIT_RUNTIME;
    }
    printf("solve time: %.3f s (%s, glp_intopt)\n", res.solve_s, optimal_solver_name());

    uint32_t unplaced = 0;
    int64_t used = run_policy(&core->ctrl.placement, in, where, &unplaced);
    if (used < 0) {
        free(where);
        fprintf(stderr, "vdcsim optimal: out of memory\n");
        return CLI_EXIT_RUNTIME;
    }
    printf("policy:     %s: ", scn_string(scn, "placement.policy"));
    print_value(objective, objective == OPTIMAL_HOSTS
                               ? (double)used
                               : optimal_max_load(in->hosts, in->n_hosts, in->vms, in->n_vms, where));
    if (unplaced)
        printf(" (%" PRIu32 " of %" PRIu32 " VMs not placed)\n", unplaced, in->n_vms);
    else
        printf(" (all %" PRIu32 " VMs placed)\n", in->n_vms);
    free(where);
    return CLI_EXIT_OK;
}

int cmd_optimal(int argc, char **argv)
{
    const char *path = NULL;
    const char *overrides[MAX_OVERRIDES];
    int n_overrides = 0;
    optimal_objective objective = OPTIMAL_HOSTS;
    double limit_s = 30.0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(optimal_usage, stdout);
            return CLI_EXIT_OK;
        }
        int takes_value = strcmp(a, "--objective") == 0 || strcmp(a, "--time-limit") == 0 || strcmp(a, "--set") == 0;
        if (takes_value && i + 1 >= argc)
            return usage_error("%s needs a value", a);
        if (strcmp(a, "--objective") == 0) {
            const char *v = argv[++i];
            if (strcmp(v, "hosts") == 0)
                objective = OPTIMAL_HOSTS;
            else if (strcmp(v, "balance") == 0)
                objective = OPTIMAL_BALANCE;
            else
                return usage_error("--objective %s: expected hosts or balance", v);
        } else if (strcmp(a, "--time-limit") == 0) {
            if (parse_limit_s(argv[++i], &limit_s) != 0)
                return usage_error("--time-limit %s: expected a duration above 0 and at most one day "
                                   "(e.g. 30s, 500ms, 2min)",
                                   argv[i]);
        } else if (strcmp(a, "--set") == 0) {
            const char *v = argv[++i];
            if (!strchr(v, '='))
                return usage_error("--set %s: expected KEY=VALUE", v);
            if (n_overrides >= MAX_OVERRIDES)
                return usage_error("too many overrides (at most %s)", "256");
            overrides[n_overrides++] = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else if (path) {
            return usage_error("unexpected argument '%s' (one scenario)", a);
        } else {
            path = a;
        }
    }
    if (!path)
        return usage_error("%s", "missing SCENARIO");
    if (!optimal_placement_available()) {
        fprintf(stderr, "vdcsim optimal: this vdcsim was built without GLPK: install the Debian package "
                        "libglpk-dev (scripts/install-deps) and build again\n");
        return CLI_EXIT_RUNTIME;
    }

    char err[ERR_LEN];
    scenario *scn = scenario_load_file(path, overrides, n_overrides, err, sizeof err);
    if (!scn) {
        cli_print_error("", err);
        return CLI_EXIT_BAD_INPUT;
    }
    int status = CLI_EXIT_RUNTIME;
    /* The builder registers event kinds: it needs an engine, which never runs. */
    sim_time_ns lookahead_ns = 0;
    if (model_lookahead_ns(scn, &lookahead_ns, err, sizeof err) != 0) {
        cli_print_error("", err);
        scenario_free(scn);
        return CLI_EXIT_BAD_INPUT;
    }
    sim_config cfg = {.seed = (uint64_t)scn_int(scn, "simulation.seed"),
                      .lookahead_ns = lookahead_ns,
                      .threads = 1};
    sim_engine *eng = sim_engine_new(&cfg);
    core_model core;
    memset(&core, 0, sizeof core);
    instance in = {0};
    if (!eng) {
        fprintf(stderr, "vdcsim optimal: cannot create the engine\n");
        goto done;
    }
    model_builder b = {.scn = scn, .eng = eng, .err = err, .err_len = sizeof err,
                       .host_slot = UINT32_MAX, .cluster_slot = UINT32_MAX};
    model_status ms = core_build(&b, &core);
    if (ms != MODEL_OK) {
        cli_print_error("", err);
        status = ms == MODEL_BAD_INPUT ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUNTIME;
        goto done;
    }
    if (collect(&core, &in) != 0) {
        fprintf(stderr, "vdcsim optimal: out of memory\n");
        goto done;
    }
    status = report(scn, &core, &in, objective, limit_s);
done:
    instance_free(&in);
    core_free(&core);
    sim_engine_free(eng);
    scenario_free(scn);
    return status;
}
