/* fuzz_planetlab.c - the planetlab trace reader on an arbitrary file. */
#include "fuzz/fuzz_input.h"
#include "traces/vm_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    if (!fuzz_write_file(data, size, ".planetlab", path, sizeof path))
        return 0;
    trace_table t;
    if (trace_load_file(path, TRACE_PLANETLAB, &t, err, sizeof err) == 0)
        trace_free(&t);
    unlink(path);
    return 0;
}
