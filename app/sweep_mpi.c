/* sweep_mpi.c - the MPI work queue of `vdcsim sweep` (see sweep_mpi.h).
 *
 * Protocol (blocking point-to-point messages of raw bytes through
 * sim/mpi_link.h, which loads the MPI module):
 *   worker -> lead  TAG_RESULT  result_header (run -1: "ready", no result)
 *   worker -> lead  TAG_DATA    the run's .h5.summary.txt, .log and .h5
 *                               bytes, in chunks, for each file the header
 *                               announces (bytes >= 0)
 *   lead -> worker  TAG_WORK    int64 run number, or -1: stop
 * A worker sends its result and asks for the next run in one header, so the
 * queue is dynamic: fast workers take more runs.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "app/sweep_mpi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/mpi_link.h"

enum { TAG_RESULT = 1, TAG_WORK = 2, TAG_DATA = 3 };
#define CHUNK_BYTES (8 * 1024 * 1024) /* well under a message's INT_MAX bytes */
#define PATH_LEN 4096

/* The files a run leaves, as suffixes of DIR/runs/run-C-R (sweep_mpi_path_fn);
 * the .h5 last, because its presence marks the run done. */
#define N_FILES 3
enum { FILE_SUMMARY, FILE_LOG, FILE_H5 };
static const char *const file_ext[N_FILES] = {"h5.summary.txt", "log", "h5"};

typedef struct result_header {
    int64_t run;            /* -1: no result yet */
    int64_t bytes[N_FILES]; /* -1: no such file (a failed run has no .h5) */
    double wall_s;
    int32_t status;
    int32_t unused;
} result_header;
_Static_assert(sizeof(result_header) == 48, "result_header is sent as 48 raw bytes");

static int joined;

int sweep_mpi_begin(int *rank)
{
    *rank = 0;
    /* Only a process mpirun started joins: a plain `vdcsim sweep` stays local. */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_SIZE"))
        return 1;
    int size = sim_mpi_join(rank);
    if (size < 1) {
        *rank = 0;
#ifdef VDCSIM_BUILT_MPI
        /* mpirun started N copies: run locally, they would all write the
         * same outputs */
        char why[600] = "MPI_Init failed";
        sim_mpi_built(why, sizeof why);
        fprintf(stderr, "vdcsim sweep: started by mpirun, but MPI cannot start: %s\n", why);
        return -1;
#else
        return 1; /* a build without MPI: every launch is local */
#endif
    }
    joined = 1;
    return size;
}

int sweep_mpi_agree(int rank0_status)
{
    if (!joined)
        return rank0_status;
    int64_t status = rank0_status;
    if (sim_mpi_bcast_i64(&status, 1) != 0)
        return -1;
    return (int)status;
}

void sweep_mpi_end(void)
{
    if (joined)
        sim_mpi_leave();
    joined = 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int64_t file_bytes(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
}

/* ---- lead ---------------------------------------------------------------- */

/* Receives `bytes` bytes from `src` into final_path (via a temporary name
 * that the sweep's partial-file clean-up knows). Every chunk is received
 * even when writing fails, so the protocol stays in step. */
static int receive_file(int src, int64_t bytes, const char *final_path, char *buf)
{
    char tmp[PATH_LEN + 32];
    snprintf(tmp, sizeof tmp, "%s.partial-mpi", final_path);
    FILE *f = fopen(tmp, "wb");
    int rc = f ? 0 : -1;
    for (int64_t left = bytes; left > 0;) {
        int n = left < CHUNK_BYTES ? (int)left : CHUNK_BYTES;
        if (sim_mpi_recv(src, TAG_DATA, buf, (size_t)n, NULL) != 0) {
            if (f)
                fclose(f);
            remove(tmp);
            return -2;
        }
        if (f && fwrite(buf, 1, (size_t)n, f) != (size_t)n)
            rc = -1;
        left -= n;
    }
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, final_path) != 0)
        rc = -1;
    if (rc != 0) {
        fprintf(stderr, "vdcsim sweep: cannot write %s: %s\n", final_path, strerror(errno));
        remove(tmp);
    }
    return rc;
}

int sweep_mpi_lead(const int64_t *todo, int64_t n_todo, volatile sig_atomic_t *stop, void *ctx, sweep_mpi_path_fn path,
                   sweep_mpi_result_fn result)
{
    int size = sim_mpi_size();
    char *buf = malloc(CHUNK_BYTES);
    int64_t *given = malloc((size_t)size * sizeof *given); /* each rank's run, -1: none */
    if (!buf || !given) {
        free(buf);
        free(given);
        return -1;
    }
    for (int r = 0; r < size; r++)
        given[r] = -1;
    int64_t next = 0;
    int active = size - 1, rc = 0;
    while (active > 0) {
        result_header h;
        int src = -1;
        if (sim_mpi_recv(SIM_MPI_ANY_SOURCE, TAG_RESULT, &h, sizeof h, &src) != 0 || src < 1 || src >= size) {
            rc = -1;
            break;
        }
        if (h.run != given[src]) { /* only the run it was given: the tables are indexed by it */
            fprintf(stderr, "vdcsim sweep: rank %d reported run %lld, not its run %lld\n", src, (long long)h.run,
                    (long long)given[src]);
            rc = -1;
            break;
        }
        if (h.run >= 0) {
            int stored = 0;
            for (int i = 0; i < N_FILES && stored > -2; i++) {
                char file[PATH_LEN];
                path(ctx, h.run, file_ext[i], file, sizeof file);
                int got = h.bytes[i] >= 0 ? receive_file(src, h.bytes[i], file, buf) : 0;
                if (got < stored)
                    stored = got;
            }
            if (stored == -2) {
                rc = -1;
                break;
            }
            /* a result the lead could not store counts as failed (status -1) */
            result(ctx, h.run, stored == 0 ? h.status : -1, h.wall_s);
        }
        int64_t assign = !*stop && next < n_todo ? todo[next++] : -1;
        if (sim_mpi_send(src, TAG_WORK, &assign, sizeof assign) != 0) {
            rc = -1;
            break;
        }
        given[src] = assign;
        if (assign < 0)
            active--;
    }
    free(buf);
    free(given);
    if (rc != 0)
        fprintf(stderr, "vdcsim sweep: MPI communication with a worker failed\n");
    return rc;
}

/* ---- worker -------------------------------------------------------------- */

/* Sends exactly `bytes` bytes of path (zeros past a short read, so the lead
 * stays in step; the run is then reported failed by the read of its file). */
static int send_file(const char *path, int64_t bytes, char *buf)
{
    FILE *f = fopen(path, "rb");
    for (int64_t left = bytes; left > 0;) {
        int n = left < CHUNK_BYTES ? (int)left : CHUNK_BYTES;
        size_t got = f ? fread(buf, 1, (size_t)n, f) : 0;
        if (got < (size_t)n)
            memset(buf + got, 0, (size_t)n - got);
        if (sim_mpi_send(0, TAG_DATA, buf, (size_t)n) != 0) {
            if (f)
                fclose(f);
            return -1;
        }
        left -= n;
    }
    if (f)
        fclose(f);
    return 0;
}

static void remove_files(char files[N_FILES][PATH_LEN + 32])
{
    for (int i = 0; i < N_FILES; i++)
        remove(files[i]);
}

int sweep_mpi_work(void *ctx, sweep_mpi_execute_fn execute)
{
    const char *tmpdir = getenv("TMPDIR");
    char dir[PATH_LEN], files[N_FILES][PATH_LEN + 32];
    snprintf(dir, sizeof dir, "%s/vdcsim-sweep-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    char *buf = malloc(CHUNK_BYTES);
    int have_dir = mkdtemp(dir) != NULL;
    if (!have_dir)
        fprintf(stderr, "vdcsim sweep: cannot create a temporary directory %s: %s\n", dir, strerror(errno));
    for (int i = 0; i < N_FILES; i++)
        snprintf(files[i], sizeof files[i], "%s/run.%s", dir, file_ext[i]);
    result_header h = {.run = -1, .bytes = {-1, -1, -1}};
    int rc = 0;
    for (;;) {
        int sent = sim_mpi_send(0, TAG_RESULT, &h, sizeof h) == 0;
        for (int i = 0; i < N_FILES && sent; i++)
            sent = h.bytes[i] < 0 || send_file(files[i], h.bytes[i], buf) == 0;
        if (!sent) {
            rc = -1;
            break;
        }
        int64_t run;
        if (sim_mpi_recv(0, TAG_WORK, &run, sizeof run, NULL) != 0) {
            rc = -1;
            break;
        }
        if (run < 0)
            break;
        if (have_dir)
            remove_files(files);
        double start = now_s();
        /* without a buffer or a directory the run is reported failed (-1) */
        int status = buf && have_dir ? execute(ctx, run, files[FILE_H5], files[FILE_LOG]) : -1;
        h = (result_header){.run = run, .wall_s = now_s() - start, .status = status};
        for (int i = 0; i < N_FILES; i++)
            h.bytes[i] = buf && have_dir ? file_bytes(files[i]) : -1;
    }
    if (have_dir) {
        remove_files(files);
        rmdir(dir);
    }
    free(buf);
    if (rc != 0)
        fprintf(stderr, "vdcsim sweep: MPI communication with rank 0 failed\n");
    return rc;
}
