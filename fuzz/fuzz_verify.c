/* fuzz_verify.c - `vdcsim verify RUN.h5 PROPS.cfg` (app/verify_cmd.c): the
 * run-file side, analysis/props_h5.c and the readers under it (events,
 * series, tables, the run's scenario text, pods, fairness), on an arbitrary
 * file. props_h5_open takes a path, so the input goes to a temporary file
 * (fuzz_write_file). Seeds are the summary and metrics targets' run files
 * (scripts/fuzz). Every atom of the property language is asked for once, as
 * a property over its kind, and so is every built-in, with the run's own
 * parameters when it has them. Aborts when an input leaves an HDF5 id open
 * (fuzz_check_hdf5_ids). */
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_builtin.h"
#include "analysis/props_h5.h"
#include "fuzz/fuzz_input.h"

static const char *const kind_names[] = {"", "vm", "host", "service", "pod", "cluster"};

/* One property per atom ("forall KIND: G ATOM" for a state, "... ATOM ==
 * ATOM" for a quantity, which checks units), parsed once. */
static props_node *atom_props[PA_COUNT];

static void parse_atoms(void)
{
    char text[256], err[256];
    for (int a = 0; a < PA_COUNT; a++) {
        const props_atom_info *info = props_atom_get((props_atom)a);
        if (info->is_state)
            snprintf(text, sizeof text, "forall %s: G %s", kind_names[info->kind], info->name);
        else
            snprintf(text, sizeof text, "forall %s: F[<=1h] %s == %s", kind_names[info->kind], info->name,
                     info->name);
        atom_props[a] = props_parse(text, err, sizeof err);
        if (!atom_props[a]) {
            fprintf(stderr, "fuzz_verify: %s: %s\n", text, err);
            abort();
        }
    }
}

static void evaluate(const props_node *f, const props_source *src)
{
    props_result r;
    char why[1024];
    props_evaluate(f, src, &r, why, sizeof why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    fuzz_hdf5_setup();
    if (!atom_props[0])
        parse_atoms();
    fuzz_hdf5_mark mark = fuzz_hdf5_mark_now();
    if (!fuzz_write_file(data, size, ".verify.h5", path, sizeof path))
        return 0;
    props_h5 *h5 = NULL;
    props_source src;
    if (props_h5_open(path, &h5, &src, err, sizeof err) == 0) {
        for (int a = 0; a < PA_COUNT; a++)
            evaluate(atom_props[a], &src);
        props_builtin_params params;
        char list[512], text[1024], why[512];
        if (props_h5_builtin_params(h5, &params, err, sizeof err) == 0) {
            snprintf(list, sizeof list, "%s", props_builtin_names());
            for (char *name = strtok(list, ", "); name; name = strtok(NULL, ", ")) {
                if (props_builtin_formula(name, &params, text, sizeof text, why, sizeof why) != 0)
                    continue;
                props_node *f = props_parse(text, why, sizeof why);
                if (f)
                    evaluate(f, &src);
                props_free(f);
            }
        }
        props_h5_close(h5);
    }
    unlink(path);
    fuzz_check_hdf5_ids("fuzz_verify", mark);
    return 0;
}
