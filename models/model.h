/* model.h - a whole simulated system built from a scenario.
 *
 * model_build expands the scenario's host and VM groups into entities,
 * creates their LPs in the engine (one cluster controller, one LP per host),
 * builds the feature modules around them in the order of models/model.c's
 * module table (models/core/module.h), registers event kinds, declares the
 * recorder's tables and series, and schedules the first events. After the run, model_finish writes what is
 * only known at the end (the VM table with each VM's final host).
 */
#ifndef VDCSIM_MODELS_MODEL_H
#define VDCSIM_MODELS_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/core/module.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

typedef struct model model;

/* The engine's lookahead for this scenario. Every message between LPs is
 * delayed by a modelled latency (simulation.control_latency;
 * kubernetes.api_latency, 0 meaning the control latency), never by the
 * lookahead, so any lookahead up to the smallest of them gives the same
 * results. simulation.lookahead = 0 (the default) takes that smallest
 * latency (the largest windows); a larger value is refused: -2 with
 * "FILE:LINE: key 'simulation.lookahead': ..." in err. Otherwise 0. */
int model_lookahead_ns(const scenario *scn, sim_time_ns *out, char *err, size_t err_len);

/* Builds the model into `eng`; `rec` may be NULL (nothing is recorded).
 * On failure returns NULL, sets *status and writes a message into err. */
model *model_build(const scenario *scn, sim_engine *eng, recorder *rec, model_status *status, char *err,
                   size_t err_len);

/* Writes the end-of-run tables. Returns 0, or -1 with recorder_error(). */
int model_finish(model *m, recorder *rec);

/* What would be simulated: entity counts, capacities, ratios. */
void model_describe(const model *m, FILE *out);

/* `vdcsim check`'s errors beyond the build's (a VM group that fits on no
 * host). 0, or nonzero with "FILE:LINE: key '...': ..." in err. */
int model_check(const model *m, char *err, size_t err_len);

/* 1 when the built model may run spread over MPI ranks (docs/engine.md,
 * "One run over MPI ranks"): every feature it uses declares the memory its
 * LPs share. 0 otherwise, with the first feature that does not in why. */
int model_distributable(const model *m, char *why, size_t why_len);

/* A run spread over MPI ranks, after sim_run: every rank calls it (a
 * collective) before the ranks other than 0 stop, so that rank 0's
 * model_finish has what the other ranks' LPs decided (the hosts'
 * property monitors). 0, or -1 with a message in err. */
int model_gather(model *m, char *err, size_t err_len);

uint32_t model_host_count(const model *m);
uint32_t model_vm_count(const model *m);
uint64_t model_vms_placed(const model *m);
uint64_t model_vm_placement_failures(const model *m);
/* The failure module (models/failures/failure.h), NULL when the scenario has none. */
struct failure_model *model_failures(const model *m);
/* HA in the cluster controller (models/vsphere/ha_controller.h), NULL without ha.enabled. */
struct ha_controller *model_ha(const model *m);

void model_free(model *m);

#endif
