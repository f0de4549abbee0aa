/* fuzz_metrics.c - `vdcsim metrics` (app/metrics_cmd.c: analysis/metrics.c
 * and metric_run.c) on an arbitrary file, opened from memory
 * (fuzz_hdf5_open_image): checks it is a run file as metric_run_open does,
 * then computes every metric of the catalogue the way the command does
 * (per-service rows expanded over /tables/services). Seeds are small real
 * run files, so mutations exercise damaged tables, series, events and
 * checksums. Aborts when an input leaves an HDF5 object open. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"
#include "analysis/metric_run.h"
#include "analysis/metrics.h"
#include "fuzz/fuzz_input.h"

static void compute(const char *name, const metric_def *def, void *arg)
{
    (void)def;
    double value;
    metric_value(arg, name, &value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[2048];
    fuzz_hdf5_setup();
    fuzz_hdf5_mark mark = fuzz_hdf5_mark_now();
    hid_t file = fuzz_hdf5_open_image(data, size);
    if (file >= 0) {
        metric_run *run = h5r_check_run(file, FUZZ_HDF5_IMAGE_NAME, NULL, err, sizeof err) == 0
                              ? metric_run_attach(file, FUZZ_HDF5_IMAGE_NAME)
                              : NULL;
        if (run) {
            metric_run_each_name(run, compute, run);
            metric_run_close(run);
        }
        H5Fclose(file);
    }
    /* `vdcsim sweep` computes the metrics of every run in one process: an
     * HDF5 id left open on some error path would pile up (and keep the
     * file open). Every input must leave none. */
    fuzz_check_hdf5_ids("fuzz_metrics", mark);
    return 0;
}
