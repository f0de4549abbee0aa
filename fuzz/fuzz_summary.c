/* fuzz_summary.c - `vdcsim summary` (analysis/run_summary.c and every
 * reader under it) on an arbitrary file, opened from memory
 * (fuzz_hdf5_open_image): seeds are small real run files (scripts/fuzz), so
 * mutations exercise damaged HDF5 structures and checksums. Aborts when an
 * input leaves an HDF5 object open (fuzz_check_hdf5_ids). */
#include <hdf5.h>

#include "analysis/run_summary.h"
#include "fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[2048];
    fuzz_hdf5_setup();
    fuzz_hdf5_mark mark = fuzz_hdf5_mark_now();
    hid_t file = fuzz_hdf5_open_image(data, size);
    if (file >= 0) {
        run_summary s;
        run_summary_read_file(file, FUZZ_HDF5_IMAGE_NAME, &s, err, sizeof err);
        H5Fclose(file);
    }
    fuzz_check_hdf5_ids("fuzz_summary", mark);
    return 0;
}
