/* test_vgpu.c - NVIDIA vGPU profiles and a host's GPUs (models/vsphere/vgpu.h),
 * worked by hand from NVIDIA's rules: one time-sliced profile per physical
 * GPU, framebuffer / profile size vGPUs on it; mixed-size mode lets one
 * series of different sizes share a GPU; vSphere's two host graphics
 * assignment policies. */
#include "models/vsphere/vgpu.h"
#include "tests/check.h"

#include <string.h>

static void test_parse(void)
{
    vgpu_profile p;
    char err[256];
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-10c", &p, err, sizeof err), 0);
    CHECK(strcmp(p.board, "a100") == 0);
    CHECK_INT_EQ(p.fb_gib, 10);
    CHECK_INT_EQ(p.series, 'c');
    CHECK_INT_EQ(vgpu_profile_parse("GRID_A40-48Q", &p, err, sizeof err), -1); /* the prefix is lower case */
    CHECK_INT_EQ(vgpu_profile_parse("grid_A40-48Q", &p, err, sizeof err), 0);
    CHECK(strcmp(p.board, "a40") == 0 && p.fb_gib == 48 && p.series == 'q');
    CHECK_INT_EQ(vgpu_profile_parse("grid_l40s-4a", &p, err, sizeof err), 0);
    CHECK_INT_EQ(vgpu_profile_parse("a100-10c", &p, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, "is not an NVIDIA vGPU profile name");
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-10x", &p, err, sizeof err), -1); /* no series x */
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-c", &p, err, sizeof err), -1);
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-0c", &p, err, sizeof err), -1);
    CHECK_INT_EQ(vgpu_profile_parse("grid_-10c", &p, err, sizeof err), -1);
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-10cc", &p, err, sizeof err), -1);
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-99999999999999c", &p, err, sizeof err), -1);
}

static vgpu_profile prof(const char *name)
{
    vgpu_profile p;
    char err[256];
    CHECK_INT_EQ(vgpu_profile_parse(name, &p, err, sizeof err), 0);
    return p;
}

static void test_one_profile_per_gpu(void)
{
    vgpu_host h;
    vgpu_host_init(&h, "A100", 1, 40, 0);
    vgpu_profile p10 = prof("grid_a100-10c"), p20 = prof("grid_a100-20c"), p7 = prof("grid_a100-7c"),
                 t4 = prof("grid_t4-4q"), q10 = prof("grid_a100-10q");
    CHECK(vgpu_host_compatible(&h, &p10));
    CHECK(!vgpu_host_compatible(&h, &p7)); /* 7 does not divide 40 */
    CHECK(!vgpu_host_compatible(&h, &t4)); /* another board */
    /* 40 / 10 = 4 vGPUs of 10c, then the GPU is full */
    for (int i = 0; i < 4; i++) {
        CHECK_INT_EQ(vgpu_choose(&h, &p10, VGPU_PERFORMANCE, 0), 0);
        vgpu_take(&h, 0, &p10);
    }
    CHECK_INT_EQ(vgpu_choose(&h, &p10, VGPU_PERFORMANCE, 0), -1);
    CHECK_INT_EQ(h.gpus[0].used_gib, 40);
    /* two of them leave: 20 GiB free, but a 20c (another profile) may not join; another 10c may */
    vgpu_give_back(&h, (vgpu_slot){0, 0}, &p10);
    vgpu_give_back(&h, (vgpu_slot){0, 0}, &p10);
    CHECK(!vgpu_gpu_fits(&h, 0, &p20, 0));
    CHECK(!vgpu_gpu_fits(&h, 0, &q10, 0)); /* same size, another series */
    CHECK(vgpu_gpu_fits(&h, 0, &p10, 0));
    /* mixed-size mode: the 20c joins (10 + 10 + 20 = 40), a 10q (another series) does not */
    CHECK(vgpu_gpu_fits(&h, 0, &p20, 1));
    CHECK(!vgpu_gpu_fits(&h, 0, &q10, 1));
    /* emptied, the GPU takes any profile again */
    vgpu_give_back(&h, (vgpu_slot){0, 0}, &p10);
    vgpu_give_back(&h, (vgpu_slot){0, 0}, &p10);
    CHECK_INT_EQ(h.gpus[0].n_vgpus, 0);
    CHECK(vgpu_gpu_fits(&h, 0, &q10, 0));
}

static void test_policies(void)
{
    /* two A100-40 GPUs, 10c vGPUs one after another: performance spreads
     * (least allocated first: GPU 0, GPU 1, GPU 0, ...), consolidation
     * fills GPU 0 (4 vGPUs) before GPU 1 */
    vgpu_profile p = prof("grid_a100-10c");
    vgpu_host perf, cons;
    vgpu_host_init(&perf, "a100", 2, 40, 0);
    vgpu_host_init(&cons, "a100", 2, 40, 0);
    const int want_perf[6] = {0, 1, 0, 1, 0, 1}, want_cons[6] = {0, 0, 0, 0, 1, 1};
    for (int i = 0; i < 6; i++) {
        int32_t g = vgpu_choose(&perf, &p, VGPU_PERFORMANCE, 0);
        CHECK_INT_EQ(g, want_perf[i]);
        vgpu_take(&perf, (uint32_t)g, &p);
        g = vgpu_choose(&cons, &p, VGPU_CONSOLIDATION, 0);
        CHECK_INT_EQ(g, want_cons[i]);
        vgpu_take(&cons, (uint32_t)g, &p);
    }
    CHECK_INT_EQ(perf.gpus[0].used_gib, 30);
    CHECK_INT_EQ(cons.gpus[0].used_gib, 40);
    /* consolidation skips a GPU holding another profile: a 20c goes on the empty GPU only */
    vgpu_host h;
    vgpu_host_init(&h, "a100", 2, 40, 0);
    vgpu_take(&h, 0, &p);
    vgpu_profile p20 = prof("grid_a100-20c");
    CHECK_INT_EQ(vgpu_choose(&h, &p20, VGPU_CONSOLIDATION, 0), 1);
    CHECK_INT_EQ(vgpu_choose(&h, &p20, VGPU_CONSOLIDATION, 1), 0); /* mixed size: the fuller GPU */
}

/* The example: a 16 GB GPU (an A16 board has 16 GB per GPU) holds
 * 16 / 4 = 4 vGPUs of 4q; the fifth is refused. */
static void test_sixteen_gib(void)
{
    vgpu_host h;
    vgpu_host_init(&h, "a16", 1, 16, 0);
    vgpu_profile q4 = prof("grid_a16-4q");
    for (int i = 0; i < 4; i++) {
        CHECK_INT_EQ(vgpu_choose(&h, &q4, VGPU_CONSOLIDATION, 0), 0);
        vgpu_take(&h, 0, &q4);
    }
    CHECK_INT_EQ(vgpu_choose(&h, &q4, VGPU_CONSOLIDATION, 0), -1);
    CHECK_INT_EQ(vgpu_choose(&h, &q4, VGPU_PERFORMANCE, 1), -1); /* mixed size changes nothing: 16 GiB used */
}

/* MIG on an A100-40GB (8 memory slices of 5 GiB, 7 compute slices), from
 * NVIDIA's placements: 1g.5gb at 0..6, 2g.10gb at 0,2,4, 3g.20gb at 0,4,
 * 4g.20gb at 0, 7g.40gb at 0. */
static void test_mig(void)
{
    char err[256];
    vgpu_profile p;
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-3-20c", &p, err, sizeof err), 0);
    CHECK_INT_EQ(p.mig_g, 3);
    CHECK_INT_EQ(p.fb_gib, 20);
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-8-40c", &p, err, sizeof err), -1); /* 8 compute slices */
    CHECK_STR_CONTAINS(err, "compute slices");
    CHECK_INT_EQ(vgpu_profile_parse("grid_a100-3-c", &p, err, sizeof err), -1);
    vgpu_profile g1 = prof("grid_a100-1-5c"), g2 = prof("grid_a100-2-10c"), g3 = prof("grid_a100-3-20c"),
                 g4 = prof("grid_a100-4-20c"), g7 = prof("grid_a100-7-40c"), ts = prof("grid_a100-10c"),
                 bad = prof("grid_a100-2-20c");
    vgpu_host h, plain;
    vgpu_host_init(&h, "a100", 1, 40, 1);
    vgpu_host_init(&plain, "a100", 1, 40, 0);
    CHECK(vgpu_host_compatible(&h, &g1));
    CHECK(!vgpu_host_compatible(&h, &ts));      /* a time-sliced profile on a MIG GPU */
    CHECK(!vgpu_host_compatible(&plain, &g1));  /* a MIG profile on a time-sliced GPU */
    CHECK(!vgpu_host_compatible(&h, &bad));     /* 2 compute slices with 4 memory slices: no such instance */
    CHECK_INT_EQ(vgpu_mig_memory_slices(&h, &g3), 4);
    CHECK_INT_EQ(vgpu_mig_memory_slices(&h, &g4), 4);
    CHECK_INT_EQ(vgpu_mig_memory_slices(&h, &g7), 8);
    /* seven 1g.5gb fill slices 0..6; an eighth is refused (slice 7 takes no
     * 1g instance, and 7 compute slices are in use) */
    for (int i = 0; i < 7; i++) {
        CHECK_INT_EQ(vgpu_choose(&h, &g1, VGPU_PERFORMANCE, 0), 0);
        vgpu_slot s = vgpu_take(&h, 0, &g1);
        CHECK_INT_EQ(s.start, i);
    }
    CHECK_INT_EQ(h.gpus[0].mig_slices, 0x7f);
    CHECK_INT_EQ(vgpu_choose(&h, &g1, VGPU_PERFORMANCE, 0), -1);
    /* a 3g.20gb takes slices 0..3 (the lowest start); a 4g.20gb, which may
     * start only at 0, is then refused although slices 4..7 are free; a
     * second 3g goes to 4 */
    vgpu_host_init(&h, "a100", 1, 40, 1);
    vgpu_slot s3 = vgpu_take(&h, 0, &g3);
    CHECK_INT_EQ(s3.start, 0);
    CHECK(!vgpu_gpu_fits(&h, 0, &g4, 0));
    CHECK(vgpu_gpu_fits(&h, 0, &g3, 0));
    CHECK_INT_EQ(vgpu_take(&h, 0, &g3).start, 4);
    CHECK_INT_EQ(h.gpus[0].mig_compute, 6);
    CHECK(!vgpu_gpu_fits(&h, 0, &g1, 0)); /* memory slices all taken, 1 compute slice left */
    /* the first 3g leaves: the 4g fits at 0 (4 + 3 = 7 compute slices) */
    vgpu_give_back(&h, s3, &g3);
    CHECK_INT_EQ(h.gpus[0].mig_slices, 0xf0);
    CHECK(vgpu_gpu_fits(&h, 0, &g4, 0));
    CHECK_INT_EQ(vgpu_take(&h, 0, &g4).start, 0);
    CHECK_INT_EQ(h.gpus[0].mig_compute, 7);
    /* 2g.10gb x 3 at 0, 2, 4 and a 1g.5gb at 6: 7 compute slices; a 7g only on an empty GPU */
    vgpu_host_init(&h, "a100", 2, 40, 1);
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(vgpu_take(&h, 0, &g2).start, 2 * i);
    CHECK(!vgpu_gpu_fits(&h, 0, &g2, 0)); /* 2g allows no start at 6 */
    CHECK_INT_EQ(vgpu_take(&h, 0, &g1).start, 6);
    CHECK_INT_EQ(vgpu_choose(&h, &g7, VGPU_CONSOLIDATION, 0), 1);
    CHECK(!vgpu_gpu_fits(&h, 0, &g7, 0));
}

/* Several vGPUs of one profile for one VM, all on one host: 3 x 20c on two
 * A100-40 GPUs fit (performance: GPU 0, 1, 0); a fourth VM vGPU does not
 * fit next to them, and a refused request leaves the host as it was. */
static void test_multi_vgpu(void)
{
    vgpu_host h;
    vgpu_host_init(&h, "a100", 2, 40, 0);
    vgpu_profile p20 = prof("grid_a100-20c");
    vgpu_slot s[VGPU_MAX_PER_VM];
    CHECK_INT_EQ(vgpu_take_n(&h, &p20, 3, VGPU_PERFORMANCE, 0, s), 0);
    CHECK_INT_EQ(s[0].gpu, 0);
    CHECK_INT_EQ(s[1].gpu, 1);
    CHECK_INT_EQ(s[2].gpu, 0);
    CHECK_INT_EQ(vgpu_take_n(&h, &p20, 2, VGPU_PERFORMANCE, 0, s), -1); /* 20 GiB left, 40 asked */
    CHECK_INT_EQ(h.gpus[0].used_gib + h.gpus[1].used_gib, 60);
    CHECK_INT_EQ(vgpu_take_n(&h, &p20, 1, VGPU_PERFORMANCE, 0, s), 0);
    CHECK_INT_EQ(s[0].gpu, 1);
}

/* Stun time of the framebuffer copy: t = F 2^30 / (eta B / 8).
 * 16 GiB at 10 Gb/s, eta = 0.68: 17179869184 / (0.68 x 1.25e9) = 20.2116 s;
 * at 25 Gb/s: 8.0846 s; eta = 1, 1 GiB at 8 Gb/s: 2^30 / 1e9 = 1.073741824 s. */
static void test_stun(void)
{
    CHECK_NEAR(vgpu_stun_s(16, 10, 0.68), 17179869184.0 / 850000000.0, 1e-9);
    CHECK_NEAR(vgpu_stun_s(16, 10, 0.68), 20.2116, 1e-4);
    CHECK_NEAR(vgpu_stun_s(16, 25, 0.68), 8.0846, 1e-4);
    CHECK_NEAR(vgpu_stun_s(1, 8, 1.0), 1.073741824, 1e-12);
    CHECK_NEAR(vgpu_stun_bytes(1, 0.5), 2147483648.0, 1e-3);
}

int main(void)
{
    test_parse();
    test_one_profile_per_gpu();
    test_policies();
    test_sixteen_gib();
    test_mig();
    test_multi_vgpu();
    test_stun();
    return CHECK_DONE();
}
