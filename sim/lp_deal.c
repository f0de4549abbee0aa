/* lp_deal.c - which thread of a rank runs each of its LPs (see lp_deal.h). */
#include "sim/lp_deal.h"

#include <stdlib.h>

/* LPs of one kind go to threads in runs of consecutive ids, not one by
 * one: the models touch their LPs' records in id order (the recorder's
 * cells of neighbouring hosts share cache lines; the DRS feature prefetches
 * the next host's record), so one by one every access of a window was a
 * stride of `threads` and a solo epoch, running the blocks one after the
 * other, visited each line twice (issue 18 item 3). A run is 1/16 of a
 * thread's share of the kind, at least 1 and at most 64 LPs, so the kind
 * stays even to within one run. */
enum { DEAL_RUNS_PER_THREAD = 16, DEAL_RUN_MAX = 64 };

/* The affinity groups are kept whole only when that costs little balance:
 * dealt by count, their span may exceed the deal without groups by at most
 * this fraction (datacenter_10k: 157 clusters of 64 hosts or fewer on 2
 * threads, 0.2 % more; one cluster of every host would put them all on one
 * thread, 100 % more). */
#define SIM_DEAL_AFFINITY_SLACK 0.05

/* The groups are cut into consecutive ranges when that balances the kinds
 * within this fraction of the spread deal. A solo epoch runs the threads'
 * blocks one after the other: with the groups alternating between threads
 * it visited the hosts' records cluster 0, 2, 4, ..., then 1, 3, ..., and a
 * solo epoch of a 2-thread run took 5 % longer than a 1-thread run of the
 * same windows (datacenter_10k, a day); cut into ranges, it visits them in
 * id order as one thread does, and the team's threads each walk one span
 * of memory (docs/engine.md, "Affinity groups"). So ranges are worth some
 * imbalance: re-dealt by measured cost, datacenter_10k's ranges came out
 * 0-17 % above the spread deal (median 2 %; the costs are noisy timings),
 * and 30 days on 2 threads with ranges kept took 47.2 s against 49.0 s
 * with a 2 % slack, which went back to the spread deal at the first
 * re-deal. Ranges that would double the span (kinds apart in id) are
 * still refused. */
#define SIM_DEAL_RANGE_SLACK 0.25

void sim_lp_groups_free(sim_lp_groups *gr)
{
    free(gr->group_of);
    free(gr->members);
    free(gr->group_first);
    *gr = (sim_lp_groups){0};
}

static int compare_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int sim_lp_groups_find(sim_lp_groups *gr, const uint32_t *lps, uint32_t n, const uint32_t *affinity,
                       uint32_t no_group)
{
    const size_t m_max = n ? n : 1;
    *gr = (sim_lp_groups){0};
    gr->group_of = malloc(m_max * sizeof *gr->group_of);
    gr->members = malloc(m_max * sizeof *gr->members);
    gr->group_first = malloc((m_max + 1) * sizeof *gr->group_first);
    uint64_t *keys = malloc(m_max * sizeof *keys); /* group << 32 | i */
    if (!gr->group_of || !gr->members || !gr->group_first || !keys) {
        free(keys);
        return -1;
    }
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t g = affinity[lps[i]];
        gr->group_of[i] = SIM_DEAL_NO_GROUP;
        if (g != no_group)
            keys[m++] = (uint64_t)g << 32 | i;
    }
    qsort(keys, m, sizeof *keys, compare_u64);
    for (uint32_t j = 0; j < m; j++) {
        if (j == 0 || keys[j] >> 32 != keys[j - 1] >> 32)
            gr->group_first[gr->n_groups++] = j;
        gr->members[j] = (uint32_t)keys[j];
        gr->group_of[gr->members[j]] = gr->n_groups - 1;
    }
    gr->group_first[gr->n_groups] = m;
    free(keys);
    return 0;
}

int sim_lp_deal_init(sim_lp_deal *d, uint32_t threads, uint32_t cap)
{
    *d = (sim_lp_deal){.threads = threads};
    const size_t m = cap ? cap : 1;
    d->kind_of = malloc(m * sizeof *d->kind_of);
    d->weight = malloc(m * sizeof *d->weight);
    d->thread_of = malloc(m * sizeof *d->thread_of);
    d->kind_load = malloc((size_t)SIM_DEAL_MAX_KINDS * threads * sizeof *d->kind_load);
    d->load = malloc(threads * sizeof *d->load);
    d->group_thread = malloc(m * sizeof *d->group_thread);
    return d->kind_of && d->weight && d->thread_of && d->kind_load && d->load && d->group_thread ? 0 : -1;
}

void sim_lp_deal_free(sim_lp_deal *d)
{
    free(d->kind_of);
    free(d->weight);
    free(d->thread_of);
    free(d->kind_load);
    free(d->load);
    free(d->group_thread);
    *d = (sim_lp_deal){0};
}

static void deal_clear(sim_lp_deal *d)
{
    for (size_t i = 0; i < (size_t)SIM_DEAL_MAX_KINDS * d->threads; i++)
        d->kind_load[i] = 0.0;
    for (uint32_t t = 0; t < d->threads; t++)
        d->load[t] = 0.0;
}

/* The sum over kinds of the busiest thread's load of that kind. */
static double deal_span(const sim_lp_deal *d)
{
    double span = 0.0;
    for (uint32_t k = 0; k < d->n_kinds; k++) {
        double busiest = 0.0;
        for (uint32_t t = 0; t < d->threads; t++)
            if (d->kind_load[k * d->threads + t] > busiest)
                busiest = d->kind_load[k * d->threads + t];
        span += busiest;
    }
    return span;
}

static double lp_weight(const sim_lp_deal *d, uint32_t i)
{
    return d->weighted ? d->weight[i] : 1.0;
}

static uint32_t deal_run_length(uint32_t lps_of_kind, uint32_t threads)
{
    const uint32_t run = lps_of_kind / (threads * DEAL_RUNS_PER_THREAD);
    return run < 1 ? 1 : run > DEAL_RUN_MAX ? DEAL_RUN_MAX : run;
}

/* Deals group g whole: to the thread where it adds least to the span
 * (ties: the least weight in all, then the lowest thread), or, with
 * d->contiguous, to the thread whose equal share of all groups' weight
 * holds the group's middle, so the groups reached in increasing id go to
 * threads 0, 0, ..., 1, 1, ... No thread is skipped (a heavy group's middle
 * may lie two shares on) and, with at least as many groups as threads, the
 * last groups are kept for the last threads, so every thread gets a range.
 * Returns the thread. */
static uint32_t deal_group(sim_lp_deal *d, uint32_t g)
{
    double weight[SIM_DEAL_MAX_KINDS], group_weight = 0.0;
    uint32_t touched[SIM_DEAL_MAX_KINDS], n_touched = 0;
    for (uint32_t j = d->groups->group_first[g]; j < d->groups->group_first[g + 1]; j++) {
        const uint32_t i = d->groups->members[j], k = d->kind_of[i];
        uint32_t seen = 0;
        while (seen < n_touched && touched[seen] != k)
            seen++;
        if (seen == n_touched) {
            touched[n_touched++] = k;
            weight[k] = 0.0;
        }
        weight[k] += lp_weight(d, i);
        group_weight += lp_weight(d, i);
    }
    uint32_t best = 0;
    double best_growth = 0.0;
    if (d->contiguous) {
        for (uint32_t t = 0; t + 1 < d->threads; t++)
            if ((d->group_dealt + 0.5 * group_weight) * (double)d->threads >= (double)(t + 1) * d->group_total)
                best = t + 1;
        const uint32_t next = d->groups_reached == 0 ? 0 : d->range_thread + 1;
        const uint32_t left = d->groups->n_groups - d->groups_reached; /* this one included */
        if (best > next)
            best = next;
        if (d->groups->n_groups >= d->threads && left < d->threads && best < d->threads - left)
            best = d->threads - left;
        d->range_thread = best;
    }
    d->group_dealt += group_weight;
    d->groups_reached++;
    for (uint32_t t = 0; !d->contiguous && t < d->threads; t++) {
        double growth = 0.0;
        for (uint32_t a = 0; a < n_touched; a++) {
            const double *kl = &d->kind_load[(size_t)touched[a] * d->threads];
            double busiest = 0.0;
            for (uint32_t u = 0; u < d->threads; u++)
                busiest = kl[u] > busiest ? kl[u] : busiest;
            if (kl[t] + weight[touched[a]] > busiest)
                growth += kl[t] + weight[touched[a]] - busiest;
        }
        if (t == 0 || growth < best_growth || (growth == best_growth && d->load[t] < d->load[best])) {
            best = t;
            best_growth = growth;
        }
    }
    for (uint32_t a = 0; a < n_touched; a++) {
        d->kind_load[(size_t)touched[a] * d->threads + best] += weight[touched[a]];
        d->load[best] += weight[touched[a]];
    }
    return best;
}

/* Deals LPs 0..n-1 in increasing id: a run of a kind to the thread with
 * the least weight of that kind so far (ties: the least weight in all, then
 * the lowest thread); with d->groups, a group whole where its first LP is
 * reached (deal_group). Returns the span. */
static double deal_lps(sim_lp_deal *d)
{
    deal_clear(d);
    uint32_t count[SIM_DEAL_MAX_KINDS] = {0}, run_left[SIM_DEAL_MAX_KINDS] = {0},
             run_thread[SIM_DEAL_MAX_KINDS] = {0};
    const uint32_t *group_of = d->groups ? d->groups->group_of : NULL;
    for (uint32_t g = 0; group_of && g < d->groups->n_groups; g++)
        d->group_thread[g] = SIM_DEAL_NO_GROUP;
    d->group_total = d->group_dealt = 0.0;
    d->groups_reached = 0;
    for (uint32_t i = 0; i < d->n; i++)
        if (!group_of || group_of[i] == SIM_DEAL_NO_GROUP)
            count[d->kind_of[i]]++;
        else
            d->group_total += lp_weight(d, i);
    for (uint32_t i = 0; i < d->n; i++) {
        if (group_of && group_of[i] != SIM_DEAL_NO_GROUP) {
            uint32_t *t = &d->group_thread[group_of[i]];
            if (*t == SIM_DEAL_NO_GROUP)
                *t = deal_group(d, group_of[i]);
            d->thread_of[i] = *t;
            continue;
        }
        const uint32_t k = d->kind_of[i];
        const double w = lp_weight(d, i);
        double *kl = &d->kind_load[(size_t)k * d->threads];
        if (run_left[k] == 0) {
            uint32_t best = 0;
            for (uint32_t t = 1; t < d->threads; t++)
                if (kl[t] < kl[best] || (kl[t] == kl[best] && d->load[t] < d->load[best]))
                    best = t;
            run_thread[k] = best;
            run_left[k] = deal_run_length(count[k], d->threads);
        }
        run_left[k]--;
        d->thread_of[i] = run_thread[k];
        kl[run_thread[k]] += w;
        d->load[run_thread[k]] += w;
    }
    return deal_span(d);
}

double sim_lp_deal_spread(sim_lp_deal *d)
{
    d->contiguous = 0;
    return deal_lps(d);
}

double sim_lp_deal_with_groups(sim_lp_deal *d)
{
    const double spread = sim_lp_deal_spread(d);
    d->contiguous = 1;
    const double ranges = deal_lps(d);
    if (ranges <= spread * (1.0 + SIM_DEAL_RANGE_SLACK))
        return ranges;
    return sim_lp_deal_spread(d);
}

int sim_lp_deal_rank(sim_lp_deal *d, const sim_lp_groups *gr)
{
    d->weighted = 0;
    d->groups = NULL;
    const double plain = sim_lp_deal_spread(d);
    if (!gr || gr->n_groups == 0)
        return 0;
    d->groups = gr;
    const double limit = plain * (1.0 + SIM_DEAL_AFFINITY_SLACK);
    if (sim_lp_deal_with_groups(d) <= limit)
        return 1;
    if (sim_lp_deal_spread(d) <= limit) /* ranges too uneven; spread, the groups still pay */
        return 1;
    d->groups = NULL;
    sim_lp_deal_spread(d);
    return 0;
}

double sim_lp_deal_span_of(sim_lp_deal *d, const uint32_t *thread_now)
{
    deal_clear(d);
    for (uint32_t i = 0; i < d->n; i++)
        d->kind_load[(size_t)d->kind_of[i] * d->threads + thread_now[i]] += lp_weight(d, i);
    return deal_span(d);
}
