/* test_drs_defrag.c - the plan that frees one host for a VM HA could not
 * restart (models/vsphere/drs_defrag.h), worked out by hand on hosts of
 * 100 MiB whose VMs differ only in memory (MiB): free = 100 - committed. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "models/vsphere/drs_defrag.h"

#define MAX_HOSTS 4
#define MAX_VMS 8

typedef struct {
    placement_host_view hosts[MAX_HOSTS];
    drs_defrag_vm vms[MAX_VMS];
    uint32_t n_hosts, n_vms;
} layout;

static void add_hosts(layout *l, uint32_t n)
{
    memset(l, 0, sizeof *l);
    l->n_hosts = n;
    for (uint32_t h = 0; h < n; h++)
        l->hosts[h] = (placement_host_view){.logical_cpus = 8, .memory_mib = 100, .cpu_mhz = 10000,
                                            .physical_memory_mib = 100, .group = 0, .usable = 1};
}

static placement_request vm_of(uint64_t memory_mib)
{
    return (placement_request){.vcpus = 1, .memory_mib = memory_mib, .host_group = -1};
}

/* VM id `vm` of memory_mib on host h. */
static void add_vm(layout *l, uint32_t vm, uint32_t h, uint64_t memory_mib)
{
    l->vms[l->n_vms++] = (drs_defrag_vm){.vm = vm, .host = h, .req = vm_of(memory_mib)};
    l->hosts[h].committed_memory_mib += memory_mib;
}

static int plan(const layout *l, uint64_t need_mib, uint32_t max_moves, drs_defrag_move *moves, uint32_t *target)
{
    placement_request need = vm_of(need_mib);
    drs_defrag_limits lim = {.max_moves = max_moves};
    return drs_defrag_plan(l->hosts, l->n_hosts, l->vms, l->n_vms, &need, &lim, moves, target);
}

/* Free 30, 50, 20; a 60 MiB VM fits nowhere.
 *  - host 0 (A 40, B 30): moving B alone leaves 60 free, and B is the
 *    smaller of the two that would; B fits on host 1 (50 free), not on
 *    host 2 (20): one move, 30 MiB;
 *  - host 1 (C 50): C fits nowhere else (30, 20 free): no plan;
 *  - host 2 (D 60, E 20): D fits nowhere else; E goes (host 1, the most
 *    free) but leaves 40 free: no plan. */
static void test_one_move(void)
{
    layout l;
    add_hosts(&l, 3);
    add_vm(&l, 10, 0, 40); /* A */
    add_vm(&l, 11, 0, 30); /* B */
    add_vm(&l, 12, 1, 50); /* C */
    add_vm(&l, 13, 2, 60); /* D */
    add_vm(&l, 14, 2, 20); /* E */
    drs_defrag_move moves[8];
    uint32_t target = 99;
    CHECK_INT_EQ(plan(&l, 60, 8, moves, &target), 1);
    CHECK_INT_EQ(target, 0);
    CHECK_INT_EQ(l.vms[moves[0].index].vm, 11);
    CHECK_INT_EQ(moves[0].dst, 1);
    /* host 0 unusable (failed): no other host can be freed */
    l.hosts[0].usable = 0;
    CHECK_INT_EQ(plan(&l, 60, 8, moves, &target), 0);
}

/* Four hosts, each freed by one move; the least memory moved wins.
 *  - host 0 (A 50, B 20; 30 free): only A's move suffices: 50 MiB;
 *  - host 1 (C 30, D 15; 55 free): D's move suffices and is the smaller:
 *    15 MiB, to host 2 or 3 (55 free each; ties: lowest index, 2);
 *  - hosts 2 (G 45) and 3 (H 45): 45 MiB each.
 * Plan: target 1, D to host 2. */
static void test_least_memory(void)
{
    layout l;
    add_hosts(&l, 4);
    add_vm(&l, 0, 0, 50); /* A */
    add_vm(&l, 1, 0, 20); /* B */
    add_vm(&l, 2, 1, 30); /* C */
    add_vm(&l, 3, 1, 15); /* D */
    add_vm(&l, 4, 2, 45); /* G */
    add_vm(&l, 5, 3, 45); /* H */
    drs_defrag_move moves[8];
    uint32_t target = 99;
    CHECK_INT_EQ(plan(&l, 60, 8, moves, &target), 1);
    CHECK_INT_EQ(target, 1);
    CHECK_INT_EQ(l.vms[moves[0].index].vm, 3);
    CHECK_INT_EQ(moves[0].dst, 2);
}

/* Forbids VM 0 (A) on host 1 (as a device feature would). */
static int not_a_to_1(const void *arg, uint32_t vm_id, uint32_t host_index)
{
    (void)arg;
    return !(vm_id == 0 && host_index == 1);
}

/* Host 0 (A 30, B 30; 40 free), hosts 1 and 2 (70 each; 30 free); a 90 MiB
 * VM. Host 0: no single move suffices, so the largest goes first (A and B
 * tie: the first listed, A) to host 1 (30 free on both: lowest index),
 * then B, whose move now suffices, to host 2 (host 1 is full): 2 moves.
 * Hosts 1 and 2: their VM fits nowhere else. With at most 1 move: no plan.
 * With A barred from host 1: A to host 2, B to host 1. */
static void test_two_moves_and_limits(void)
{
    layout l;
    add_hosts(&l, 3);
    add_vm(&l, 0, 0, 30); /* A */
    add_vm(&l, 1, 0, 30); /* B */
    add_vm(&l, 2, 1, 70);
    add_vm(&l, 3, 2, 70);
    drs_defrag_move moves[8];
    uint32_t target = 99;
    CHECK_INT_EQ(plan(&l, 90, 8, moves, &target), 2);
    CHECK_INT_EQ(target, 0);
    CHECK_INT_EQ(l.vms[moves[0].index].vm, 0);
    CHECK_INT_EQ(moves[0].dst, 1);
    CHECK_INT_EQ(l.vms[moves[1].index].vm, 1);
    CHECK_INT_EQ(moves[1].dst, 2);
    CHECK_INT_EQ(plan(&l, 90, 1, moves, &target), 0);

    placement_request need = vm_of(90);
    drs_defrag_limits barred = {.max_moves = 8, .may_go = not_a_to_1};
    CHECK_INT_EQ(drs_defrag_plan(l.hosts, l.n_hosts, l.vms, l.n_vms, &need, &barred, moves, &target), 2);
    CHECK_INT_EQ(target, 0);
    CHECK_INT_EQ(l.vms[moves[0].index].vm, 0);
    CHECK_INT_EQ(moves[0].dst, 2);
    CHECK_INT_EQ(l.vms[moves[1].index].vm, 1);
    CHECK_INT_EQ(moves[1].dst, 1);
}

/* A VM that fits somewhere already needs no plan; nor does a VM larger
 * than any host (no move can free 120 MiB on a 100 MiB host). */
static void test_nothing_to_do(void)
{
    layout l;
    add_hosts(&l, 2);
    add_vm(&l, 0, 0, 90);
    drs_defrag_move moves[8];
    uint32_t target = 99;
    CHECK_INT_EQ(plan(&l, 100, 8, moves, &target), 0); /* host 1 is empty */
    add_vm(&l, 1, 1, 10);
    CHECK_INT_EQ(plan(&l, 120, 8, moves, &target), 0);
    CHECK_INT_EQ(target, 99);
}

int main(void)
{
    test_one_move();
    test_least_memory();
    test_two_moves_and_limits();
    test_nothing_to_do();
    return CHECK_DONE();
}
