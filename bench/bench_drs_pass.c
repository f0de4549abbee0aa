/* bench_drs_pass.c - the cost of one DRS load-balancing pass (drs_pass(),
 * models/vsphere/drs.h) on a synthetic, unbalanced cluster, with the full
 * search (every VM against every host, the search vdcsim had before the
 * pruned one) and the pruned search (drs.search, docs/vsphere.md "Cost of a
 * pass"). Prints one line per (cluster, search):
 *   hosts, vms, search, reps     what ran
 *   median_ms, min_ms            wall time of one pass (CLOCK_MONOTONIC)
 *   moves, stop                  moves made and why the pass stopped
 *   same_moves                   pruned only: 1 if its move list equals the full search's
 * and per cluster one line `check` with the steps where the full search,
 * run beside the pruned one at each step (search_check), would have picked
 * another (VM, host): 0 unless the bound is wrong.
 * Repetitions are interleaved (full, pruned, full, ...) so that load from
 * other processes hits both alike. No timing is asserted anywhere.
 *
 * The cluster: hosts alternate between two sizes (48 cores x 2.6 GHz with
 * 512 GiB, 32 x 2.4 GHz with 384 GiB; 25 and 10 Gbps vMotion); VMs draw
 * CPU entitlement 100..4,000 MHz and memory entitlement 1..32 GiB from a
 * fixed xorshift stream, and VM i starts on host floor(H u^2) for a uniform
 * u, which piles load onto low-numbered hosts as first fit does. No
 * reservations or rules.
 *
 *   bench_drs_pass [--hosts H --vms V] [--reps R] [--seed S]
 * Without --hosts it runs 64 x 2,000 (R = 9) and 1,000 x 20,000 (R = 5).
 *
 * Built against sources without drs.search (VDCSIM_DRS_HAS_SEARCH undefined)
 * it runs the full search only: that is how the "before" column of
 * bench/README.md was measured on the code before the change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/vsphere/drs.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_state;
static double uniform01(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct bench_cluster {
    drs_host *hosts;
    drs_vm *vms;
    int32_t *start;
    drs_cluster c;
} bench_cluster;

static uint64_t seed = 1;

static int build(bench_cluster *b, uint32_t nh, uint32_t nv)
{
    b->hosts = calloc(nh, sizeof *b->hosts);
    b->vms = calloc(nv, sizeof *b->vms);
    b->start = calloc(nv, sizeof *b->start);
    if (!b->hosts || !b->vms || !b->start)
        return -1;
    rng_state = 0x9e3779b97f4a7c15ull * seed;
    for (uint32_t h = 0; h < nh; h++) {
        int big = h % 2 == 0;
        b->hosts[h] = (drs_host){.cpu_capacity_mhz = big ? 48 * 2600.0 : 32 * 2400.0,
                                 .mem_capacity_mib = big ? 524288.0 : 393216.0,
                                 .state = DRS_HOST_UP,
                                 .vmotion_nic_gbps = big ? 25.0 : 10.0};
    }
    for (uint32_t v = 0; v < nv; v++) {
        double u = uniform01();
        uint32_t h = (uint32_t)((double)nh * u * u);
        double mem = 1024.0 * (1.0 + 31.0 * uniform01());
        b->vms[v] = (drs_vm){.host = (int32_t)(h < nh ? h : nh - 1),
                             .cpu_entitlement_mhz = 100.0 + 3900.0 * uniform01(),
                             .mem_entitlement_mib = mem,
                             .memory_mib = mem * 1.5,
                             .dirty_rate_mib_per_s = 10.0 + 90.0 * uniform01()};
        b->start[v] = b->vms[v].host;
    }
    b->c = (drs_cluster){.hosts = b->hosts, .n_hosts = nh, .vms = b->vms, .n_vms = nv};
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct run_out {
    double ms;
    int n;
    drs_pass_result res;
} run_out;

static int run(const bench_cluster *b, const drs_params *p, int32_t *work, drs_move *moves, uint32_t cap,
               run_out *o)
{
    memcpy(work, b->start, b->c.n_vms * sizeof *work);
    double t0 = now_s();
    o->n = drs_pass(&b->c, p, work, moves, cap, &o->res);
    o->ms = (now_s() - t0) * 1e3;
    return o->n;
}

static const char *stop_name(drs_stop_reason r)
{
    return r == DRS_STOP_BALANCED ? "balanced" : r == DRS_STOP_NO_MOVE ? "no_move" : "max_moves";
}

static int bench(uint32_t nh, uint32_t nv, int reps)
{
    bench_cluster b;
    if (build(&b, nh, nv) != 0)
        return 1;
    drs_params p;
    drs_params_default(&p);
    uint32_t cap = p.max_moves_per_pass;
    int32_t *work = malloc(nv * sizeof *work);
    drs_move *moves[2] = {calloc(cap, sizeof(drs_move)), calloc(cap, sizeof(drs_move))};
    double *ms[2] = {calloc((size_t)reps, sizeof(double)), calloc((size_t)reps, sizeof(double))};
    if (!work || !moves[0] || !moves[1] || !ms[0] || !ms[1])
        return 1;
#ifdef VDCSIM_DRS_HAS_SEARCH
    const int n_search = 2;
    const char *names[2] = {"full", "pruned"};
#else
    const int n_search = 1;
    const char *names[1] = {"full(old)"};
#endif
    run_out last[2];
    for (int r = 0; r < reps; r++)
        for (int s = 0; s < n_search; s++) {
            drs_params q = p;
#ifdef VDCSIM_DRS_HAS_SEARCH
            q.search = s == 0 ? DRS_SEARCH_FULL : DRS_SEARCH_PRUNED;
#endif
            if (run(&b, &q, work, moves[s], cap, &last[s]) < 0)
                return 1;
            ms[s][r] = last[s].ms;
        }
    for (int s = 0; s < n_search; s++) {
        qsort(ms[s], (size_t)reps, sizeof(double), cmp_double);
        printf("hosts=%u vms=%u search=%s reps=%d median_ms=%.3f min_ms=%.3f moves=%d stop=%s", nh, nv, names[s],
               reps, ms[s][reps / 2], ms[s][0], last[s].n, stop_name(last[s].res.stop));
        if (s == 1) {
            int same = last[0].n == last[1].n;
            for (int i = 0; same && i < last[0].n; i++)
                same = moves[0][i].vm == moves[1][i].vm && moves[0][i].to == moves[1][i].to;
            printf(" same_moves=%d", same);
        }
        printf("\n");
    }
#ifdef VDCSIM_DRS_HAS_SEARCH
    drs_params q = p;
    q.search = DRS_SEARCH_PRUNED;
    q.search_check = 1;
    run_out chk;
    if (run(&b, &q, work, moves[1], cap, &chk) < 0)
        return 1;
    printf("hosts=%u vms=%u check steps=%u differ=%u\n", nh, nv, chk.res.n_search_checked,
           chk.res.n_search_differ);
#endif
    free(work);
    for (int s = 0; s < 2; s++) {
        free(moves[s]);
        free(ms[s]);
    }
    free(b.hosts);
    free(b.vms);
    free(b.start);
    fflush(stdout);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_drs_pass [--hosts H --vms V] [--reps R] [--seed S]\n");
    return 2;
}

int main(int argc, char **argv)
{
    long hosts = 0, vms = 0, reps = 0;
    for (int i = 1; i < argc; i += 2) { /* --flag VALUE pairs */
        if (i + 1 >= argc)
            return usage();
        char *end;
        long value = strtol(argv[i + 1], &end, 10);
        if (*end || value < 1 || value > 10000000)
            return usage();
        if (strcmp(argv[i], "--hosts") == 0)
            hosts = value;
        else if (strcmp(argv[i], "--vms") == 0)
            vms = value;
        else if (strcmp(argv[i], "--reps") == 0)
            reps = value;
        else if (strcmp(argv[i], "--seed") == 0)
            seed = (uint64_t)value;
        else
            return usage();
    }
    if ((hosts == 0) != (vms == 0))
        return usage();
    if (hosts)
        return bench((uint32_t)hosts, (uint32_t)vms, reps ? (int)reps : 5);
    if (bench(64, 2000, reps ? (int)reps : 9) != 0)
        return 1;
    return bench(1000, 20000, reps ? (int)reps : 5);
}
