/* cli.c - argument parsing and subcommand dispatch (see cli.h).
 *
 * Flags that name scenario keys (-o, --threads, --seed, --until) become
 * overrides like --set, so they are checked by the same schema and give the
 * same file-and-key messages as the scenario file.
 */
#include "app/cli.h"

#include <errno.h>
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/failure_report.h"
#include "analysis/run_summary.h"
#include "app/optimal_cmd.h"
#include "app/report_cmd.h"
#include "app/run.h"
#include "app/sweep.h"
#include "models/policies/plugin_loader.h"
#include "models/policies/registry.h"
#include "traces/failure_trace.h"
#include "scenario/scenario.h"
#include "sim/builtin_module.h"

#define MAX_OVERRIDES 256
#define MAX_PLUGINS 64

static const char usage_text[] =
    "usage: vdcsim COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO [-o OUT.h5] [--threads N] [--seed S] [--until DURATION]\n"
    "               [--set KEY=VALUE]... [--plugin FILE.so]... [--quiet] [--force] [--mpi]\n"
    "               [--fail-on-violation]\n"
    "        simulate; write OUT.h5 and OUT.h5.summary.txt; print the summary\n"
    "        (--force: may overwrite an existing file vdcsim did not write;\n"
    "        --mpi: under mpirun, one run spread over the ranks, --threads each;\n"
    "        --fail-on-violation: exit 1 when a property of the scenario is violated)\n"
    "  check SCENARIO [--set KEY=VALUE]... [--plugin FILE.so]...\n"
    "        validate the scenario and print what would be simulated\n"
    "  summary FILE.h5      print the summary of a finished run\n"
    "  metrics FILE.h5 [--csv | --json]\n"
    "        every named metric of a finished run (docs/metrics.md)\n"
    "  export FILE.h5 --csv DIR\n"
    "        tables, series (long form) and events of a run as CSV (docs/export.md)\n"
    "  verify FILE.h5 PROPS.cfg [--json] [--fail-on-violation]\n"
    "        check temporal properties against a finished run (docs/properties.md)\n"
    "  report FILE.h5 -o DIR\n"
    "        a run's figures (CSV, PNG, SVG) and an index.html (docs/analysis.md)\n"
    "  sweep EXPERIMENT.cfg [--jobs N] [-o DIR] [--set KEY=VALUE]... [--replications R]\n"
    "        run an experiment's design: tables with confidence intervals\n"
    "        (docs/experiments.md)\n"
    "  optimal SCENARIO [--objective hosts|balance] [--time-limit 30s] [--solver glpk|cbc|z3]\n"
    "        [--compare] [--set KEY=VALUE]...   (or --openb PODS:NODES [--traces DIR])\n"
    "        exact optimum of the initial placement vs placement.policy or the heuristics\n"
    "        (docs/optimal.md)\n"
    "  keys                 print every scenario key (Markdown)\n"
    "  policies [--plugin FILE.so]...\n"
    "        print every registered policy and its arguments (Markdown)\n"
    "  failures fit FILE.csv [--group-window SECONDS]\n"
    "        fit failure and repair distributions per system (LANL format)\n"
    "  COMMAND --help       the usage of one command\n"
    "  --help, --version\n"
    "  --modules            where each optional module is (MPI, the exact solvers,\n"
    "                       PLplot), or where it was looked for (docs/engine.md)\n"
    "\n"
    "exit status: 0 success, 1 runtime failure, 2 bad input,\n"
    "             128 + N stopped by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129)\n";

/* `vdcsim COMMAND --help` for the commands that do not parse it themselves
 * (sweep and metrics do). */
static const struct {
    const char *command, *text;
} command_help[] = {
    {"run", "usage: vdcsim run SCENARIO [-o OUT.h5] [--threads N] [--seed S] [--until DURATION]\n"
            "                  [--set KEY=VALUE]... [--plugin FILE.so]... [--traces DIR] [--quiet] [--force]\n"
            "                  [--fail-on-violation]\n"
            "Simulates the scenario; writes OUT.h5 and OUT.h5.summary.txt and prints the summary.\n"
            "--fail-on-violation: exit 1 when a property of the scenario's properties list was\n"
            "violated during the run (/tables/violations; docs/properties.md).\n"
            "-o, --threads, --seed and --until set output.path, simulation.threads,\n"
            "simulation.seed and simulation.until; --set sets any key (vdcsim keys).\n"
            "--plugin loads a shared object of policies first (docs/policies.md).\n"
            "--traces DIR: where trace files are when not where the scenario says (VDCSIM_TRACES).\n"},
    {"check", "usage: vdcsim check SCENARIO [--set KEY=VALUE]... [--plugin FILE.so]... [--traces DIR]\n"
              "Validates the scenario and prints what would be simulated.\n"},
    {"summary", "usage: vdcsim summary FILE.h5\nPrints the summary of a finished run.\n"},
    {"keys", "usage: vdcsim keys\nPrints every scenario key (Markdown, docs/scenario-reference.md).\n"},
    {"policies", "usage: vdcsim policies [--plugin FILE.so]...\n"
                 "Prints every registered policy and its arguments (Markdown, docs/policy-reference.md).\n"},
    {"failures", "usage: vdcsim failures fit FILE.csv [--group-window SECONDS]\n"
                 "Fits failure and repair distributions per system (LANL format).\n"},
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vdcsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'vdcsim --help')\n");
    return CLI_EXIT_BAD_INPUT;
}

typedef struct parsed_run {
    run_options opt;
    const char *overrides[MAX_OVERRIDES];
    char *owned[MAX_OVERRIDES]; /* strings built from flags */
    const char *plugins[MAX_PLUGINS];
    int n_owned;
} parsed_run;

static int add_override(parsed_run *p, const char *key, const char *value)
{
    if (p->opt.n_overrides >= MAX_OVERRIDES)
        return usage_error("too many overrides (at most %s)", "256");
    if (!key) {
        p->overrides[p->opt.n_overrides++] = value;
        return 0;
    }
    size_t len = strlen(key) + strlen(value) + 2;
    char *s = malloc(len);
    if (!s)
        return CLI_EXIT_RUNTIME;
    snprintf(s, len, "%s=%s", key, value);
    p->owned[p->n_owned++] = s;
    p->overrides[p->opt.n_overrides++] = s;
    return 0;
}

static void free_parsed(parsed_run *p)
{
    for (int i = 0; i < p->n_owned; i++)
        free(p->owned[i]);
}

/* Parses the arguments after the subcommand; `allow_run_flags` admits the
 * flags only `run` takes. Returns 0 or an exit status. */
static int parse_run_args(int argc, char **argv, int allow_run_flags, parsed_run *p)
{
    memset(p, 0, sizeof *p);
    p->opt.overrides = p->overrides;
    p->opt.plugins = p->plugins;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        static const struct {
            const char *flag;
            const char *key;
        } mapped[] = {{"-o", "output.path"},
                      {"--output", "output.path"},
                      {"--threads", "simulation.threads"},
                      {"--seed", "simulation.seed"},
                      {"--until", "simulation.until"},
                      {"--set", NULL}};
        int matched = 0;
        for (size_t k = 0; k < sizeof mapped / sizeof mapped[0]; k++) {
            if (strcmp(a, mapped[k].flag) != 0)
                continue;
            matched = 1;
            if (mapped[k].key && !allow_run_flags)
                return usage_error("%s is an option of 'run' only", a);
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            const char *value = argv[++i];
            if (!mapped[k].key && !strchr(value, '='))
                return usage_error("--set %s: expected KEY=VALUE", value);
            int rc = add_override(p, mapped[k].key, value);
            if (rc)
                return rc;
        }
        if (matched)
            continue;
        if (strcmp(a, "--traces") == 0) {
            /* where the scenario's traces are when not where it says
             * (scn_resolve_path); the environment variable of the same job */
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            if (setenv("VDCSIM_TRACES", argv[++i], 1) != 0)
                return usage_error("%s: cannot set VDCSIM_TRACES", a);
            continue;
        }
        if (strcmp(a, "--plugin") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            if (p->opt.n_plugins >= MAX_PLUGINS)
                return usage_error("too many plug-ins (at most %s)", "64");
            p->plugins[p->opt.n_plugins++] = argv[++i];
            continue;
        }
        if (strcmp(a, "--quiet") == 0 && allow_run_flags)
            p->opt.quiet = 1;
        else if (strcmp(a, "--force") == 0 && allow_run_flags)
            p->opt.force = 1;
        else if (strcmp(a, "--mpi") == 0 && allow_run_flags)
            p->opt.mpi = 1;
        else if (strcmp(a, "--fail-on-violation") == 0 && allow_run_flags)
            p->opt.fail_on_violation = 1;
        else if (a[0] == '-' && a[1] != '\0')
            return usage_error("unknown option '%s'", a);
        else if (p->opt.scenario_path)
            return usage_error("unexpected argument '%s' (one scenario per run)", a);
        else
            p->opt.scenario_path = a;
    }
    if (!p->opt.scenario_path)
        return usage_error("%s", "missing SCENARIO");
    return 0;
}

static int cmd_run(int argc, char **argv, int is_run)
{
    parsed_run p;
    int rc = parse_run_args(argc, argv, is_run, &p);
    if (rc == 0)
        rc = is_run ? run_scenario(&p.opt) : check_scenario(&p.opt);
    free_parsed(&p);
    return rc;
}

static int cmd_summary(int argc, char **argv)
{
    if (argc != 1)
        return usage_error("%s", "summary takes one FILE.h5");
    char err[2048];
    run_summary s;
    if (run_summary_read(argv[0], &s, err, sizeof err) != 0) {
        cli_print_error("vdcsim: ", err);
        return CLI_EXIT_BAD_INPUT;
    }
    run_summary_print(&s, argv[0], stdout);
    return CLI_EXIT_OK;
}

static int parse_seconds(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < 0 || v > 86400LL * 365)
        return -1;
    *out = v;
    return 0;
}

static int cmd_failures(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[0], "fit") != 0)
        return usage_error("%s", "usage: vdcsim failures fit FILE.csv [--group-window SECONDS]");
    failure_report_options opts;
    failure_report_options_default(&opts);
    const char *path = argv[1];
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--group-window") == 0 && i + 1 < argc) {
            if (parse_seconds(argv[++i], &opts.group_window_s) != 0)
                return usage_error("--group-window %s: expected seconds from 0 to one year", argv[i]);
        } else {
            return usage_error("unknown option '%s'", argv[i]);
        }
    }
    char err[2048];
    failure_trace trace;
    if (failure_trace_load_lanl(path, &trace, err, sizeof err) != 0) {
        cli_print_error("", err);
        return CLI_EXIT_BAD_INPUT;
    }
    if (trace.count == 0) {
        fprintf(stderr, "%s: no failure records (the file holds only a header): nothing to fit\n", path);
        failure_trace_free(&trace);
        return CLI_EXIT_BAD_INPUT;
    }
    int rc = failure_report_write(stdout, &trace, &opts);
    failure_trace_free(&trace);
    if (rc != 0)
        fprintf(stderr, "vdcsim: failures fit: cannot write the report\n");
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_RUNTIME;
}

/* `vdcsim policies [--plugin FILE]...`: the policy reference. */
static int cmd_policies(int argc, char **argv)
{
    char why[1024];
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--plugin") != 0 || i + 1 >= argc)
            return usage_error("policies: unexpected argument '%s' (expected --plugin FILE)", argv[i]);
        if (plugin_load(argv[++i], why, sizeof why) != 0) {
            char msg[2200];
            snprintf(msg, sizeof msg, "--plugin %.1000s: %s", argv[i], why);
            cli_print_error("vdcsim: ", msg);
            return CLI_EXIT_BAD_INPUT;
        }
    }
    policy_write_reference(stdout);
    return CLI_EXIT_OK;
}

/* `vdcsim --modules`: each optional module (sim/builtin_module.h), what it
 * is for and the file it would be loaded from, without loading it (so a
 * module from another build is listed; using it says why it is refused). */
static int list_modules(void)
{
    static const char *const modules[][2] = {
        {"vdcsim_mpi", "runs and sweeps over MPI ranks (Open MPI)"},
        {"vdcsim_mip_glpk", "vdcsim optimal --solver glpk (GLPK)"},
        {"vdcsim_mip_cbc", "vdcsim optimal --solver cbc (CBC)"},
        {"vdcsim_mip_z3", "vdcsim optimal --solver z3 (Z3)"},
        {"vdcsim_plot", "PNG and SVG figures (PLplot)"},
    };
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        char path[4200], why[600];
        const char *at = builtin_module_path(modules[i][0], path, sizeof path, why, sizeof why);
        printf("%-16s %s\n%-16s   %s\n", modules[i][0], at ? at : why, "", modules[i][1]);
    }
    return CLI_EXIT_OK;
}

static int dispatch(int argc, char **argv);

/* HDF5 normally tears itself down at exit. After a failed write (a full
 * disk) or a read of a damaged file, that teardown retries the failed
 * flush or walks corrupt cached metadata, and HDF5 1.10 then crashes
 * (SIGSEGV in H5F__close_cb) or reports an "infinite loop closing library".
 * Our own code closes every file it opens and deletes a failed run's
 * temporary, so after a failure there is nothing HDF5 still needs to do:
 * skip its teardown then, and shut it down explicitly after success. */
int cli_main(int argc, char **argv)
{
    H5dont_atexit();
    int rc = dispatch(argc, argv);
    if (rc == CLI_EXIT_OK)
        H5close();
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("vdcsim %s\n", VDCSIM_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--modules") == 0)
        return list_modules();
    if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
        for (size_t i = 0; i < sizeof command_help / sizeof command_help[0]; i++)
            if (strcmp(cmd, command_help[i].command) == 0) {
                fputs(command_help[i].text, stdout);
                return CLI_EXIT_OK;
            }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2, 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_run(argc - 2, argv + 2, 0);
    if (strcmp(cmd, "summary") == 0)
        return cmd_summary(argc - 2, argv + 2);
    if (strcmp(cmd, "metrics") == 0)
        return cmd_metrics(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 2, argv + 2);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(argc - 2, argv + 2);
    if (strcmp(cmd, "optimal") == 0)
        return cmd_optimal(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc - 2, argv + 2);
    if (strcmp(cmd, "keys") == 0) {
        scenario_write_reference(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "policies") == 0)
        return cmd_policies(argc - 2, argv + 2);
    if (strcmp(cmd, "failures") == 0)
        return cmd_failures(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
