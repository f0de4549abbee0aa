/* drs_stage.h - the DRS stats a host stages for its cluster controller, and
 * when the controller takes them (docs/vsphere.md, "DRS stats collection").
 *
 * At the first sample of each DRS period (sample time t with
 * t % drs.period < sample_period) every host LP of a cluster with DRS writes,
 * for each VM of its own cluster it holds, a drs_stats_stage record stamped
 * with its own index and the round of t (drs_stage_round). No message goes
 * out: the controller pulls. It takes host h's stats exactly where the
 * engine would have delivered the HOST_STATS message they replace, key
 * (t + control latency, drs.cluster priority, LP of h): before each event it
 * handles it applies the hosts whose key precedes the event's key
 * (drs_stage_hosts_before), and its own "drs.stats" event at
 * t + control latency, of a priority after drs.cluster, applies the rest.
 * It finds a host's records by reading its cluster's block of records in
 * slot order and keeping those stamped with the round of t and that host:
 * a host that did not stage at t (failed, in standby, DRS off) left none,
 * as its message never came.
 *
 * Threads and ranks: the host writes at t, the controller reads at
 * t + control latency, and the engine's lookahead is at most the control
 * latency (models/model.c, model_lookahead_ns), so the read is in a later
 * window than the write (sim/engine.h: a window spans less than one
 * lookahead). The next write is at the next stats sample t', at least one
 * sample period later; drs_build refuses a scenario where
 * t' < t + control latency + lookahead could happen (the read and the
 * overwrite could share a window). The array is pointer-free and declared
 * with sim_share, so a controller on another MPI rank reads the bytes the
 * host's rank wrote.
 */
#ifndef VDCSIM_MODELS_DRS_STAGE_H
#define VDCSIM_MODELS_DRS_STAGE_H

#include <stdint.h>

#include "sim/time.h"

struct model_env;

/* One VM's stats as its host wrote them at the first sample of a DRS
 * period. Written only by the host LP holding the VM at that sample (a VM
 * is on at most one host). */
typedef struct drs_stats_stage {
    double cpu_mhz;           /* CPU entitlement from the contention step */
    double mem_mib;           /* memory entitlement (docs/vsphere.md) */
    double dirty_bytes_per_s; /* page dirty rate */
    uint32_t host;            /* the host that staged it (meaningful once stamped) */
    uint32_t stamp;           /* drs_stage_stamp(round of the sample, running); 0: never staged */
} drs_stats_stage;

/* The round a record staged at sample time t carries: the sample's number,
 * modulo 2^30 (a record left unwritten for 2^30 samples, 34 years at 1 s,
 * would pass for fresh). */
static inline uint32_t drs_stage_round(sim_time_ns t, sim_time_ns sample_period_ns)
{
    return (uint32_t)((uint64_t)(t / sample_period_ns) & 0x3fffffffu);
}

/* A record's stamp: its round (30 bits), a staged bit and whether the VM
 * ran (the low bit), one word so that a host writes the record in one go.
 * The staged bit makes every stamp non-zero, so the array needs no setting
 * up: calloc's zeros are "never staged", and its pages stay untouched until
 * a host stages (writing a marker into 100,000 records at build time put
 * 3.2 MiB more into the first window's peak). */
static inline uint32_t drs_stage_stamp(uint32_t round, int running)
{
    return round << 2 | 2u | (running != 0);
}
static inline uint32_t drs_stage_stamp_round(uint32_t stamp) { return stamp >> 2; }
static inline int drs_stage_stamp_running(uint32_t stamp) { return (int)(stamp & 1u); }
/* 1 when the record was staged at this round (running or not). */
static inline int drs_stage_stamp_is(uint32_t stamp, uint32_t round) { return (stamp | 1u) == drs_stage_stamp(round, 1); }

/* Where a VM's stats record lies in the stage. With `clusters` the
 * records lie cluster by cluster (the order of datacenter.vm_ids: a
 * cluster's own VMs in id order from vm_first[cluster]), so that the hosts
 * of one cluster, which sample one after the other, write one block of
 * 32-byte records and its controller reads that block back, instead of
 * records scattered over the whole array; record = vm_first + the VM's
 * index among its cluster's VMs (model_env.vm_local), which is also its
 * slot in the controller's per-VM arrays. Without `clusters`: the VM id. */
typedef struct drs_stage_map {
    const uint32_t *vm_local; /* NULL: records by VM id */
    uint32_t first;           /* the cluster's first record */
    uint32_t count;           /* and its number of records (its VMs); with `clusters` only */
} drs_stage_map;

drs_stage_map drs_stage_map_of(const struct model_env *env, uint32_t cluster_index);
/* The record of VM vm_id of the map's cluster. */
static inline uint32_t drs_stage_record(const drs_stage_map *m, uint32_t vm_id)
{
    return m->vm_local ? m->first + m->vm_local[vm_id] : vm_id;
}

/* Whether hosts stage their stats at sample time t: the first sample of a
 * DRS period. */
static inline int drs_stage_at(sim_time_ns t, sim_time_ns sample_period_ns, sim_time_ns drs_period_ns)
{
    return t % drs_period_ns < sample_period_ns;
}

/* The next sample time after t (samples at multiples of sample_period_ns)
 * at which hosts stage (drs_stage_at). Both periods > 0. */
sim_time_ns drs_stage_next_ns(sim_time_ns t, sim_time_ns sample_period_ns, sim_time_ns drs_period_ns);

/* How many of a cluster's n_hosts hosts (LPs first_host_lp, ...) have
 * stats that the engine would have delivered before an event (now,
 * priority, src_lp) at their controller, had each come as a message
 * (due_ns, stats_priority, its LP) with due_ns = staging time + control
 * latency: none before due_ns or at due_ns for a lower priority, all
 * after due_ns or for a higher priority, and at equal time and priority
 * those of LPs below src_lp. A host's other messages of that kind sent at
 * the staging time went before its stats (they come from its drs.host and
 * maintenance events, priority 24 and 5, its stats from its sample, 90),
 * so an event from host i comes after the stats of hosts 0..i-1 only. */
uint32_t drs_stage_hosts_before(sim_time_ns now, uint32_t priority, uint32_t src_lp, sim_time_ns due_ns,
                                uint32_t stats_priority, uint32_t first_host_lp, uint32_t n_hosts);

#endif
