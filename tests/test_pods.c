/* test_pods.c - the pure models behind pods: CFS bandwidth control and
 * shares, QoS and the OOM killer, CrashLoopBackOff, the image cache.
 * Every expected value is computed by hand in the comment next to it. */
#include <math.h>
#include <stdint.h>

#include "models/containers/cfs.h"
#include "models/containers/crashloop.h"
#include "models/containers/image_cache.h"
#include "models/containers/oom.h"
#include "models/containers/pod.h"
#include "tests/check.h"

#define S (SIM_NS_PER_S)
#define MIB 1048576ull

static void test_quota_and_shares(void)
{
    /* quota = limit * period / 1000: 500 m over 100 ms = 50 ms */
    CHECK_NEAR(cfs_quota_s(500, 0.1), 0.050, 1e-12);
    /* 5 m would be 0.5 ms; kubelet raises it to 1 ms */
    CHECK_NEAR(cfs_quota_s(5, 0.1), 0.001, 1e-12);
    CHECK_NEAR(cfs_quota_s(0, 0.1), 0.0, 0.0);
    /* shares = request * 1024 / 1000, in [2, 262144] */
    CHECK_NEAR(cfs_shares(500), 512.0, 0.0);
    CHECK_NEAR(cfs_shares(0), 2.0, 0.0);
    CHECK_NEAR(cfs_shares(1), 2.0, 0.0);       /* floor(1.024) = 1 -> 2 */
    CHECK_NEAR(cfs_shares(1e6), 262144.0, 0.0); /* 1,024,000 -> cap */
}

static void test_bandwidth(void)
{
    /* Limit 500 m, 4 threads each wanting 1 core for 50 ms of a 100 ms
     * period: work W = 4 x 50 ms = 200 ms per period = 2 cores of demand.
     * The burst runs on 4 cores, so the 50 ms quota is gone after
     * 50/4 = 12.5 ms; the group is throttled for 87.5 ms of every period.
     * Usage 50 ms per 100 ms = 0.5 cores; every period throttled; the
     * per-CPU throttled time is 4 x 87.5 ms = 350 ms per period = 3.5 s/s. */
    cfs_result r = cfs_bandwidth(2.0, 4, 8.0, 500, 0.1, CFS_WORK_UNIFORM);
    CHECK_NEAR(r.usage_cores, 0.5, 1e-12);
    CHECK_NEAR(r.throttled_fraction, 1.0, 0.0);
    CHECK_NEAR(r.throttled_s_per_s, 3.5, 1e-12);

    /* 0.4 cores: 40 ms of work < 50 ms quota: never throttled. */
    r = cfs_bandwidth(0.4, 4, 8.0, 500, 0.1, CFS_WORK_UNIFORM);
    CHECK_NEAR(r.usage_cores, 0.4, 1e-12);
    CHECK_NEAR(r.throttled_fraction, 0.0, 0.0);

    /* The node gives it 0.3 cores: a period runs at most 30 ms < quota, so
     * contention, not the quota, holds it: usage 0.3, no throttling. */
    r = cfs_bandwidth(2.0, 4, 0.3, 500, 0.1, CFS_WORK_UNIFORM);
    CHECK_NEAR(r.usage_cores, 0.3, 1e-12);
    CHECK_NEAR(r.throttled_fraction, 0.0, 0.0);

    /* One thread cannot use a 2-core quota (200 ms per 100 ms): usage 1 core. */
    r = cfs_bandwidth(3.0, 1, 8.0, 2000, 0.1, CFS_WORK_UNIFORM);
    CHECK_NEAR(r.usage_cores, 1.0, 1e-12);
    CHECK_NEAR(r.throttled_fraction, 0.0, 0.0);

    /* No limit: demand capped by threads and node only. */
    r = cfs_bandwidth(3.0, 4, 8.0, 0, 0.1, CFS_WORK_UNIFORM);
    CHECK_NEAR(r.usage_cores, 3.0, 1e-12);

    /* Exponential work, mean 0.5 cores = m = 50 ms per period, limit 500 m
     * (quota 50 ms), 1 thread: E[min(W, 50ms)] = m (1 - e^-1) = 31.606 ms
     * -> 0.31606 cores; P(W > 50 ms) = e^-1 = 0.36788; a throttled period
     * loses 1 x (100 - 50) ms, so 0.36788 x 0.05 / 0.1 = 0.18394 s/s. The
     * average is at the limit yet a third of the periods are throttled. */
    r = cfs_bandwidth(0.5, 1, 8.0, 500, 0.1, CFS_WORK_EXPONENTIAL);
    CHECK_NEAR(r.usage_cores, 0.5 * (1.0 - exp(-1.0)), 1e-12);
    CHECK_NEAR(r.usage_cores, 0.31606, 1e-5);
    CHECK_NEAR(r.throttled_fraction, 0.36788, 1e-5);
    CHECK_NEAR(r.throttled_s_per_s, 0.18394, 1e-5);

    cfs_work_kind k;
    CHECK_INT_EQ(cfs_work_kind_parse("exponential", &k), 0);
    CHECK(k == CFS_WORK_EXPONENTIAL);
    CHECK_INT_EQ(cfs_work_kind_parse("bursty", &k), -1);
}

static void test_waterfill(void)
{
    /* 4 cores; wants 3, 0.5, 3 with shares 1024, 1024, 2048. Pod 1's want
     * (0.5) is below its level share (4 x 1024/4096 = 1): satisfied. The
     * other two split 3.5 by 1:2 -> 1.1667 and 2.3333 (both below want). */
    double want[3] = {3, 0.5, 3}, weight[3] = {1024, 1024, 2048}, out[3];
    size_t scratch[3];
    cfs_waterfill(3, want, weight, 4.0, out, scratch);
    CHECK_NEAR(out[1], 0.5, 1e-12);
    CHECK_NEAR(out[0], 3.5 / 3.0, 1e-12);
    CHECK_NEAR(out[2], 7.0 / 3.0, 1e-12);
    /* Uncontended: everyone gets its want. */
    double want2[2] = {1, 1}, weight2[2] = {2, 2}, out2[2];
    cfs_waterfill(2, want2, weight2, 4.0, out2, scratch);
    CHECK_NEAR(out2[0], 1.0, 0.0);
    CHECK_NEAR(out2[1], 1.0, 0.0);
}

static void test_oom(void)
{
    CHECK(qos_class_of(0, 0, 0, 0) == QOS_BEST_EFFORT);
    CHECK(qos_class_of(500, 500, 256 * MIB, 256 * MIB) == QOS_GUARANTEED);
    CHECK(qos_class_of(250, 500, 256 * MIB, 256 * MIB) == QOS_BURSTABLE);
    CHECK(qos_class_of(0, 0, 0, 256 * MIB) == QOS_BURSTABLE);
    CHECK_INT_EQ(oom_score_adj(QOS_GUARANTEED, 1, 2), -997);
    CHECK_INT_EQ(oom_score_adj(QOS_BEST_EFFORT, 0, 2), 1000);
    /* 1 GiB of 16 GiB: 1000 - floor(1000/16) = 1000 - 62 = 938 */
    CHECK_INT_EQ(oom_score_adj(QOS_BURSTABLE, 1024 * MIB, 16384 * MIB), 938);
    /* request = capacity: 0 -> raised to 3; a 1-byte request: 1000 -> 999 */
    CHECK_INT_EQ(oom_score_adj(QOS_BURSTABLE, 16384 * MIB, 16384 * MIB), 3);
    CHECK_INT_EQ(oom_score_adj(QOS_BURSTABLE, 1, 16384 * MIB), 999);
    CHECK_INT_EQ(oom_over_limit(300, 256), 1);
    CHECK_INT_EQ(oom_over_limit(256, 256), 0);
    CHECK_INT_EQ(oom_over_limit(300, 0), 0);

    /* Node of 1000 MiB; usages 400 (adj -997), 300 (1000), 400 (500):
     * total 1100. Badness = usage + adj * 1000/1000: -597, 1300, 900.
     * The BestEffort one (1300) dies; 800 fits. */
    double usage[3] = {400, 300, 400};
    int adj[3] = {-997, 1000, 500};
    size_t victims[3];
    unsigned char dead[3];
    CHECK_INT_EQ(oom_node_victims(3, usage, adj, 1000, victims, dead), 1);
    CHECK_INT_EQ(victims[0], 1);
    /* 500 MiB: after it, 800 > 500, so the Burstable one (badness
     * 400 + 500*500/1000 = 650 vs -98.5) goes too; 400 fits. */
    CHECK_INT_EQ(oom_node_victims(3, usage, adj, 500, victims, dead), 2);
    CHECK_INT_EQ(victims[0], 1);
    CHECK_INT_EQ(victims[1], 2);
    CHECK_INT_EQ(oom_node_victims(3, usage, adj, 2000, victims, dead), 0);
}

static void test_crashloop(void)
{
    crashloop_params p = {10 * S, 300 * S, 600 * S};
    crashloop c = {0};
    /* First exit: restart at once, entry starts at 10 s. */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 0), 0);
    /* Then 10, 20, 40, 80, 160, 300 (320 capped), 300: each exit one
     * second after the restart before it. */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 1 * S), 10 * S);   /* restart 11 */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 12 * S), 20 * S);  /* restart 32 */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 33 * S), 40 * S);  /* restart 73 */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 74 * S), 80 * S);  /* 154 */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 155 * S), 160 * S); /* 315 */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 316 * S), 300 * S); /* 616 */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 617 * S), 300 * S); /* 917 */
    /* Exactly 600 s after the restart is not yet "more than" 600 s. */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 1517 * S), 300 * S); /* 1817 */
    /* 601 s of running: the entry expired, restart at once, back at 10 s. */
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 2418 * S), 0);
    CHECK_INT_EQ(crashloop_on_exit(&c, &p, 2419 * S), 10 * S);
}

static void test_image_cache(void)
{
    /* 300 MB of cache, 100 MB/s, serialized pulls. */
    image_pull_params p = {300000000ull, 1e8, 1};
    image_cache c = {0};
    int pulled;
    /* 200 MB at t=0: ready at 2 s. */
    CHECK_INT_EQ(image_cache_acquire(&c, &p, 0, 200000000ull, 0, &pulled), 2 * S);
    CHECK_INT_EQ(pulled, 1);
    /* 50 MB at t=0 waits for the puller: 2 s + 0.5 s. */
    CHECK_INT_EQ(image_cache_acquire(&c, &p, 1, 50000000ull, 0, &pulled), 2500000000);
    /* image 0 again at 1 s: the pull under way, ready at 2 s, no new pull. */
    CHECK_INT_EQ(image_cache_acquire(&c, &p, 0, 200000000ull, 1 * S, &pulled), 2 * S);
    CHECK_INT_EQ(pulled, 0);
    /* present: at once */
    CHECK_INT_EQ(image_cache_acquire(&c, &p, 1, 50000000ull, 3 * S, &pulled), 3 * S);
    image_cache_release(&c, 0, 3 * S);
    image_cache_release(&c, 0, 3 * S);
    image_cache_release(&c, 1, 4 * S);
    image_cache_release(&c, 1, 4 * S);
    /* 100 MB more at 5 s: 250 + 100 > 300, so the least recently used
     * unused image (0, last used at 3 s) goes; pull 1 s -> ready at 6 s. */
    CHECK_INT_EQ(image_cache_acquire(&c, &p, 2, 100000000ull, 5 * S, &pulled), 6 * S);
    CHECK_INT_EQ(image_cache_has(&c, 0), 0);
    CHECK_INT_EQ(image_cache_has(&c, 1), 1);
    CHECK_INT_EQ(c.used_bytes, 150000000ull);
    image_cache_free(&c);

    /* Parallel pulls: both start at once. */
    image_pull_params q = {0, 1e8, 0};
    CHECK_INT_EQ(image_cache_acquire(&c, &q, 0, 100000000ull, 0, &pulled), 1 * S);
    CHECK_INT_EQ(image_cache_acquire(&c, &q, 1, 100000000ull, 0, &pulled), 1 * S);
    image_cache_free(&c);
}

/* A VM node gives its pods their want while the VM gets all it demands,
 * and their part of the VM's entitlement once it is oversubscribed. */
static void test_vm_node_cpu(void)
{
    /* VM demand 3000 MHz (pods 2000 + guest 1000), entitled 3000: not
     * oversubscribed, the pods get their 2000. */
    CHECK_NEAR(pods_vm_node_cpu_mhz(2000, 3000, 3000), 2000, 0);
    /* VM demand 5000, entitlement 4000: the pods' part 2000/5000 of 4000 = 1600. */
    CHECK_NEAR(pods_vm_node_cpu_mhz(2000, 5000, 4000), 1600, 1e-9);
    /* Pods are all of the VM's demand, 6000 on 1500: they get 1500. */
    CHECK_NEAR(pods_vm_node_cpu_mhz(6000, 6000, 1500), 1500, 1e-9);
    /* No pods' want: nothing. */
    CHECK_NEAR(pods_vm_node_cpu_mhz(0, 5000, 4000), 0, 0);
    /* Then cpu.shares and quotas divide it: 1600 MHz at 2000 MHz/core is
     * 0.8 core; pods want 0.3 and 0.7 core, requests 500m and 1500m
     * (shares 512 and 1536): level 0.8/2048 gives 0.2 and 0.6, both below
     * their wants. */
    double want[2] = {0.3, 0.7}, weight[2] = {cfs_shares(500), cfs_shares(1500)}, out[2];
    size_t order[2];
    cfs_waterfill(2, want, weight, pods_vm_node_cpu_mhz(2000, 5000, 4000) / 2000.0, out, order);
    CHECK_NEAR(out[0], 0.2, 1e-12);
    CHECK_NEAR(out[1], 0.6, 1e-12);
}

int main(void)
{
    test_vm_node_cpu();
    test_quota_and_shares();
    test_bandwidth();
    test_waterfill();
    test_oom();
    test_crashloop();
    test_image_cache();
    return CHECK_DONE();
}
