/* mpi_module.h - the table the MPI module exports (sim/mpi/mpi_ranks.c,
 * built as vdcsim_mpi.so when CMake finds MPI) and sim/mpi_link.c loads
 * through sim/builtin_module.h on sim_mpi_join. Each entry is the
 * mpi_link.h function of the same name, on MPI_COMM_WORLD.
 */
#ifndef VDCSIM_SIM_MPI_MODULE_H
#define VDCSIM_SIM_MPI_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/builtin_module.h"

struct sim_mpi_buf; /* sim/mpi_link.h */

#define MPI_MODULE_NAME "vdcsim_mpi"
#define MPI_MODULE_ABI 3u /* 2: receive buffers kept by the caller (sim_mpi_buf); 3: exchange's recv_lens */

typedef struct mpi_module {
    builtin_module_head head; /* {MPI_MODULE_ABI, sizeof(mpi_module), VDCSIM_BUILD_ID} */
    int (*join)(int *rank);
    void (*leave)(void);
    int (*rank)(void);
    int (*size)(void);
    int (*min_i64)(int64_t *v, int n);
    int (*sum_u64)(uint64_t *v, int n);
    int (*bcast_i64)(int64_t *v, int n);
    int (*exchange)(const size_t *send_bytes, const unsigned char *send, struct sim_mpi_buf *recv, size_t *recv_bytes,
                    size_t *recv_lens);
    int (*gather)(const unsigned char *block, size_t len, struct sim_mpi_buf *all, size_t *lens);
    int (*allgather)(const unsigned char *block, size_t len, struct sim_mpi_buf *all, size_t *lens);
    int (*send)(int dst, int tag, const void *buf, size_t len);
    int (*recv)(int src, int tag, void *buf, size_t len, int *from);
} mpi_module;

#endif
