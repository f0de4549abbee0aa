/* k8s_hpa.c - HorizontalPodAutoscaler decisions (see k8s_hpa.h). */
#include "models/kubernetes/k8s_hpa.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000LL

void k8s_hpa_config_default(k8s_hpa_config *c, int32_t min_replicas, int32_t max_replicas, int32_t target_pct)
{
    memset(c, 0, sizeof *c);
    c->min_replicas = min_replicas;
    c->max_replicas = max_replicas;
    c->target_utilization = target_pct;
    c->tolerance = 0.1;
    c->sync_period_ns = 15 * NS_PER_S;
    c->downscale_stabilization_ns = 300 * NS_PER_S;
    c->cpu_initialization_ns = 300 * NS_PER_S;
    c->initial_readiness_delay_ns = 30 * NS_PER_S;
    c->use_behavior = 1;
    /* GenerateHPAScaleUpRules */
    c->scale_up.stabilization_window_s = 0;
    c->scale_up.select = K8S_HPA_SELECT_MAX;
    c->scale_up.n_policies = 2;
    c->scale_up.policies[0] = (k8s_hpa_policy){K8S_HPA_PODS, 4, 15};
    c->scale_up.policies[1] = (k8s_hpa_policy){K8S_HPA_PERCENT, 100, 15};
    /* GenerateHPAScaleDownRules; the window nil -> controller's 300 s
     * (maybeInitScaleDownStabilizationWindow) */
    c->scale_down.stabilization_window_s = 300;
    c->scale_down.select = K8S_HPA_SELECT_MAX;
    c->scale_down.n_policies = 1;
    c->scale_down.policies[0] = (k8s_hpa_policy){K8S_HPA_PERCENT, 100, 15};
}

void k8s_hpa_init(k8s_hpa *h, const k8s_hpa_config *c)
{
    memset(h, 0, sizeof *h);
    h->cfg = *c;
}

void k8s_hpa_free(k8s_hpa *h)
{
    free(h->recs);
    free(h->up_events);
    free(h->down_events);
    memset(h, 0, sizeof *h);
}

int k8s_hpa_cpu_unready(const k8s_hpa_config *c, int64_t now_ns, int64_t start_ns, int ready,
                        int64_t ready_transition_ns, int64_t metric_ts_ns, int64_t metric_window_ns)
{
    if (start_ns + c->cpu_initialization_ns > now_ns)
        return !ready || metric_ts_ns < ready_transition_ns + metric_window_ns;
    return !ready && start_ns + c->initial_readiness_delay_ns > ready_transition_ns;
}

/* GetResourceUtilizationRatio over the pods in use[]: utilisation percent is
 * int32(sum(usage) x 100 / sum(request)); ratio = utilisation / target. */
static int utilization_ratio(const k8s_hpa_config *c, const k8s_hpa_pod *pods, const int64_t *value, const int *use,
                             uint32_t n, double *ratio, int32_t *util)
{
    int64_t metrics = 0, requests = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        metrics += value[i];
        requests += pods[i].request_milli;
    }
    if (requests == 0)
        return -1;
    *util = (int32_t)(metrics * 100 / requests);
    *ratio = (double)*util / (double)c->target_utilization;
    return 0;
}

static int within(const k8s_hpa_config *c, double ratio) { return fabs(1.0 - ratio) <= c->tolerance; }

int32_t k8s_hpa_replicas_for_cpu(const k8s_hpa_config *c, int32_t current, const k8s_hpa_pod *pods, uint32_t n,
                                 int32_t *utilization)
{
    int64_t *value = calloc(n + 1, sizeof *value);
    int *use = calloc(n + 1, sizeof *use);
    int32_t result = -1, util = 0;
    uint32_t ready = 0, unready = 0, missing = 0;
    double ratio, new_ratio;
    /* groupPods */
    for (uint32_t i = 0; i < n; i++) {
        if (pods[i].unready && !pods[i].has_metric)
            unready++; /* pending */
        else if (!pods[i].has_metric)
            missing++;
        else if (pods[i].unready)
            unready++;
        else {
            ready++;
            use[i] = 1;
            value[i] = pods[i].usage_milli;
        }
    }
    if (ready == 0 || utilization_ratio(c, pods, value, use, n, &ratio, &util) != 0)
        goto done;
    if (utilization)
        *utilization = util;
    int scale_up_with_unready = unready > 0 && ratio > 1.0;
    if (!scale_up_with_unready && missing == 0) {
        result = within(c, ratio) ? current : (int32_t)ceil(ratio * (double)ready);
        goto done;
    }
    if (missing > 0) {
        /* scale-down: missing pods use max(100 %, target) of their request;
         * scale-up: 0 % */
        int64_t fallback = c->target_utilization > 100 ? c->target_utilization : 100;
        for (uint32_t i = 0; i < n; i++) {
            if (pods[i].has_metric || pods[i].unready)
                continue;
            if (ratio < 1.0) {
                use[i] = 1;
                value[i] = pods[i].request_milli * fallback / 100;
            } else if (ratio > 1.0) {
                use[i] = 1;
                value[i] = 0;
            }
        }
    }
    if (scale_up_with_unready)
        for (uint32_t i = 0; i < n; i++)
            if (pods[i].unready) {
                use[i] = 1;
                value[i] = 0;
            }
    int32_t new_util;
    if (utilization_ratio(c, pods, value, use, n, &new_ratio, &new_util) != 0)
        goto done;
    if (within(c, new_ratio) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)) {
        result = current;
        goto done;
    }
    uint32_t n_metrics = 0;
    for (uint32_t i = 0; i < n; i++)
        n_metrics += use[i] != 0;
    result = (int32_t)ceil(new_ratio * (double)n_metrics);
    if ((new_ratio < 1.0 && result > current) || (new_ratio > 1.0 && result < current))
        result = current;
done:
    free(value);
    free(use);
    return result;
}

/* ---- normalisation ---- */

static void push(k8s_hpa_sample **a, uint32_t *n, uint32_t *cap, int32_t reuse, int64_t t, int32_t v)
{
    if (reuse >= 0) {
        (*a)[reuse] = (k8s_hpa_sample){t, v};
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *a = realloc(*a, *cap * sizeof **a);
        if (*a == NULL)
            abort();
    }
    (*a)[(*n)++] = (k8s_hpa_sample){t, v};
}

/* stabilizeRecommendation (legacy): max of recommendations not before now - window. */
static int32_t stabilize_legacy(k8s_hpa *h, int64_t now, int32_t desired)
{
    int64_t cutoff = now - h->cfg.downscale_stabilization_ns;
    int32_t max = desired, old = -1;
    for (uint32_t i = 0; i < h->n_recs; i++) {
        if (h->recs[i].t_ns < cutoff)
            old = (int32_t)i;
        else if (h->recs[i].value > max)
            max = h->recs[i].value;
    }
    push(&h->recs, &h->n_recs, &h->cap_recs, old, now, desired);
    return max;
}

/* stabilizeRecommendationWithBehaviors: current brought within [min of the
 * scale-up window, max of the scale-down window], windows strictly after cutoff. */
static int32_t stabilize_behavior(k8s_hpa *h, int64_t now, int32_t current, int32_t desired)
{
    int64_t up_cutoff = now - (int64_t)h->cfg.scale_up.stabilization_window_s * NS_PER_S;
    int64_t down_cutoff = now - (int64_t)h->cfg.scale_down.stabilization_window_s * NS_PER_S;
    int32_t up = desired, down = desired, old = -1;
    for (uint32_t i = 0; i < h->n_recs; i++) {
        const k8s_hpa_sample *r = &h->recs[i];
        if (r->t_ns > up_cutoff && r->value < up)
            up = r->value;
        if (r->t_ns > down_cutoff && r->value > down)
            down = r->value;
        if (r->t_ns < up_cutoff && r->t_ns < down_cutoff)
            old = (int32_t)i;
    }
    int32_t rec = current;
    if (rec < up)
        rec = up;
    if (rec > down)
        rec = down;
    push(&h->recs, &h->n_recs, &h->cap_recs, old, now, desired);
    return rec;
}

static int32_t change_in_period(const k8s_hpa_sample *ev, uint32_t n, int64_t now, int32_t period_s)
{
    int64_t cutoff = now - (int64_t)period_s * NS_PER_S;
    int32_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        if (ev[i].t_ns > cutoff)
            sum += ev[i].value;
    return sum;
}

static int32_t max32(int32_t a, int32_t b) { return a >= b ? a : b; }
static int32_t min32(int32_t a, int32_t b) { return a <= b ? a : b; }

/* calculateScaleUpLimitWithScalingRules */
static int32_t scale_up_limit(const k8s_hpa *h, int64_t now, int32_t current)
{
    const k8s_hpa_rules *r = &h->cfg.scale_up;
    if (r->select == K8S_HPA_SELECT_DISABLED)
        return current;
    int32_t result = r->select == K8S_HPA_SELECT_MIN ? INT32_MAX : INT32_MIN;
    for (uint32_t i = 0; i < r->n_policies; i++) {
        const k8s_hpa_policy *p = &r->policies[i];
        int32_t start = current - change_in_period(h->up_events, h->n_up, now, p->period_s) +
                        change_in_period(h->down_events, h->n_down, now, p->period_s);
        int32_t proposed = p->type == K8S_HPA_PODS ? start + p->value
                                                   : (int32_t)ceil((double)start * (1 + (double)p->value / 100));
        result = r->select == K8S_HPA_SELECT_MIN ? min32(result, proposed) : max32(result, proposed);
    }
    return result;
}

/* calculateScaleDownLimitWithBehaviors */
static int32_t scale_down_limit(const k8s_hpa *h, int64_t now, int32_t current)
{
    const k8s_hpa_rules *r = &h->cfg.scale_down;
    if (r->select == K8S_HPA_SELECT_DISABLED)
        return current;
    int32_t result = r->select == K8S_HPA_SELECT_MIN ? INT32_MIN : INT32_MAX;
    for (uint32_t i = 0; i < r->n_policies; i++) {
        const k8s_hpa_policy *p = &r->policies[i];
        int32_t start = current - change_in_period(h->up_events, h->n_up, now, p->period_s) +
                        change_in_period(h->down_events, h->n_down, now, p->period_s);
        int32_t proposed = p->type == K8S_HPA_PODS ? start - p->value
                                                   : (int32_t)((double)start * (1 - (double)p->value / 100));
        result = r->select == K8S_HPA_SELECT_MIN ? max32(result, proposed) : min32(result, proposed);
    }
    return result;
}

/* convertDesiredReplicasWithBehaviorRate */
static int32_t apply_rate(const k8s_hpa *h, int64_t now, int32_t current, int32_t desired)
{
    const k8s_hpa_config *c = &h->cfg;
    if (desired > current) {
        int32_t limit = scale_up_limit(h, now, current);
        if (limit < current)
            limit = current;
        int32_t max_allowed = min32(c->max_replicas, limit);
        return desired > max_allowed ? max_allowed : desired;
    }
    if (desired < current) {
        int32_t limit = scale_down_limit(h, now, current);
        if (limit > current)
            limit = current;
        int32_t min_allowed = max32(c->min_replicas, limit);
        return desired < min_allowed ? min_allowed : desired;
    }
    return desired;
}

/* convertDesiredReplicasWithRules (legacy): scale-up capped at max(2 x current, 4). */
static int32_t apply_legacy_rules(const k8s_hpa_config *c, int32_t current, int32_t desired)
{
    int32_t up_limit = (int32_t)fmax(2.0 * (double)current, 4.0);
    int32_t max_allowed = min32(c->max_replicas, up_limit);
    if (desired < c->min_replicas)
        return c->min_replicas;
    if (desired > max_allowed)
        return max_allowed;
    return desired;
}

static int32_t longest_period(const k8s_hpa_rules *r)
{
    int32_t p = 0;
    for (uint32_t i = 0; i < r->n_policies; i++)
        if (r->policies[i].period_s > p)
            p = r->policies[i].period_s;
    return p;
}

/* storeScaleEvent: events older than the longest policy period are outdated
 * and their slot is reused. */
static void store_event(k8s_hpa *h, int64_t now, int32_t prev, int32_t next)
{
    if (!h->cfg.use_behavior || prev == next)
        return;
    int up = next > prev;
    k8s_hpa_sample **ev = up ? &h->up_events : &h->down_events;
    uint32_t *n = up ? &h->n_up : &h->n_down;
    uint32_t *cap = up ? &h->cap_up : &h->cap_down;
    int64_t cutoff = now - (int64_t)longest_period(up ? &h->cfg.scale_up : &h->cfg.scale_down) * NS_PER_S;
    int32_t old = -1;
    for (uint32_t i = 0; i < *n; i++)
        if ((*ev)[i].t_ns < cutoff)
            old = (int32_t)i;
    push(ev, n, cap, old, now, up ? next - prev : prev - next);
}

int32_t k8s_hpa_normalize(k8s_hpa *h, int64_t now_ns, int32_t current, int32_t metric_desired)
{
    const k8s_hpa_config *c = &h->cfg;
    int32_t desired;
    if (current == 0 && c->min_replicas != 0)
        return 0; /* scaling disabled for this target */
    if (current > c->max_replicas)
        desired = c->max_replicas;
    else if (current < c->min_replicas)
        desired = c->min_replicas;
    else {
        if (metric_desired < 0)
            return current; /* FailedGetResourceMetric: no change */
        desired = metric_desired;
        if (c->use_behavior)
            desired = apply_rate(h, now_ns, current, stabilize_behavior(h, now_ns, current, desired));
        else
            desired = apply_legacy_rules(c, current, stabilize_legacy(h, now_ns, desired));
    }
    store_event(h, now_ns, current, desired);
    return desired;
}

int32_t k8s_hpa_sync(k8s_hpa *h, int64_t now_ns, int32_t current, const k8s_hpa_pod *pods, uint32_t n)
{
    int32_t desired = k8s_hpa_replicas_for_cpu(&h->cfg, current, pods, n, NULL);
    return k8s_hpa_normalize(h, now_ns, current, desired);
}
