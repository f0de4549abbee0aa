/* monitor_rows.c - see monitor_rows.h. */
#include "models/monitors/monitor_rows.h"

#include <stdio.h>

int monitor_write_violation_rows(recorder *rec, int table, const pm_prop *pp, const char *property,
                                 const char *entity, monitor_witness_note note, void *note_arg)
{
    for (size_t j = 0; j < pp->n_v; j++) {
        char witness[256]; /* the size of the checker's (props_violation) */
        snprintf(witness, sizeof witness, "%s", pm_witness(pp, j));
        if (note)
            note(note_arg, &pp->v[j], witness, sizeof witness);
        rec_value row[] = {{.i64 = pp->v[j].time_ns}, {.str = property}, {.str = entity},
                           {.str = witness}, {.i64 = pp->v[j].obligation_ns}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}
