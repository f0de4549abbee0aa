/* optimal_cmd.c - `vdcsim optimal` (docs/optimal.md):
 *
 *   vdcsim optimal SCENARIO [--objective hosts|balance] [--time-limit DURATION]
 *                  [--solver glpk|cbc|z3] [--compare] [--set KEY=VALUE]...
 *   vdcsim optimal --openb PODS[:NODES] [--traces DIR] [same options]
 *
 * Reads the scenario's hosts, VMs and rules with the run's own builder
 * (core_build: same keys, same checks, same FILE:LINE messages), takes its
 * initial placement (analysis/optimal_scenario.h), or a sample of the
 * openb GPU trace (analysis/optimal_openb.h), and prints
 *   - the exact optimum (analysis/optimal_placement.h), or the best found,
 *     the proven bound and the gap when the time limit is hit;
 *   - the solver and its solve time;
 *   - what the scenario's placement.policy gives on the same VMs (each VM
 *     in power-on order placed by placement_choose on a fresh controller
 *     view, committed there as the controller does), or with --compare one
 *     line per heuristic of analysis/optimal_heuristics.h with its gap.
 * Lifetimes, arrivals and run-time features are not part of this
 * comparison. Exit: 0 answered (also "infeasible" and "no solution within
 * the limit"), 1 solver missing or failing, 2 bad input.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/optimal_heuristics.h"
#include "analysis/optimal_openb.h"
#include "analysis/optimal_placement.h"
#include "analysis/optimal_scenario.h"
#include "app/cli.h"
#include "app/optimal_cmd.h"
#include "models/core/core_build.h"
#include "models/core/placement.h"
#include "models/model.h"
#include "scenario/scenario.h"
#include "scenario/units.h"
#include "sim/engine.h"
#include "traces/trace_locate.h"

#define MAX_OVERRIDES 256
#define ERR_LEN 2048
#define OPENB_DIR "alibaba-gpu-v2023-openb/csv/"

static const char optimal_usage[] =
    "usage: vdcsim optimal SCENARIO [--objective hosts|balance] [--time-limit DURATION]\n"
    "                      [--solver glpk|cbc|z3] [--compare] [--set KEY=VALUE]...\n"
    "       vdcsim optimal --openb PODS[:NODES] [--traces DIR] [the same options]\n"
    "The exact optimum of the scenario's initial placement (its at_start VMs, with\n"
    "reservations, SR-IOV, hard rules), next to what its placement.policy gives on\n"
    "the same VMs (docs/optimal.md).\n"
    "  --objective hosts    fewest hosts used (default)\n"
    "  --objective balance  least maximum host load (expected CPU or memory)\n"
    "  --time-limit 30s     stop the solver then; print the best found, the proven\n"
    "                       bound and the gap (units ms, s, min; default 30s)\n"
    "  --solver NAME        glpk, cbc or z3 (default: the fastest measured, see docs)\n"
    "  --compare            first_fit, drs, k8s LeastAllocated/MostAllocated and FFD\n"
    "                       on the same VMs, each with its gap to the optimum\n"
    "  --openb PODS:NODES   a sample of the Alibaba GPU trace v2023 (openb) instead\n"
    "                       of a scenario: PODS pods on NODES nodes (default PODS/2)\n"
    "  --traces DIR         where the traces are (else $VDCSIM_TRACES, else\n"
    "                       ../shared/traces next to the source tree)\n";

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

/* "200" or "200:100": pods and nodes, each in [1, 100000]. */
static int parse_openb(const char *text, uint32_t *pods, uint32_t *nodes)
{
    char *end;
    errno = 0;
    long p = strtol(text, &end, 10), n;
    if (errno || end == text || p < 1 || p > 100000)
        return -1;
    if (*end == '\0') {
        n = p / 2 > 0 ? p / 2 : 1;
    } else {
        if (*end != ':')
            return -1;
        const char *rest = end + 1;
        n = strtol(rest, &end, 10);
        if (errno || end == rest || *end || n < 1 || n > 100000)
            return -1;
    }
    *pods = (uint32_t)p;
    *nodes = (uint32_t)n;
    return 0;
}

typedef struct options {
    optimal_options solve;
    int compare;
    uint32_t openb_pods, openb_nodes; /* 0: a scenario */
} options;

static void print_value(optimal_objective objective, double value)
{
    if (objective == OPTIMAL_HOSTS)
        printf("%.0f host%s", value, value == 1.0 ? "" : "s");
    else
        printf("maximum load %.4f", value);
}

static double measure(optimal_objective objective, const optimal_instance *in, const int32_t *where)
{
    return objective == OPTIMAL_HOSTS ? (double)optimal_hosts_used(in->n_hosts, in->n_vms, where)
                                      : optimal_max_load(in->hosts, in->n_hosts, in->vms, in->n_vms, where);
}

/* Names instance VM `vm` into buf (the scenario's entity name). */
typedef void (*vm_namer)(const void *ctx, int64_t index, char *buf, size_t len);

/* The optimum's lines; 0, or CLI_EXIT_RUNTIME after printing the error. */
static int print_optimum(const optimal_instance *in, const options *o, optimal_result *res, vm_namer namer,
                         const void *ctx)
{
    char err[ERR_LEN];
    optimal_objective objective = o->solve.objective;
    double limit_s = o->solve.time_limit_s;
    optimal_solve(in, &o->solve, res, NULL, err, sizeof err);
    switch (res->status) {
    case OPTIMAL_PROVEN:
        printf("optimum:    ");
        print_value(objective, res->value);
        printf(" (proven optimal)\n");
        break;
    case OPTIMAL_TIME_LIMIT:
        printf("best found: ");
        print_value(objective, res->value);
        printf(" (time limit %.3g s hit)\n", limit_s);
        if (isfinite(res->bound)) {
            printf("bound:      ");
            print_value(objective, res->bound);
            printf(" (proven lower bound), gap %.1f%%\n", 100.0 * res->gap);
        } else {
            printf("bound:      none proven within the limit\n");
        }
        break;
    case OPTIMAL_NO_SOLUTION:
        printf("best found: none within the time limit of %.3g s\n", limit_s);
        if (isfinite(res->bound)) {
            printf("bound:      ");
            print_value(objective, res->bound);
            printf(" (proven lower bound)\n");
        }
        break;
    case OPTIMAL_INFEASIBLE:
        if (res->unplaceable_vm >= 0) {
            char name[300] = "?";
            if (namer)
                namer(ctx, res->unplaceable_vm, name, sizeof name);
            printf("optimum:    infeasible: VM %s fits on no host (vCPUs, memory, reservations, "
                   "SR-IOV, GPUs, host group or VM-host rules)\n",
                   name);
        } else
            printf("optimum:    infeasible: the VMs do not all fit on the hosts together (or their rules conflict)\n");
        break;
    case OPTIMAL_ERROR: cli_print_error("vdcsim optimal: ", err); return CLI_EXIT_RUNTIME;
    }
    printf("solve time: %.3f s (CPU %.3f s; %s)\n", res->solve_s, res->cpu_s, optimal_solver_label(o->solve.solver));
    return CLI_EXIT_OK;
}

/* One line per heuristic with its gap to the optimum (when known). */
static int print_compare(const optimal_instance *in, const options *o, const optimal_result *res)
{
    int32_t *where = malloc((size_t)(in->n_vms ? in->n_vms : 1) * sizeof *where);
    if (!where)
        return CLI_EXIT_RUNTIME;
    int known = res->status == OPTIMAL_PROVEN || res->status == OPTIMAL_TIME_LIMIT;
    printf("%-21s %10s %10s %9s\n", "policy", "value", "not placed", "gap");
    for (int h = 0; h < HEUR_COUNT; h++) {
        int64_t unplaced = optimal_heuristic_place((optimal_heuristic)h, in, where);
        if (unplaced < 0) {
            free(where);
            return CLI_EXIT_RUNTIME;
        }
        double v = measure(o->solve.objective, in, where);
        printf("%-21s %10.4g %10" PRId64, optimal_heuristic_name((optimal_heuristic)h), v, unplaced);
        if (known && unplaced == 0 && res->value > 0.0)
            printf(" %8.1f%%\n", 100.0 * (v - res->value) / res->value);
        else
            printf(" %9s\n", "-");
    }
    free(where);
    return CLI_EXIT_OK;
}

/* The scenario's own policy on the instance (the historic `policy:` line). */
static int print_policy(const scenario *scn, const placement_choice *policy, const optimal_instance *in,
                        optimal_objective objective)
{
    placement_host_view *view = malloc((size_t)(in->n_hosts ? in->n_hosts : 1) * sizeof *view);
    int32_t *where = malloc((size_t)(in->n_vms ? in->n_vms : 1) * sizeof *where);
    if (!view || !where) {
        free(view), free(where);
        return CLI_EXIT_RUNTIME;
    }
    memcpy(view, in->hosts, (size_t)in->n_hosts * sizeof *view);
    uint32_t unplaced = 0;
    for (uint32_t i = 0; i < in->n_vms; i++) {
        const placement_request *r = &in->vms[i];
        int32_t h = placement_choose(policy, view, in->n_hosts, r, NULL);
        where[i] = h;
        if (h < 0) {
            unplaced++;
            continue;
        }
        view[h].committed_memory_mib += r->memory_mib;
        view[h].committed_cpu_mhz += r->cpu_mhz;
        view[h].committed_sriov_vfs += r->sriov_vfs;
        view[h].reserved_cpu_mhz += r->cpu_reservation_mhz;
        view[h].reserved_memory_mib += r->memory_reservation_mib;
    }
    printf("policy:     %s: ", scn_string(scn, "placement.policy"));
    print_value(objective, measure(objective, in, where));
    if (unplaced)
        printf(" (%" PRIu32 " of %" PRIu32 " VMs not placed)\n", unplaced, in->n_vms);
    else
        printf(" (all %" PRIu32 " VMs placed)\n", in->n_vms);
    free(view), free(where);
    return CLI_EXIT_OK;
}

static const char *objective_text(optimal_objective objective)
{
    return objective == OPTIMAL_HOSTS ? "hosts (fewest hosts used)" : "balance (least maximum CPU or memory load)";
}

static int run_openb(const options *o)
{
    char nodes[4096], pods[4096], err[ERR_LEN];
    if (trace_locate(VDCSIM_SOURCE_DIR, OPENB_DIR "openb_node_list_all_node.csv", nodes, sizeof nodes) != 0 ||
        trace_locate(VDCSIM_SOURCE_DIR, OPENB_DIR "openb_pod_list_default.csv", pods, sizeof pods) != 0) {
        fprintf(stderr, "vdcsim optimal: the openb trace is not there (%s); fetch it with scripts/fetch-traces "
                        "and point at it with --traces DIR or VDCSIM_TRACES\n", nodes);
        return CLI_EXIT_BAD_INPUT;
    }
    optimal_openb ob;
    if (optimal_openb_load(nodes, pods, o->openb_nodes, o->openb_pods, &ob, err, sizeof err) != 0) {
        optimal_openb_free(&ob);
        cli_print_error("vdcsim optimal: ", err);
        return CLI_EXIT_BAD_INPUT;
    }
    printf("instance:   openb sample: %" PRIu32 " pods of %s on %" PRIu32 " nodes of %s\n", ob.in.n_vms, pods,
           ob.in.n_hosts, nodes);
    printf("            (%" PRIu32 " gpu_spec rules; GPU as one summed resource per node)\n", ob.in.n_rules);
    printf("objective:  %s\n", objective_text(o->solve.objective));
    optimal_result res;
    int status = print_optimum(&ob.in, o, &res, NULL, NULL);
    if (status == CLI_EXIT_OK && o->compare)
        status = print_compare(&ob.in, o, &res);
    optimal_openb_free(&ob);
    return status;
}

struct namer_ctx {
    const scenario *scn;
    const core_model *core;
    const optimal_scenario *os;
};

static void name_scenario_vm(const void *ctx, int64_t index, char *buf, size_t len)
{
    const struct namer_ctx *nc = ctx;
    const vm_spec *vs = model_vm_spec(&nc->core->env, nc->os->vm_id[index]);
    core_entity_name(buf, len, scn_string(nc->scn, "vms.[%u].name", vs->group), vs->index_in_group);
}

static int run_scenario(const char *path, const char *const *overrides, int n_overrides, const options *o)
{
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
    sim_config cfg = {.seed = (uint64_t)scn_int(scn, "simulation.seed"), .lookahead_ns = lookahead_ns, .threads = 1};
    sim_engine *eng = sim_engine_new(&cfg);
    core_model core;
    memset(&core, 0, sizeof core);
    optimal_scenario os;
    memset(&os, 0, sizeof os);
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
    int rc = optimal_scenario_collect(scn, &core.env, core.ctrl.view, &os, err, sizeof err);
    if (rc != 0) {
        cli_print_error(rc == -1 ? "" : "vdcsim optimal: ", err);
        status = rc == -1 ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUNTIME;
        goto done;
    }
    const optimal_instance *in = &os.in;
    printf("scenario:   %s\n", scenario_name(scn));
    printf("instance:   %" PRIu32 " at_start VMs on %" PRIu32 " hosts (placement.memory_overcommit %.2f), "
           "%" PRIu32 " hard rule%s\n",
           in->n_vms, in->n_hosts, scn_float(scn, "placement.memory_overcommit"), in->n_rules,
           in->n_rules == 1 ? "" : "s");
    printf("objective:  %s\n", objective_text(o->solve.objective));
    optimal_result res;
    struct namer_ctx nc = {scn, &core, &os};
    status = print_optimum(in, o, &res, name_scenario_vm, &nc);
    if (status == CLI_EXIT_OK)
        status = o->compare ? print_compare(in, o, &res) : print_policy(scn, &core.ctrl.placement, in, o->solve.objective);
done:
    optimal_scenario_free(&os);
    core_free(&core);
    sim_engine_free(eng);
    scenario_free(scn);
    return status;
}

int cmd_optimal(int argc, char **argv)
{
    const char *path = NULL;
    const char *overrides[MAX_OVERRIDES];
    int n_overrides = 0;
    options o = {.solve = {.objective = OPTIMAL_HOSTS, .solver = OPTIMAL_SOLVER_DEFAULT, .time_limit_s = 30.0}};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(optimal_usage, stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "--compare") == 0) {
            o.compare = 1;
            continue;
        }
        int takes_value = strcmp(a, "--objective") == 0 || strcmp(a, "--time-limit") == 0 ||
                          strcmp(a, "--set") == 0 || strcmp(a, "--solver") == 0 || strcmp(a, "--openb") == 0 ||
                          strcmp(a, "--traces") == 0;
        if (takes_value && i + 1 >= argc)
            return usage_error("%s needs a value", a);
        if (strcmp(a, "--objective") == 0) {
            const char *v = argv[++i];
            if (strcmp(v, "hosts") == 0)
                o.solve.objective = OPTIMAL_HOSTS;
            else if (strcmp(v, "balance") == 0)
                o.solve.objective = OPTIMAL_BALANCE;
            else
                return usage_error("--objective %s: expected hosts or balance", v);
        } else if (strcmp(a, "--time-limit") == 0) {
            if (parse_limit_s(argv[++i], &o.solve.time_limit_s) != 0)
                return usage_error("--time-limit %s: expected a duration above 0 and at most one day "
                                   "(e.g. 30s, 500ms, 2min)",
                                   argv[i]);
        } else if (strcmp(a, "--solver") == 0) {
            if (optimal_solver_parse(argv[++i], &o.solve.solver) != 0)
                return usage_error("--solver %s: expected glpk, cbc or z3", argv[i]);
        } else if (strcmp(a, "--openb") == 0) {
            if (parse_openb(argv[++i], &o.openb_pods, &o.openb_nodes) != 0)
                return usage_error("--openb %s: expected PODS or PODS:NODES, each 1 to 100000", argv[i]);
        } else if (strcmp(a, "--traces") == 0) {
            if (setenv("VDCSIM_TRACES", argv[++i], 1) != 0)
                return usage_error("%s: cannot set VDCSIM_TRACES", a);
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
    if (!path && !o.openb_pods)
        return usage_error("%s", "missing SCENARIO (or --openb PODS)");
    if (path && o.openb_pods)
        return usage_error("%s", "a SCENARIO or --openb, not both");
    char why[600];
    if (optimal_solver_unavailable(o.solve.solver, why, sizeof why)) {
        fprintf(stderr, "vdcsim optimal: this vdcsim was built without %s or cannot load it (%s); when it is "
                        "missing, install the Debian package %s (scripts/install-deps) and build again, or "
                        "choose another --solver\n",
                optimal_solver_key(o.solve.solver), why, optimal_solver_package(o.solve.solver));
        return CLI_EXIT_RUNTIME;
    }
    return o.openb_pods ? run_openb(&o) : run_scenario(path, overrides, n_overrides, &o);
}
