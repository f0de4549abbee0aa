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
    vgpu_host_init(&h, "A100", 1, 40);
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
    vgpu_give_back(&h, 0, &p10);
    vgpu_give_back(&h, 0, &p10);
    CHECK(!vgpu_gpu_fits(&h, 0, &p20, 0));
    CHECK(!vgpu_gpu_fits(&h, 0, &q10, 0)); /* same size, another series */
    CHECK(vgpu_gpu_fits(&h, 0, &p10, 0));
    /* mixed-size mode: the 20c joins (10 + 10 + 20 = 40), a 10q (another series) does not */
    CHECK(vgpu_gpu_fits(&h, 0, &p20, 1));
    CHECK(!vgpu_gpu_fits(&h, 0, &q10, 1));
    /* emptied, the GPU takes any profile again */
    vgpu_give_back(&h, 0, &p10);
    vgpu_give_back(&h, 0, &p10);
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
    vgpu_host_init(&perf, "a100", 2, 40);
    vgpu_host_init(&cons, "a100", 2, 40);
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
    vgpu_host_init(&h, "a100", 2, 40);
    vgpu_take(&h, 0, &p);
    vgpu_profile p20 = prof("grid_a100-20c");
    CHECK_INT_EQ(vgpu_choose(&h, &p20, VGPU_CONSOLIDATION, 0), 1);
    CHECK_INT_EQ(vgpu_choose(&h, &p20, VGPU_CONSOLIDATION, 1), 0); /* mixed size: the fuller GPU */
}

int main(void)
{
    test_parse();
    test_one_profile_per_gpu();
    test_policies();
    return CHECK_DONE();
}
