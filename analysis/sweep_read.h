/* sweep_read.h - a sweep's sweep.h5 read back into a sweep_table, so that
 * `vdcsim report SWEEP.h5 -o DIR` draws the sweep's figures again
 * (analysis/sweep_figures.h) without rerunning anything.
 *
 * The file must carry the root attributes sweep_write_h5 writes (format
 * "vdcsim-sweep", format_version 2 - any other version is refused, naming
 * it -, design, first_factor_values, cells,
 * replications, level); /runs gives the factors (the members between
 * "replication" and "seed"), the metrics (the members after "message") and
 * every run's values; /cells gives each metric's unit. Strings are read
 * only fixed-length (a variable-length column, as version 1 wrote, is
 * refused: its storage has no checksum), and a chunk failing its
 * Fletcher-32 checksum is an error naming the dataset. Sizes are checked
 * against the file, and products for overflow, before anything is
 * allocated.
 */
#ifndef VDCSIM_ANALYSIS_SWEEP_READ_H
#define VDCSIM_ANALYSIS_SWEEP_READ_H

#include <hdf5.h> /* hid_t (include path from CMake: HDF5_INCLUDE_DIRS) */

#include <stddef.h>
#include <stdint.h>

#include "analysis/sweep_table.h"

typedef struct sweep_read {
    sweep_table table;           /* points into the storage below */
    int64_t first_factor_values; /* of a cartesian design */
    int zip;
    char **strings; /* every string the table points to, owned */
    size_t n_strings;
    void *arrays[8]; /* owned arrays the table points to */
} sweep_read;

/* 1 when path is a vdcsim sweep file of any version (its root attribute
 * format), else 0. */
int sweep_read_is_sweep(const char *path);

/* 0, or -2 (not a readable sweep file: bad input) / -1 (out of memory) with
 * a message naming the file in err. */
int sweep_read_h5(const char *path, sweep_read *out, char *err, size_t err_len);

/* The same on a file the caller has opened (and closes); `path` names it in
 * messages. fuzz_sweep reads an in-memory image this way. */
int sweep_read_file(hid_t file, const char *path, sweep_read *out, char *err, size_t err_len);

void sweep_read_free(sweep_read *r);

#endif
