/* monitor_vmotion.h - the monitors of properties over vmotion.active
 * (issue 17, item 2; docs/properties.md, "vmotion.active during a run").
 *
 * Contract. `vdcsim verify` sees vmotion.active of a VM true on
 * [started_ns, done_ns) of each migration of /tables/vmotions with a
 * switch-over (done_ns set; one migrated and aborted before it is left
 * out). Both times, and whether the switch-over comes, are decided in the
 * VM's cluster controller LP (DRS, models/vsphere), which logs
 * `vmotion_started`, `vmotion_done` and `vmotion_aborted`: these monitors
 * live there, fed by the recorder's event watch on that LP's thread. A
 * migration's interval is pushed when its switch-over is logged (the start
 * it remembered, then the end); an abort before it forgets the start. While
 * a VM's migration is open the VM is decided only up to its start (the
 * bounded delay: one migration's length), otherwise up to the controller's
 * sample (monitor_vmotion_sample); the rest at the end. So the decisions
 * are exactly verify's.
 * A property over VMs naming vmotion.active is monitored here when its
 * other VM atoms are constants (vm.cpu_limit, vm.cpu_reservation);
 * monitor_vmotion_supports says so. One naming a VM state or series too
 * (vm.running, vm.cpu_demand...) is joined with the host LPs' records at
 * the end (monitor_joined.h): for it, `keep` asks for each VM's whole
 * vmotion.active signal (monitor_vmotion_signal), built from the same
 * records as verify's (props_h5.c) from /tables/vmotions.
 * monitor_vmotion_new returns 0 with *out NULL when no property is
 * monitored here and keep is 0; -1 when memory runs out.
 */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_VMOTION_H
#define VDCSIM_MODELS_MONITORS_MONITOR_VMOTION_H

#include "analysis/props_monitor.h"
#include "models/core/model_env.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"

typedef struct monitor_vmotion monitor_vmotion;

/* 1 when the property (a parsed formula) is one these monitors follow. */
int monitor_vmotion_supports(const props_node *f);
int monitor_vmotion_new(monitor_vmotion **out, const props_list *props, const scenario *scn, const model_env *env,
                        int64_t end_ns, int keep);
int monitor_vmotion_declare(monitor_vmotion *m, recorder *rec);
/* The controller of cluster `cluster_index` sampled at now: decides its VMs. */
void monitor_vmotion_sample(monitor_vmotion *m, int64_t now, uint32_t cluster_index);
int monitor_vmotion_finish(monitor_vmotion *m, char *err, size_t err_len);
/* 1 when property `prop` (index into the list) is monitored here. */
int monitor_vmotion_owns(const monitor_vmotion *m, int prop);
/* Its counts (VMs in range, violations, pendings) and its violations as rows of `tv`, VM by VM. 0, or -1. */
int monitor_vmotion_write(const monitor_vmotion *m, recorder *rec, int tv, int prop, const char *prop_name,
                          long *entities, long *violations, long *pending);
/* VM vm_id's vmotion.active over the run so far (complete once the run ended);
 * NULL when not kept. Touched by the VM's controller LP only during the run. */
const ps_signal *monitor_vmotion_signal(const monitor_vmotion *m, uint32_t vm_id);
void monitor_vmotion_free(monitor_vmotion *m);

#endif
