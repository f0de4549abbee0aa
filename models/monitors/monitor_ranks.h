/* monitor_ranks.h - the hosts' monitors of a run spread over MPI ranks
 * (issue 17; docs/properties.md, "Monitors and MPI ranks").
 *
 * Contract. Over several ranks each rank runs its block of host LPs, so a
 * host's monitors (in its LP) decide on the rank that runs it, and hosts
 * never change rank. After the run, every rank calls monitor_ranks_gather
 * (a collective: every rank, once, in the same place): the ranks other than
 * 0 close their hosts' monitors against the run's end and send rank 0, per
 * local host and property of the set, its counts and its violations as
 * finished rows (time, obligation start, witness with `note` appended);
 * rank 0 keeps them (monitor_remote) and writes them in the place of its
 * own, never-fed copies: in property, host, time order, as one process
 * writes them. The bytes are flat (no pointer travels); every rank runs the
 * same binary (docs/engine.md). One process, or one rank: nothing is sent
 * and *out stays NULL. Returns 0, or -1 with a message (MPI failed, memory).
 * The VMs' monitors cannot stay on one rank (a VM moves to hosts of other
 * ranks): over several ranks they are checked at the end on rank 0 from
 * the pieces every rank kept (monitor_joined.h), gathered the same way by
 * monitor_ranks_gather_vms.
 */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_RANKS_H
#define VDCSIM_MODELS_MONITORS_MONITOR_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/props_monitor.h"
#include "recorder/recorder.h"
#include "sim/engine.h"

typedef struct monitor_remote monitor_remote;

/* Appends to the witness of violation v of host `host`, property k of the
 * set, what the monitors append when they write it (NULL: nothing). */
typedef void (*monitor_host_note)(void *arg, uint32_t host, int k, const pm_violation *v, char *witness, size_t len);

int monitor_ranks_gather(const pm_set *s, pm_entity *hosts, uint32_t n_hosts, sim_engine *eng,
                         uint32_t first_host_lp, monitor_host_note note, void *note_arg, monitor_remote **out,
                         char *err, size_t err_len);
/* 1 when host `host`'s results for property k came from another rank, with
 * its counts (done == 2: not in the property's range); else 0. */
int monitor_remote_counts(const monitor_remote *r, int k, uint32_t host, int *done, long *violations,
                          long *pending);
/* Those results' rows, into table `table`. 0, or -1 when the recorder refuses one. */
int monitor_remote_write(const monitor_remote *r, int k, uint32_t host, recorder *rec, int table,
                         const char *property, const char *entity);
void monitor_remote_free(monitor_remote *r);

/* The VMs' pieces kept for the end (monitor_joined.h) of a run spread over
 * ranks: every rank calls it after monitor_ranks_gather (a collective); the
 * ranks other than 0 send theirs as flat bytes (monitor_joined_pack), rank
 * 0 adopts them. j NULL: nothing (on every rank alike). One process, or one
 * rank: nothing. 0, or -1 with a message. */
struct monitor_joined; /* monitor_joined.h */
int monitor_ranks_gather_vms(struct monitor_joined *j, sim_engine *eng, char *err, size_t err_len);

#endif
