/* test_access_path.c - issue 13: the accessors' own path formatter and
 * per-format row cache (scenario/access_path.h) give exactly the path
 * vsnprintf gives and the row scn_schema_find_concrete gives, for every
 * conversion accessors use, for formats it hands to vsnprintf, for a
 * reused format buffer, and for a negative index (no row, so accessors
 * still refuse it). Also: scn_path (scenario.h) writes what snprintf
 * writes; scn_schema_find_concrete's per-thread memo of the last parent's
 * schema form gives the uncached row whatever the next path is; and the
 * accessors' per-thread cache of the last parent setting never serves one
 * scenario's setting for another's, nor one group's for another's. The
 * expected paths and values are written out by hand. */
#include "scenario/access_path.h"
#include "scenario/scenario.h"
#include "tests/check.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static char path[512];
/* What lookup returns when scn_access_path fails: one object's address
 * (two equal string literals need not share one, clang -Wstring-compare). */
static const char lookup_failed;
#define FAIL ((const scn_key *)(const void *)&lookup_failed)

static const scn_key *lookup(size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const scn_key *key = (const scn_key *)&key; /* not NULL: must be set */
    int rc = scn_access_path(path, len, fmt, ap, &key);
    va_end(ap);
    return rc == 0 ? key : FAIL;
}

int main(void)
{
    const scn_key *count = scn_schema_find("vms.[].count");
    const scn_key *mean = scn_schema_find("vms.[].cpu_demand.mean");
    CHECK(count != NULL && mean != NULL && scn_schema_find("vms.[].vcpus") != NULL);

    /* Index formats, twice each (the second served by the cache). */
    for (int round = 0; round < 2; round++) {
        CHECK(lookup(sizeof path, "vms.[%d].count", 12) == count);
        CHECK(strcmp(path, "vms.[12].count") == 0);
        CHECK(lookup(sizeof path, "vms.[%u].count", 7u) == count);
        CHECK(strcmp(path, "vms.[7].count") == 0);
        CHECK(lookup(sizeof path, "vms.[%zu].count", (size_t)4000000000u) == count);
        CHECK(strcmp(path, "vms.[4000000000].count") == 0);
        CHECK(lookup(sizeof path, "vms.[%lld].count", 9000000000LL) == count);
        CHECK(strcmp(path, "vms.[9000000000].count") == 0);
        /* A negative index is no key: never served from the cache. */
        CHECK(lookup(sizeof path, "vms.[%d].count", -1) == NULL);
        CHECK(strcmp(path, "vms.[-1].count") == 0);
        CHECK(lookup(sizeof path, "vms.[%d].count", 0) == count);
        CHECK(strcmp(path, "vms.[0].count") == 0);
    }
    /* %s formats: the row follows the argument. */
    CHECK(lookup(sizeof path, "%s.mean", "vms.[3].cpu_demand") == mean);
    CHECK(strcmp(path, "vms.[3].cpu_demand.mean") == 0);
    CHECK(lookup(sizeof path, "%s.count", "vms.[3]") == count);
    CHECK(lookup(sizeof path, "%s", "vms.[3].no_such_key") == NULL);
    CHECK(strcmp(path, "vms.[3].no_such_key") == 0);
    /* One "%s..." format with many prefixes: the cache serves a prefix that
     * differs from the last one only in index digits, and looks any other
     * up (an index that is not digits has no row). */
    const scn_key *memory_mean = scn_schema_find("vms.[].memory_demand.mean");
    CHECK(memory_mean != NULL && memory_mean != mean);
    static const char *const prefixes[] = {
        "vms.[3].cpu_demand", "vms.[12].cpu_demand", "vms.[0].memory_demand", "vms.[4].cpu_demand",
        "hosts.[4].cpu_demand", "vms.[x].cpu_demand", "vms.[5].cpu_demand", "vms.[-5].cpu_demand",
        "vms.[007].cpu_demand", "vms.[7]x.cpu_demand", "vms.[8].cpu_demand"};
    const scn_key *const rows[] = {mean, mean, memory_mean, mean, NULL, NULL, mean, NULL, mean, NULL, mean};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        CHECK(lookup(sizeof path, "%s.mean", prefixes[i]) == rows[i]);
        char expected[64];
        snprintf(expected, sizeof expected, "%s.mean", prefixes[i]);
        CHECK(strcmp(path, expected) == 0);
    }
    /* A conversion the formatter leaves to vsnprintf: same text. */
    CHECK(lookup(sizeof path, "vms.[%02d].count", 5) == count);
    CHECK(strcmp(path, "vms.[05].count") == 0);
    CHECK(lookup(sizeof path, "vms.[%d]%%", 5) == NULL);
    CHECK(strcmp(path, "vms.[5]%") == 0);
    /* One buffer reused for two formats: the cache checks the text. */
    char fmt[64];
    strcpy(fmt, "vms.[%d].count");
    CHECK(lookup(sizeof path, fmt, 1) == count);
    strcpy(fmt, "vms.[%d].vcpus");
    CHECK(lookup(sizeof path, fmt, 1) == scn_schema_find("vms.[].vcpus"));
    CHECK(strcmp(path, "vms.[1].vcpus") == 0);
    /* Too long: -1 ("vms.[12].count" is 14 bytes, 15 with its NUL). */
    CHECK(lookup(15, "vms.[%d].count", 12) == count);
    CHECK(lookup(14, "vms.[%d].count", 12) == FAIL);
    CHECK(lookup(14, "%s", "vms.[12].count") == FAIL);

    /* scn_path: snprintf's text and return value, truncation included. */
    char buf[32];
    CHECK(scn_path(buf, sizeof buf, "vms.[%d].%s", 42, "cpu_demand") == 19);
    CHECK(strcmp(buf, "vms.[42].cpu_demand") == 0);
    CHECK(scn_path(buf, 8, "vms.[%d].%s", 42, "cpu_demand") == 19);
    CHECK(strcmp(buf, "vms.[42") == 0);
    CHECK(scn_path(buf, sizeof buf, "%s-%02u", "g", 3u) == 4);
    CHECK(strcmp(buf, "g-03") == 0);
    CHECK(scn_path(buf, sizeof buf, "a%%b%lu", 7ul) == 4);
    CHECK(strcmp(buf, "a%b7") == 0);

    /* The parent memo: same parent, other last components. */
    const scn_key *kind = scn_schema_find("vms.[].cpu_demand.kind");
    CHECK(kind != NULL);
    CHECK(scn_schema_find_concrete("vms.[8].cpu_demand.mean") == mean);
    CHECK(scn_schema_find_concrete("vms.[8].cpu_demand.kind") == kind);
    CHECK(scn_schema_find_concrete("vms.[8].cpu_demand.no_such_key") == NULL);
    CHECK(scn_schema_find_concrete("vms.[8].cpu_demand.[2]") == NULL);
    CHECK(scn_schema_find_concrete("vms.[8].cpu_demand.me]an") == NULL);
    CHECK(scn_schema_find_concrete("vms.[8].cpu_demand.") == NULL);
    CHECK(scn_schema_find_concrete("vms.[9].cpu_demand.kind") == kind);
    CHECK(scn_schema_find_concrete("vms.[9].count") == count);
    CHECK(scn_schema_find_concrete("vms.[9].cpu_demand.kind") == kind);
    CHECK(scn_schema_find_concrete("hosts.[9].cpu_demand.kind") == NULL);

    /* The parent-setting cache: two scenarios, read in turns. */
    char err[512];
    const char *text_a = "simulation = { seed = 1; };\n"
                         "hosts = ( { name = \"h\"; } );\n"
                         "vms = ( { name = \"a0\"; vcpus = 3; }, { name = \"a1\"; } );\n";
    const char *text_b = "simulation = { seed = 2; };\n"
                         "hosts = ( { name = \"h\"; } );\n"
                         "vms = ( { name = \"b0\"; }, { name = \"b1\"; vcpus = 5; } );\n";
    scenario *a = scenario_load_string(text_a, "a.cfg", NULL, 0, err, sizeof err);
    scenario *b = scenario_load_string(text_b, "b.cfg", NULL, 0, err, sizeof err);
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL)
        return CHECK_DONE();
    int64_t vcpus_default = scn_int(a, "vms.[1].vcpus");
    CHECK(vcpus_default != 3 && vcpus_default != 5);
    CHECK(scn_int(a, "vms.[0].vcpus") == 3);
    CHECK(scn_int(b, "vms.[0].vcpus") == vcpus_default);
    CHECK(scn_int(b, "vms.[1].vcpus") == 5);
    CHECK(scn_int(a, "vms.[1].vcpus") == vcpus_default);
    CHECK(strcmp(scn_string(a, "vms.[1].name"), "a1") == 0);
    CHECK(strcmp(scn_string(b, "vms.[1].name"), "b1") == 0);
    CHECK(scn_int(a, "simulation.seed") == 1);
    CHECK(scn_int(b, "simulation.seed") == 2);
    /* A scenario loaded where a freed one was is not mistaken for it. */
    scn_int(b, "vms.[1].vcpus");
    scenario_free(b);
    scenario *c = scenario_load_string(text_a, "c.cfg", NULL, 0, err, sizeof err);
    CHECK(c != NULL);
    if (c != NULL)
        CHECK(scn_int(c, "vms.[1].vcpus") == vcpus_default && scn_int(c, "vms.[0].vcpus") == 3);
    scenario_free(c);
    scenario_free(a);
    return CHECK_DONE();
}
