/* test_access_path.c - issue 13: the accessors' own path formatter and
 * per-format row cache (scenario/access_path.h) give exactly the path
 * vsnprintf gives and the row scn_schema_find_concrete gives, for every
 * conversion accessors use, for formats it hands to vsnprintf, for a
 * reused format buffer, and for a negative index (no row, so accessors
 * still refuse it). The expected paths are written out by hand. */
#include "scenario/access_path.h"
#include "tests/check.h"

#include <stdarg.h>
#include <stddef.h>
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
    return CHECK_DONE();
}
