/* fuzz_sweep.c - `vdcsim report SWEEP.h5` (analysis/sweep_read.c) on an
 * arbitrary file: seeds are real sweep files (format_version 2), so
 * mutations exercise damaged tables, attributes and checksums. Aborts when
 * an input leaves an HDF5 object open (fuzz_check_hdf5_ids). */
#include <hdf5.h>

#include "analysis/sweep_read.h"
#include "fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    fuzz_hdf5_mark mark = fuzz_hdf5_mark_now();
    if (!fuzz_write_file(data, size, ".h5", path, sizeof path))
        return 0;
    if (sweep_read_is_sweep(path)) {
        sweep_read r;
        if (sweep_read_h5(path, &r, err, sizeof err) == 0)
            sweep_read_free(&r);
    }
    unlink(path);
    fuzz_check_hdf5_ids("fuzz_sweep", mark);
    return 0;
}
