/* module.h - the contract between models/model.c (which assembles a run)
 * and each feature module (failures, DRS, HA, services, pods, Kubernetes,
 * VM arrivals).
 *
 * A module is a table of functions (model_module). model_build() calls
 * them in phases, each phase over the module table of models/model.c in
 * its order:
 *   1. build   read the module's scenario keys into its world (run-wide
 *              state) and register its event kinds; no LPs yet. A module
 *              the scenario does not use leaves *world NULL.
 *   -  the core creates the cluster controller LP and the host LPs and
 *      declares its own recording.
 *   2. start   create the module's LPs, schedule its first events, attach
 *              its per-host and per-cluster state (b->host_slot,
 *              b->cluster_slot); it runs for every module and may create
 *              the world there (or do nothing when *world is NULL). A
 *              module whose world is NULL after its start is not used by
 *              the scenario and is skipped from then on.
 *   3. declare its series, event kinds and tables with the recorder.
 * Then the modules that declared hook tables are attached to the two core
 * LPs in table order (models/core/host.h, models/core/cluster.h).
 * At the end of a run `write_tables` writes what is known only then.
 *
 * The table order fixes LP ids (and so every random stream), the order of
 * event kinds in /events, and the order in which hooks run; it is written
 * once, in models/model.c, and documented in docs/models.md.
 *
 * Every phase returns a model_status: MODEL_OK, MODEL_BAD_INPUT (exit 2;
 * the message in b->err is "FILE:LINE: key 'KEY': what", written by
 * model_key_error) or MODEL_RUNTIME_ERROR (exit 1: out of memory or an
 * engine error; the message in b->err).
 */
#ifndef VDCSIM_MODELS_CORE_MODULE_H
#define VDCSIM_MODELS_CORE_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

struct model_env;
struct host;
struct cluster;
struct vm_spec;
struct host_hooks;
struct cluster_hooks;
struct model_module;

typedef enum { MODEL_OK = 0, MODEL_RUNTIME_ERROR = 1, MODEL_BAD_INPUT = 2 } model_status;

/* What a module's functions are given. */
typedef struct model_builder {
    const scenario *scn;
    sim_engine *eng;
    recorder *rec;            /* NULL when nothing is recorded (vdcsim check) */
    struct model_env *env;    /* entity arrays and core kinds; filled before phase 1 */
    struct vm_spec *vm_spec_store; /* writable until the run starts (env->vm_spec_store; by slot: model_vm_slot) */
    struct host *hosts;       /* the host LPs' states, n_hosts */
    struct cluster *cluster;  /* the first controller LP's state (the only one without `clusters`) */
    struct cluster **clusters; /* every cluster's controller, n_clusters (models/core/datacenter.h) */
    uint32_t n_clusters;
    uint32_t host_slot;       /* the module's slot in host.ext, UINT32_MAX if none */
    uint32_t cluster_slot;    /* its slot in cluster.ext, UINT32_MAX if none */
    char *err;
    size_t err_len;
    /* private to models/model.c: the worlds of the modules built so far */
    const struct model_module *const *modules;
    void **worlds;
    size_t n_modules;
} model_builder;

typedef struct model_module {
    const char *name;
    model_status (*build)(model_builder *b, void **world);
    model_status (*start)(model_builder *b, void **world);
    /* 0, or -1 with recorder_error() */
    int (*declare_recording)(model_builder *b, void *world);
    int (*write_tables)(model_builder *b, void *world);
    void (*describe)(const void *world, FILE *out); /* lines for `vdcsim check` */
    void (*free)(model_builder *b, void *world);
    const struct host_hooks *host_hooks;       /* NULL: not a feature of the host LP */
    const struct cluster_hooks *cluster_hooks; /* NULL: not a feature of the controller */
    /* A run spread over MPI ranks (NULL: nothing to do): called on every
     * rank after the run, before the ranks other than 0 stop (a collective:
     * every rank calls it, in table order), to bring rank 0 what its
     * write_tables needs from the LPs other ranks ran. 0, or -1 with b->err. */
    int (*gather)(model_builder *b, void *world);
} model_module;

/* Writes "FILE:LINE: key 'KEY': what" into b->err; returns MODEL_BAD_INPUT. */
model_status model_key_error(model_builder *b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes a message into b->err; returns MODEL_RUNTIME_ERROR. */
model_status model_runtime_error(model_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The slot of module m's state in cluster.ext (UINT32_MAX if it has no
 * cluster hooks), for a feature that reads another's per-cluster state. */
uint32_t model_builder_cluster_slot(const model_builder *b, const model_module *m);

/* The world of another module of this run (built before this one in the
 * table), or NULL when the scenario does not use it. */
void *model_builder_world(const model_builder *b, const model_module *m);

#endif
