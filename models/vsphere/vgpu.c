/* vgpu.c - NVIDIA vGPU profiles and GPUs of a vSphere host (see vgpu.h). */
#include "models/vsphere/vgpu.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int vgpu_profile_parse(const char *name, vgpu_profile *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    const char *expect = "(expected grid_<board>-<GiB><series>, e.g. \"grid_a100-10c\")";
    if (strncmp(name, "grid_", 5) != 0) {
        snprintf(err, err_len, "'%s' is not an NVIDIA vGPU profile name %s", name, expect);
        return -1;
    }
    const char *board = name + 5, *dash = strrchr(board, '-');
    size_t len = dash ? (size_t)(dash - board) : 0;
    if (dash == NULL || len == 0 || len >= VGPU_BOARD_LEN) {
        snprintf(err, err_len, "'%s' has no board name %s", name, expect);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        out->board[i] = (char)tolower((unsigned char)board[i]);
    const char *p = dash + 1;
    int64_t fb = 0;
    for (; *p >= '0' && *p <= '9' && fb <= 100000; p++)
        fb = fb * 10 + (*p - '0');
    char series = (char)tolower((unsigned char)*p);
    if (fb < 1 || fb > 100000 || p[0] == '\0' || p[1] != '\0' || strchr("abcq", series) == NULL) {
        snprintf(err, err_len, "'%s' has no framebuffer size and series after '-' %s", name, expect);
        return -1;
    }
    out->fb_gib = (int32_t)fb;
    out->series = series;
    return 0;
}

void vgpu_host_init(vgpu_host *h, const char *board, uint32_t n_gpus, int32_t fb_gib)
{
    memset(h, 0, sizeof *h);
    if (n_gpus > VGPU_MAX_PER_HOST)
        n_gpus = VGPU_MAX_PER_HOST;
    for (size_t i = 0; board[i] && i + 1 < VGPU_BOARD_LEN; i++)
        h->board[i] = (char)tolower((unsigned char)board[i]);
    h->n_gpus = n_gpus;
    for (uint32_t g = 0; g < n_gpus; g++)
        h->gpus[g].fb_gib = fb_gib;
}

int vgpu_host_compatible(const vgpu_host *h, const vgpu_profile *p)
{
    return h->n_gpus > 0 && strcmp(h->board, p->board) == 0 && p->fb_gib <= h->gpus[0].fb_gib &&
           h->gpus[0].fb_gib % p->fb_gib == 0;
}

int vgpu_gpu_fits(const vgpu_host *h, uint32_t g, const vgpu_profile *p, int mixed_size)
{
    if (!vgpu_host_compatible(h, p) || g >= h->n_gpus)
        return 0;
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

void vgpu_take(vgpu_host *h, uint32_t g, const vgpu_profile *p)
{
    vgpu_gpu *d = &h->gpus[g];
    if (d->n_vgpus == 0)
        d->resident = *p;
    d->n_vgpus++;
    d->used_gib += p->fb_gib;
}

void vgpu_give_back(vgpu_host *h, uint32_t g, const vgpu_profile *p)
{
    vgpu_gpu *d = &h->gpus[g];
    if (d->n_vgpus == 0)
        return;
    d->n_vgpus--;
    d->used_gib -= p->fb_gib;
    if (d->n_vgpus == 0)
        memset(&d->resident, 0, sizeof d->resident); /* empty again: any profile */
}
