/* test_spill.c - sim/spill.h: blocks put from several threads at once come
 * back byte for byte from their offsets, the ranges do not overlap and add
 * up to the store's size; a store that cannot be made (no temporary
 * directory) is NULL and a put into it is refused, not fatal. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim/spill.h"
#include "tests/check.h"

enum { THREADS = 4, PUTS = 200, BLOCK = 1792 }; /* 1792: 16 records of 112 bytes */

typedef struct arg {
    spill *s;
    int tid;
    int64_t at[PUTS];
} arg;

/* Block p of thread t: every byte derived from (t, p, byte index). */
static unsigned char pattern(int t, int p, int i) { return (unsigned char)(t * 73 + p * 31 + i * 7 + 1); }

static void *worker(void *v)
{
    arg *a = v;
    unsigned char block[BLOCK];
    for (int p = 0; p < PUTS; p++) {
        for (int i = 0; i < BLOCK; i++)
            block[i] = pattern(a->tid, p, i);
        a->at[p] = spill_put(a->s, block, sizeof block);
    }
    return NULL;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static void concurrent_puts(void)
{
    spill *s = spill_open();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_INT_EQ(spill_bytes(s), 0);
    static arg args[THREADS];
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) {
        args[t].s = s;
        args[t].tid = t;
        CHECK(pthread_create(&th[t], NULL, worker, &args[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    CHECK_INT_EQ(spill_bytes(s), (int64_t)THREADS * PUTS * BLOCK);

    /* the offsets, sorted, are 0, BLOCK, 2 BLOCK, ...: no overlap, no gap */
    static int64_t all[THREADS * PUTS];
    for (int t = 0; t < THREADS; t++)
        memcpy(all + t * PUTS, args[t].at, sizeof args[t].at);
    qsort(all, THREADS * PUTS, sizeof all[0], cmp_i64);
    int contiguous = 1;
    for (int i = 0; i < THREADS * PUTS; i++)
        contiguous &= all[i] == (int64_t)i * BLOCK;
    CHECK(contiguous);

    /* every block reads back as put */
    int wrong = 0;
    unsigned char got[BLOCK];
    for (int t = 0; t < THREADS; t++)
        for (int p = 0; p < PUTS; p++) {
            CHECK_INT_EQ(spill_get(s, args[t].at[p], got, sizeof got), 0);
            for (int i = 0; i < BLOCK; i++)
                wrong += got[i] != pattern(t, p, i);
        }
    CHECK_INT_EQ(wrong, 0);
    /* nothing was put past the end */
    CHECK_INT_EQ(spill_get(s, spill_bytes(s), got, 1), -1);
    spill_close(s);
}

static void no_store(void)
{
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent-vdcsim-dir", 1);
    spill *s = spill_open();
    CHECK(s == NULL);
    unsigned char b[4] = {1, 2, 3, 4};
    CHECK_INT_EQ(spill_put(s, b, sizeof b), -1);
    CHECK_INT_EQ(spill_bytes(s), 0);
    spill_close(s); /* NULL: nothing */
    if (saved) {
        setenv("TMPDIR", saved, 1);
        free(saved);
    } else {
        unsetenv("TMPDIR");
    }
}

int main(void)
{
    concurrent_puts();
    no_store();
    return CHECK_DONE();
}
