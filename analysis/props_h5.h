/* props_h5.h - a run file as the props_source of the property checker.
 *
 * Contract: props_h5_open() opens a run (checked by h5r_open_run) and fills
 * a props_source whose signals come from the run (docs/properties.md,
 * "Where the signals come from"): series are piecewise constant from each
 * sample to the next (NaN before the first sample), states follow the event
 * log and change at the records' times, tables give constants. The end of
 * the run is the root attribute until_ns. Everything is read lazily, once
 * per series or event kind, through the checked readers of h5_read.h; a
 * damaged or inconsistent file gives -1 with a message naming the dataset
 * (the caller prefixes the file path). A property that needs a dataset the
 * run lacks (vm.cpu_ready without output.per_vm_series) is an error too.
 * Not thread-safe (HDF5).
 */
#ifndef VDCSIM_ANALYSIS_PROPS_H5_H
#define VDCSIM_ANALYSIS_PROPS_H5_H

#include <stddef.h>

#include "analysis/props_builtin.h"
#include "analysis/props_eval.h"

typedef struct props_h5 props_h5;

/* Returns 0, or -1 with a message (*out NULL). */
int props_h5_open(const char *path, props_h5 **out, props_source *src, char *err, size_t err_len);
void props_h5_close(props_h5 *r);

/* The built-in properties' parameters from the run's scenario (root
 * attribute scenario_text). Returns 0, or -1 with a message. */
int props_h5_builtin_params(props_h5 *r, props_builtin_params *out, char *err, size_t err_len);

/* A series of at most 64 MiB is read whole when first asked for; a larger
 * one a stripe of whole chunk columns (entities) at a time, about 64 MiB:
 * entities are checked in order, so each stripe is read once per property
 * that asks for it. host.cpu_share_error reads its three per-VM series in
 * blocks of rows of about 64 MiB together (analysis/props_fairness_h5.h).
 * set_whole_bytes changes the 64 MiB (tests: stripes and blocks of a small
 * run); stripe_reads counts the reads, whole or stripes. Neither changes a
 * result. */
void props_h5_set_whole_bytes(props_h5 *r, size_t bytes);
long props_h5_stripe_reads(const props_h5 *r);

#endif
