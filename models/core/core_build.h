/* core_build.h - the core of a run from the scenario: the hosts, the VMs
 * and their groups, the controller's placement view, the core's event
 * kinds, its LPs (the cluster controller and one LP per host) and its
 * recording (docs/models.md). The feature modules are built around it by
 * models/model.c.
 */
#ifndef VDCSIM_MODELS_CORE_CORE_BUILD_H
#define VDCSIM_MODELS_CORE_CORE_BUILD_H

#include <stdint.h>
#include <stdio.h>

#include "models/core/cluster.h"
#include "models/core/datacenter.h"
#include "models/core/host.h"
#include "models/core/model_env.h"
#include "models/core/module.h"
#include "models/core/vm.h"
#include "models/workload/workload.h"

/* Limits that keep a run inside one machine's memory; larger studies are
 * split into runs. Exceeding one is bad input, reported with the key. */
#define MODEL_MAX_HOSTS UINT32_C(1000000)
#define MODEL_MAX_VMS UINT32_C(20000000)

typedef struct core_model {
    model_env env;
    const scenario *scn;
    host_spec *host_specs;
    host *hosts;
    vm_spec *vm_spec_store; /* by slot (model_env.vm_slot) once build_clusters has stored them by cluster */
    vm *vm_store;
    vm_times *vm_times;     /* by VM id */
    uint32_t *vm_slot;      /* env.vm_slot: per VM id, its slot; NULL: one cluster, the id itself */
    vm_group_spec *vm_group_specs; /* n_groups: what a group's VMs share (vm_spec.gs) */
    datacenter dc;   /* the clusters (one without the `clusters` key) */
    cluster ctrl;    /* the first cluster's controller (the only one without `clusters`) */
    cluster *ctrl_more; /* the other clusters' controllers, dc.n_clusters - 1 */
    cluster **ctrls; /* every controller, dc.n_clusters: ctrls[0] = &ctrl */
    placement_host_view *empty_view; /* every host as built (the single cluster's view) */
    /* with `clusters`: the one view all controllers share, each writing only
     * its own hosts' entries (cluster.h); NULL without */
    placement_host_view *shared_view;
    uint32_t *vm_local; /* with `clusters`: per VM, its index among its cluster's VMs */
    uint32_t *vm_demand_slot;        /* env.vm_demand_slot; NULL when no VM has a stateful demand */
    demand_state *vm_demand_states;  /* env.vm_demand_states */
    struct host_scratch *thread_scratch; /* env.host_scratch_per_thread, n_thread_scratch of them */
    uint32_t n_thread_scratch;
    workload_group *groups;
    int n_groups;
    workload_demands demands; /* the groups' demand processes, each distinct one once */
} core_model;

/* Reads hosts, VM groups (loading their traces) and VMs, registers the
 * core's event kinds and sets up the controller's view; fills b's env,
 * hosts, vm_spec_store and cluster. No LPs yet. */
model_status core_build(model_builder *b, core_model *core);

/* Creates the controller LPs (one per cluster, before the hosts) and the
 * host LPs (each with n_host_slots extension slots; each controller with
 * n_cluster_slots) and schedules their first samples. */
model_status core_start(model_builder *b, core_model *core, uint32_t n_host_slots, uint32_t n_cluster_slots);

/* The core's series, event kinds and /tables/hosts. 0, or -1 (recorder_error()). */
int core_declare_recording(model_builder *b, core_model *core);

/* /tables/cluster (totals over the clusters), /tables/clusters (with
 * `clusters`) and /tables/vms, at the end of the run. 0 or -1. */
int core_write_tables(const core_model *core, const scenario *scn, recorder *rec);

/* hosts, vms and ratios lines for `vdcsim check`; VMs counted as the
 * number expected at once (core_group_expected_vms). */
void core_describe(const core_model *core, const scenario *scn, FILE *out);

/* For check: warns when the placement policy, replayed over the VMs with
 * fixed start times, leaves a host's mean CPU demand above its capacity
 * while another host idles (placement_preview.c). */
void core_placement_preview(const core_model *m, FILE *out);

/* The VMs of group wg expected to exist at once in a run to until_ns:
 * at_start groups all; poisson and deterministic ones Little's law
 * (rate x mean lifetime, L = lambda W), capped by the arrivals of the run
 * (rate x window, *window_ns) and by count; without a lifetime every
 * arrival of the run; list groups every listed arrival before the end. */
double core_group_expected_vms(const workload_group *wg, sim_time_ns until_ns, sim_time_ns *window_ns);

/* `vdcsim check`'s errors the build cannot see: a VM group whose VMs fit
 * on no host even when all hosts are empty. 0, or -2 (bad input) with
 * "FILE:LINE: key 'vms.[g].memory': ..." in err. */
int core_check(const core_model *core, const scenario *scn, char *err, size_t err_len);

void core_free(core_model *core);

/* "<group>-NN": entity names, NN counted from 1 within the group. */
void core_entity_name(char *buf, size_t len, const char *group, uint32_t index_in_group);

#endif
