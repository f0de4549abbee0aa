/* vgpu.h - NVIDIA vGPU on vSphere hosts (issue 16, item 6;
 * docs/vsphere.md, "vGPU"): the physical GPUs of a host, the vGPU
 * profiles VMs ask for, and which GPU a VM's vGPU goes on. Pure: no
 * events, no random numbers.
 *
 * Contract:
 *  - A time-sliced profile is named as NVIDIA names it,
 *    "grid_<board>-<framebuffer GiB><series>", e.g. "grid_a100-10c": board
 *    a100, 10 GiB of framebuffer, series c (compute; a, b and q are the
 *    other series). It runs only on a GPU of that board (the host's
 *    gpu_model, compared without case) whose framebuffer its size divides,
 *    and only on a GPU in time-sliced mode.
 *  - A MIG-backed profile is "grid_<board>-<g>-<GiB><series>", e.g.
 *    "grid_a100-3-20c": a GPU instance of g compute slices (of 7) and GiB of
 *    framebuffer, i.e. GiB x 8 / GPU framebuffer memory slices (of 8). It
 *    runs only on a GPU in MIG mode. The pairs (g, memory slices) and the
 *    slices an instance may start at are NVIDIA's for GPUs with 7 compute
 *    and 8 memory slices (A100, A30 excluded; MIG user guide, "A100 MIG
 *    Profiles" and `nvidia-smi mig -lgipp`): (1,1) at 0..6, (1,2) at 0,2,4,6,
 *    (2,2) at 0,2,4, (3,4) at 0,4, (4,4) at 0, (7,8) at 0. Instances never
 *    overlap and use at most 7 compute slices; a new instance takes the
 *    lowest free start [M: NVIDIA's own choice of placement is not published].
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
 *    ties go to the lowest GPU index. A VM with n vGPUs (vSphere 8: up to
 *    VGPU_MAX_PER_VM) takes them one after another by the same rule, all on
 *    one host.
 *  - vMotion stun of the framebuffer: vgpu_stun_s below.
 */
#ifndef VDCSIM_MODELS_VSPHERE_VGPU_H
#define VDCSIM_MODELS_VSPHERE_VGPU_H

#include <stddef.h>
#include <stdint.h>

#define VGPU_BOARD_LEN 24
#define VGPU_MAX_PER_HOST 16 /* physical GPUs in one host */
#define VGPU_MAX_PER_VM 8    /* vSphere 8.0: up to 8 vGPUs per VM */
#define VGPU_MIG_MEMORY_SLICES 8
#define VGPU_MIG_COMPUTE_SLICES 7

typedef struct vgpu_profile {
    char board[VGPU_BOARD_LEN]; /* lower case, e.g. "a100" */
    int32_t fb_gib;             /* framebuffer per vGPU */
    char series;                /* 'a', 'b', 'c' or 'q' */
    int32_t mig_g;              /* compute slices of a MIG-backed profile; 0 = time-sliced */
} vgpu_profile;

typedef struct vgpu_gpu {
    int32_t fb_gib;             /* the physical GPU's framebuffer */
    int32_t used_gib;           /* allocated to vGPUs */
    int32_t n_vgpus;
    vgpu_profile resident;      /* the profile (default mode) or series (mixed) it holds; fb_gib 0 = empty */
    uint32_t mig_slices;        /* MIG: memory slices in use, bit s = slice s */
    int32_t mig_compute;        /* MIG: compute slices in use */
} vgpu_gpu;

typedef struct vgpu_host {
    char board[VGPU_BOARD_LEN];  /* lower case; "" = no GPU */
    uint32_t n_gpus;
    int mig;                     /* 1: every GPU of the host is in MIG mode */
    vgpu_gpu gpus[VGPU_MAX_PER_HOST];
} vgpu_host;

typedef enum { VGPU_PERFORMANCE, VGPU_CONSOLIDATION } vgpu_policy; /* vgpu.host_graphics_policy, in order */

/* Where one vGPU sits: the GPU and, for MIG, its first memory slice. */
typedef struct vgpu_slot {
    int8_t gpu;   /* -1: none */
    int8_t start; /* MIG start slice; 0 for time-sliced */
} vgpu_slot;

/* Parses a profile name; 0, or -1 with why in err. */
int vgpu_profile_parse(const char *name, vgpu_profile *out, char *err, size_t err_len);
/* Sets up a host with n_gpus GPUs of board (any case) with fb_gib each, all empty, in MIG mode when mig. */
void vgpu_host_init(vgpu_host *h, const char *board, uint32_t n_gpus, int32_t fb_gib, int mig);
/* 1 if the profile can ever run on the host's GPUs (board, mode, size). */
int vgpu_host_compatible(const vgpu_host *h, const vgpu_profile *p);
/* MIG: memory slices of p on the host's GPUs and the first start slice >= from
 * where it may begin (NVIDIA's placements), or -1. */
int32_t vgpu_mig_memory_slices(const vgpu_host *h, const vgpu_profile *p);
int32_t vgpu_mig_next_start(const vgpu_profile *p, int32_t memory_slices, int32_t from);
/* 1 if GPU g can take one more vGPU of p now. */
int vgpu_gpu_fits(const vgpu_host *h, uint32_t g, const vgpu_profile *p, int mixed_size);
/* The GPU the policy puts a vGPU of p on, or -1 if none fits now. */
int32_t vgpu_choose(const vgpu_host *h, const vgpu_profile *p, vgpu_policy policy, int mixed_size);
/* Takes one vGPU of p on GPU g (g from vgpu_choose): its slot. */
vgpu_slot vgpu_take(vgpu_host *h, uint32_t g, const vgpu_profile *p);
/* Gives back the vGPU of p in slot s. */
void vgpu_give_back(vgpu_host *h, vgpu_slot s, const vgpu_profile *p);
/* Places n vGPUs of p one after another by the policy: 0 with the slots in
 * out[0..n), or -1 (the host unchanged) if they do not all fit. */
int vgpu_take_n(vgpu_host *h, const vgpu_profile *p, uint32_t n, vgpu_policy policy, int mixed_size,
                vgpu_slot *out);

/* vMotion stun added by the vGPU framebuffer (docs/vsphere.md, "vGPU"):
 * fb_gib GiB are copied while the VM is stunned at efficiency x the link
 * rate, t = fb_gib * 2^30 / (efficiency * link_gbps * 1e9 / 8) seconds.
 * vgpu_stun_bytes is the same copy expressed as bytes at the full link rate
 * (fb_gib * 2^30 / efficiency), what the vMotion model sends paused. */
double vgpu_stun_s(double fb_gib, double link_gbps, double efficiency);
double vgpu_stun_bytes(double fb_gib, double efficiency);

#endif
