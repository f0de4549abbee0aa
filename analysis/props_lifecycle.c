/* props_lifecycle.c - VM power states and pod phases from the records (see
 * props_lifecycle.h). */
#include "analysis/props_lifecycle.h"

#include <math.h>

void props_vm_power_init(props_lifecycle *l)
{
    l->state = PL_POWERED_OFF;
    l->before = -1;
}

void props_vm_power_record(props_lifecycle *l, int record)
{
    l->before = l->state;
    l->state = record == 0 ? PL_POWERED_ON : PL_POWERED_OFF;
}

void props_pod_phase_init(props_lifecycle *l)
{
    l->state = PL_PENDING;
    l->before = -1;
}

void props_pod_phase_record(props_lifecycle *l, int record)
{
    int phase = record == 4 ? PL_FAILED : PL_RUNNING;
    if (record == 0 && l->state == PL_FAILED) { /* the replacement: Pending -> Running */
        l->before = PL_PENDING;
        l->state = PL_RUNNING;
        return;
    }
    if (phase == l->state)
        return; /* no change of phase */
    l->before = l->state;
    l->state = phase;
}

void props_k8s_pod_init(props_k8s_pod *p)
{
    p->cp = -1;
    p->has_run = 0;
    props_pod_phase_init(&p->l);
}

void props_k8s_pod_record(props_k8s_pod *p, int cp)
{
    if (cp < PK8S_PENDING || cp > PK8S_DELETED)
        return;
    int created = p->cp >= 0;
    p->cp = cp;
    p->has_run |= cp == PK8S_RUNNING;
    int phase = cp == PK8S_SUCCEEDED ? PL_SUCCEEDED : p->has_run ? PL_RUNNING : PL_PENDING;
    if (!created || cp == PK8S_DELETED || phase == p->l.state)
        return; /* the creation, a deletion and a record within a phase are no transition */
    p->l.before = p->l.state;
    p->l.state = phase;
}

double props_k8s_pod_value(const props_k8s_pod *p, props_atom a)
{
    switch (a) {
    case PA_POD_PENDING: return (p->cp == PK8S_PENDING || p->cp == PK8S_BOUND) && !p->has_run;
    case PA_POD_RUNNING: return p->cp == PK8S_RUNNING;
    case PA_POD_PHASE: return p->cp < 0 ? NAN : p->l.state;
    case PA_POD_PHASE_BEFORE: return p->l.before;
    default: return NAN;
    }
}
