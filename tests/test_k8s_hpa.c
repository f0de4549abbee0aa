/* test_k8s_hpa.c - HPA replica calculation and behaviour, worked by hand from
 * replica_calculator.go and horizontal.go. */
#include "models/kubernetes/k8s_hpa.h"
#include "tests/check.h"

#define S 1000000000LL

static void pods_at(k8s_hpa_pod *p, uint32_t n, int64_t request, int64_t usage)
{
    for (uint32_t i = 0; i < n; i++)
        p[i] = (k8s_hpa_pod){request, usage, 1, 0};
}

static void test_replica_calculator(void)
{
    k8s_hpa_config c;
    k8s_hpa_config_default(&c, 1, 100, 50);
    k8s_hpa_pod p[8];
    int32_t util = 0;
    /* 3 pods, 450m of 500m: utilization 1350*100/1500 = 90 %, ratio 90/50 = 1.8,
     * ceil(1.8 x 3) = ceil(5.4) = 6 */
    pods_at(p, 3, 500, 450);
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 3, p, 3, &util), 6);
    CHECK_INT_EQ(util, 90);
    /* tolerance 0.1: 54 % -> ratio 1.08 keeps 4; 56 % -> 1.12, ceil(4.48) = 5 */
    pods_at(p, 4, 1000, 540);
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 4);
    pods_at(p, 4, 1000, 560);
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 5);
    /* 46 % -> 0.92 keeps 4; 35 % -> 0.7, ceil(2.8) = 3 */
    pods_at(p, 4, 1000, 460);
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 4);
    pods_at(p, 4, 1000, 350);
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 3);
    /* integer utilization: 3 pods 333m of 1000m -> 999*100/3000 = 33 (33.3) */
    pods_at(p, 3, 1000, 333);
    k8s_hpa_replicas_for_cpu(&c, 3, p, 3, &util);
    CHECK_INT_EQ(util, 33);

    /* missing pod on scale-up counts 0 %: 3 pods at 100 % (ratio 2) + 1
     * missing -> 3000*100/4000 = 75 %, ratio 1.5, ceil(1.5 x 4) = 6 */
    pods_at(p, 4, 1000, 1000);
    p[3].has_metric = 0;
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 6);
    /* unready pod with a metric on scale-up also counts 0 % -> 6 */
    p[3] = (k8s_hpa_pod){1000, 900, 1, 1};
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 6);
    /* missing pod on scale-down counts max(100 %, target) = 100 % of request:
     * 3 pods at 10 % (ratio 0.2) + 1 missing -> (300 + 1000)*100/4000 = 32 %,
     * ratio 0.64, ceil(2.56) = 3 */
    pods_at(p, 4, 1000, 100);
    p[3].has_metric = 0;
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 3);
    /* unready pods are ignored on scale-down: 3 ready at 10 % -> ceil(0.2 x 3) = 1 */
    pods_at(p, 4, 1000, 100);
    p[3].unready = 1;
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 1);
    /* the missing-pod correction flips direction -> keep current:
     * 1 pod at 60 % (ratio 1.2) + 3 missing at 0 % -> 600*100/4000 = 15 % < target */
    pods_at(p, 4, 1000, 600);
    p[1].has_metric = p[2].has_metric = p[3].has_metric = 0;
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), 4);
    /* no usable metric */
    for (int i = 0; i < 4; i++)
        p[i].has_metric = 0;
    CHECK_INT_EQ(k8s_hpa_replicas_for_cpu(&c, 4, p, 4, NULL), -1);
}

static void test_cpu_unready(void)
{
    k8s_hpa_config c;
    k8s_hpa_config_default(&c, 1, 10, 50);
    /* inside the 300 s initialisation period: ready at 10 s, 60 s window:
     * metric at 80 s >= 70 s counts; at 60 s it began before readiness */
    CHECK_INT_EQ(k8s_hpa_cpu_unready(&c, 100 * S, 0, 1, 10 * S, 80 * S, 60 * S), 0);
    CHECK_INT_EQ(k8s_hpa_cpu_unready(&c, 100 * S, 0, 1, 10 * S, 60 * S, 60 * S), 1);
    CHECK_INT_EQ(k8s_hpa_cpu_unready(&c, 100 * S, 0, 0, 10 * S, 80 * S, 60 * S), 1);
    /* after it: unready only if not Ready and last transition before start + 30 s */
    CHECK_INT_EQ(k8s_hpa_cpu_unready(&c, 400 * S, 0, 0, 20 * S, 390 * S, 60 * S), 1);
    CHECK_INT_EQ(k8s_hpa_cpu_unready(&c, 400 * S, 0, 0, 40 * S, 390 * S, 60 * S), 0);
    CHECK_INT_EQ(k8s_hpa_cpu_unready(&c, 400 * S, 0, 1, 20 * S, 390 * S, 60 * S), 0);
}

/* A step in per-pod load from u0 = 50 % to u1 = 80 % with 4 pods and a 50 %
 * target: the next sync sets ceil(4 x 80/50) = ceil(6.4) = 7, inside the
 * scale-up limit max(4 + 4, 2 x 4) = 8. */
static void test_step_up(void)
{
    k8s_hpa_config c;
    k8s_hpa_config_default(&c, 1, 20, 50);
    k8s_hpa h;
    k8s_hpa_init(&h, &c);
    k8s_hpa_pod p[20];
    int32_t n = 4;
    for (int64_t t = 0; t <= 30 * S; t += 15 * S) {
        pods_at(p, (uint32_t)n, 1000, 500);
        n = k8s_hpa_sync(&h, t, n, p, (uint32_t)n);
        CHECK_INT_EQ(n, 4);
    }
    pods_at(p, 4, 1000, 800);
    n = k8s_hpa_sync(&h, 45 * S, n, p, 4);
    CHECK_INT_EQ(n, 7);
    k8s_hpa_free(&h);
}

/* Scale-up rate: 4 pods at 400 % of a 50 % target ask for ceil(8 x 4) = 32.
 * t=0:  limit max(4 + 4, ceil(4 x 2)) = 8.
 * t=15: the +4 event at t=0 is not after the cutoff 15 - 15 = 0, so the
 *       period starts at 8: limit max(12, 16) = 16.
 * t=20: events after 5 s: +8 at t=15 -> period start 16 - 8 = 8, limit 16:
 *       no further growth. */
static void test_scale_up_rate(void)
{
    k8s_hpa_config c;
    k8s_hpa_config_default(&c, 1, 100, 50);
    k8s_hpa h;
    k8s_hpa_init(&h, &c);
    k8s_hpa_pod p[100];
    int32_t n = 4;
    pods_at(p, 100, 1000, 4000);
    n = k8s_hpa_sync(&h, 0, n, p, (uint32_t)n);
    CHECK_INT_EQ(n, 8);
    n = k8s_hpa_sync(&h, 15 * S, n, p, (uint32_t)n);
    CHECK_INT_EQ(n, 16);
    n = k8s_hpa_sync(&h, 20 * S, n, p, (uint32_t)n);
    CHECK_INT_EQ(n, 16);
    n = k8s_hpa_sync(&h, 35 * S, n, p, (uint32_t)n); /* +8 at 15 is outside (20, 35]: start 16 -> 32 */
    CHECK_INT_EQ(n, 32);
    /* capped by maxReplicas */
    n = k8s_hpa_sync(&h, 50 * S, n, p, (uint32_t)n);
    CHECK_INT_EQ(n, 64);
    n = k8s_hpa_sync(&h, 65 * S, n, p, (uint32_t)n);
    CHECK_INT_EQ(n, 100);
    k8s_hpa_free(&h);

    /* legacy path (no behavior): limit max(2 x 4, 4) = 8, then 16 at once */
    c.use_behavior = 0;
    k8s_hpa_init(&h, &c);
    n = k8s_hpa_sync(&h, 0, 4, p, 4);
    CHECK_INT_EQ(n, 8);
    n = k8s_hpa_sync(&h, 1 * S, n, p, (uint32_t)n);
    CHECK_INT_EQ(n, 16);
    k8s_hpa_free(&h);
}

/* Scale-down waits for the 300 s window. 10 pods at 50 % (target 50) from t=0,
 * syncs every 15 s; at t=300 the load falls to 10 % per pod: raw desired
 * ceil(0.2 x 10) = 2. The largest recommendation strictly after now - 300 s
 * is still 10 until the last 10 (t=285) leaves the window: at t=570 the
 * cutoff is 270 < 285 -> 10; at t=585 the cutoff is 285 -> 2. The scale-down
 * policy (100 % per 15 s) allows it at once. */
static void test_scale_down_window(void)
{
    k8s_hpa_config c;
    k8s_hpa_config_default(&c, 1, 20, 50);
    k8s_hpa h;
    k8s_hpa_init(&h, &c);
    k8s_hpa_pod p[20];
    int32_t n = 10;
    int held = 1;
    for (int64_t t = 0; t <= 585 * S; t += 15 * S) {
        pods_at(p, (uint32_t)n, 1000, t < 300 * S ? 500 : 100);
        n = k8s_hpa_sync(&h, t, n, p, (uint32_t)n);
        if (t <= 570 * S && n != 10)
            held = 0;
    }
    CHECK(held);
    CHECK_INT_EQ(n, 2);
    k8s_hpa_free(&h);

    /* tolerance band: 54 % for ten minutes never moves 10 replicas */
    k8s_hpa_init(&h, &c);
    n = 10;
    for (int64_t t = 0; t <= 600 * S; t += 15 * S) {
        pods_at(p, (uint32_t)n, 1000, 540);
        n = k8s_hpa_sync(&h, t, n, p, (uint32_t)n);
    }
    CHECK_INT_EQ(n, 10);
    k8s_hpa_free(&h);

    /* min/max: a count above maxReplicas is brought down to it; below min up */
    k8s_hpa_init(&h, &c);
    CHECK_INT_EQ(k8s_hpa_normalize(&h, 0, 25, 3), 20);
    CHECK_INT_EQ(k8s_hpa_normalize(&h, 15 * S, 0, 3), 0); /* scaled to zero: disabled */
    k8s_hpa_config c2 = c;
    c2.min_replicas = 3;
    k8s_hpa h2;
    k8s_hpa_init(&h2, &c2);
    CHECK_INT_EQ(k8s_hpa_normalize(&h2, 0, 2, 1), 3);
    CHECK_INT_EQ(k8s_hpa_normalize(&h2, 15 * S, 3, -1), 3); /* no metric: no change */
    k8s_hpa_free(&h);
    k8s_hpa_free(&h2);
}

/* The legacy path (no behavior, issue 14 item 4): stabilizeRecommendation
 * keeps the highest recommendation whose time is not before now - 300 s, so
 * the window edge is inclusive. 10 pods at 50 % until t=300, then 10 %
 * (raw 2). The 10 of t=285 is still in at t=585 (cutoff 285, not before)
 * and out at t=600: 10 -> 2 at 600 s, 15 s later than with behavior
 * (test_scale_down_window: 585 s). The legacy path has no rate policy
 * below: 10 -> 2 at once. */
static void test_legacy_window_edge(void)
{
    k8s_hpa_config c;
    k8s_hpa_config_default(&c, 1, 20, 50);
    c.use_behavior = 0;
    k8s_hpa h;
    k8s_hpa_init(&h, &c);
    k8s_hpa_pod p[20];
    int32_t n = 10;
    int64_t moved_at = -1;
    for (int64_t t = 0; t <= 630 * S; t += 15 * S) {
        pods_at(p, (uint32_t)n, 1000, t < 300 * S ? 500 : 100);
        int32_t next = k8s_hpa_sync(&h, t, n, p, (uint32_t)n);
        if (next != n && moved_at < 0)
            moved_at = t;
        n = next;
    }
    CHECK_INT_EQ(moved_at, 600 * S);
    CHECK_INT_EQ(n, 2);
    k8s_hpa_free(&h);

    /* scale-up cap max(2 x current, 4): 1 replica at 250 % asks for 5 -> 4 */
    k8s_hpa_init(&h, &c);
    pods_at(p, 1, 1000, 2500);
    CHECK_INT_EQ(k8s_hpa_sync(&h, 0, 1, p, 1), 4);
    k8s_hpa_free(&h);
}

int main(void)
{
    test_replica_calculator();
    test_cpu_unready();
    test_step_up();
    test_scale_up_rate();
    test_scale_down_window();
    test_legacy_window_edge();
    return CHECK_DONE();
}
