/* fuzz_sweep.c - `vdcsim report SWEEP.h5` (analysis/sweep_read.c) on an
 * arbitrary file, opened from memory (fuzz_hdf5_open_image): seeds are
 * small real sweep files (format_version 2), so mutations exercise damaged
 * tables, attributes and checksums. Aborts when an input leaves an HDF5
 * object open (fuzz_check_hdf5_ids). */
#include <hdf5.h>

#include "analysis/sweep_read.h"
#include "fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[2048];
    fuzz_hdf5_setup();
    fuzz_hdf5_mark mark = fuzz_hdf5_mark_now();
    hid_t file = fuzz_hdf5_open_image(data, size);
    if (file >= 0) {
        sweep_read r;
        if (sweep_read_file(file, FUZZ_HDF5_IMAGE_NAME, &r, err, sizeof err) == 0)
            sweep_read_free(&r);
        H5Fclose(file);
    }
    fuzz_check_hdf5_ids("fuzz_sweep", mark);
    return 0;
}
