/* workload_demands.c - the VM groups' demand processes, each distinct one
 * stored once (see workload_demands in workload.h). */
#include "models/workload/workload.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/workload/demand_read.h"

#define BLOCK_SPECS 64

struct demand_block {
    struct demand_block *next;
    size_t used;
    demand_spec specs[BLOCK_SPECS];
};

/* Two specs are the same when every field has the same bits (so -0.0 and
 * 0.0 stay apart and the stored copy is exactly what was read). Field by
 * field: a struct's padding is not guaranteed to be copied. A field added
 * to demand_spec must be added here and in spec_hash; the size check below
 * is the reminder. */
_Static_assert(sizeof(demand_spec) == 152, "demand_spec changed: compare the new field in same_spec() and spec_hash()");

static int same_bits(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }

static int same_spec(const demand_spec *a, const demand_spec *b)
{
    return a->kind == b->kind && same_bits(&a->mean, &b->mean, sizeof a->mean) &&
           same_bits(&a->amplitude, &b->amplitude, sizeof a->amplitude) && a->period_ns == b->period_ns &&
           a->phase_ns == b->phase_ns && same_bits(&a->noise, &b->noise, sizeof a->noise) &&
           same_bits(&a->ceiling, &b->ceiling, sizeof a->ceiling) &&
           same_bits(&a->on_level, &b->on_level, sizeof a->on_level) &&
           same_bits(&a->off_level, &b->off_level, sizeof a->off_level) && a->on_time_ns == b->on_time_ns &&
           a->off_time_ns == b->off_time_ns && same_bits(&a->spread, &b->spread, sizeof a->spread) &&
           a->reversion_ns == b->reversion_ns && a->series.time_s == b->series.time_s &&
           a->series.value == b->series.value && a->series.whole == b->series.whole &&
           a->series.step_s == b->series.step_s && a->series.n == b->series.n &&
           same_bits(&a->scale, &b->scale, sizeof a->scale) && a->interp == b->interp && a->at_end == b->at_end;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x9E3779B97F4A7C15u;
    return h ^ (h >> 29);
}

static uint64_t bits_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static size_t spec_hash(const demand_spec *d)
{
    uint64_t h = 0x243F6A8885A308D3u;
    h = mix(h, (uint64_t)d->kind);
    h = mix(h, bits_of(d->mean));
    h = mix(h, bits_of(d->amplitude));
    h = mix(h, (uint64_t)d->period_ns);
    h = mix(h, (uint64_t)d->phase_ns);
    h = mix(h, bits_of(d->noise));
    h = mix(h, bits_of(d->ceiling));
    h = mix(h, bits_of(d->on_level));
    h = mix(h, bits_of(d->off_level));
    h = mix(h, (uint64_t)d->on_time_ns);
    h = mix(h, (uint64_t)d->off_time_ns);
    h = mix(h, bits_of(d->spread));
    h = mix(h, (uint64_t)d->reversion_ns);
    h = mix(h, (uint64_t)(uintptr_t)d->series.time_s);
    h = mix(h, (uint64_t)(uintptr_t)d->series.value);
    h = mix(h, (uint64_t)(uintptr_t)d->series.whole);
    h = mix(h, (uint64_t)d->series.step_s);
    h = mix(h, d->series.n);
    h = mix(h, bits_of(d->scale));
    h = mix(h, (uint64_t)d->interp);
    h = mix(h, (uint64_t)d->at_end);
    return (size_t)h;
}

/* Doubles the hash set (or creates it); 0 or -1. */
static int grow(workload_demands *pool)
{
    size_t n_slots = pool->slots ? (pool->mask + 1) * 2 : 64;
    const demand_spec **slots = calloc(n_slots, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; pool->slots && i <= pool->mask; i++) {
        if (pool->slots[i] == NULL)
            continue;
        size_t h = spec_hash(pool->slots[i]) & (n_slots - 1);
        while (slots[h] != NULL)
            h = (h + 1) & (n_slots - 1);
        slots[h] = pool->slots[i];
    }
    free(pool->slots);
    pool->slots = slots;
    pool->mask = n_slots - 1;
    return 0;
}

/* The stored spec equal to *spec, stored now if there is none; NULL when
 * out of memory. */
static const demand_spec *intern(workload_demands *pool, const demand_spec *spec)
{
    if ((pool->slots == NULL || (pool->n + 1) * 2 > pool->mask + 1) && grow(pool) != 0)
        return NULL;
    size_t h = spec_hash(spec) & pool->mask;
    for (; pool->slots[h] != NULL; h = (h + 1) & pool->mask)
        if (same_spec(pool->slots[h], spec))
            return pool->slots[h];
    if (pool->blocks == NULL || pool->blocks->used == BLOCK_SPECS) {
        struct demand_block *b = malloc(sizeof *b);
        if (b == NULL)
            return NULL;
        b->next = pool->blocks;
        b->used = 0;
        pool->blocks = b;
    }
    demand_spec *stored = &pool->blocks->specs[pool->blocks->used++];
    *stored = *spec;
    pool->slots[h] = stored;
    pool->n++;
    return stored;
}

int workload_group_read_demands(const scenario *scn, int g, workload_group *wg, workload_demands *pool, char *err,
                                size_t err_len)
{
    static const char *const names[] = {"cpu_demand", "memory_demand", "network_demand"};
    /* One literal per group key: the accessors cache an index-only format's
     * row (scenario/access_path.h). */
    static const char *const group_formats[] = {"vms.[%d].cpu_demand", "vms.[%d].memory_demand",
                                                "vms.[%d].network_demand"};
    for (int r = 0; r < 3; r++) {
        char prefix[128];
        scn_path(prefix, sizeof prefix, "vms.[%d].%s", g, names[r]);
        /* An unset group reads every key's default: the same spec for every
         * group, read once (two of the three demands in most scenarios). */
        int unset = !scn_is_set(scn, group_formats[r], g);
        if (unset && pool->unset[r] != NULL) {
            wg->demand[r] = pool->unset[r];
            continue;
        }
        demand_spec spec;
        if (demand_read_scenario(scn, prefix, &spec, err, err_len) != 0)
            return -1;
        if ((wg->demand[r] = intern(pool, &spec)) == NULL)
            return -2;
        if (unset)
            pool->unset[r] = wg->demand[r];
    }
    return 0;
}

void workload_demands_free(workload_demands *pool)
{
    while (pool->blocks != NULL) {
        struct demand_block *next = pool->blocks->next;
        free(pool->blocks);
        pool->blocks = next;
    }
    free(pool->slots);
    memset(pool, 0, sizeof *pool);
}
