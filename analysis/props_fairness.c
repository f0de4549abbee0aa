/* props_fairness.c - proportional-share fairness of a host's CPU (see
 * props_fairness.h). */
#include "analysis/props_fairness.h"

#include <math.h>

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
