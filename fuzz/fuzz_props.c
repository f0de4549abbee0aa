/* fuzz_props.c - the properties file of `vdcsim verify` (analysis/props_file.c
 * and the formula parser under it, analysis/props_parse.c) on an arbitrary
 * file. The scenario's `properties` list goes through the same
 * props_list_add when a run builds its monitors, which fuzz_scenario (the
 * loader only) does not reach. Each formula parsed is written back
 * (props_format), as messages and tests do. */
#include "analysis/props_file.h"
#include "fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048], text[4096];
    if (!fuzz_write_file(data, size, ".props.cfg", path, sizeof path))
        return 0;
    /* The built-ins' parameters of a run: 30 s HA deadline, 5 min samples,
     * 15 min DRS convergence (any values: they only fill in formulas). */
    props_builtin_params params = {.ha_deadline_ns = 30000000000LL, .sample_period_ns = 300000000000LL,
                                   .drs_convergence_ns = 900000000000LL};
    props_list list;
    if (props_file_load(path, &params, &list, err, sizeof err) == 0) {
        for (int i = 0; i < list.n; i++)
            props_format(list.items[i].ast, text, sizeof text);
        props_list_free(&list);
    }
    unlink(path);
    return 0;
}
