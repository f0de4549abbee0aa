/* image_cache.h - container images held by one node, and image pulls.
 *
 * A node keeps the images it has pulled up to `capacity_bytes`; pulling one
 * more evicts the least recently used images that no running container
 * uses (the kubelet's image garbage collection frees images by last use).
 * If the image still does not fit it is kept anyway (the node is over its
 * budget until something is freed).
 *
 * A pull of size S takes S / bandwidth. With serialized pulls (kubelet
 * default serializeImagePulls = true) a node pulls one image at a time:
 * a pull starts when the previous one ends. A container whose image is
 * being pulled waits for that pull; one already present starts at once.
 */
#ifndef VDCSIM_MODELS_IMAGE_CACHE_H
#define VDCSIM_MODELS_IMAGE_CACHE_H

#include <stdint.h>

#include "sim/time.h"

typedef struct image_entry {
    uint32_t image;          /* image id (index into the run's image names) */
    uint64_t bytes;
    sim_time_ns ready_ns;    /* when its pull ends */
    sim_time_ns last_used_ns;
    uint32_t users;          /* containers using it now */
} image_entry;

typedef struct image_cache {
    image_entry *entries;
    uint32_t n, cap;
    uint64_t used_bytes;
    sim_time_ns pull_free_ns; /* when the puller is free (serialized pulls) */
} image_cache;

typedef struct image_pull_params {
    uint64_t capacity_bytes;
    double bandwidth_bytes_per_s; /* > 0 */
    int serialize;
} image_pull_params;

/* A container needing `image` of `bytes` asks at now_ns: returns the time
 * at which the image is on the node (now_ns when cached), pulling it if
 * needed, and counts the container as a user. *pulled is 1 when this call
 * started a pull. Returns -1 on lack of memory. */
sim_time_ns image_cache_acquire(image_cache *c, const image_pull_params *p, uint32_t image, uint64_t bytes,
                                sim_time_ns now_ns, int *pulled);

/* The container stopped using image (at now_ns, for LRU). */
void image_cache_release(image_cache *c, uint32_t image, sim_time_ns now_ns);

/* 1 when image is on the node (pulled or being pulled). */
int image_cache_has(const image_cache *c, uint32_t image);

void image_cache_free(image_cache *c);

#endif
