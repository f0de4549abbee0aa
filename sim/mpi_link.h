/* mpi_link.h - the engine's and the recorder's only door to MPI.
 *
 * The MPI calls themselves are in sim/mpi/mpi_ranks.c, the only file that
 * names MPI, built as the module vdcsim_mpi.so when CMake finds MPI and
 * loaded by sim_mpi_join (sim/mpi_module.h), so that a process that never
 * joins does not map Open MPI. Without the module, or before a join, every
 * function here reports one rank and the collectives are never reached.
 *
 * Contract
 *  - sim_mpi_join initialises MPI (once per process) and must be paired with
 *    sim_mpi_leave; the other functions work on MPI_COMM_WORLD.
 *  - The collectives (min, sum, exchange, gather) must be called by every
 *    rank in the same order; they return 0, or -1 when MPI reports an error
 *    or memory runs out (the caller stops the run).
 *  - Byte buffers are exchanged as raw bytes: every rank must run the same
 *    binary on machines of the same byte order (the datacenter case).
 */
#ifndef VDCSIM_SIM_MPI_LINK_H
#define VDCSIM_SIM_MPI_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* 1 when this build has the MPI module (it is loaded to answer); else 0
 * and, when why_len > 0, why (the module's path looked at, or why it was
 * refused). */
int sim_mpi_built(char *why, size_t why_len);
/* Initialises MPI; returns the number of ranks (>= 1) and sets *rank, or -1
 * when MPI is not built in or cannot start. */
int sim_mpi_join(int *rank);
void sim_mpi_leave(void);
/* This process's rank and the number of ranks: 0 and 1 unless joined. */
int sim_mpi_rank(void);
int sim_mpi_size(void);

/* v[0..n) becomes the element-wise minimum (sum) over ranks. */
int sim_mpi_min_i64(int64_t *v, int n);
int sim_mpi_sum_u64(uint64_t *v, int n);

/* A receive buffer a caller keeps from call to call: the collectives below
 * fill it, growing it when a call needs more, so that a run's windows do
 * not map and fault fresh pages for every exchange (blocks of 1 MiB and
 * more are mmap'ed by glibc). Zero-initialise; free with sim_mpi_buf_free. */
typedef struct sim_mpi_buf {
    unsigned char *p;
    size_t cap;
} sim_mpi_buf;

void sim_mpi_buf_free(sim_mpi_buf *b);

/* Room for `bytes` bytes (at least 1) in b: 0, or -1 out of memory (b
 * unchanged). Inline: the MPI module, loaded apart, uses it too. */
static inline int sim_mpi_buf_reserve(sim_mpi_buf *b, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (bytes <= b->cap)
        return 0;
    unsigned char *grown = realloc(b->p, bytes);
    if (!grown)
        return -1;
    b->p = grown;
    b->cap = bytes;
    return 0;
}

/* All-to-all of byte blocks: send holds, rank after rank, send_bytes[r]
 * bytes for rank r (own block empty). On return recv->p holds the blocks
 * from every rank in rank order, *recv_bytes in total, recv_lens[r] (when
 * not NULL: sim_mpi_size() entries) from rank r. One MPI_Alltoall of the
 * sizes, one MPI_Alltoallv of the bytes. */
int sim_mpi_exchange(const size_t *send_bytes, const unsigned char *send, sim_mpi_buf *recv, size_t *recv_bytes,
                     size_t *recv_lens);

/* Gathers every rank's block to rank 0: there all->p holds them in rank
 * order and lens[r] (array of sim_mpi_size() entries) their sizes;
 * elsewhere *all is left as it was. */
int sim_mpi_gather(const unsigned char *block, size_t len, sim_mpi_buf *all, size_t *lens);

/* As sim_mpi_gather, but every rank receives every block (lens on every rank). */
int sim_mpi_allgather(const unsigned char *block, size_t len, sim_mpi_buf *all, size_t *lens);

/* Every rank gets rank 0's value. */
int sim_mpi_bcast_i64(int64_t *v, int n);

/* Point to point, blocking, raw bytes (the sweep's work queue, app/sweep_mpi.c):
 * send len bytes to rank dst with tag; receive up to len bytes with tag
 * from rank src (SIM_MPI_ANY_SOURCE: any), *from (when not NULL) the
 * sender. At most INT_MAX bytes a message; 0, or -1 (also when the message
 * received is shorter than len; a longer one is an MPI error, which aborts
 * the job under MPI's default error handler). */
#define SIM_MPI_ANY_SOURCE (-1)
int sim_mpi_send(int dst, int tag, const void *buf, size_t len);
int sim_mpi_recv(int src, int tag, void *buf, size_t len, int *from);

#endif
