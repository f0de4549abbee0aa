/* arrival_lp.h - the arrival LP of a VM group whose VMs arrive over time.
 *
 * Groups whose arrivals are not at_start get one such LP with its own
 * random stream: group g's arrivals depend only on the seed and g,
 * whatever the threads or the other groups. On each arrival the LP takes
 * the group's next VM entity (ids first_vm, first_vm+1, ...; never reused),
 * logs vm_arrived and sends vm.power_on to the cluster controller one
 * control latency later (docs/workloads.md). When vms.[].count is used up
 * before the process would stop, the arrival that finds no VM is logged
 * (vm_arrivals_exhausted) and /tables/arrival_groups keeps its time.
 */
#ifndef VDCSIM_MODELS_CORE_ARRIVAL_LP_H
#define VDCSIM_MODELS_CORE_ARRIVAL_LP_H

#include <stdint.h>

#include "sim/engine.h"

struct model_env;

typedef struct workload_gen {
    const struct model_env *env;
    uint32_t group;
    uint64_t arrived;  /* entities handed out */
    sim_time_ns last_ns;
    uint64_t log_seq;
    sim_time_ns exhausted_ns; /* when an arrival found count used up, -1 never */
} workload_gen;

/* Payload of workload.arrival: 0 draws the first arrival (scheduled at the
 * group's start), 1 is an arrival, 2 the first arrival the group's count
 * leaves no VM for: logged as vm_arrivals_exhausted (subject = group,
 * a = count), and the group's arrivals end there. */
typedef struct workload_arrival_msg {
    int64_t is_arrival;
} workload_arrival_msg;

struct model_module;
/* The arrivals module (models/core/module.h): powers on the VMs of
 * at_start groups and creates the arrival LPs of the others. An at_start
 * VM's vm.power_on is sent by its cluster to itself, one pending per
 * cluster (a cursor over the cluster's at_start VMs by start time, then
 * group and VM id): the same events in the same order as scheduling them
 * all at build time, without holding one event per VM from the start. */
extern const struct model_module arrivals_module;

/* The handler (state: workload_gen). */
void workload_gen_handle(sim_ctx *ctx, void *state, const sim_event *ev);

#endif
