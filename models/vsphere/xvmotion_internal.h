/* xvmotion_internal.h - what the two files of cross-cluster vMotion share
 * (xvmotion.c: the vcenter LP and the controllers' side; xvmotion_build.c:
 * keys, LP, recording). Private to models/vsphere/xvmotion*.c. */
#ifndef VDCSIM_MODELS_VSPHERE_XVMOTION_INTERNAL_H
#define VDCSIM_MODELS_VSPHERE_XVMOTION_INTERNAL_H

#include <stdint.h>

#include "models/core/cluster.h"
#include "models/core/datacenter.h"
#include "models/core/model_env.h"
#include "models/vsphere/vmotion.h"
#include "models/vsphere/xbalance.h"
#include "sim/engine.h"

/* Events at equal time: after the controllers' own (power-on 10, DRS 40). */
enum { PRIO_XVMOTION = 41 };

typedef enum {
    XV_WAITING = 0,    /* asked the controllers, no answer yet */
    XV_QUEUED,         /* both ends reserved, waiting for vMotion slots */
    XV_DISK,           /* copying the disk (clusters on different datastores) */
    XV_MEMORY,         /* pre-copy of the memory, stop-and-copy, switch-over */
    XV_DONE,
    XV_EVC_INCOMPATIBLE,
    XV_NOT_RUNNING,    /* the VM was not placed in its cluster at the action's time */
    XV_NO_CAPACITY,    /* no host of the target cluster holds the twin */
    XV_ADMISSION,      /* the target cluster's admission control (HA) refused it */
    XV_ABORTED,        /* copied, but the VM was gone (failed, powered off) at the switch-over */
    XV_STATUS_COUNT
} xv_status;

typedef struct xv_msg {
    uint32_t mig;     /* the move (datacenter.moves index) or, for begin, the action */
    uint32_t token;   /* step: the migration's token when it was sent (older: stale) */
    int32_t src_host; /* where the VM runs */
    int32_t dst_host; /* where its twin is placed */
    int32_t status;   /* reserved: XV_QUEUED or a refusal; start_twin: XV_DONE or XV_ABORTED */
    sim_time_ns requested_ns; /* a rebalancing move: when its pass decided (reserve, reserved) */
} xv_msg;
_Static_assert(sizeof(xv_msg) <= 48, "an xvmotion message fits an event payload");

typedef struct xv_mig {
    xv_status status;
    int32_t src_host, dst_host;
    uint32_t token;
    sim_time_ns requested_ns, start_ns, end_ns;
    sim_time_ns last_ns;       /* disk phase: time of the last progress update */
    sim_time_ns mem_origin_ns; /* start of the memory phase (vmotion's time 0) */
    double rate;               /* bytes/s now */
    double disk_bytes, disk_left;
    vmotion m;
} xv_mig;

typedef struct xv_world {
    const model_env *env;
    const datacenter *dc;
    const scenario *scn;
    uint32_t lp;
    uint32_t kind_begin, kind_check, kind_reserve, kind_reserved, kind_step, kind_switch, kind_start_twin;
    double link_bytes_per_s;
    sim_time_ns latency_ns; /* one way */
    vmotion_params params;  /* memory and dirty rate set per VM */
    xv_mig *migs;           /* one per move */
    uint32_t *host_active;  /* per host: cross-cluster migrations in flight there */
    uint32_t *queue, n_queue;
    uint32_t *active, n_active;
    uint64_t log_seq;
    int log_done, log_refused;
    xb_state bal; /* cross-cluster rebalancing (xbalance.c) */
} xv_world;

/* The vcenter LP's handler and the controllers' hook (xvmotion.c). */
void xvmotion_handle(sim_ctx *ctx, void *state, const sim_event *ev);
int xvmotion_cluster_handle(sim_ctx *ctx, cluster *c, const cluster_feature *f, const sim_event *ev);

static inline double xvmotion_seconds_since(sim_time_ns now, sim_time_ns origin)
{
    return (double)(now - origin) * 1e-9;
}

#endif
