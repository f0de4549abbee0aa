/* load_balancer.h - how a service's load balancer picks a replica.
 *
 * Pure functions over the balancer's own view of its replicas: how many
 * requests it has outstanding at each (queued + in service, the connections
 * it opened itself) and whether each may take new requests. Randomness comes
 * only from the rng the caller passes (the service LP's balancer stream).
 * Each returns a replica index, or -1 when no replica may take the request.
 *
 *   round_robin        the next available replica after the last one chosen.
 *   least_connections  the available replica with the fewest outstanding
 *                      requests; ties by lowest index or uniformly at random.
 *   power_of_d         d distinct replicas sampled uniformly (Floyd's
 *                      algorithm) among all n; the one with the fewest
 *                      outstanding requests among the available ones; ties
 *                      by lowest index or at random. When none of the d is
 *                      available, least_connections over all replicas.
 *                      (Mitzenmacher 2001; Vvedenskaya et al. 1996.)
 *   consistent_hash    every replica owns `virtual_nodes` points on a 64-bit
 *                      ring; a request key goes to the owner of the first
 *                      point clockwise from the key's hash, skipping points
 *                      of unavailable replicas, so removing a replica moves
 *                      only the keys it owned (Karger et al. 1997).
 *   shared_queue       no choice: one FIFO feeds all replicas (the service
 *                      model handles it; see service.h).
 */
#ifndef VDCSIM_MODELS_LOAD_BALANCER_H
#define VDCSIM_MODELS_LOAD_BALANCER_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* In the order of services.[].load_balancer and services.[].tie_break
 * (read with scn_enum). */
typedef enum {
    LB_ROUND_ROBIN,
    LB_LEAST_CONNECTIONS,
    LB_CONSISTENT_HASH,
    LB_POWER_OF_D,
    LB_SHARED_QUEUE
} lb_policy;

typedef enum { LB_TIES_LOWEST_INDEX, LB_TIES_RANDOM } lb_tie_break;

const char *lb_policy_name(lb_policy p);

/* The balancer's view of n replicas. */
typedef struct lb_view {
    uint32_t n;
    const uint64_t *outstanding; /* queued + in service, per replica */
    const uint8_t *available;    /* 1 if it may take new requests */
} lb_view;

/* Starts at *cursor (mod n); on success sets *cursor to the choice + 1. */
int64_t lb_round_robin(const lb_view *v, uint32_t *cursor);
int64_t lb_least_connections(const lb_view *v, lb_tie_break ties, gsl_rng *rng);
/* 1 <= d <= n; scratch holds at least d entries. */
int64_t lb_power_of_d(const lb_view *v, uint32_t d, lb_tie_break ties, gsl_rng *rng, uint32_t *scratch);

/* Consistent hashing. */
typedef struct hash_ring {
    uint64_t *point;    /* sorted ascending */
    uint32_t *replica;  /* owner of point[i] */
    uint64_t n_points;  /* replicas * virtual_nodes */
} hash_ring;

/* Builds the ring; returns 0, or -1 when out of memory. */
int hash_ring_build(hash_ring *ring, uint32_t replicas, uint32_t virtual_nodes);
void hash_ring_free(hash_ring *ring);
/* The replica owning request key `key` given which replicas are available. */
int64_t hash_ring_lookup(const hash_ring *ring, uint64_t key, const uint8_t *available);

/* splitmix64's finaliser: the hash of ring points and request keys. */
uint64_t lb_hash64(uint64_t x);

#endif
