/* mpi_link.c - the MPI calls of the engine and the recorder (see mpi_link.h). */
#include "sim/mpi_link.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef VDCSIM_HAVE_MPI
#include <mpi.h>

static int joined;

int sim_mpi_built(void) { return 1; }

int sim_mpi_join(int *rank)
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
    *rank = sim_mpi_rank();
    return sim_mpi_size();
}

void sim_mpi_leave(void)
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

int sim_mpi_rank(void)
{
    int rank = 0;
    if (mpi_ready())
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int sim_mpi_size(void)
{
    int size = 1;
    if (mpi_ready())
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

int sim_mpi_min_i64(int64_t *v, int n)
{
    return MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

int sim_mpi_sum_u64(uint64_t *v, int n)
{
    return MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

int sim_mpi_bcast_i64(int64_t *v, int n)
{
    return MPI_Bcast(v, n, MPI_INT64_T, 0, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

/* MPI counts are int: a block of 2 GiB or more is refused (a window that
 * sends that much to one rank is far beyond any model here). */
static int fits_int(size_t n) { return n <= (size_t)INT_MAX; }

int sim_mpi_exchange(const size_t *send_bytes, const unsigned char *send, unsigned char **recv,
                     size_t *recv_bytes)
{
    int size = sim_mpi_size();
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
    }
    *recv = malloc(total ? total : 1);
    if (!*recv)
        goto done;
    if (MPI_Alltoallv(send, counts, sdispl, MPI_BYTE, *recv, rcounts, rdispl, MPI_BYTE, MPI_COMM_WORLD) !=
        MPI_SUCCESS) {
        free(*recv);
        *recv = NULL;
        goto done;
    }
    *recv_bytes = total;
    rc = 0;
done:
    free(counts);
    return rc;
}

int sim_mpi_gather(const unsigned char *block, size_t len, unsigned char **all, size_t *lens)
{
    int size = sim_mpi_size(), rank = sim_mpi_rank();
    *all = NULL;
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
    if (rank == 0 && !bad)
        *all = malloc(total ? total : 1);
    /* Every rank takes part in the gather even when rank 0 failed above, so
     * nobody waits for ever; rank 0 then reports the failure. */
    if (rank == 0 && (bad || !*all))
        for (int r = 0; r < size; r++)
            counts[r] = displ[r] = 0;
    unsigned char dummy;
    if (MPI_Gatherv(block, mine < 0 ? 0 : mine, MPI_BYTE, rank == 0 && *all ? *all : &dummy, counts, displ,
                    MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    rc = mine < 0 || (rank == 0 && (bad || !*all)) ? -1 : 0;
done:
    if (rc != 0 && *all) {
        free(*all);
        *all = NULL;
    }
    free(counts);
    return rc;
}

int sim_mpi_allgather(const unsigned char *block, size_t len, unsigned char **all, size_t *lens)
{
    int size = sim_mpi_size();
    *all = NULL;
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
    *all = malloc(total ? total : 1);
    /* a rank out of memory still takes part, receiving nothing, and fails */
    unsigned char dummy;
    if (!*all)
        for (int r = 0; r < size; r++)
            counts[r] = displ[r] = 0;
    if (MPI_Allgatherv(block ? block : &dummy, mine, MPI_BYTE, *all ? *all : &dummy, counts, displ, MPI_BYTE,
                       MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    rc = *all ? 0 : -1;
done:
    if (rc != 0) {
        free(*all);
        *all = NULL;
    }
    free(counts);
    return rc;
}

#else /* built without MPI: one rank, and the collectives are never called */

int sim_mpi_built(void) { return 0; }
int sim_mpi_join(int *rank)
{
    *rank = 0;
    return -1;
}
void sim_mpi_leave(void) {}
int sim_mpi_rank(void) { return 0; }
int sim_mpi_size(void) { return 1; }
int sim_mpi_min_i64(int64_t *v, int n) { return (void)v, (void)n, 0; }
int sim_mpi_sum_u64(uint64_t *v, int n) { return (void)v, (void)n, 0; }
int sim_mpi_bcast_i64(int64_t *v, int n) { return (void)v, (void)n, 0; }
int sim_mpi_exchange(const size_t *send_bytes, const unsigned char *send, unsigned char **recv,
                     size_t *recv_bytes)
{
    (void)send_bytes, (void)send;
    *recv = NULL;
    *recv_bytes = 0;
    return -1;
}
int sim_mpi_gather(const unsigned char *block, size_t len, unsigned char **all, size_t *lens)
{
    (void)block, (void)len, (void)lens;
    *all = NULL;
    return -1;
}
int sim_mpi_allgather(const unsigned char *block, size_t len, unsigned char **all, size_t *lens)
{
    return sim_mpi_gather(block, len, all, lens);
}
#endif
