/* fuzz_summary.c - `vdcsim summary` (analysis/run_summary.c and every
 * reader under it) on an arbitrary file: seeds are real run files, so
 * mutations exercise damaged HDF5 structures and checksums. Aborts when an
 * input leaves an HDF5 object open (fuzz_check_hdf5_ids). */
#include <hdf5.h>

#include "analysis/run_summary.h"
#include "fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    fuzz_hdf5_mark mark = fuzz_hdf5_mark_now();
    if (!fuzz_write_file(data, size, ".h5", path, sizeof path))
        return 0;
    run_summary s;
    run_summary_read(path, &s, err, sizeof err);
    unlink(path);
    fuzz_check_hdf5_ids("fuzz_summary", mark);
    return 0;
}
