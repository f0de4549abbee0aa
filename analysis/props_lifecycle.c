/* props_lifecycle.c - VM power states and pod phases from the records (see
 * props_lifecycle.h). */
#include "analysis/props_lifecycle.h"

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
