/* props_file.h - reads a list of properties from a libconfig file:
 *
 *   properties = ( { name = "cpu_headroom"; formula = "forall host: G ..."; },
 *                  { builtin = "ha_restart"; }, ... );
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

#include "analysis/props_builtin.h"
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

/* params: the built-ins' parameters (NULL: a builtin entry is an error). */
int props_file_load(const char *path, const props_builtin_params *params, props_list *out, char *err,
                    size_t err_len);

/* One entry of a properties list, as written: a formula with its name, or
 * a built-in (props_builtin.h) whose name defaults to the built-in's. */
typedef struct props_spec {
    const char *name, *formula, *builtin; /* NULL when absent */
    int line;
} props_spec;

/* Parses one entry and appends it to l: the one way both readers (this
 * file's and the scenario's, models/monitors/) compile a property. On error
 * returns -1 with why ("column C: ...") and *bad_key the key it is about
 * ("name", "formula" or "builtin"); l keeps the entries before. */
int props_list_add(props_list *l, const props_spec *spec, const props_builtin_params *params,
                   const char **bad_key, char *why, size_t why_len);
void props_list_free(props_list *l);

#endif
