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
#include <stdlib.h>
#include <string.h>

#include "analysis/props_eval.h"
#include "analysis/props_file.h"
#include "analysis/props_h5.h"
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

/* One property's check against the monitors' rows: each violation verify
 * finds is looked up by (property, entity, time), or, in_order, must be the
 * row at position first + its rank (verify's order: entity, then time). */
typedef struct offline {
    const char *property;
    const rows *monitors;
    int matched, seen;
    int in_order, first;
} offline;

static inline void on_violation(void *arg, const props_violation *v)
{
    offline *o = arg;
    int at = o->first + o->seen++;
    const row *r = !o->in_order ? find(o->monitors, o->property, v->entity, v->time_ns)
                   : at < o->monitors->n ? &o->monitors->r[at]
                                         : NULL;
    int same = r && strcmp(r->property, o->property) == 0 && strcmp(r->entity, v->entity) == 0 &&
               r->time_ns == v->time_ns && r->obligation_ns == v->obligation_ns &&
               strcmp(r->witness, v->witness) == 0;
    if (!same)
        fprintf(stderr, "  verify: %s %s at %lld (%s) not found the same in the monitors' table\n", o->property,
                v->entity, (long long)v->time_ns, v->witness);
    o->matched += same;
}

/* The row (prop, entity, t) exists with that obligation and a witness that
 * starts with `witness` (is the whole witness when exact). */
static inline const row *expect_violation(const rows *rs, const char *prop, const char *entity, int64_t t,
                                          int64_t obligation, const char *witness, int exact)
{
    const row *r = find(rs, prop, entity, t);
    if (!r)
        fprintf(stderr, "  no violation of %s by %s at %lld ns\n", prop, entity, (long long)t);
    CHECK(r != NULL);
    if (!r)
        return NULL;
    CHECK_INT_EQ(r->obligation_ns, obligation);
    if (strncmp(r->witness, witness, exact ? strlen(witness) + 1 : strlen(witness)) != 0)
        fprintf(stderr, "  %s %s at %lld: witness '%s', want '%s'\n", prop, entity, (long long)t, r->witness, witness);
    CHECK_INT_EQ(strncmp(r->witness, witness, strlen(witness)), 0);
    if (exact)
        CHECK_INT_EQ(strcmp(r->witness, witness), 0);
    return r;
}

/* /tables/properties' counts of `prop`. */
static inline void expect_property_counts(hid_t f, const char *prop, int64_t violations, int64_t pending,
                                          int64_t entities)
{
    int64_t v, p, e;
    property_counts(f, prop, &v, &p, &e);
    if (v != violations || p != pending || e != entities)
        fprintf(stderr, "  %s: %lld violations, %lld pending, %lld entities\n", prop, (long long)v, (long long)p,
                (long long)e);
    CHECK_INT_EQ(v, violations);
    CHECK_INT_EQ(p, pending);
    CHECK_INT_EQ(e, entities);
}

/* `vdcsim verify`'s code on the finished run h5 with the properties of cfg
 * (the scenario itself): the same rows as the monitors wrote, and the same
 * counts. params_out (may be NULL) receives the built-ins' parameters. */
static inline void match_verify(const char *h5, const char *cfg, const rows *monitors,
                                props_builtin_params *params_out, int in_order)
{
    char err[2048];
    props_source src;
    props_h5 *r = NULL;
    CHECK_INT_EQ(props_h5_open(h5, &r, &src, err, sizeof err), 0);
    if (!r)
        return;
    props_builtin_params params;
    CHECK_INT_EQ(props_h5_builtin_params(r, &params, err, sizeof err), 0);
    if (params_out)
        *params_out = params;
    props_list list;
    CHECK_INT_EQ(props_file_load(cfg, &params, &list, err, sizeof err), 0);
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    int total = 0;
    for (int i = 0; i < list.n; i++) {
        offline o = {.property = list.items[i].name, .monitors = monitors, .in_order = in_order, .first = total};
        props_result res;
        int rc = props_evaluate_each(list.items[i].ast, &src, &res, on_violation, &o, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "  verify %s: %s\n", list.items[i].name, err);
        CHECK_INT_EQ(rc, 0);
        CHECK_INT_EQ(o.matched, o.seen);
        CHECK_INT_EQ(o.seen, count_of(monitors, list.items[i].name));
        expect_property_counts(f, list.items[i].name, res.violations, res.pending, res.entities);
        total += o.seen;
    }
    CHECK_INT_EQ(total, monitors->n);
    H5Fclose(f);
    props_list_free(&list);
    props_h5_close(r);
}

static inline void monitors_match_verify(const char *h5, const char *cfg, const rows *monitors,
                                         props_builtin_params *params_out)
{
    match_verify(h5, cfg, monitors, params_out, 0);
}

/* The same with NAME.h5 and NAME.cfg in the test folder; in_order: every
 * violation verify finds is the monitors' row at the same place. */
static inline void monitors_match_verify_named_as(const char *name, const rows *monitors, int in_order)
{
    char h5[512], cfg[512];
    snprintf(h5, sizeof h5, "%s/%s.h5", VDCSIM_TEST_TMPDIR, name);
    snprintf(cfg, sizeof cfg, "%s/%s.cfg", VDCSIM_TEST_TMPDIR, name);
    match_verify(h5, cfg, monitors, NULL, in_order);
}

static inline void monitors_match_verify_named(const char *name, const rows *monitors)
{
    monitors_match_verify_named_as(name, monitors, 0);
}

/* The monitors observe only: the objects `objs` of the run WITH.h5 (with
 * properties) are those of WITHOUT.h5 (the same run without). */
static inline void same_without_properties_in(const char *with, const char *without, const char *const *objs,
                                              size_t n_objs)
{
    for (size_t k = 0; k < n_objs; k++) {
        char cmd[1400];
        snprintf(cmd, sizeof cmd, VDCSIM_H5SAME " %s/%s.h5 %s/%s.h5 %s >/dev/null 2>&1", VDCSIM_TEST_TMPDIR, with,
                 VDCSIM_TEST_TMPDIR, without, objs[k]);
        int rc = system(cmd);
        if (rc != 0)
            fprintf(stderr, "  %s differs with properties (%s)\n", objs[k], with);
        CHECK_INT_EQ(rc, 0);
    }
}

#endif
