/* vgpu_module.h - vGPU VMs on vSphere hosts as a cluster feature
 * (models/vsphere/vgpu.h; docs/vsphere.md, "vGPU").
 *
 * Contract:
 *  - Used when a VM group sets vms.[].vgpu_profile. Every profile must fit
 *    some host group's GPUs (board, mode time-sliced or MIG, size), and its
 *    vms.[].vgpu_count vGPUs together some host, else the scenario is
 *    refused naming the key.
 *  - mask: for a power-on or a restart (HA's too) of a vGPU VM, every host
 *    whose GPUs cannot take all its vGPUs now is hidden; vm_committed: the
 *    chosen host's GPUs are picked by vgpu.host_graphics_policy and taken;
 *    a VM that fails (cluster notice) or goes for good gives them back.
 *  - Without vgpu.vmotion DRS never moves a vGPU VM (drs_build.c pins it,
 *    as SR-IOV and passthrough VMs); a host entering maintenance powers it
 *    off (counted). With it: move_fits is DRS's candidate filter (GPUs free
 *    next to what is there, reserved for migrations in flight and planned
 *    by the pass; the VM's stun limit), move_begin reserves the vGPUs at
 *    the destination and returns the framebuffer's stun bytes
 *    (vgpu_stun_bytes), move_end gives back the source's on arrival or the
 *    reservation on abort.
 *  - The end writes /tables/vgpu_gpus (one row per physical GPU) and the
 *    attributes vgpu_vms and vgpu_framebuffer_used_gib; with vgpu.vmotion
 *    (or a maintenance power-off) also vgpu_vmotions,
 *    vgpu_maintenance_powered_off and vgpu_stun_device_s.
 */
#ifndef VDCSIM_MODELS_VSPHERE_VGPU_MODULE_H
#define VDCSIM_MODELS_VSPHERE_VGPU_MODULE_H

struct model_module;
extern const struct model_module vgpu_module;

#endif
