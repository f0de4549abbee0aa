/* test_placement_index.c - the free-memory index behind first_fit
 * (models/core/placement_index.h) against hand-computed hosts, and
 * first_fit through it against the plain scan on random views. */
#include <stdlib.h>

#include "check.h"
#include "models/core/placement.h"
#include "models/core/placement_index.h"

static placement_host_view host(uint64_t memory_mib, uint64_t committed_mib)
{
    return (placement_host_view){.logical_cpus = 8, .memory_mib = memory_mib, .committed_memory_mib = committed_mib,
                                 .cpu_mhz = 10000.0, .physical_memory_mib = memory_mib, .group = 0, .usable = 1};
}

static void test_next_by_hand(void)
{
    /* free memory 0, 10, 60, 0, 100 (capacity minus committed) */
    placement_host_view v[5] = {host(100, 100), host(100, 90), host(100, 40), host(100, 100), host(100, 0)};
    placement_index ix;
    CHECK_INT_EQ(placement_index_init(&ix, v, 5), 0);
    CHECK_INT_EQ(placement_index_next(&ix, 0, 50), 2);  /* first with >= 50 free */
    CHECK_INT_EQ(placement_index_next(&ix, 3, 50), 4);  /* from 3 on: host 4 */
    CHECK_INT_EQ(placement_index_next(&ix, 0, 101), 5); /* none: n */
    CHECK_INT_EQ(placement_index_next(&ix, 0, 0), 0);   /* everything has >= 0 */
    CHECK_INT_EQ(placement_index_next(&ix, 1, 10), 1);  /* exactly enough counts */
    CHECK_INT_EQ(placement_index_next(&ix, 5, 1), 5);   /* past the end */
    /* commit 55 more on host 2: 5 free, so 50 MiB goes to host 4 */
    v[2].committed_memory_mib = 95;
    placement_index_update(&ix, 2, &v[2]);
    CHECK_INT_EQ(placement_index_next(&ix, 0, 50), 4);
    /* committed above capacity (overcommitted view) counts as 0 free */
    v[4].committed_memory_mib = 150;
    placement_index_update(&ix, 4, &v[4]);
    CHECK_INT_EQ(placement_index_next(&ix, 0, 1), 1);
    CHECK_INT_EQ(placement_index_next(&ix, 2, 6), 5);
    placement_index_free(&ix);
}

static void test_first_fit_same_as_scan(void)
{
    /* first_fit with the index must choose what the plain scan chooses:
     * the lowest host where placement_fits holds, on random views with
     * unusable hosts, other groups and too few CPUs mixed in */
    placement_choice ff = {.policy = &placement_first_fit};
    srand(18);
    for (int round = 0; round < 200; round++) {
        uint32_t n = 1 + (uint32_t)(rand() % 70);
        placement_host_view v[70];
        for (uint32_t i = 0; i < n; i++) {
            v[i] = host(64 + (uint64_t)(rand() % 64), (uint64_t)(rand() % 128));
            v[i].usable = rand() % 5 != 0;
            v[i].group = rand() % 4 == 0 ? 1 : 0;
            v[i].logical_cpus = rand() % 6 == 0 ? 2 : 8;
        }
        placement_index ix;
        CHECK_INT_EQ(placement_index_init(&ix, v, n), 0);
        for (int q = 0; q < 20; q++) {
            placement_request req = {.vcpus = (uint32_t)(1 + rand() % 4), .memory_mib = (uint64_t)(rand() % 100),
                                     .host_group = rand() % 2 ? 0 : -1};
            int32_t want = -1;
            for (uint32_t i = 0; i < n && want < 0; i++)
                if (placement_fits(&v[i], &req))
                    want = (int32_t)i;
            CHECK_INT_EQ(placement_choose_indexed(&ff, v, n, &req, NULL, &ix), want);
            if (want >= 0) { /* commit it, as the controller does */
                v[want].committed_memory_mib += req.memory_mib;
                placement_index_update(&ix, (uint32_t)want, &v[want]);
            }
        }
        placement_index_free(&ix);
    }
}

int main(void)
{
    test_next_by_hand();
    test_first_fit_same_as_scan();
    return CHECK_DONE();
}
