/* share.h - the records several MPI ranks' LPs write (sim_share), inside
 * the engine.
 *
 * Contract
 *  - A region is an array of pointer-free records, declared once with
 *    sim_shares_add before the run. While a distributed run has begun
 *    (sim_shares_begin .. sim_shares_end), sim_share_touch (sim/engine.h)
 *    marks the record holding a byte as written here in this window; any
 *    thread may mark at any time (an atomic OR of one bit).
 *  - sim_shares_sync, called serially by every rank after every window,
 *    sends every rank the records this rank marked, whole, and takes the
 *    records the others marked (MPI_Allgatherv in rounds of at most
 *    round_bytes per rank; all ranks call the same collectives). A record
 *    marked on two ranks with different bytes breaks the models' rule (one
 *    writer per record at a time): an error naming the region and record.
 *  - Check mode (sim_config.share_check, or VDCSIM_SHARE_CHECK=1 in the
 *    environment) also keeps a copy of every region as at the last window
 *    end and aborts the process, naming the region and record, when a
 *    record changed here without a mark: a missed mark would otherwise be a
 *    silently wrong result on the other ranks.
 *  - Without a distributed run nothing is marked, copied or sent.
 */
#ifndef VDCSIM_SIM_SHARE_H
#define VDCSIM_SIM_SHARE_H

#include <stddef.h>

#include "sim/mpi_link.h" /* sim_mpi_buf */

typedef struct sim_share_region sim_share_region;

typedef struct sim_shares {
    sim_share_region *regions;
    int n;
    int check;          /* keep a shadow copy and verify the marks */
    unsigned char *buf; /* one round's block of packed records */
    size_t cap;
    sim_mpi_buf recv;   /* every rank's blocks of a round, kept from window to window */
} sim_shares;

/* Declares a region; `name` (copied) is for messages. 0, or -1 out of memory. */
int sim_shares_add(sim_shares *s, const char *name, void *base, size_t elem_bytes, size_t count);
/* Before a distributed run's first window: the marks (and the shadow in
 * check mode), and sim_share_touch starts marking into `s`. 0, or -1 with a
 * message in err. */
int sim_shares_begin(sim_shares *s, size_t round_bytes, int check, char *err, size_t err_len);
/* After a window, serial, on every rank. 0, or -1 with a message in err
 * (the rounds still run to their end, so the ranks stay in step). */
int sim_shares_sync(sim_shares *s, int rank, int ranks, char *err, size_t err_len);
/* After the run: sim_share_touch marks nothing any more. */
void sim_shares_end(sim_shares *s);
void sim_shares_free(sim_shares *s);

#endif
