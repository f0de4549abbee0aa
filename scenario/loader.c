/* loader.c - problem reporting and override marks for the scenario loader. */
#include "scenario/loader.h"
#include "scenario/schema.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANK_OVERRIDE 0UL
#define RANK_NO_LINE ULONG_MAX

static void keep_if_first(scn_loader *ld, unsigned long rank, const char *where,
                          const char *path, const char *fmt, va_list ap)
{
    if (ld->failed && rank >= ld->err_rank)
        return;
    ld->failed = 1;
    ld->err_rank = rank;
    if (ld->err == NULL || ld->err_len == 0)
        return;
    int n = snprintf(ld->err, ld->err_len, "%s: key '%s': ", where, path);
    if (n >= 0 && (size_t)n < ld->err_len)
        vsnprintf(ld->err + n, ld->err_len - (size_t)n, fmt, ap);
}

void scn_report(scn_loader *ld, const config_setting_t *s, const char *path, const char *fmt, ...)
{
    char where[1200];
    unsigned long rank = RANK_NO_LINE;
    const char *override_text = scn_marked_by(ld, s);
    if (override_text != NULL) {
        rank = RANK_OVERRIDE;
        snprintf(where, sizeof where, "--set %s", override_text);
    } else {
        const config_setting_t *p = s;
        while (p != NULL && config_setting_source_line(p) == 0)
            p = p->parent;
        if (p != NULL) {
            rank = config_setting_source_line(p);
            const char *file = config_setting_source_file(p);
            snprintf(where, sizeof where, "%s:%u", file ? file : ld->name,
                     config_setting_source_line(p));
        } else {
            snprintf(where, sizeof where, "%s", ld->name);
        }
    }
    va_list ap;
    va_start(ap, fmt);
    keep_if_first(ld, rank, where, path, fmt, ap);
    va_end(ap);
}

void scn_report_override(scn_loader *ld, const char *override_text, const char *path,
                         const char *fmt, ...)
{
    char where[1200];
    snprintf(where, sizeof where, "--set %s", override_text);
    va_list ap;
    va_start(ap, fmt);
    keep_if_first(ld, RANK_OVERRIDE, where, path, fmt, ap);
    va_end(ap);
}

int scn_mark(scn_loader *ld, const config_setting_t *s, const char *override_text)
{
    if (ld->n_marks == ld->cap_marks) {
        int cap = ld->cap_marks ? ld->cap_marks * 2 : 8;
        scn_override_mark *m = realloc(ld->marks, (size_t)cap * sizeof *m);
        if (m == NULL)
            return -1;
        ld->marks = m;
        ld->cap_marks = cap;
    }
    ld->marks[ld->n_marks].setting = s;
    ld->marks[ld->n_marks].text = override_text;
    ld->n_marks++;
    return 0;
}

void scn_unmark(scn_loader *ld, const config_setting_t *s)
{
    for (int i = 0; i < ld->n_marks; i++)
        if (ld->marks[i].setting == s)
            ld->marks[i].setting = NULL;
}

const char *scn_marked_by(const scn_loader *ld, const config_setting_t *s)
{
    /* Newest first: a later override of the same key wins. */
    for (int i = ld->n_marks - 1; i >= 0; i--)
        if (ld->marks[i].setting == s)
            return ld->marks[i].text;
    return NULL;
}

const scn_schema *scn_loader_schema(const scn_loader *ld)
{
    return ld->schema != NULL ? ld->schema : &scn_scenario_schema;
}

void scn_report_unknown(scn_loader *ld, const config_setting_t *s, const char *path)
{
    const scn_schema *schema = scn_loader_schema(ld);
    char suggestion[600];
    scn_suggest_in(schema, path, suggestion, sizeof suggestion);
    if (suggestion[0])
        scn_report(ld, s, path, "unknown key (did you mean '%s'?)", suggestion);
    else
        scn_report(ld, s, path, "unknown key (see %s)", schema->reference);
}

void scn_suggest(const char *path, char *out, size_t out_len)
{
    scn_suggest_in(&scn_scenario_schema, path, out, out_len);
}

void scn_suggest_in(const scn_schema *schema, const char *path, char *out, size_t out_len)
{
    char schema_path[512];
    out[0] = '\0';
    if (scn_schema_path_of(path, schema_path, sizeof schema_path) != 0)
        return;
    const scn_key *near = scn_schema_suggest_in(schema, schema_path);
    if (near == NULL)
        return;
    const char *dot = strrchr(path, '.');
    const char *near_dot = strrchr(near->path, '.');
    int prefix_len = dot ? (int)(dot - path + 1) : 0;
    snprintf(out, out_len, "%.*s%s", prefix_len, path, near_dot ? near_dot + 1 : near->path);
}
