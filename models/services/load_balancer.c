/* load_balancer.c - replica selection policies (see load_balancer.h). */
#include "models/services/load_balancer.h"

#include <stdlib.h>

static const char *const policy_names[] = {"round_robin", "least_connections", "consistent_hash", "power_of_d",
                                           "shared_queue"};

const char *lb_policy_name(lb_policy p)
{
    return (size_t)p < sizeof policy_names / sizeof policy_names[0] ? policy_names[p] : "?";
}

int64_t lb_round_robin(const lb_view *v, uint32_t *cursor)
{
    for (uint32_t k = 0; k < v->n; k++) {
        uint32_t i = (uint32_t)(((uint64_t)*cursor + k) % v->n);
        if (v->available[i]) {
            *cursor = i + 1 == v->n ? 0 : i + 1;
            return i;
        }
    }
    return -1;
}

/* Keeps the best candidate seen so far. With random ties, the k-th equal
 * candidate replaces the kept one with probability 1/k (reservoir sampling),
 * so each of the tied replicas is chosen with equal probability. */
typedef struct pick {
    int64_t best;
    uint64_t best_load;
    uint64_t ties;
} pick;

static void pick_offer(pick *p, uint32_t i, uint64_t load, lb_tie_break ties, gsl_rng *rng)
{
    if (p->best < 0 || load < p->best_load) {
        p->best = i;
        p->best_load = load;
        p->ties = 1;
        return;
    }
    if (load > p->best_load)
        return;
    p->ties++;
    if (ties == LB_TIES_RANDOM) {
        if (gsl_rng_uniform_int(rng, p->ties) == 0)
            p->best = i;
    } else if (i < p->best) {
        p->best = i;
    }
}

int64_t lb_least_connections(const lb_view *v, lb_tie_break ties, gsl_rng *rng)
{
    pick p = {.best = -1};
    for (uint32_t i = 0; i < v->n; i++)
        if (v->available[i])
            pick_offer(&p, i, v->outstanding[i], ties, rng);
    return p.best;
}

int64_t lb_power_of_d(const lb_view *v, uint32_t d, lb_tie_break ties, gsl_rng *rng, uint32_t *scratch)
{
    if (d > v->n)
        d = v->n;
    /* Floyd's algorithm: d distinct indices, each d-subset equally likely. */
    uint32_t m = 0;
    for (uint32_t j = v->n - d; j < v->n; j++) {
        uint32_t t = (uint32_t)gsl_rng_uniform_int(rng, (unsigned long)j + 1);
        int seen = 0;
        for (uint32_t k = 0; k < m && !seen; k++)
            seen = scratch[k] == t;
        scratch[m++] = seen ? j : t;
    }
    pick p = {.best = -1};
    for (uint32_t k = 0; k < m; k++)
        if (v->available[scratch[k]])
            pick_offer(&p, scratch[k], v->outstanding[scratch[k]], ties, rng);
    return p.best >= 0 ? p.best : lb_least_connections(v, ties, rng);
}

uint64_t lb_hash64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

typedef struct ring_entry {
    uint64_t point;
    uint32_t replica;
} ring_entry;

static int ring_entry_compare(const void *a, const void *b)
{
    const ring_entry *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return (x->replica > y->replica) - (x->replica < y->replica);
}

int hash_ring_build(hash_ring *ring, uint32_t replicas, uint32_t virtual_nodes)
{
    *ring = (hash_ring){0};
    uint64_t n = (uint64_t)replicas * virtual_nodes;
    ring_entry *e = malloc((n ? n : 1) * sizeof *e);
    ring->point = malloc((n ? n : 1) * sizeof *ring->point);
    ring->replica = malloc((n ? n : 1) * sizeof *ring->replica);
    if (!e || !ring->point || !ring->replica) {
        free(e);
        hash_ring_free(ring);
        return -1;
    }
    /* A point depends only on (replica, virtual node): the ring of n - 1
     * replicas is the ring of n with one replica's points removed. */
    for (uint32_t r = 0; r < replicas; r++)
        for (uint32_t k = 0; k < virtual_nodes; k++)
            e[(uint64_t)r * virtual_nodes + k] =
                (ring_entry){.point = lb_hash64(lb_hash64(r) ^ (0x5bd1e995ULL * (k + 1))), .replica = r};
    qsort(e, n, sizeof *e, ring_entry_compare);
    for (uint64_t i = 0; i < n; i++) {
        ring->point[i] = e[i].point;
        ring->replica[i] = e[i].replica;
    }
    ring->n_points = n;
    free(e);
    return 0;
}

void hash_ring_free(hash_ring *ring)
{
    free(ring->point);
    free(ring->replica);
    *ring = (hash_ring){0};
}

int64_t hash_ring_lookup(const hash_ring *ring, uint64_t key, const uint8_t *available)
{
    if (ring->n_points == 0)
        return -1;
    uint64_t h = lb_hash64(key ^ 0x2545f4914f6cdd1dULL);
    /* first point >= h, wrapping to 0 past the end */
    uint64_t lo = 0, hi = ring->n_points;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ring->point[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint64_t k = 0; k < ring->n_points; k++) {
        uint64_t i = (lo + k) % ring->n_points;
        if (available[ring->replica[i]])
            return ring->replica[i];
    }
    return -1;
}
