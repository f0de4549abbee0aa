/* vgpu.c - NVIDIA vGPU profiles and GPUs of a vSphere host (see vgpu.h). */
#include "models/vsphere/vgpu.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Reads a decimal number of at most 6 digits at *p; -1 if none. */
static int64_t read_number(const char **p)
{
    int64_t v = 0;
    int digits = 0;
    for (; **p >= '0' && **p <= '9' && digits < 7; (*p)++, digits++)
        v = v * 10 + (**p - '0');
    return digits == 0 || digits > 6 ? -1 : v;
}

int vgpu_profile_parse(const char *name, vgpu_profile *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    const char *expect = "(expected grid_<board>-<GiB><series>, e.g. \"grid_a100-10c\", or MIG-backed "
                         "grid_<board>-<slices>-<GiB><series>, e.g. \"grid_a100-3-20c\")";
    if (strncmp(name, "grid_", 5) != 0) {
        snprintf(err, err_len, "'%s' is not an NVIDIA vGPU profile name %s", name, expect);
        return -1;
    }
    const char *board = name + 5, *dash = strchr(board, '-');
    size_t len = dash ? (size_t)(dash - board) : 0;
    if (dash == NULL || len == 0 || len >= VGPU_BOARD_LEN) {
        snprintf(err, err_len, "'%s' has no board name %s", name, expect);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        out->board[i] = (char)tolower((unsigned char)board[i]);
    const char *p = dash + 1;
    int64_t fb = read_number(&p), g = 0;
    if (fb >= 0 && *p == '-') { /* MIG-backed: <slices>-<GiB> */
        p++;
        g = fb;
        fb = read_number(&p);
        if (g < 1 || g > VGPU_MIG_COMPUTE_SLICES) {
            snprintf(err, err_len, "'%s' asks for %lld compute slices (a MIG profile has 1 to %d) %s", name,
                     (long long)g, VGPU_MIG_COMPUTE_SLICES, expect);
            return -1;
        }
    }
    char series = (char)tolower((unsigned char)*p);
    if (fb < 1 || p[0] == '\0' || p[1] != '\0' || strchr("abcq", series) == NULL) {
        snprintf(err, err_len, "'%s' has no framebuffer size and series after '-' %s", name, expect);
        return -1;
    }
    out->fb_gib = (int32_t)fb;
    out->series = series;
    out->mig_g = (int32_t)g;
    return 0;
}

void vgpu_host_init(vgpu_host *h, const char *board, uint32_t n_gpus, int32_t fb_gib, int mig)
{
    memset(h, 0, sizeof *h);
    if (n_gpus > VGPU_MAX_PER_HOST)
        n_gpus = VGPU_MAX_PER_HOST;
    for (size_t i = 0; board[i] && i + 1 < VGPU_BOARD_LEN; i++)
        h->board[i] = (char)tolower((unsigned char)board[i]);
    h->n_gpus = n_gpus;
    h->mig = mig != 0;
    for (uint32_t g = 0; g < n_gpus; g++)
        h->gpus[g].fb_gib = fb_gib;
}

/* NVIDIA's GPU instance profiles on GPUs of 7 compute and 8 memory slices:
 * compute slices, memory slices, the start slices allowed and their step. */
typedef struct mig_shape {
    int32_t g, mem, first, last, step;
} mig_shape;
static const mig_shape mig_shapes[] = {
    {1, 1, 0, 6, 1}, /* 1g.5gb on an A100-40GB */
    {1, 2, 0, 6, 2}, /* 1g.10gb */
    {2, 2, 0, 4, 2}, /* 2g.10gb */
    {3, 4, 0, 4, 4}, /* 3g.20gb */
    {4, 4, 0, 0, 1}, /* 4g.20gb */
    {7, 8, 0, 0, 1}, /* 7g.40gb */
};

static const mig_shape *mig_shape_of(int32_t g, int32_t mem)
{
    for (size_t i = 0; i < sizeof mig_shapes / sizeof mig_shapes[0]; i++)
        if (mig_shapes[i].g == g && mig_shapes[i].mem == mem)
            return &mig_shapes[i];
    return NULL;
}

int32_t vgpu_mig_memory_slices(const vgpu_host *h, const vgpu_profile *p)
{
    int64_t gpu_fb = h->n_gpus > 0 ? h->gpus[0].fb_gib : 0;
    if (p->mig_g == 0 || gpu_fb <= 0 || ((int64_t)p->fb_gib * VGPU_MIG_MEMORY_SLICES) % gpu_fb != 0)
        return -1;
    int64_t mem = (int64_t)p->fb_gib * VGPU_MIG_MEMORY_SLICES / gpu_fb;
    return mig_shape_of(p->mig_g, (int32_t)mem) ? (int32_t)mem : -1;
}

int32_t vgpu_mig_next_start(const vgpu_profile *p, int32_t memory_slices, int32_t from)
{
    const mig_shape *s = mig_shape_of(p->mig_g, memory_slices);
    if (s == NULL)
        return -1;
    for (int32_t start = s->first; start <= s->last; start += s->step)
        if (start >= from)
            return start;
    return -1;
}

int vgpu_host_compatible(const vgpu_host *h, const vgpu_profile *p)
{
    if (h->n_gpus == 0 || strcmp(h->board, p->board) != 0 || (p->mig_g > 0) != (h->mig != 0))
        return 0;
    if (h->mig)
        return vgpu_mig_memory_slices(h, p) > 0;
    return p->fb_gib <= h->gpus[0].fb_gib && h->gpus[0].fb_gib % p->fb_gib == 0;
}

static uint32_t slice_mask(int32_t start, int32_t n) { return ((1u << n) - 1u) << start; }

/* MIG: the lowest allowed start on GPU g where p's instance fits now, or -1. */
static int32_t mig_free_start(const vgpu_host *h, uint32_t g, const vgpu_profile *p)
{
    const vgpu_gpu *d = &h->gpus[g];
    int32_t mem = vgpu_mig_memory_slices(h, p);
    if (mem < 0 || d->mig_compute + p->mig_g > VGPU_MIG_COMPUTE_SLICES)
        return -1;
    for (int32_t s = vgpu_mig_next_start(p, mem, 0); s >= 0; s = vgpu_mig_next_start(p, mem, s + 1))
        if ((d->mig_slices & slice_mask(s, mem)) == 0)
            return s;
    return -1;
}

int vgpu_gpu_fits(const vgpu_host *h, uint32_t g, const vgpu_profile *p, int mixed_size)
{
    if (!vgpu_host_compatible(h, p) || g >= h->n_gpus)
        return 0;
    if (h->mig)
        return mig_free_start(h, g, p) >= 0;
    const vgpu_gpu *d = &h->gpus[g];
    if (d->used_gib + p->fb_gib > d->fb_gib)
        return 0;
    if (d->n_vgpus == 0)
        return 1;
    if (mixed_size)
        return d->resident.series == p->series; /* one series, sizes may differ */
    return d->resident.series == p->series && d->resident.fb_gib == p->fb_gib; /* one profile per GPU */
}

int32_t vgpu_choose(const vgpu_host *h, const vgpu_profile *p, vgpu_policy policy, int mixed_size)
{
    int32_t best = -1;
    for (uint32_t g = 0; g < h->n_gpus; g++) {
        if (!vgpu_gpu_fits(h, g, p, mixed_size))
            continue;
        int32_t used = h->gpus[g].used_gib, best_used = best >= 0 ? h->gpus[best].used_gib : 0;
        if (best < 0 || (policy == VGPU_PERFORMANCE ? used < best_used : used > best_used))
            best = (int32_t)g;
    }
    return best;
}

vgpu_slot vgpu_take(vgpu_host *h, uint32_t g, const vgpu_profile *p)
{
    vgpu_gpu *d = &h->gpus[g];
    vgpu_slot s = {.gpu = (int8_t)g, .start = 0};
    if (h->mig) {
        int32_t start = mig_free_start(h, g, p);
        s.start = (int8_t)(start < 0 ? 0 : start);
        d->mig_slices |= slice_mask(s.start, vgpu_mig_memory_slices(h, p));
        d->mig_compute += p->mig_g;
    }
    if (d->n_vgpus == 0)
        d->resident = *p;
    d->n_vgpus++;
    d->used_gib += p->fb_gib;
    return s;
}

void vgpu_give_back(vgpu_host *h, vgpu_slot s, const vgpu_profile *p)
{
    if (s.gpu < 0 || (uint32_t)s.gpu >= h->n_gpus)
        return;
    vgpu_gpu *d = &h->gpus[s.gpu];
    if (d->n_vgpus == 0)
        return;
    if (h->mig) {
        d->mig_slices &= ~slice_mask(s.start, vgpu_mig_memory_slices(h, p));
        d->mig_compute -= p->mig_g;
    }
    d->n_vgpus--;
    d->used_gib -= p->fb_gib;
    if (d->n_vgpus == 0)
        memset(&d->resident, 0, sizeof d->resident); /* empty again: any profile */
}

int vgpu_take_n(vgpu_host *h, const vgpu_profile *p, uint32_t n, vgpu_policy policy, int mixed_size,
                vgpu_slot *out)
{
    for (uint32_t i = 0; i < n; i++) {
        int32_t g = vgpu_choose(h, p, policy, mixed_size);
        if (g < 0) {
            while (i-- > 0) /* undo: the host as it was */
                vgpu_give_back(h, out[i], p);
            return -1;
        }
        out[i] = vgpu_take(h, (uint32_t)g, p);
    }
    return 0;
}

double vgpu_stun_bytes(double fb_gib, double efficiency)
{
    return fb_gib * 1073741824.0 / efficiency;
}

double vgpu_stun_s(double fb_gib, double link_gbps, double efficiency)
{
    return vgpu_stun_bytes(fb_gib, efficiency) / (link_gbps * 1e9 / 8.0);
}
