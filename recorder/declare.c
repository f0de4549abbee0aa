/* declare.c - event kinds and series from tables (see declare.h). */
#include "recorder/declare.h"

int rec_event_kinds(recorder *r, const rec_kind_decl *kinds, int n)
{
    for (int i = 0; i < n; i++)
        if ((*kinds[i].id = rec_event_kind(r, kinds[i].name)) < 0)
            return -1;
    return 0;
}

int rec_series_group(recorder *r, const char *group, const char *entity_table, int n_entities,
                     sim_time_ns period_ns, const rec_series_decl *series, int n)
{
    for (int i = 0; i < n; i++)
        if ((*series[i].id = rec_series_new(r, group, series[i].name, series[i].unit, entity_table, n_entities, 0,
                                            period_ns)) < 0)
            return -1;
    return 0;
}
