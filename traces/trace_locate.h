/* trace_locate.h - where the public traces are: $VDCSIM_TRACES, else the
 * workplace's ../shared/traces next to the source tree. Tests and
 * validation checks that need a trace use it and skip cleanly when it
 * finds none (a clone has no ../shared). */
#ifndef VDCSIM_TRACES_TRACE_LOCATE_H
#define VDCSIM_TRACES_TRACE_LOCATE_H

#include <stddef.h>

/* Writes the path of `rel` (e.g. "lanl-failures-1996-2005/LA-UR-...csv")
 * into buf: under $VDCSIM_TRACES when it exists there, else under
 * source_dir/../shared/traces. 0 when the file exists, -1 when not. */
int trace_locate(const char *source_dir, const char *rel, char *buf, size_t len);

#endif
