/* verify_cmd.c - `vdcsim verify RUN.h5 PROPS.cfg [--json] [--fail-on-violation]`:
 * checks the properties of PROPS.cfg (analysis/props_file.h) against a
 * finished run (analysis/props_h5.h, analysis/props_eval.h) and prints, per
 * property, pass/fail, the violation and pending counts and the first
 * violations with time, entity and witness (docs/properties.md).
 * Exit: 0 checked (1 with --fail-on-violation when a property is violated),
 * 2 bad properties or run file, 1 runtime failure. */
#include <stdio.h>
#include <string.h>

#include "analysis/props_file.h"
#include "analysis/props_h5.h"
#include "app/cli_error.h"
#include "app/sweep.h"
#include "scenario/units.h"

static const char verify_usage[] =
    "usage: vdcsim verify RUN.h5 PROPS.cfg [--json] [--fail-on-violation]\n"
    "Checks the properties of PROPS.cfg (properties = ( { name = \"...\"; formula = \"...\"; }, ... );)\n"
    "against a finished run, from its event log and series (docs/properties.md).\n"
    "{ builtin = \"NAME\"; } switches on a built-in property (ha_restart, cpu_limit, ...),\n"
    "with its parameters from the run's scenario. A scenario file serves as PROPS.cfg:\n"
    "its properties list is what the monitors checked during the run.\n"
    "Prints per property PASS or FAIL, the violations, the pending obligations (deadlines\n"
    "past the end of the run) and the first violations with time, entity and witness.\n"
    "--json: the same as one JSON object. --fail-on-violation: exit 1 when a property fails.\n";

/* Text from the run file may hold control bytes: never send them to a terminal. */
static void put_clean(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void print_text(const props_entry *p, const props_result *r)
{
    put_clean(stdout, p->name);
    printf(": %s (%ld violation%s, %ld pending, %ld entit%s)\n  ", r->violations ? "FAIL" : "PASS", r->violations,
           r->violations == 1 ? "" : "s", r->pending, r->entities, r->entities == 1 ? "y" : "ies");
    put_clean(stdout, p->formula);
    printf("\n");
    for (int i = 0; i < r->n_shown; i++) {
        const props_violation *v = &r->shown[i];
        char t[64], o[64];
        units_format_duration_ns(v->time_ns, t, sizeof t);
        printf("  at %s (%lld ns) ", t, (long long)v->time_ns);
        put_clean(stdout, v->entity);
        if (v->obligation_ns >= 0) {
            units_format_duration_ns(v->obligation_ns, o, sizeof o);
            printf(", obligation from %s", o);
        }
        printf(": ");
        put_clean(stdout, v->witness);
        printf("\n");
    }
    if (r->violations > r->n_shown)
        printf("  ... %ld more\n", r->violations - r->n_shown);
}

static void print_json(const props_entry *p, const props_result *r, int first)
{
    printf("%s\n    {\"name\": ", first ? "" : ",");
    put_json_string(stdout, p->name);
    printf(", \"formula\": ");
    put_json_string(stdout, p->formula);
    printf(", \"holds\": %s, \"entities\": %ld, \"violations\": %ld, \"pending\": %ld, \"first\": [",
           r->violations ? "false" : "true", r->entities, r->violations, r->pending);
    for (int i = 0; i < r->n_shown; i++) {
        const props_violation *v = &r->shown[i];
        printf("%s{\"time_ns\": %lld, \"obligation_ns\": %lld, \"entity\": ", i ? ", " : "", (long long)v->time_ns,
               (long long)v->obligation_ns);
        put_json_string(stdout, v->entity);
        printf(", \"witness\": ");
        put_json_string(stdout, v->witness);
        printf("}");
    }
    printf("]}");
}

/* 1 when the properties file mentions a built-in (its parameters come from
 * the run's scenario, read only then). */
static int file_names_builtin(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, "builtin") != NULL;
    fclose(f);
    return found;
}

int cmd_verify(int argc, char **argv)
{
    const char *run = NULL, *props = NULL;
    int json = 0, fail_on_violation = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(verify_usage, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--fail-on-violation") == 0) {
            fail_on_violation = 1;
        } else if (argv[i][0] == '-' || (run && props)) {
            fprintf(stderr, "vdcsim verify: unexpected argument '%s'\n%s", argv[i], verify_usage);
            return CLI_EXIT_BAD_INPUT;
        } else if (!run) {
            run = argv[i];
        } else {
            props = argv[i];
        }
    }
    if (!run || !props) {
        fputs(verify_usage, stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    char err[4096];
    props_list list;
    props_source src;
    props_h5 *h5 = NULL;
    char run_err[2048];
    props_builtin_params params, *have_params = NULL;
    int run_ok = props_h5_open(run, &h5, &src, run_err, sizeof run_err) == 0;
    if (run_ok && file_names_builtin(props) && props_h5_builtin_params(h5, &params, run_err, sizeof run_err) != 0) {
        snprintf(err, sizeof err, "%s: %s", run, run_err);
        cli_print_error("vdcsim: ", err);
        props_h5_close(h5);
        return CLI_EXIT_BAD_INPUT;
    }
    if (run_ok && file_names_builtin(props))
        have_params = &params;
    if (props_file_load(props, have_params, &list, err, sizeof err) != 0) {
        cli_print_error("vdcsim: ", err);
        props_h5_close(h5);
        return CLI_EXIT_BAD_INPUT;
    }
    if (!run_ok) {
        cli_print_error("vdcsim: ", run_err);
        props_list_free(&list);
        return CLI_EXIT_BAD_INPUT;
    }
    int failed = 0, rc = CLI_EXIT_OK;
    if (json) {
        printf("{\"run\": ");
        put_json_string(stdout, run);
        printf(", \"properties\": [");
    }
    for (int i = 0; i < list.n; i++) {
        props_result r;
        char why[1024];
        if (props_evaluate(list.items[i].ast, &src, &r, why, sizeof why) != 0) {
            snprintf(err, sizeof err, "%s: property '%s' (%s:%d): %s", run, list.items[i].name, props,
                     list.items[i].line, why);
            cli_print_error("vdcsim: ", err);
            rc = CLI_EXIT_BAD_INPUT;
            break;
        }
        failed += r.violations > 0;
        if (json)
            print_json(&list.items[i], &r, i == 0);
        else
            print_text(&list.items[i], &r);
    }
    if (json && rc == CLI_EXIT_OK)
        printf("\n  ]}\n");
    if (rc == CLI_EXIT_OK && !json)
        printf("%d of %d properties hold\n", list.n - failed, list.n);
    props_h5_close(h5);
    props_list_free(&list);
    if (rc == CLI_EXIT_OK && fflush(stdout) != 0)
        rc = CLI_EXIT_RUNTIME;
    if (rc == CLI_EXIT_OK && fail_on_violation && failed)
        rc = CLI_EXIT_RUNTIME;
    return rc;
}
