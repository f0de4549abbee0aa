/* violations_h5.h - for the monitor tests: the rows a run wrote to
 * /tables/violations and /tables/properties, and a props_evaluate_each
 * callback that looks each offline violation up among them (so `verify`'s
 * code and the monitors can be compared row for row).
 *
 * Header-only (static inline functions), like run_h5.h. */
#ifndef VDCSIM_TESTS_VIOLATIONS_H5_H
#define VDCSIM_TESTS_VIOLATIONS_H5_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_eval.h"
#include "tests/run_h5.h"

typedef struct row {
    int64_t time_ns, obligation_ns;
    char property[64], entity[64], witness[256];
} row;

typedef struct rows {
    row r[64];
    int n;
} rows;

static inline int read_violations(hid_t f, rows *out)
{
    char err[512];
    hsize_t n = 0;
    out->n = 0;
    hid_t t = h5r_open_dataset(f, "/tables/violations", 1, &n, err, sizeof err);
    if (t < 0 || n > 64)
        return -1;
    for (hsize_t i = 0; i < n; i++) {
        row *r = &out->r[out->n++];
        if (h5r_table_column_i64(t, "v", "time_ns", i, 1, &r->time_ns, err, sizeof err) != 0 ||
            h5r_table_column_i64(t, "v", "obligation_start_ns", i, 1, &r->obligation_ns, err, sizeof err) != 0 ||
            h5r_table_column_str(t, "v", "property", i, r->property, sizeof r->property, err, sizeof err) != 0 ||
            h5r_table_column_str(t, "v", "entity", i, r->entity, sizeof r->entity, err, sizeof err) != 0 ||
            h5r_table_column_str(t, "v", "witness", i, r->witness, sizeof r->witness, err, sizeof err) != 0)
            return -1;
    }
    H5Dclose(t);
    return 0;
}

/* The monitors' row for (property, entity, time), or NULL. */
static inline const row *find(const rows *rs, const char *prop, const char *entity, int64_t t)
{
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].property, prop) == 0 && strcmp(rs->r[i].entity, entity) == 0 && rs->r[i].time_ns == t)
            return &rs->r[i];
    return NULL;
}

static inline int count_of(const rows *rs, const char *prop)
{
    int n = 0;
    for (int i = 0; i < rs->n; i++)
        n += strcmp(rs->r[i].property, prop) == 0;
    return n;
}

/* Per property: violations and pending in /tables/properties. */
static inline void property_counts(hid_t f, const char *name, int64_t *violations, int64_t *pending, int64_t *entities)
{
    char err[512], got[128];
    hsize_t n = 0;
    *violations = *pending = *entities = -1;
    hid_t t = h5r_open_dataset(f, "/tables/properties", 1, &n, err, sizeof err);
    CHECK(t >= 0);
    for (hsize_t i = 0; t >= 0 && i < n; i++) {
        if (h5r_table_column_str(t, "p", "name", i, got, sizeof got, err, sizeof err) != 0 || strcmp(got, name) != 0)
            continue;
        h5r_table_column_i64(t, "p", "violations", i, 1, violations, err, sizeof err);
        h5r_table_column_i64(t, "p", "pending", i, 1, pending, err, sizeof err);
        h5r_table_column_i64(t, "p", "entities", i, 1, entities, err, sizeof err);
    }
    if (t >= 0)
        H5Dclose(t);
}

typedef struct offline {
    const char *property;
    const rows *monitors;
    int matched, seen;
} offline;

static inline void on_violation(void *arg, const props_violation *v)
{
    offline *o = arg;
    o->seen++;
    const row *r = find(o->monitors, o->property, v->entity, v->time_ns);
    int same = r && r->obligation_ns == v->obligation_ns && strcmp(r->witness, v->witness) == 0;
    if (!same)
        fprintf(stderr, "  verify: %s %s at %lld (%s) not found the same in the monitors' table\n", o->property,
                v->entity, (long long)v->time_ns, v->witness);
    o->matched += same;
}


#endif
