/* trace_locate.c - finding the public traces (see trace_locate.h). */
#include "traces/trace_locate.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int trace_locate(const char *source_dir, const char *rel, char *buf, size_t len)
{
    struct stat st;
    const char *root = getenv("VDCSIM_TRACES");
    if (root && root[0]) {
        snprintf(buf, len, "%s/%s", root, rel);
        if (stat(buf, &st) == 0)
            return 0;
    }
    snprintf(buf, len, "%s/../shared/traces/%s", source_dir, rel);
    return stat(buf, &st) == 0 ? 0 : -1;
}
