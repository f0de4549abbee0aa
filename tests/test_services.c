/* test_services.c - load-balancing policies, the request FIFO, remaining-work
 * rescaling on a speed change (hand-computed), latency percentiles on known
 * data, and a service LP driven by hand-made events. */
#include <gsl/gsl_rng.h>
#include <stdlib.h>

#include "check.h"
#include "sim/histogram.h"
#include "models/services/load_balancer.h"
#include "models/core/model_env.h"
#include "models/services/request_queue.h"
#include "models/services/service.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

static void test_round_robin(void)
{
    uint64_t out[4] = {0, 0, 0, 0};
    uint8_t avail[4] = {1, 0, 1, 1};
    lb_view v = {.n = 4, .outstanding = out, .available = avail};
    uint32_t cursor = 0;
    /* replica 1 is skipped; the order wraps */
    static const int64_t want[] = {0, 2, 3, 0, 2, 3, 0};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK_INT_EQ(lb_round_robin(&v, &cursor), want[i]);
    uint8_t none[4] = {0, 0, 0, 0};
    v.available = none;
    CHECK_INT_EQ(lb_round_robin(&v, &cursor), -1);
}

static void test_least_connections(gsl_rng *rng)
{
    uint64_t out[4] = {2, 1, 1, 3};
    uint8_t avail[4] = {1, 1, 1, 1};
    lb_view v = {.n = 4, .outstanding = out, .available = avail};
    /* tie between 1 and 2: lowest index */
    CHECK_INT_EQ(lb_least_connections(&v, LB_TIES_LOWEST_INDEX, rng), 1);
    /* random ties: both, about equally often, never another */
    int count[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4000; k++)
        count[lb_least_connections(&v, LB_TIES_RANDOM, rng)]++;
    CHECK_INT_EQ(count[0] + count[3], 0);
    CHECK(count[1] > 1800 && count[2] > 1800);
    /* an unavailable replica is skipped even with the fewest */
    avail[1] = 0;
    CHECK_INT_EQ(lb_least_connections(&v, LB_TIES_LOWEST_INDEX, rng), 2);
    out[0] = 0;
    avail[0] = 0;
    CHECK_INT_EQ(lb_least_connections(&v, LB_TIES_LOWEST_INDEX, rng), 2);
}

static void test_power_of_d(gsl_rng *rng)
{
    uint64_t out[5] = {4, 0, 3, 2, 1};
    uint8_t avail[5] = {1, 1, 1, 1, 1};
    uint32_t scratch[5];
    lb_view v = {.n = 5, .outstanding = out, .available = avail};
    /* d = n samples everything: the shortest queue */
    for (int k = 0; k < 20; k++)
        CHECK_INT_EQ(lb_power_of_d(&v, 5, LB_TIES_LOWEST_INDEX, rng, scratch), 1);
    /* d = 2: the least loaded replica (0 jobs) wins whenever sampled, which
     * is with probability 2/5; the most loaded (replica 0) never wins */
    int count[5] = {0};
    int n = 20000;
    for (int k = 0; k < n; k++)
        count[lb_power_of_d(&v, 2, LB_TIES_LOWEST_INDEX, rng, scratch)]++;
    CHECK_INT_EQ(count[0], 0);
    CHECK_NEAR((double)count[1] / n, 0.4, 0.02);
    /* replica 4 (1 job) wins when sampled with one of 0, 2, 3 and not 1:
     * 3 of the 10 pairs */
    CHECK_NEAR((double)count[4] / n, 0.3, 0.02);
    /* the sampled set must be distinct: with n = 2, d = 2 both are seen */
    uint64_t two[2] = {5, 1};
    lb_view v2 = {.n = 2, .outstanding = two, .available = avail};
    for (int k = 0; k < 50; k++)
        CHECK_INT_EQ(lb_power_of_d(&v2, 2, LB_TIES_LOWEST_INDEX, rng, scratch), 1);
    /* none of the sampled available: falls back to least connections */
    uint8_t only3[5] = {0, 0, 0, 1, 0};
    v.available = only3;
    for (int k = 0; k < 50; k++)
        CHECK_INT_EQ(lb_power_of_d(&v, 2, LB_TIES_LOWEST_INDEX, rng, scratch), 3);
}

static void test_consistent_hash(void)
{
    enum { REPLICAS = 10, KEYS = 20000 };
    hash_ring ring;
    CHECK_INT_EQ(hash_ring_build(&ring, REPLICAS, 100), 0);
    CHECK_INT_EQ(ring.n_points, REPLICAS * 100);
    uint8_t all[REPLICAS], without3[REPLICAS];
    for (int i = 0; i < REPLICAS; i++)
        all[i] = without3[i] = 1;
    without3[3] = 0;
    int owned_by_3 = 0, moved_wrongly = 0, stayed_on_3 = 0;
    for (uint64_t key = 0; key < KEYS; key++) {
        int64_t before = hash_ring_lookup(&ring, key, all);
        int64_t after = hash_ring_lookup(&ring, key, without3);
        if (before == 3) {
            owned_by_3++;
            stayed_on_3 += after == 3;
        } else {
            moved_wrongly += after != before; /* only replica 3's keys may move */
        }
    }
    CHECK_INT_EQ(moved_wrongly, 0);
    CHECK_INT_EQ(stayed_on_3, 0);
    /* 100 virtual nodes give each replica close to 1/10 of the keys */
    CHECK(owned_by_3 > KEYS / 20 && owned_by_3 < 3 * KEYS / 20);
    /* the same key always maps to the same replica */
    CHECK_INT_EQ(hash_ring_lookup(&ring, 12345, all), hash_ring_lookup(&ring, 12345, all));
    hash_ring_free(&ring);
}

static void test_request_queue(void)
{
    request_queue q = {0};
    for (int i = 0; i < 100; i++)
        CHECK_INT_EQ(rq_push(&q, i), 0);
    for (int i = 0; i < 60; i++)
        CHECK_INT_EQ(rq_pop(&q), i);
    for (int i = 100; i < 200; i++) /* wraps and grows */
        CHECK_INT_EQ(rq_push(&q, i), 0);
    CHECK_INT_EQ(rq_len(&q), 140);
    int in_order = 1;
    for (int i = 60; i < 200; i++)
        in_order &= rq_pop(&q) == i;
    CHECK(in_order);
    CHECK_INT_EQ(rq_len(&q), 0);
    rq_free(&q);
}

/* Work 100 ms at full speed; after 40 ms the speed drops to 0.5: 60 ms of
 * work are left, which take 120 ms, so the request finishes 160 ms after it
 * started. */
static void test_rescaling_by_hand(void)
{
    double left = service_work_left(100e6, 40000000, 1.0);
    CHECK_NEAR(left, 60e6, 1e-6);
    CHECK_INT_EQ(service_time_to_finish(left, 0.5), 120000000);
    CHECK_INT_EQ(service_time_to_finish(1.0, 0.3), 4); /* 3.33 ns rounds up */
    CHECK_NEAR(service_work_left(10.0, 100, 0.5), 0.0, 0.0); /* never below 0 */
}

static void test_histogram_percentiles(void)
{
    stats_histogram h;
    CHECK_INT_EQ(stats_histogram_init(&h, 1.0, 1e15, 0.01), 0);
    for (int v = 1; v <= 1000; v++)
        stats_histogram_add(&h, (double)v * 1e6); /* 1 ms .. 1000 ms */
    /* rank ceil(q N): 500, 950, 990 ms, each within 1 % */
    CHECK_NEAR(stats_histogram_quantile(&h, 0.50) / 500e6, 1.0, 0.01);
    CHECK_NEAR(stats_histogram_quantile(&h, 0.95) / 950e6, 1.0, 0.01);
    CHECK_NEAR(stats_histogram_quantile(&h, 0.99) / 990e6, 1.0, 0.01);
    CHECK_NEAR(stats_histogram_mean(&h), 500.5e6, 1.0);
    stats_histogram_free(&h);
}

/* A fake host LP: sends the speed reports scheduled for it. */
static uint32_t g_service_lp, g_kind_speed;
static void fake_host(sim_ctx *ctx, void *state, const sim_event *ev)
{
    service_speed_report rep;
    memcpy(&rep, ev->payload.bytes, sizeof rep);
    sim_send(ctx, g_service_lp, 1000000, g_kind_speed, &rep, sizeof rep); /* 1 ms latency */
}

/* One request (arrives at 1 ms, 100 ms of work) on a dedicated replica;
 * reports put the speed to 0.5 at 41 ms, to 0 (stalled) at 101 ms and back
 * to 1 at 201 ms. Work done: 40 ms by 41 ms; 30 ms more by 101 ms (60 ms at
 * 0.5); none until 201 ms; the last 30 ms end at 231 ms: sojourn 230 ms. */
static void test_service_speed_changes(void)
{
    const char *text = "simulation = { control_latency = \"1ms\"; sample_period = \"1s\"; };\n"
                       "hosts = ( { name = \"h\"; } );\n"
                       "services = ( { name = \"s\"; replicas = 1;\n"
                       "  arrival = { rate = \"0.000000001/s\"; };\n"
                       "  service = { distribution = \"deterministic\"; mean = \"100ms\"; }; } );\n";
    char err[512];
    scenario *scn = scenario_load_string(text, "speed.cfg", NULL, 0, err, sizeof err);
    CHECK(scn != NULL);
    if (!scn) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    sim_config cfg = {.seed = 1, .lookahead_ns = 1000000, .threads = 1};
    sim_engine *eng = sim_engine_new(&cfg);
    model_env env = {.sample_period_ns = 1000000000, .control_latency_ns = 1000000};
    uint32_t host_lp = sim_lp_new(eng, "fake host", fake_host, NULL);
    uint32_t host_kind = sim_kind_register(eng, "fake.report", 1);
    service_set *set = NULL;
    CHECK_INT_EQ(services_build(scn, eng, NULL, &env, &set, err, sizeof err), 0);
    CHECK(set != NULL && set->env == &env);
    if (!set) {
        sim_engine_free(eng);
        scenario_free(scn);
        return;
    }
    g_service_lp = set->first_lp;
    g_kind_speed = set->kind_replica_speed;
    /* the phase event at t = 0 sets the arrival generation to 1 */
    uint64_t generation = 1;
    sim_schedule(eng, set->first_lp, 1000000, set->kind_arrival, &generation, sizeof generation);
    service_speed_report half = {.replica = 0, .speed = 0.5, .running = 1};
    service_speed_report stop = {.replica = 0, .speed = 0.0, .running = 1};
    service_speed_report full = {.replica = 0, .speed = 1.0, .running = 1};
    sim_schedule(eng, host_lp, 40000000, host_kind, &half, sizeof half);
    sim_schedule(eng, host_lp, 100000000, host_kind, &stop, sizeof stop);
    sim_schedule(eng, host_lp, 200000000, host_kind, &full, sizeof full);
    CHECK_INT_EQ(sim_run(eng, 2000000000), 0);
    const service *s = &set->services[0];
    CHECK_INT_EQ(s->completed, 1);
    CHECK_INT_EQ((int64_t)s->sum_sojourn_ns, 230000000);
    CHECK_INT_EQ((int64_t)s->sum_wait_ns, 0);
    services_free(set);
    sim_engine_free(eng);
    scenario_free(scn);
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(rng, 42);
    test_round_robin();
    test_least_connections(rng);
    test_power_of_d(rng);
    test_consistent_hash();
    test_request_queue();
    test_rescaling_by_hand();
    test_histogram_percentiles();
    test_service_speed_changes();
    gsl_rng_free(rng);
    return CHECK_DONE();
}
