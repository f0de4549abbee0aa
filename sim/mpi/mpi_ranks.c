/* mpi_ranks.c - the MPI calls of the engine, the recorder and the sweep
 * (sim/mpi_link.h), built as the module vdcsim_mpi.so (sim/mpi_module.h)
 * so that only a run over ranks maps Open MPI. */
#include "sim/mpi_module.h"

#include "sim/mpi_link.h" /* SIM_MPI_ANY_SOURCE */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

static int joined;

static int ranks_rank(void);
static int ranks_size(void);

static int ranks_join(int *rank)
{
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready) {
        int provided = 0;
        /* Only the thread that called sim_run talks to MPI, between windows. */
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            return -1;
        joined = 1;
    }
    *rank = ranks_rank();
    return ranks_size();
}

static void ranks_leave(void)
{
    if (joined)
        MPI_Finalize();
    joined = 0;
}

static int mpi_ready(void)
{
    int ready = 0, done = 0;
    MPI_Initialized(&ready);
    if (ready)
        MPI_Finalized(&done);
    return ready && !done;
}

static int ranks_rank(void)
{
    int rank = 0;
    if (mpi_ready())
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static int ranks_size(void)
{
    int size = 1;
    if (mpi_ready())
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

static int ranks_min_i64(int64_t *v, int n)
{
    return MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

static int ranks_sum_u64(uint64_t *v, int n)
{
    return MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

static int ranks_bcast_i64(int64_t *v, int n)
{
    return MPI_Bcast(v, n, MPI_INT64_T, 0, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

/* MPI counts are int: a block of 2 GiB or more is refused (a window that
 * sends that much to one rank is far beyond any model here). */
static int fits_int(size_t n) { return n <= (size_t)INT_MAX; }

static int ranks_exchange(const size_t *send_bytes, const unsigned char *send, sim_mpi_buf *recv, size_t *recv_bytes,
                          size_t *recv_lens)
{
    int size = ranks_size();
    int *counts = calloc((size_t)size * 4, sizeof *counts);
    if (!counts)
        return -1;
    int *sdispl = counts + size, *rcounts = counts + 2 * size, *rdispl = counts + 3 * size;
    size_t at = 0;
    int rc = -1;
    for (int r = 0; r < size; r++) {
        if (!fits_int(send_bytes[r]) || !fits_int(at))
            goto done;
        counts[r] = (int)send_bytes[r];
        sdispl[r] = (int)at;
        at += send_bytes[r];
    }
    if (MPI_Alltoall(counts, 1, MPI_INT, rcounts, 1, MPI_INT, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    size_t total = 0;
    for (int r = 0; r < size; r++) {
        if (!fits_int(total))
            goto done;
        rdispl[r] = (int)total;
        total += (size_t)rcounts[r];
        if (recv_lens)
            recv_lens[r] = (size_t)rcounts[r];
    }
    if (sim_mpi_buf_reserve(recv, total) != 0)
        goto done;
    if (MPI_Alltoallv(send, counts, sdispl, MPI_BYTE, recv->p, rcounts, rdispl, MPI_BYTE, MPI_COMM_WORLD) !=
        MPI_SUCCESS)
        goto done;
    *recv_bytes = total;
    rc = 0;
done:
    free(counts);
    return rc;
}

static int ranks_gather(const unsigned char *block, size_t len, sim_mpi_buf *all, size_t *lens)
{
    int size = ranks_size(), rank = ranks_rank();
    int mine = fits_int(len) ? (int)len : -1;
    int *counts = calloc((size_t)size * 2, sizeof *counts);
    if (!counts)
        return -1;
    int *displ = counts + size, rc = -1;
    if (MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    size_t total = 0;
    int bad = 0;
    if (rank == 0)
        for (int r = 0; r < size; r++) {
            if (counts[r] < 0 || !fits_int(total))
                bad = 1;
            displ[r] = bad ? 0 : (int)total;
            lens[r] = bad ? 0 : (size_t)counts[r];
            total += bad ? 0 : (size_t)counts[r];
        }
    if (rank == 0 && !bad && sim_mpi_buf_reserve(all, total) != 0)
        bad = 1;
    /* Every rank takes part in the gather even when rank 0 failed above, so
     * nobody waits for ever; rank 0 then reports the failure. */
    if (rank == 0 && bad)
        for (int r = 0; r < size; r++)
            counts[r] = displ[r] = 0;
    unsigned char dummy;
    if (MPI_Gatherv(block, mine < 0 ? 0 : mine, MPI_BYTE, rank == 0 && !bad ? all->p : &dummy, counts, displ,
                    MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    rc = mine < 0 || (rank == 0 && bad) ? -1 : 0;
done:
    free(counts);
    return rc;
}

static int ranks_allgather(const unsigned char *block, size_t len, sim_mpi_buf *all, size_t *lens)
{
    int size = ranks_size();
    int mine = fits_int(len) ? (int)len : -1;
    int *counts = calloc((size_t)size * 2, sizeof *counts);
    if (!counts)
        return -1;
    int *displ = counts + size, rc = -1;
    if (MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    size_t total = 0;
    for (int r = 0; r < size; r++) {
        if (counts[r] < 0 || !fits_int(total))
            goto done; /* every rank sees the same counts, so every rank stops here */
        displ[r] = (int)total;
        lens[r] = (size_t)counts[r];
        total += (size_t)counts[r];
    }
    /* a rank out of memory still takes part, receiving nothing, and fails */
    const int room = sim_mpi_buf_reserve(all, total) == 0;
    unsigned char dummy;
    if (!room)
        for (int r = 0; r < size; r++)
            counts[r] = displ[r] = 0;
    if (MPI_Allgatherv(block ? block : &dummy, mine, MPI_BYTE, room ? all->p : &dummy, counts, displ, MPI_BYTE,
                       MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    rc = room ? 0 : -1;
done:
    free(counts);
    return rc;
}

/* MPI counts are int: a message is at most INT_MAX bytes. */
static int ranks_send(int dst, int tag, const void *buf, size_t len)
{
    if (!fits_int(len))
        return -1;
    return MPI_Send(buf, (int)len, MPI_BYTE, dst, tag, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

/* Exactly len bytes: a shorter message is an error, not stale bytes. */
static int ranks_recv(int src, int tag, void *buf, size_t len, int *from)
{
    MPI_Status st;
    if (!fits_int(len) || (src < 0 && src != SIM_MPI_ANY_SOURCE))
        return -1;
    if (MPI_Recv(buf, (int)len, MPI_BYTE, src == SIM_MPI_ANY_SOURCE ? MPI_ANY_SOURCE : src, tag, MPI_COMM_WORLD,
                 &st) != MPI_SUCCESS)
        return -1;
    int got = -1;
    if (MPI_Get_count(&st, MPI_BYTE, &got) != MPI_SUCCESS || got != (int)len)
        return -1;
    if (from)
        *from = st.MPI_SOURCE;
    return 0;
}

const mpi_module vdcsim_mpi_table = {
    {MPI_MODULE_ABI, (uint32_t)sizeof(mpi_module), VDCSIM_BUILD_ID},
    ranks_join,
    ranks_leave,
    ranks_rank,
    ranks_size,
    ranks_min_i64,
    ranks_sum_u64,
    ranks_bcast_i64,
    ranks_exchange,
    ranks_gather,
    ranks_allgather,
    ranks_send,
    ranks_recv,
};
