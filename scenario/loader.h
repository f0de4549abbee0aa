/* loader.h - state shared by the steps of loading one scenario (internal).
 *
 * scenario.c parses the text, override.c applies --set overrides to the
 * parsed tree, validate.c checks the tree against the schema. All of them
 * report problems through scn_report(), which keeps only the problem that
 * comes first: overrides first, then file lines in order, then problems
 * that have no line.
 */
#ifndef VDCSIM_SCENARIO_LOADER_H
#define VDCSIM_SCENARIO_LOADER_H

#include <libconfig.h>
#include <stddef.h>

#include "scenario/schema.h"

/* A setting written by an override, so its problems name the override. */
typedef struct scn_override_mark {
    const config_setting_t *setting;
    const char *text;                /* "hosts.[0].count=4" */
} scn_override_mark;

/* The keys directly under one schema path (validate.c's cache). */
typedef struct scn_children {
    char *schema_path;
    size_t *index; /* into scn_keys */
    size_t n;
} scn_children;

typedef struct scn_loader {
    const scn_schema *schema;        /* the key table; NULL: the scenario schema */
    const char *name;                /* file name or string name, for messages */
    const char *text;                /* the text as parsed (NUL-terminated) */
    int has_huge_literal;            /* an integer literal beyond int64 (text_prepare.h) */
    config_t *config;
    scn_override_mark *marks;
    int n_marks, cap_marks;
    char *err;
    size_t err_len;
    unsigned long err_rank;          /* rank of the message in err */
    int failed;
    scn_children *children;          /* validate.c's cache; scn_loader_free_cache frees it */
    size_t n_children;
} scn_loader;

/* Frees what validation cached in ld. */
void scn_loader_free_cache(scn_loader *ld);

/* Records a problem with setting s at concrete path `path`. The location is
 * the override that wrote s, else the line of s or of its nearest ancestor
 * that has one. */
void scn_report(scn_loader *ld, const config_setting_t *s, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records a problem with an override before it reached the tree. */
void scn_report_override(scn_loader *ld, const char *override_text, const char *path,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Marks s as written by override_text; scn_unmark() forgets s (before it is
 * removed from the tree). Return -1 when out of memory. */
int scn_mark(scn_loader *ld, const config_setting_t *s, const char *override_text);
void scn_unmark(scn_loader *ld, const config_setting_t *s);
const char *scn_marked_by(const scn_loader *ld, const config_setting_t *s);

/* "hosts.[0].cpus" -> "hosts.[0].cores_per_socket" style suggestion for an
 * unknown concrete path; writes "" when there is none. */
void scn_suggest(const char *path, char *out, size_t out_len);
void scn_suggest_in(const scn_schema *schema, const char *path, char *out, size_t out_len);

/* The loader's key table (the scenario schema when ld->schema is NULL). */
const scn_schema *scn_loader_schema(const scn_loader *ld);

/* Reports an unknown key at `path` (setting s), with a suggestion from the
 * loader's table when one is close. */
void scn_report_unknown(scn_loader *ld, const config_setting_t *s, const char *path);

/* Applies one override; returns 0, or -1 after reporting. */
int scn_apply_override(scn_loader *ld, const char *override_text);

/* Validates the whole tree; returns 0, or -1 after reporting. */
int scn_validate(scn_loader *ld);

#endif
