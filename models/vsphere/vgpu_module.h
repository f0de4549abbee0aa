/* vgpu_module.h - vGPU VMs on vSphere hosts as a cluster feature
 * (models/vsphere/vgpu.h; docs/vsphere.md, "vGPU").
 *
 * Contract:
 *  - Used when a VM group sets vms.[].vgpu_profile. Every profile must fit
 *    some host group's GPUs (board, size dividing the framebuffer), else
 *    the scenario is refused naming the key.
 *  - mask: for a power-on or a restart (HA's too) of a vGPU VM, every host
 *    without a GPU that can take its profile now is hidden; vm_committed:
 *    the chosen host's GPU is picked by vgpu.host_graphics_policy and taken;
 *    a VM that fails (cluster notice) or goes for good gives it back.
 *  - DRS never moves a vGPU VM (drs_build.c pins it, as SR-IOV and
 *    passthrough VMs).
 *  - The end writes /tables/vgpu_gpus (one row per physical GPU) and the
 *    attributes vgpu_vms and vgpu_framebuffer_used_gib.
 */
#ifndef VDCSIM_MODELS_VSPHERE_VGPU_MODULE_H
#define VDCSIM_MODELS_VSPHERE_VGPU_MODULE_H

struct model_module;
extern const struct model_module vgpu_module;

#endif
