/* fuzz_input.h - what the fuzz targets share: the libFuzzer entry point's
 * prototype and a helper that puts the input in a temporary file for
 * readers that take a path (trace readers, the HDF5 summary reader).
 * Each target is built with libFuzzer under clang (`make fuzz`), or linked
 * with mutate_main.c, a deterministic mutation loop, under another compiler.
 */
#ifndef VDCSIM_FUZZ_INPUT_H
#define VDCSIM_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to a per-process temporary file named after `suffix` (a
 * directory name for trace folders is built by the caller); returns its
 * path in buf, or NULL. */
static inline const char *fuzz_write_file(const uint8_t *data, size_t size, const char *suffix, char *buf,
                                          size_t len)
{
    snprintf(buf, len, "/tmp/vdcsim-fuzz-%ld%s", (long)getpid(), suffix);
    FILE *f = fopen(buf, "wb");
    if (!f)
        return NULL;
    size_t wrote = fwrite(data, 1, size, f);
    int failed = fclose(f) != 0 || wrote != size;
    return failed ? NULL : buf;
}

#endif
