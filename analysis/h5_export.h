/* h5_export.h - a run file as CSV files, for pandas, R and spreadsheets
 * (`vdcsim export RUN.h5 --csv DIR`, docs/analysis.md).
 *
 *   DIR/tables/<name>.csv   every /tables/<name>: one row per entity, its
 *                           columns as stored (integers, floats, strings)
 *   DIR/series/<group>.csv  every /series/<group>, long form: one row per
 *                           (sample, entity): time_ns, entity (the row of the
 *                           group's entity table, or 0), then one column per
 *                           series of the group; empty cells for NaN
 *   DIR/events.csv          /events: time_ns, kind (its name), subject, a,
 *                           b, value, in file order
 *
 * Floats are written with %.17g (they read back exactly). Reads in blocks
 * of rows, so memory does not grow with the run. Returns 0; -2 when
 * run_path is not a readable run file or a dataset of it cannot be read
 * (damaged: a checksum fails; crafted); -1 when an output file or folder
 * cannot be written; with a message naming the file and the dataset.
 */
#ifndef VDCSIM_ANALYSIS_H5_EXPORT_H
#define VDCSIM_ANALYSIS_H5_EXPORT_H

#include <stddef.h>

int h5_export_csv(const char *run_path, const char *dir, char *err, size_t err_len);

#endif
