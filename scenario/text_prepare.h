/* text_prepare.h - one pass over a scenario's text before libconfig parses
 * it, for what libconfig 1.5 gets wrong (issue 13, items 10 and 15):
 *
 *  - integer literals wider than 32 bits (decimal above 2147483647, hex
 *    above 0x7fffffff) without an L suffix: libconfig keeps only their low
 *    32 bits (`seed = 0x100000005` became 5). They get an L appended, so
 *    libconfig reads them as 64-bit. Literals beyond the int64 range are
 *    left alone (*has_huge set): the validator reports them per key.
 *  - an unterminated block comment: libconfig silently dropped the rest of
 *    the file. Refused as "FILE:LINE: unterminated block comment".
 *  - @include of something that is not a readable regular file: libconfig's
 *    scanner called exit(2) for a directory. Refused as FILE:LINE.
 *  - a UTF-8 byte order mark at the start: skipped (libconfig reported
 *    "syntax error" at line 1).
 *  - a string where the grammar has none (a quoted setting name "a b" = 1,
 *    a string after '}', a number, or a ',' in a group or at the top
 *    level) or cut by the end of the text: syntax errors on which libconfig
 *    leaks the string's buffer (the ASan build then exited 1, not 2; found
 *    by fuzz_scenario); reported here.
 * The properties file (analysis/props_file.c) and the experiment file
 * (scenario/experiment.c) are read by libconfig too and pass here first.
 * Strings and comments are skipped by the scan. Line numbers are unchanged
 * (only an L is inserted, and libconfig reports lines, not columns).
 */
#ifndef VDCSIM_SCENARIO_TEXT_PREPARE_H
#define VDCSIM_SCENARIO_TEXT_PREPARE_H

#include <stddef.h>

/* Returns the prepared text, or NULL with a message naming `name` and the
 * line. That is text itself (past a byte order mark) when no L is needed,
 * else a malloc'ed copy, also set in *copy for the caller to free (*copy is
 * NULL otherwise). include_dir (may be NULL) is where @include paths are
 * resolved, as libconfig does. */
const char *scn_text_prepare(const char *text, const char *name, const char *include_dir, int *has_huge,
                             char **copy, char *err, size_t err_len);

#endif
