/* props_fairness.c - proportional-share fairness of a host's CPU (see
 * props_fairness.h). */
#include "analysis/props_fairness.h"

#include <math.h>
#include <stdlib.h>

#include "analysis/props_parse.h"

int pf_contends(const pf_vm *v)
{
    double e = v->received_mhz;
    if (!(v->shares > 0.0) || isnan(e) || isnan(v->usable_demand_mhz))
        return 0;
    int wants_more = v->usable_demand_mhz > e;
    int capped = e >= v->limit_mhz;                               /* held at its limit */
    int lifted = v->reservation_mhz > 0.0 && e <= v->reservation_mhz; /* held at its reservation */
    return wants_more && !capped && !lifted;
}

void pf_begin(pf_pair *p)
{
    *p = (pf_pair){.contending = 0, .error = 0.0};
}

void pf_add(pf_pair *p, const pf_vm *v)
{
    if (!pf_contends(v))
        return;
    /* ties go to the lowest VM id: the same pair whatever order the VMs
     * come in (the host's start order online, VM order offline) */
    double per_share = v->received_mhz / v->shares;
    double more = p->contending ? p->more.received_mhz / p->more.shares : 0.0;
    double less = p->contending ? p->less.received_mhz / p->less.shares : 0.0;
    if (p->contending == 0 || per_share > more || (per_share == more && v->id < p->more.id))
        p->more = *v;
    if (p->contending == 0 || per_share < less || (per_share == less && v->id < p->less.id))
        p->less = *v;
    p->contending++;
}

void pf_end(pf_pair *p)
{
    p->error = 0.0;
    if (p->contending < 2)
        return;
    double hi = p->more.received_mhz / p->more.shares, lo = p->less.received_mhz / p->less.shares;
    if (hi <= 0.0) /* every contending VM received nothing: no ratio to compare */
        return;
    double error = lo > 0.0 ? hi / lo - 1.0 : INFINITY;
    p->error = error < PF_ROUNDING ? 0.0 : error;
}

static void one(const pf_vm *v, const char *name, char *buf, size_t len)
{
    props_append(buf, len, "%s (shares %.6g, received %.6g MHz, demand %.6g MHz)", name, v->shares, v->received_mhz,
                 v->usable_demand_mhz);
}

void pf_note(const pf_pair *p, const char *name_more, const char *name_less, char *buf, size_t len)
{
    if (!(p->error > 0.0) || p->contending < 2)
        return;
    props_append(buf, len, "; ");
    one(&p->more, name_more, buf, len);
    props_append(buf, len, " vs ");
    one(&p->less, name_less, buf, len);
}

int pf_log_add(pf_log *l, int64_t t, const pf_pair *p)
{
    int back_to_fair = l->n > 0 && l->e[l->n - 1].pair.error > 0.0;
    if (!(p->error > 0.0) && !back_to_fair)
        return 0; /* still 0: pf_log_at finds the marker of the first 0 */
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        pf_log_entry *e = cap > SIZE_MAX / sizeof *e ? NULL : realloc(l->e, cap * sizeof *e);
        if (!e)
            return -1;
        l->e = e;
        l->cap = cap;
    }
    l->e[l->n++] = (pf_log_entry){.t = t, .pair = *p};
    return 0;
}

const pf_pair *pf_log_at(const pf_log *l, int64_t t)
{
    size_t lo = 0, hi = l->n; /* the first entry after t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->e[mid].t <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || !(l->e[lo - 1].pair.error > 0.0))
        return NULL;
    return &l->e[lo - 1].pair;
}

void pf_log_free(pf_log *l)
{
    free(l->e);
    *l = (pf_log){0};
}
