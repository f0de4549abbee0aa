/* validate.c - the validation report: simulated results against closed
 * forms and published trace figures.
 *
 *   vdcsim_validate [--short] [--replications N] [--only NAME] [--out REPORT.md] [--work DIR]
 *
 * Each check (one file check_<name>.c, listed in the table below) prints
 * rows: check, expected, simulated, 95 % interval, verdict. Exit status 0 if
 * every row passes, 1 otherwise, 2 on bad flags.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "validation/report.h"

void check_workload_mean(report *r, const validate_options *o);
void check_lanl(report *r, const validate_options *o);
void check_vsphere(report *r, const validate_options *o);
void check_services(report *r, const validate_options *o);
void check_availability(report *r, const validate_options *o);
void check_mg_inf(report *r, const validate_options *o);
void check_erlang_b(report *r, const validate_options *o);
void check_waterfill(report *r, const validate_options *o);
void check_ha(report *r, const validate_options *o);

static const struct {
    const char *name;
    void (*run)(report *r, const validate_options *o);
} checks[] = {
    {"workload", check_workload_mean},
    {"lanl", check_lanl},
    {"vsphere", check_vsphere},
    {"services", check_services},
    {"availability", check_availability},
    {"mg_inf", check_mg_inf},
    {"erlang_b", check_erlang_b},
    {"waterfill", check_waterfill},
    {"ha", check_ha},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: vdcsim_validate [--short] [--replications N] [--only NAME] [--out REPORT.md] [--work DIR]\n"
                 "checks:");
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        fprintf(out, " %s", checks[i].name);
    fprintf(out, "\n");
}

int main(int argc, char **argv)
{
    validate_options o = {.replications = 30, .is_short = 0, .work = "validation-work"};
    const char *out_path = NULL, *only = NULL;
    int replications_set = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--short") == 0) {
            o.is_short = 1;
        } else if (strcmp(argv[i], "--replications") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 2 || v > 10000) {
                fprintf(stderr, "vdcsim_validate: --replications: expected 2..10000\n");
                return 2;
            }
            o.replications = (int)v;
            replications_set = 1;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else if (strcmp(argv[i], "--work") == 0 && i + 1 < argc) {
            o.work = argv[++i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (o.is_short && !replications_set)
        o.replications = 5;
    int known = only == NULL;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        known |= only && strcmp(only, checks[i].name) == 0;
    if (!known) {
        fprintf(stderr, "vdcsim_validate: --only: no check named '%s'\n", only);
        usage(stderr);
        return 2;
    }
    if (mkdir(o.work, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "vdcsim_validate: cannot create %s: %s\n", o.work, strerror(errno));
        return 1;
    }
    report r = {0};
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (!only || strcmp(only, checks[i].name) == 0)
            checks[i].run(&r, &o);
    int failed = write_report(&r, stdout);
    if (out_path) {
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.partial-%ld", out_path, (long)getpid());
        FILE *f = fopen(tmp, "w");
        if (!f || (write_report(&r, f), fclose(f) != 0) || rename(tmp, out_path) != 0) {
            fprintf(stderr, "vdcsim_validate: cannot write %s\n", out_path);
            remove(tmp);
            return 1;
        }
    }
    return failed ? 1 : 0;
}
