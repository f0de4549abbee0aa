/* test_k8s_metrics.c - the per-pod CPU the HPA reads, as metrics-server
 * serves it (issue 14 item 4): the mean over the window between two
 * scrapes, with the fresh-container rule; values worked by hand. */
#include "models/kubernetes/k8s_metrics.h"
#include "tests/check.h"

#define S 1000000000LL

int main(void)
{
    k8s_usage_history h = {0};
    /* 400 m from 0, 900 m from 61 s */
    k8s_usage_history_note(&h, 0, 400, 0);
    k8s_usage_history_note(&h, 61 * S, 900, 0);
    /* [60, 75]: (400 x 1 + 900 x 14) / 15 = 866.67 -> 867 (rounded up as MilliValue) */
    CHECK_INT_EQ(k8s_usage_history_mean_m(&h, 60 * S, 75 * S), 867);
    CHECK_INT_EQ(k8s_usage_history_mean_m(&h, 30 * S, 45 * S), 400);
    CHECK_INT_EQ(k8s_usage_history_mean_m(&h, 75 * S, 75 * S), 0); /* empty window */

    /* a pod running since 2 s, read at 80 s: the last scrape is at 75 s,
     * window [60, 75] */
    k8s_pod_metric m = k8s_pod_metric_at(&h, 15 * S, 80 * S, 2 * S);
    CHECK_INT_EQ(m.has, 1);
    CHECK_INT_EQ(m.ts_ns, 75 * S);
    CHECK_INT_EQ(m.window_ns, 15 * S);
    CHECK_INT_EQ(m.usage_m, 867);
    /* fresh container started at 60.5 s: 14.5 s old at the 75 s scrape,
     * window [60.5, 75]: (400 x 0.5 + 900 x 14) / 14.5 = 882.76 -> 883 */
    m = k8s_pod_metric_at(&h, 15 * S, 80 * S, 60 * S + S / 2);
    CHECK_INT_EQ(m.has, 1);
    CHECK_INT_EQ(m.window_ns, 14 * S + S / 2);
    CHECK_INT_EQ(m.usage_m, 883);
    /* started at 63 s: 12 s old, window [63, 75] all at 900 m */
    m = k8s_pod_metric_at(&h, 15 * S, 80 * S, 63 * S);
    CHECK_INT_EQ(m.has, 1);
    CHECK_INT_EQ(m.usage_m, 900);
    /* started at 66 s: 9 s old, under freshContainerMinMetricsResolution
     * (10 s): no metric yet */
    m = k8s_pod_metric_at(&h, 15 * S, 80 * S, 66 * S);
    CHECK_INT_EQ(m.has, 0);

    /* forgetting: steps that ended before the horizon go, the one in force
     * then stays: a 100 m step at 200 s with horizon 170 s keeps 900 m from
     * 61 s, so [150, 165] is still 900 */
    k8s_usage_history_note(&h, 200 * S, 100, 170 * S);
    CHECK_INT_EQ(h.n, 2);
    CHECK_INT_EQ(k8s_usage_history_mean_m(&h, 150 * S, 165 * S), 900);
    CHECK_INT_EQ(k8s_usage_history_mean_m(&h, 195 * S, 210 * S), 367); /* (900 x 5 + 100 x 10) / 15 = 366.67 */
    k8s_usage_history_free(&h);
    return CHECK_DONE();
}
