/* fuzz_alibaba_dlrm.c - the DLRM instance trace reader on an arbitrary file. */
#include "fuzz/fuzz_input.h"
#include "traces/alibaba_dlrm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    if (!fuzz_write_file(data, size, ".csv", path, sizeof path))
        return 0;
    adlrm_reader r;
    if (adlrm_open(&r, path, err, sizeof err) == 0) {
        adlrm_instance x;
        while (adlrm_next(&r, &x, err, sizeof err) == 1)
            ;
        adlrm_close(&r);
    }
    unlink(path);
    return 0;
}
