/* text_file.h - reading a whole configuration file (scenario, experiment,
 * properties) that libconfig will parse, treating it as hostile.
 *
 * scn_read_text_file(path, what, max_bytes, &len, err, err_len) returns
 * the file's bytes, NUL-terminated (free()), with their count in *len; or
 * NULL with "PATH: cannot read: REASON" in err, REASON one of: the
 * system's (no such file, no permission), "is a directory (expected WHAT)",
 * "not a regular file (expected WHAT)" (a device such as /dev/zero would
 * be read without end), "larger than N MiB" (max_bytes > 0: the limit),
 * "contains a NUL byte (expected a text file)" (libconfig would stop
 * there and read the rest as missing). `what` names the file expected,
 * with its article: "a scenario file".
 */
#ifndef VDCSIM_SCENARIO_TEXT_FILE_H
#define VDCSIM_SCENARIO_TEXT_FILE_H

#include <stddef.h>

char *scn_read_text_file(const char *path, const char *what, size_t max_bytes, size_t *len, char *err,
                         size_t err_len);

#endif
