/* fuzz_alibaba_gpu.c - the openb node and pod list reader on an arbitrary file. */
#include "fuzz/fuzz_input.h"
#include "traces/alibaba_gpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    if (!fuzz_write_file(data, size, ".csv", path, sizeof path))
        return 0;
    agpu_reader r;
    if (agpu_open(&r, path, AGPU_PODS, err, sizeof err) == 0) {
        agpu_pod p;
        while (agpu_next_pod(&r, &p, err, sizeof err) == 1)
            ;
        agpu_close(&r);
    }
    if (agpu_open(&r, path, AGPU_NODES, err, sizeof err) == 0) {
        agpu_node n;
        while (agpu_next_node(&r, &n, err, sizeof err) == 1)
            ;
        agpu_close(&r);
    }
    unlink(path);
    return 0;
}
