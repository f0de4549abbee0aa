/* props_file.h - reads a list of properties from a libconfig file:
 *
 *   properties = ( { name = "cpu_headroom"; formula = "forall host: G ..."; }, ... );
 *
 * (the same list the scenario will hold, issue 17). Contract: returns 0 and
 * the parsed properties, or -1 with one message "FILE:LINE: key
 * 'properties.[i].formula': column C: what was expected" (or the file's
 * syntax error, a missing key, a duplicate name) for exit status 2. The file
 * is read whole (at most 1 MiB) and never @includes others.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_FILE_H
#define VDCSIM_ANALYSIS_PROPS_FILE_H

#include <stddef.h>

#include "analysis/props_parse.h"

typedef struct props_entry {
    char *name;
    char *formula;
    int line;
    props_node *ast;
} props_entry;

typedef struct props_list {
    props_entry *items;
    int n;
} props_list;

int props_file_load(const char *path, props_list *out, char *err, size_t err_len);
void props_list_free(props_list *l);

#endif
