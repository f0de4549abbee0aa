/* demand_read.c - a demand process from a scenario group (see demand_read.h). */
#include "models/workload/demand_read.h"

#include <stdio.h>

#include "scenario/schema.h"

int demand_read_scenario(const scenario *scn, const char *prefix, demand_spec *out, char *err, size_t err_len)
{
    char path[512];
    snprintf(path, sizeof path, "%s.mean", prefix);
    const scn_key *mean_key = scn_schema_find_concrete(path);
    double mean = 0.0;
    switch (mean_key ? mean_key->type : SCN_FLOAT) {
    case SCN_MHZ: mean = scn_mhz(scn, "%s", path); break;
    case SCN_GBPS: mean = scn_gbps(scn, "%s", path); break;
    case SCN_BYTES: mean = (double)scn_bytes(scn, "%s", path) / 1048576.0; break;
    default: mean = scn_float(scn, "%s", path); break;
    }
    *out = (demand_spec){
        .mean = mean,
        .amplitude = scn_float(scn, "%s.amplitude", prefix),
        .period_ns = scn_duration_ns(scn, "%s.period", prefix),
        .phase_ns = scn_duration_ns(scn, "%s.phase", prefix),
        .noise = scn_float(scn, "%s.noise", prefix),
    };
    if (demand_kind_parse(scn_string(scn, "%s.kind", prefix), &out->kind) != 0) {
        snprintf(err, err_len, "%s: key '%s.kind': not supported", scenario_name(scn), prefix);
        return -1;
    }
    return 0;
}
