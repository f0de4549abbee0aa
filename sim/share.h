/* share.h - the records several MPI ranks' LPs write (sim_share), inside
 * the engine.
 *
 * Contract
 *  - A region is an array of pointer-free records, declared once with
 *    sim_shares_add before the run. While a distributed run has begun
 *    (sim_shares_begin .. sim_shares_end), sim_share_touch (sim/engine.h)
 *    marks the record holding a byte as written here in this window; any
 *    thread may mark at any time (an engine thread into its own plane of
 *    bits, any other thread with an atomic OR).
 *  - sim_shares_sync, called serially by every rank after every window,
 *    sends the records this rank marked, whole, to every other rank, or
 *    those with a declared only reader (sim_shares_reader) to that
 *    reader's rank alone, and takes the records the others marked
 *    (MPI_Alltoallv in rounds of at most round_bytes per rank and
 *    destination; each block says how many records its sender still has
 *    for any rank, so all ranks call the same collectives). A record
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
    unsigned char *buf; /* one round's blocks of packed records, one per rank */
    size_t block_cap;   /* the most bytes of one block */
    sim_mpi_buf recv;   /* every rank's blocks of a round, kept from window to window */
    uint64_t sent_bytes; /* bytes this rank packed since sim_shares_begin (heads, records, counts) */
    /* per rank (sim_shares_begin's `ranks`): a round's block bytes to it and
     * from it, and the cursor (region, record) of what goes to it */
    size_t *send_bytes, *recv_lens, *cursor_record;
    int *cursor_region;
    int ranks;
} sim_shares;

/* The MPI rank that runs LP `lp` (the engine's partition), or -1 when there is no such LP. */
typedef int (*sim_lp_rank_fn)(const void *ctx, uint32_t lp);

/* Declares a region; `name` (copied) is for messages. 0, or -1 out of memory. */
int sim_shares_add(sim_shares *s, const char *name, void *base, size_t elem_bytes, size_t count);
/* Declares that records [first, first + count) of the region declared at
 * `base` are read only by LP `reader_lp`: a marked one goes to that LP's
 * rank alone (to none when it runs here), so the other ranks' copies of
 * them may lag. A record in several ranges goes to each of their readers'
 * ranks. 0, or -1 (no region at base, a range outside it, out of memory). */
int sim_shares_reader(sim_shares *s, const void *base, size_t first, size_t count, uint32_t reader_lp);
/* Declares bytes [offset, offset + len) of every record of the region at
 * `base` local: results an LP writes and reads back in the same handler
 * only (a host's per-VM CPU figures of a sample). A write of them alone
 * needs no mark, check mode and the two-writers test ignore them, and they
 * travel only with a record marked for another write, so other ranks'
 * copies of them lag. One range per region. 0, or -1 (no region at base,
 * bytes outside a record, a range declared already). */
int sim_shares_local_bytes(sim_shares *s, const void *base, size_t offset, size_t len);
/* Before a distributed run's first window, on `rank` with `threads` engine
 * threads (OpenMP thread numbers; each marks into its own plane, any other
 * thread atomically into a common one): the marks (and the shadow in check
 * mode), the records kept here (rank_of(rank_ctx, reader)
 * == rank), and sim_share_touch starts marking into `s`. 0, or -1 with a
 * message in err. */
int sim_shares_begin(sim_shares *s, size_t round_bytes, int check, int threads, int rank, int ranks,
                     sim_lp_rank_fn rank_of, const void *rank_ctx, char *err, size_t err_len);
/* After a window, serial, on every rank. 0, or -1 with a message in err
 * (the rounds still run to their end, so the ranks stay in step). */
int sim_shares_sync(sim_shares *s, int rank, int ranks, char *err, size_t err_len);
/* After the run: sim_share_touch marks nothing any more. */
void sim_shares_end(sim_shares *s);
void sim_shares_free(sim_shares *s);

#endif
