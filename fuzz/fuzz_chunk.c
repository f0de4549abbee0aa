/* fuzz_chunk.c - chunk_unfilter (analysis/chunk_unfilter.h) on arbitrary
 * stored bytes: the part of the series readers that parses a chunk's bytes
 * itself (deflate stream, checksums, shuffle). The input's first byte picks
 * the pipeline (bit 0 shuffle, bit 1 deflate, bit 2 Fletcher-32, in HDF5's
 * order), the second the filter mask, the third the chunk's size (8 to
 * 2,048 bytes); the rest is the stored chunk. Every byte of an accepted
 * chunk is read, so the sanitizers see a short result. */
#include <stdint.h>
#include <stdlib.h>

#include "analysis/chunk_unfilter.h"
#include "fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    chunk_pipeline p = {.n = 0, .elem_size = 8};
    const int ids[3] = {2, 1, 3}; /* shuffle, deflate, fletcher32 */
    for (int i = 0; i < 3; i++)
        if (data[0] & (1u << i))
            p.id[p.n++] = ids[i];
    size_t chunk_bytes = ((size_t)data[2] + 1) * 8;
    chunk_unfilterer *u = chunk_unfilterer_new(chunk_bytes);
    if (!u)
        abort();
    const char *why = NULL;
    const unsigned char *cells = NULL;
    int rc = chunk_unfilter(u, &p, data[1], data + 3, size - 3, &cells, &why);
    if (rc == 1) {
        unsigned sum = 0;
        for (size_t i = 0; i < chunk_bytes; i++)
            sum += cells[i];
        if (sum == 0xffffffffu) /* keeps the reads */
            abort();
    } else if (!why) {
        abort(); /* a refusal always says why */
    }
    chunk_unfilterer_free(u);
    return 0;
}
