/* vgpu.h - NVIDIA vGPU on vSphere hosts (issue 16, item 6;
 * docs/vsphere.md, "vGPU"): the physical GPUs of a host, the vGPU
 * profiles VMs ask for, and which GPU a VM's vGPU goes on. Pure: no
 * events, no random numbers.
 *
 * Contract:
 *  - A profile is named as NVIDIA names time-sliced profiles,
 *    "grid_<board>-<framebuffer GiB><series>", e.g. "grid_a100-10c": board
 *    a100, 10 GiB of framebuffer, series c (compute; a, b and q are the
 *    other series). It runs only on a GPU of that board (the host's
 *    gpu_model, compared without case) whose framebuffer its size divides.
 *  - Time-sliced vGPU, default mode: a physical GPU holds vGPUs of one
 *    profile only (NVIDIA vGPU software user guide, "Homogeneous
 *    time-sliced vGPUs"), up to framebuffer / profile size of them; an
 *    empty GPU takes any profile that fits it. Mixed-size mode (vSphere 8.0
 *    Update 3, vSphere API HostGraphicsConfigVgpuMode "mixedSize"): vGPUs of one series but different sizes
 *    share a GPU while their framebuffers sum to at most the GPU's [M: the
 *    placement-ID alignment NVIDIA applies is not modelled].
 *  - Which GPU of a host takes a vGPU is the host graphics assignment
 *    policy of vSphere: "performance" (spread VMs across GPUs: the GPU
 *    with the least framebuffer allocated) or "consolidation" (group VMs
 *    on a GPU until full: the GPU with the most allocated that still fits);
 *    ties go to the lowest GPU index.
 */
#ifndef VDCSIM_MODELS_VSPHERE_VGPU_H
#define VDCSIM_MODELS_VSPHERE_VGPU_H

#include <stddef.h>
#include <stdint.h>

#define VGPU_BOARD_LEN 24
#define VGPU_MAX_PER_HOST 16 /* physical GPUs in one host */

typedef struct vgpu_profile {
    char board[VGPU_BOARD_LEN]; /* lower case, e.g. "a100" */
    int32_t fb_gib;             /* framebuffer per vGPU */
    char series;                /* 'a', 'b', 'c' or 'q' */
} vgpu_profile;

typedef struct vgpu_gpu {
    int32_t fb_gib;             /* the physical GPU's framebuffer */
    int32_t used_gib;           /* allocated to vGPUs */
    int32_t n_vgpus;
    vgpu_profile resident;      /* the profile (default mode) or series (mixed) it holds; fb_gib 0 = empty */
} vgpu_gpu;

typedef struct vgpu_host {
    char board[VGPU_BOARD_LEN];  /* lower case; "" = no GPU */
    uint32_t n_gpus;
    vgpu_gpu gpus[VGPU_MAX_PER_HOST];
} vgpu_host;

typedef enum { VGPU_PERFORMANCE, VGPU_CONSOLIDATION } vgpu_policy; /* vgpu.host_graphics_policy, in order */

/* Parses a profile name; 0, or -1 with why in err. */
int vgpu_profile_parse(const char *name, vgpu_profile *out, char *err, size_t err_len);
/* Sets up a host with n_gpus GPUs of board (any case) with fb_gib each, all empty. */
void vgpu_host_init(vgpu_host *h, const char *board, uint32_t n_gpus, int32_t fb_gib);
/* 1 if the profile can ever run on the host's GPUs (board, divides the framebuffer). */
int vgpu_host_compatible(const vgpu_host *h, const vgpu_profile *p);
/* 1 if GPU g can take one more vGPU of p now. */
int vgpu_gpu_fits(const vgpu_host *h, uint32_t g, const vgpu_profile *p, int mixed_size);
/* The GPU the policy puts a vGPU of p on, or -1 if none fits now. */
int32_t vgpu_choose(const vgpu_host *h, const vgpu_profile *p, vgpu_policy policy, int mixed_size);
/* Takes / gives back one vGPU of p on GPU g (g from vgpu_choose). */
void vgpu_take(vgpu_host *h, uint32_t g, const vgpu_profile *p);
void vgpu_give_back(vgpu_host *h, uint32_t g, const vgpu_profile *p);

#endif
