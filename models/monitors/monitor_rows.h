/* monitor_rows.h - one entity's violations of one property as rows of
 * /tables/violations: (time_ns, property, entity, witness, obligation_ns),
 * the columns `vdcsim verify` prints. Used by every kind of monitor (hosts
 * and VMs, clusters and services, the control plane's pods, migrations). */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_ROWS_H
#define VDCSIM_MODELS_MONITORS_MONITOR_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/props_monitor.h"
#include "recorder/recorder.h"

/* Called with each witness before its row is written (may append to it,
 * within len bytes); NULL for none. */
typedef void (*monitor_witness_note)(void *arg, const pm_violation *v, char *witness, size_t len);

/* Writes pp's violations in order to table `table`, naming the entity
 * `entity` and the property `property`. Returns 0, or -1 when the recorder
 * refuses a row. */
int monitor_write_violation_rows(recorder *rec, int table, const pm_prop *pp, const char *property,
                                 const char *entity, monitor_witness_note note, void *note_arg);

#endif
