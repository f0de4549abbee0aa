/* vm.c - the VM lifecycle state machine (see vm.h). */
#include "models/core/vm.h"

#include <stdlib.h>

#include "sim/engine.h"

const char *vm_state_name(vm_state s)
{
    switch (s) {
    case VM_STOPPED: return "stopped";
    case VM_STARTING: return "starting";
    case VM_RUNNING: return "running";
    case VM_MIGRATING: return "migrating";
    case VM_STOPPING: return "stopping";
    case VM_FAILED: return "failed";
    }
    return "?";
}

int vm_transition_allowed(vm_state from, vm_state to)
{
    switch (from) {
    case VM_STOPPED: return to == VM_STARTING;
    case VM_STARTING: return to == VM_RUNNING || to == VM_FAILED || to == VM_STOPPED;
    case VM_RUNNING: return to == VM_MIGRATING || to == VM_STOPPING || to == VM_FAILED;
    case VM_MIGRATING: return to == VM_RUNNING || to == VM_FAILED;
    case VM_STOPPING: return to == VM_STOPPED || to == VM_FAILED;
    case VM_FAILED: return to == VM_STARTING || to == VM_STOPPED;
    }
    return 0;
}

int vm_transition(vm *v, vm_state to)
{
    if (!vm_transition_allowed(v->state, to))
        return -1;
    v->state = to;
    sim_share_touch(v); /* a shared record over MPI ranks (core_build.c) */
    return 0;
}

int vm_spec_demand_stateful(const vm_spec *s)
{
    for (int r = 0; r < VM_DEMANDS; r++)
        if (!demand_stateless(vm_spec_demand(s, r)))
            return 1;
    return 0;
}
