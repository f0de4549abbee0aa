/* image_cache.c - per-node image LRU and pulls (see image_cache.h). */
#include "models/containers/image_cache.h"

#include <stdlib.h>

static image_entry *find(const image_cache *c, uint32_t image)
{
    for (uint32_t i = 0; i < c->n; i++)
        if (c->entries[i].image == image)
            return &c->entries[i];
    return NULL;
}

int image_cache_has(const image_cache *c, uint32_t image) { return find(c, image) != NULL; }

/* Evicts unused images, least recently used first (ties: lower image id),
 * until `need` more bytes fit or nothing unused is left. */
static void make_room(image_cache *c, uint64_t capacity, uint64_t need)
{
    while (c->used_bytes + need > capacity) {
        uint32_t victim = c->n;
        for (uint32_t i = 0; i < c->n; i++) {
            const image_entry *e = &c->entries[i];
            if (e->users > 0)
                continue;
            if (victim == c->n || e->last_used_ns < c->entries[victim].last_used_ns ||
                (e->last_used_ns == c->entries[victim].last_used_ns && e->image < c->entries[victim].image))
                victim = i;
        }
        if (victim == c->n)
            return;
        c->used_bytes -= c->entries[victim].bytes;
        c->entries[victim] = c->entries[--c->n];
    }
}

sim_time_ns image_cache_acquire(image_cache *c, const image_pull_params *p, uint32_t image, uint64_t bytes,
                                sim_time_ns now_ns, int *pulled)
{
    *pulled = 0;
    image_entry *e = find(c, image);
    if (!e) {
        make_room(c, p->capacity_bytes, bytes);
        if (c->n == c->cap) {
            uint32_t cap = c->cap ? 2 * c->cap : 4;
            image_entry *grown = realloc(c->entries, cap * sizeof *grown);
            if (!grown)
                return -1;
            c->entries = grown;
            c->cap = cap;
        }
        sim_time_ns start = p->serialize && c->pull_free_ns > now_ns ? c->pull_free_ns : now_ns;
        sim_time_ns took = (sim_time_ns)((double)bytes / p->bandwidth_bytes_per_s * 1e9 + 0.5);
        e = &c->entries[c->n++];
        *e = (image_entry){.image = image, .bytes = bytes, .ready_ns = start + took, .last_used_ns = now_ns};
        c->used_bytes += bytes;
        if (p->serialize)
            c->pull_free_ns = e->ready_ns;
        *pulled = 1;
    }
    e->users++;
    e->last_used_ns = now_ns;
    return e->ready_ns > now_ns ? e->ready_ns : now_ns;
}

void image_cache_release(image_cache *c, uint32_t image, sim_time_ns now_ns)
{
    image_entry *e = find(c, image);
    if (e && e->users > 0) {
        e->users--;
        e->last_used_ns = now_ns;
    }
}

void image_cache_free(image_cache *c)
{
    free(c->entries);
    *c = (image_cache){0};
}
