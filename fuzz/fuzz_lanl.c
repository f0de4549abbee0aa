/* fuzz_lanl.c - the LANL failure-trace reader on an arbitrary file. */
#include "fuzz/fuzz_input.h"
#include "traces/failure_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    if (!fuzz_write_file(data, size, ".csv", path, sizeof path))
        return 0;
    failure_trace t;
    if (failure_trace_load_lanl(path, &t, err, sizeof err) == 0)
        failure_trace_free(&t);
    unlink(path);
    return 0;
}
