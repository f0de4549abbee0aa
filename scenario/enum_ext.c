/* enum_ext.c - names plug-ins add to SCN_PLUGGABLE enum keys (see schema.h).
 *
 * A policy registry (models/policies/) lists its built-in names in the
 * schema row of the key that selects a policy; a plug-in registering a
 * policy adds its name here, so the validator accepts it and the messages
 * list it. One small table per process, written before any scenario is
 * loaded and only read afterwards.
 */
#include "scenario/schema.h"

#include <stdlib.h>
#include <string.h>

typedef struct added_values {
    const scn_key *key;
    char *values; /* "a|b" */
} added_values;

static added_values *added;
static size_t n_added;

static added_values *find(const scn_key *key)
{
    for (size_t i = 0; i < n_added; i++)
        if (added[i].key == key)
            return &added[i];
    return NULL;
}

static int list_has(const char *values, const char *s)
{
    size_t len = strlen(s);
    for (const char *p = values; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, s, n) == 0)
            return 1;
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

int scn_enum_add(const char *schema_path, const char *value)
{
    const scn_key *key = scn_schema_find(schema_path);
    if (key == NULL || key->type != SCN_ENUM || !(key->flags & SCN_PLUGGABLE) || value[0] == '\0' ||
        strchr(value, '|') != NULL)
        return -1;
    if (list_has(key->enum_values, value) || scn_enum_added(key, value))
        return -2;
    added_values *a = find(key);
    if (a == NULL) {
        added_values *grown = realloc(added, (n_added + 1) * sizeof *grown);
        if (grown == NULL)
            return -3;
        added = grown;
        a = &added[n_added++];
        a->key = key;
        a->values = NULL;
    }
    size_t old = a->values ? strlen(a->values) : 0, len = strlen(value);
    char *values = realloc(a->values, old + len + 2);
    if (values == NULL)
        return -3;
    if (old > 0)
        values[old++] = '|';
    memcpy(values + old, value, len + 1);
    a->values = values;
    return 0;
}

int scn_enum_added(const scn_key *key, const char *value)
{
    const added_values *a = find(key);
    return a != NULL && list_has(a->values, value);
}

const char *scn_enum_added_values(const scn_key *key)
{
    const added_values *a = find(key);
    return a != NULL && a->values != NULL ? a->values : "";
}
