/* monitor_rows.c - see monitor_rows.h. */
#include "models/monitors/monitor_rows.h"

#include <stdio.h>
#include <string.h>

int monitor_write_violation_rows(recorder *rec, int table, const pm_prop *pp, const char *property,
                                 const char *entity, monitor_witness_note note, void *note_arg)
{
    for (size_t j = 0; j < pp->n_v; j++) {
        char witness[256]; /* the size of the checker's (props_violation) */
        const char *text = pm_witness(pp, j);
        /* the row copies its strings: without a note a stored witness (made
         * in a buffer of this size) goes as it is, with no copy here */
        if (note || strnlen(text, sizeof witness) == sizeof witness) {
            snprintf(witness, sizeof witness, "%s", text);
            if (note)
                note(note_arg, &pp->v[j], witness, sizeof witness);
            text = witness;
        }
        rec_value row[] = {{.i64 = pp->v[j].time_ns}, {.str = property}, {.str = entity},
                           {.str = text}, {.i64 = pp->v[j].obligation_ns}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}
