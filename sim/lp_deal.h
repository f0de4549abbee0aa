/* lp_deal.h - which thread of a rank runs each of its LPs (docs/engine.md,
 * "Which thread runs an LP" and "Affinity groups").
 *
 * A window of the datacenter model mostly runs LPs of one kind: the hosts
 * sample in one window, their cluster controllers run DRS on those samples
 * a control latency later, the failure domains in others. So a thread's
 * share must be even for each kind of LP, not only in total. The deal's
 * measure of a deal is its span: the sum over kinds of the busiest
 * thread's weight of that kind (the time the windows take if each window
 * runs LPs of one kind).
 *
 * The caller (the engine) gives a rank's LPs as indices i = 0..n-1 in
 * increasing LP id, each with a kind (kind_of[i] < n_kinds: the engine
 * numbers the LPs' handlers) and a weight (1 per LP, or weight[i], the
 * measured cost); the deal writes thread_of[i]. LPs outside affinity groups
 * go in runs of consecutive ids, each run to the thread with the least
 * weight of its kind so far (ties: the least weight in all, then the lowest
 * thread). Groups go whole: each to the thread where it lengthens the span
 * least (the spread deal), or cut into one consecutive range per thread
 * when that balances about as well (sim_lp_deal_with_groups), so one
 * thread running every block in turn visits the LPs in id order.
 *
 * Pure arithmetic on its inputs (no clock, no engine state), so tests can
 * check deals by hand. Who runs an LP never changes what it does: no result
 * depends on the deal.
 */
#ifndef VDCSIM_SIM_LP_DEAL_H
#define VDCSIM_SIM_LP_DEAL_H

#include <stdint.h>

/* More handlers than this share the last kind. */
enum { SIM_DEAL_MAX_KINDS = 64 };

/* The affinity groups among a rank's LPs i = 0..n-1: group g's members are
 * members[group_first[g] .. group_first[g + 1]), in increasing i, and the
 * groups are numbered in increasing order of the model's group numbers. */
typedef struct sim_lp_groups {
    uint32_t n_groups;
    uint32_t *group_of;    /* [i] g, or SIM_DEAL_NO_GROUP */
    uint32_t *members;     /* LP indices i, group by group */
    uint32_t *group_first; /* n_groups + 1 */
} sim_lp_groups;

#define SIM_DEAL_NO_GROUP UINT32_MAX

/* Finds the groups of lps[0..n) from affinity[lp] (indexed by LP id; any
 * number, or `no_group`). Returns 0, or -1 out of memory (then
 * sim_lp_groups_free it all the same). */
int sim_lp_groups_find(sim_lp_groups *gr, const uint32_t *lps, uint32_t n, const uint32_t *affinity,
                       uint32_t no_group);
void sim_lp_groups_free(sim_lp_groups *gr);

typedef struct sim_lp_deal {
    /* Filled by the caller before dealing. */
    uint32_t threads;
    uint32_t n;          /* LPs to deal, at most the capacity given to init */
    uint32_t n_kinds;    /* at most SIM_DEAL_MAX_KINDS */
    uint32_t *kind_of;   /* [i] */
    double *weight;      /* [i], read when `weighted` */
    int weighted;        /* 0: every LP weighs 1 */
    const sim_lp_groups *groups; /* deal these whole; NULL: none */
    /* The result: thread_of[i]. */
    uint32_t *thread_of;
    /* Working state. */
    double *kind_load; /* [kind * threads + t] */
    double *load;      /* [t] */
    uint32_t *group_thread;
    int contiguous;
    double group_total, group_dealt;
    uint32_t groups_reached; /* groups dealt so far in this deal */
    uint32_t range_thread;   /* contiguous: the last group's thread */
} sim_lp_deal;

/* Room for `cap` LPs and `threads` threads. Returns 0, or -1 out of memory
 * (then sim_lp_deal_free it all the same). */
int sim_lp_deal_init(sim_lp_deal *d, uint32_t threads, uint32_t cap);
void sim_lp_deal_free(sim_lp_deal *d);

/* Deals with the groups (if any) each where it lengthens the span least.
 * Returns the span. */
double sim_lp_deal_spread(sim_lp_deal *d);

/* Deals with the groups d->groups cut into consecutive ranges when that
 * balances within SIM_DEAL_RANGE_SLACK (25 %) of the spread deal, else
 * spread. Returns the span. */
double sim_lp_deal_with_groups(sim_lp_deal *d);

/* Deals by count (ignores `weighted`), keeping the groups `gr` whole (NULL:
 * none) when that costs at most SIM_DEAL_AFFINITY_SLACK of balance (in
 * ranges if those pass, else spread); returns whether it kept them
 * (d->groups is then `gr`, else NULL). */
int sim_lp_deal_rank(sim_lp_deal *d, const sim_lp_groups *gr);

/* The span of the deal thread_now[i] (weights as for dealing). */
double sim_lp_deal_span_of(sim_lp_deal *d, const uint32_t *thread_now);

#endif
