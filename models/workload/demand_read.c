/* demand_read.c - a demand process from a scenario group (see demand_read.h). */
#include "models/workload/demand_read.h"

#include <stdio.h>

#include "scenario/schema.h"

/* A level key (mean, on_level, off_level, ceiling) in its type's unit: MHz,
 * Gbps, MiB for sizes, else the number as written (fraction, millicores).
 * fmt is "%s.<name>", one literal per key, so that the accessors' format
 * cache serves its row (scenario/access_path.h; a shared "%s" with the
 * whole path missed it for every key, issue 13). */
static double read_level(const scenario *scn, const char *prefix, const char *fmt)
{
    char path[512];
    scn_path(path, sizeof path, fmt, prefix);
    const scn_key *key = scn_schema_find_concrete(path);
    switch (key ? key->type : SCN_FLOAT) {
    case SCN_MHZ: return scn_mhz(scn, fmt, prefix);
    case SCN_GBPS: return scn_gbps(scn, fmt, prefix);
    case SCN_BYTES: return (double)scn_bytes(scn, fmt, prefix) / 1048576.0;
    default: return scn_float(scn, fmt, prefix);
    }
}

int demand_read_scenario(const scenario *scn, const char *prefix, demand_spec *out, char *err, size_t err_len)
{
    *out = (demand_spec){
        .mean = read_level(scn, prefix, "%s.mean"),
        .amplitude = scn_float(scn, "%s.amplitude", prefix),
        .period_ns = scn_duration_ns(scn, "%s.period", prefix),
        .phase_ns = scn_duration_ns(scn, "%s.phase", prefix),
        .noise = scn_float(scn, "%s.noise", prefix),
        .ceiling = read_level(scn, prefix, "%s.ceiling"),
        .on_level = read_level(scn, prefix, "%s.on_level"),
        .off_level = read_level(scn, prefix, "%s.off_level"),
        .on_time_ns = scn_duration_ns(scn, "%s.on_time", prefix),
        .off_time_ns = scn_duration_ns(scn, "%s.off_time", prefix),
        .spread = scn_float(scn, "%s.spread", prefix),
        .reversion_ns = scn_duration_ns(scn, "%s.reversion_time", prefix),
        .scale = 1.0,
    };
    if (demand_kind_parse(scn_string(scn, "%s.kind", prefix), &out->kind) != 0) {
        snprintf(err, err_len, "%s: key '%s.kind': not supported", scenario_name(scn), prefix);
        return -1;
    }
    return 0;
}
