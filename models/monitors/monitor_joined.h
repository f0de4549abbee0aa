/* monitor_joined.h - properties over VMs checked at the end of the run from
 * signals the host LPs kept (issue 17; docs/properties.md, "`vmotion.active`
 * with a VM state or series" and "Monitors and MPI ranks").
 *
 * Contract. Two kinds of property over VMs are not decided online in the
 * VM's monitor but here, at the end, by the checker's own evaluator
 * (props_evaluate_each: the code of `vdcsim verify`):
 *  - one that joins vmotion.active with a VM state or series
 *    (`forall vm: G (vmotion.active -> vm.running)`): the migrations are
 *    decided in the VM's cluster controller LP (monitor_vmotion.h), its
 *    states and series in the host LP that runs it; neither LP sees both;
 *  - in a run spread over MPI ranks (`spread`), every property over VMs
 *    but those monitor_vmotion follows alone: a VM's online monitor cannot
 *    follow it to a host of another rank.
 * What the LPs keep, per VM in the range of such a property:
 *  - the host LP that runs the VM: its records (vm_started, vm_stopped,
 *    vm_failed; monitor_joined_record) as they are, and at its samples the
 *    series values (monitor_joined_sample), equal neighbouring values merged
 *    only inside a run of consecutive samples, with the runs (first, last);
 *  - its controller LP: vmotion.active (monitor_vmotion_signal);
 *  - vm.cpu_limit and vm.cpu_reservation: constants of the scenario.
 * Over several ranks each rank keeps the pieces of the VMs its hosts ran;
 * monitor_joined_pack / monitor_joined_adopt carry them to rank 0 as flat
 * bytes (monitor_ranks.h). The pieces of one VM are disjoint in time (it
 * runs on one host at a time, and it moves by a message with a latency).
 * At the end the pieces are joined in time order into the signals the VM's
 * online monitor would have got in one process: the states replayed from
 * the records (vm.power_state's lifecycle too), the series with their NaN
 * after the last sample of a run when the next sample comes later than one
 * period (or never), as a NaN cell offline. The rows are verify's on the
 * finished run, in its order (VM, then time), and so are the counts.
 * Each VM's pieces are touched by one LP at a time (no shared state);
 * joined on the thread that writes the tables. Memory: the records, the
 * named series' segments and the runs of the VMs in range.
 * monitor_joined_new returns 0 with *out NULL when it owns no property,
 * -1 when memory runs out.
 */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_JOINED_H
#define VDCSIM_MODELS_MONITORS_MONITOR_JOINED_H

#include <stddef.h>

#include "analysis/props_file.h"
#include "models/core/model_env.h"
#include "models/monitors/monitor_vmotion.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"

typedef struct monitor_joined monitor_joined;

/* The VM record kinds of monitor_joined_record (props_vm_power_record's order). */
enum { MJ_VM_STARTED = 0, MJ_VM_STOPPED = 1, MJ_VM_FAILED = 2 };

/* 1 when the parsed property is over VMs and names vmotion.active with a
 * VM state or series (not monitor_vmotion_supports). */
int monitor_joined_supports(const props_node *f);
/* 1 when the parsed property is checked here: monitor_joined_supports, or
 * (spread) any property over VMs that monitor_vmotion does not follow. */
int monitor_joined_takes(const props_node *f, int spread);
int monitor_joined_new(monitor_joined **out, const props_list *props, const scenario *scn, const model_env *env,
                       int64_t end_ns, int64_t period_ns, int spread);
/* VM vm_id's record `kind` (MJ_VM_*) at t. Called by the host LP that logs it, in time order. */
void monitor_joined_record(monitor_joined *j, uint32_t vm_id, int64_t t, int kind);
/* VM vm_id's sample at t: ready (a fraction), demand and entitlement (MHz).
 * Called by the host LP that runs it, in time order. */
void monitor_joined_sample(monitor_joined *j, uint32_t vm_id, int64_t t, double ready, double demand_mhz,
                           double entitlement_mhz);
/* 1 when property `prop` (index into the list) is checked here. */
int monitor_joined_owns(const monitor_joined *j, int prop);
/* 1 when a property checked here names atom a. */
int monitor_joined_names(const monitor_joined *j, props_atom a);
/* This rank's pieces as flat bytes (*bytes malloc'd; NULL, 0 when none). 0, or -1: out of memory. */
int monitor_joined_pack(const monitor_joined *j, unsigned char **bytes, size_t *len);
/* Rank 0: the other ranks' pieces (the blocks monitor_joined_pack gave, one
 * after the other); j takes `all` (freed with j, also on failure). 0, or -1
 * with a message (damaged bytes, memory). */
int monitor_joined_adopt(monitor_joined *j, unsigned char *all, size_t len, char *err, size_t err_len);
/* VM vm_id's atom a over the whole run as the evaluator gets it (the pieces
 * joined; mv: the migrations, for vmotion.active), into out (ps_init'd
 * here; ps_free it). 0, or -1 with a message (an atom not kept, pieces
 * overlapping in time, memory). */
int monitor_joined_signal(const monitor_joined *j, const monitor_vmotion *mv, props_atom a, uint32_t vm_id,
                          ps_signal *out, char *err, size_t err_len);
/* Evaluates property prop over the run's signals (mv: the migrations),
 * appends its violations to table tv and its counts to table tp. 0, or -1
 * with a message. */
int monitor_joined_write(const monitor_joined *j, const monitor_vmotion *mv, recorder *rec, int tv, int tp,
                         int prop, char *err, size_t err_len);
void monitor_joined_free(monitor_joined *j);

#endif
