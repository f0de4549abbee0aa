/* mpi_link.c - the engine's door to MPI (see mpi_link.h): every call goes
 * to the MPI module (sim/mpi_module.h), loaded by sim_mpi_join. Before a
 * join, or without the module, this process is rank 0 of 1. */
#include "sim/mpi_link.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/mpi_module.h"

/* Set by sim_mpi_join on the thread that runs the program, before any
 * engine thread starts; read only by that thread afterwards. */
static const mpi_module *mpi;

static const mpi_module *load(char *why, size_t why_len)
{
    /* global: Open MPI's own plug-ins look up its symbols */
    return builtin_module_table_global(MPI_MODULE_NAME, MPI_MODULE_ABI, (uint32_t)sizeof(mpi_module), why, why_len);
}

int sim_mpi_built(char *why, size_t why_len) { return load(why, why_len) != NULL; }

int sim_mpi_join(int *rank)
{
    *rank = 0;
    const mpi_module *m = load(NULL, 0);
    if (!m)
        return -1;
    int ranks = m->join(rank);
    if (ranks >= 1)
        mpi = m;
    return ranks;
}

void sim_mpi_leave(void)
{
    if (mpi)
        mpi->leave();
    mpi = NULL;
}

int sim_mpi_rank(void) { return mpi ? mpi->rank() : 0; }
int sim_mpi_size(void) { return mpi ? mpi->size() : 1; }

/* Collectives without a joined MPI: one rank, nothing to combine; the
 * byte exchanges fail, as they are only reached over ranks. */
int sim_mpi_min_i64(int64_t *v, int n) { return mpi ? mpi->min_i64(v, n) : 0; }
int sim_mpi_sum_u64(uint64_t *v, int n) { return mpi ? mpi->sum_u64(v, n) : 0; }
int sim_mpi_bcast_i64(int64_t *v, int n) { return mpi ? mpi->bcast_i64(v, n) : 0; }

void sim_mpi_buf_free(sim_mpi_buf *b)
{
    free(b->p);
    *b = (sim_mpi_buf){0};
}

int sim_mpi_exchange(const size_t *send_bytes, const unsigned char *send, sim_mpi_buf *recv, size_t *recv_bytes,
                     size_t *recv_lens)
{
    if (mpi)
        return mpi->exchange(send_bytes, send, recv, recv_bytes, recv_lens);
    *recv_bytes = 0;
    return -1;
}

int sim_mpi_gather(const unsigned char *block, size_t len, sim_mpi_buf *all, size_t *lens)
{
    return mpi ? mpi->gather(block, len, all, lens) : -1;
}

int sim_mpi_allgather(const unsigned char *block, size_t len, sim_mpi_buf *all, size_t *lens)
{
    return mpi ? mpi->allgather(block, len, all, lens) : -1;
}

int sim_mpi_send(int dst, int tag, const void *buf, size_t len) { return mpi ? mpi->send(dst, tag, buf, len) : -1; }

int sim_mpi_recv(int src, int tag, void *buf, size_t len, int *from)
{
    return mpi ? mpi->recv(src, tag, buf, len, from) : -1;
}
