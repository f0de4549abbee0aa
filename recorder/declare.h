/* declare.h - declaring a module's event kinds and series from tables.
 *
 * A module lists what it records once, as a table of names and the ids to
 * fill, instead of a wall of calls each followed by its own check:
 *
 *   const rec_kind_decl kinds[] = {{"host_failed", &fe->log_host_failed}, ...};
 *   if (rec_event_kinds(rec, kinds, n) != 0) return -1;
 *
 * Kinds and series are registered in table order (event kind ids follow
 * it). */
#ifndef VDCSIM_RECORDER_DECLARE_H
#define VDCSIM_RECORDER_DECLARE_H

#include "recorder/recorder.h"

typedef struct rec_kind_decl {
    const char *name;
    int *id; /* set to the kind's id */
} rec_kind_decl;

/* Registers every kind with rec_event_kind; 0, or -1 at the first that fails
 * (recorder_error()). */
int rec_event_kinds(recorder *r, const rec_kind_decl *kinds, int n);

typedef struct rec_series_decl {
    const char *name;
    const char *unit;
    int *id; /* set to the series' id */
} rec_series_decl;

/* Creates every series under /series/<group>/ with one time axis (start 0,
 * period_ns) and n_entities columns described by entity_table (NULL: none);
 * 0, or -1 at the first that fails. */
int rec_series_group(recorder *r, const char *group, const char *entity_table, int n_entities,
                     sim_time_ns period_ns, const rec_series_decl *series, int n);

#endif
