/* monitor_joined.h - properties over VMs that join vmotion.active with a VM
 * state or series, during a run (issue 17; docs/properties.md,
 * "vmotion.active during a run").
 *
 * Contract. Such a property (`forall vm: G (vmotion.active -> vm.running)`,
 * `G (vmotion.active -> vm.cpu_ready < 0.05)`) depends on signals of two
 * LPs: the migrations, started, switched over and aborted in the VM's
 * cluster controller LP (monitor_vmotion.h), and the VM's states and series,
 * which change in the host LP that runs the VM. Neither LP sees both, the
 * monitors send no message, and no message tells a host that a migration
 * started. So the property is checked at the end of the run, in the
 * process, by the checker's own evaluator (props_evaluate_each: the code of
 * `vdcsim verify`) over signals the LPs kept while the run went:
 *  - each VM's host-side atoms the properties name (vm.running, vm.failed,
 *    vm.power_state(_before), vm.cpu_ready, vm.cpu_demand,
 *    vm.cpu_entitlement), pushed by the host LP that runs the VM with
 *    exactly the values the VM's online monitors get (monitor_module.c):
 *    monitor_joined_push;
 *  - its vmotion.active, kept by its controller LP (monitor_vmotion_signal);
 *  - vm.cpu_limit and vm.cpu_reservation, constants of the scenario.
 * Each VM's signals are touched by one LP at a time (the VM's host LP, its
 * controller LP): no shared state; they are joined at the end on the thread
 * that writes the tables. The rows are those verify gives on the finished
 * run, in its order (VM, then time), and so are the counts. Memory: the
 * segments of the named atoms of the VMs in the properties' range, which is
 * what verify reads from the file.
 * monitor_joined_new returns 0 with *out NULL when no property is joined,
 * -1 when memory runs out.
 */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_JOINED_H
#define VDCSIM_MODELS_MONITORS_MONITOR_JOINED_H

#include "analysis/props_file.h"
#include "models/core/model_env.h"
#include "models/monitors/monitor_vmotion.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"

typedef struct monitor_joined monitor_joined;

/* 1 when the parsed property is over VMs and names vmotion.active with a
 * VM state or series (not monitor_vmotion_supports). */
int monitor_joined_supports(const props_node *f);
int monitor_joined_new(monitor_joined **out, const props_list *props, const scenario *scn, const model_env *env,
                       int64_t end_ns);
/* From t on VM vm_id's atoms[k] is v[k] (k < n); atoms no joined property names
 * are skipped. Called by the host LP that runs the VM, in time order. */
void monitor_joined_push(monitor_joined *j, uint32_t vm_id, int64_t t, int n, const props_atom *atoms,
                         const double *v);
/* 1 when property `prop` (index into the list) is joined here. */
int monitor_joined_owns(const monitor_joined *j, int prop);
/* Evaluates property prop over the run's signals (mv: the migrations),
 * appends its violations to table tv and its counts to table tp. 0, or -1
 * with a message. */
int monitor_joined_write(const monitor_joined *j, const monitor_vmotion *mv, recorder *rec, int tv, int tp,
                         int prop, char *err, size_t err_len);
void monitor_joined_free(monitor_joined *j);

#endif
