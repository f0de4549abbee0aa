/* access_path.h - an accessor's path and its schema row, formatted and found
 * quickly.
 *
 * Every accessor (scn_int, scn_string, ...) formats a printf-style path
 * ("vms.[%d].count", 3 -> "vms.[3].count") and looks its row up in the
 * schema. `check` of 100,000 VM groups makes about 70 such calls per group,
 * and glibc's vsnprintf, the normalisation to "vms.[].count" and the hash
 * of that string were a third of its time (issue 13). So:
 *  - the conversions accessors use (%d %u %s %ld %lu %lld %llu %zu %%) are
 *    formatted here; any other conversion falls back to vsnprintf, with the
 *    same result;
 *  - a format whose every conversion is an index written as "[%d]" or
 *    "[%u]" names one schema row whatever its arguments: that row is kept
 *    in a small per-thread cache keyed by the format (its address, checked
 *    against a copy of its text, so a reused buffer is never mistaken for
 *    another format). A negative index is never served from the cache, so
 *    it is refused as before.
 *  - a format that is "%s" then text without conversions ("%s.mean",
 *    the demand and distribution readers' form) names the row of its
 *    prefix argument's shape: the cache keeps the last prefix and serves
 *    any prefix that differs from it only in the digits of list indexes
 *    ("vms.[3].cpu_demand", "vms.[4].cpu_demand").
 *  - other paths go to scn_schema_find_concrete, which rewrites only the
 *    last component when the parent is the one it saw last (schema.c).
 * The path and the row are always those vsnprintf and
 * scn_schema_find_concrete would give.
 */
#ifndef VDCSIM_SCENARIO_ACCESS_PATH_H
#define VDCSIM_SCENARIO_ACCESS_PATH_H

#include <stdarg.h>
#include <stddef.h>

#include "scenario/schema.h"

/* Formats fmt with ap into path (len bytes) and sets *key to its row of
 * the scenario schema (NULL when it is none). 0, or -1 when the path does
 * not fit. Thread-safe. */
int scn_access_path(char *path, size_t len, const char *fmt, va_list ap, const scn_key **key);

/* vsnprintf, with the same text and return value, by the fast formatter
 * when fmt uses only the conversions above (scn_path in scenario.h). */
int scn_vformat_path(char *buf, size_t len, const char *fmt, va_list ap);

#endif
