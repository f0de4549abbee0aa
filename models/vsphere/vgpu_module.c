/* vgpu_module.c - vGPU VMs as a cluster feature (see vgpu_module.h). */
#include "models/vsphere/vgpu_module.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cluster.h"
#include "models/core/model_env.h"
#include "models/core/module.h"
#include "models/core/vm.h"
#include "models/failures/failure.h"
#include "models/vsphere/vgpu.h"

typedef struct vgpu_world {
    const model_env *env;
    vgpu_policy policy;
    int mixed_size;
    int vmotion;             /* vgpu.vmotion: DRS may move vGPU VMs */
    double stun_efficiency;  /* vgpu.stun_efficiency */
    vgpu_host *hosts;        /* by host index */
    vgpu_profile *profiles;  /* by VM group; fb_gib 0 = no vGPU */
    uint32_t *counts;        /* by VM group: vGPUs per VM */
    double *stun_limit_s;    /* by VM group: vms.[].vgpu_stun_limit, 0 = none */
    int32_t *vm_host;        /* by VM: host of its vGPUs, -1 none */
    vgpu_slot *vm_slots;     /* by VM: VGPU_MAX_PER_VM slots on vm_host */
    int32_t *mig_dst;        /* by VM: destination of a migration holding vGPUs there, -1 none */
    vgpu_slot *mig_slots;    /* by VM: VGPU_MAX_PER_VM slots on mig_dst */
    uint32_t *vgpu_vm_ids;   /* the VMs with a profile, in id order */
    uint32_t n_groups;
    uint64_t vgpu_vms;       /* VMs with a profile */
    uint64_t moved;          /* vGPU VMs that arrived after a vMotion */
    uint64_t maintenance_off; /* vGPU VMs powered off by a host entering maintenance */
    double stun_device_s;    /* sum over started vGPU vMotions of the framebuffer stun at the pair's link */
} vgpu_world;

static const vgpu_profile *profile_of(const vgpu_world *w, uint32_t vm_id)
{
    const vgpu_profile *p = &w->profiles[model_vm_spec(w->env, vm_id)->group];
    return p->fb_gib > 0 ? p : NULL;
}

static uint32_t count_of(const vgpu_world *w, uint32_t vm_id) { return w->counts[model_vm_spec(w->env, vm_id)->group]; }

/* 1 if the host can take all of the VM's vGPUs now (tried on a copy). */
static int host_takes(const vgpu_world *w, const vgpu_host *h, const vgpu_profile *p, uint32_t n)
{
    if (n == 1)
        return vgpu_choose(h, p, w->policy, w->mixed_size) >= 0;
    vgpu_host copy = *h;
    vgpu_slot slots[VGPU_MAX_PER_VM];
    return vgpu_take_n(&copy, p, n, w->policy, w->mixed_size, slots) == 0;
}

/* --- hooks --------------------------------------------------------------- */

static void vgpu_mask(cluster *c, const cluster_feature *f, uint32_t vm_id, cluster_place_purpose purpose)
{
    (void)purpose; /* power-on and restart alike: the VM needs its vGPUs */
    const vgpu_world *w = f->world;
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL)
        return;
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++)
        if (c->view[h].usable && !host_takes(w, &w->hosts[h], p, count_of(w, vm_id)))
            cluster_mask_host(c, h);
}

static void give_back(vgpu_world *w, uint32_t vm_id)
{
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL || w->vm_host[vm_id] < 0)
        return;
    for (uint32_t i = count_of(w, vm_id); i-- > 0;)
        vgpu_give_back(&w->hosts[w->vm_host[vm_id]], w->vm_slots[(size_t)vm_id * VGPU_MAX_PER_VM + i], p);
    w->vm_host[vm_id] = -1;
}

static void vgpu_committed(cluster *c, const cluster_feature *f, uint32_t vm_id, int32_t host_index)
{
    (void)c;
    vgpu_world *w = f->world;
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL)
        return;
    give_back(w, vm_id); /* a VM placed again holds its vGPUs once */
    if (vgpu_take_n(&w->hosts[host_index], p, count_of(w, vm_id), w->policy, w->mixed_size,
                    &w->vm_slots[(size_t)vm_id * VGPU_MAX_PER_VM]) != 0)
        abort(); /* the mask hid every host without free GPUs for it: a model bug */
    w->vm_host[vm_id] = host_index;
}

static void vgpu_observe(sim_ctx *ctx, cluster *c, const cluster_feature *f, const cluster_notice *n)
{
    (void)ctx;
    (void)c;
    vgpu_world *w = f->world;
    if (n->kind != CLUSTER_NOTICE_VM_FAILED)
        return;
    /* a host entering maintenance powers off what DRS could not move */
    if (n->detail == VM_DOWN_MAINTENANCE && profile_of(w, n->vm) != NULL && w->vm_host[n->vm] >= 0)
        w->maintenance_off++;
    give_back(w, n->vm); /* the VM is down: its vGPUs are free until a restart */
}

static void vgpu_gone(cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    (void)c;
    give_back(f->world, vm_id);
}

static double link_gbps(const vgpu_world *w, int32_t a, int32_t b)
{
    double x = w->env->host_specs[a].hw.nic_gbps, y = w->env->host_specs[b].hw.nic_gbps;
    x = x > 0.0 ? x : 10.0; /* as DRS: 10 Gb/s when unset */
    y = y > 0.0 ? y : 10.0;
    return x < y ? x : y;
}

static double vm_fb_gib(const vgpu_world *w, uint32_t vm_id)
{
    return (double)profile_of(w, vm_id)->fb_gib * (double)count_of(w, vm_id);
}

/* DRS's candidate filter: a vGPU VM goes only where its vGPUs fit next to
 * what is there, what is reserved for migrations in flight and what the
 * pass has already planned to move there, within its stun limit. */
static int vgpu_move_fits(const cluster *c, const cluster_feature *f, uint32_t vm_id, int32_t to,
                          const cluster_plan *plan)
{
    const vgpu_world *w = f->world;
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL)
        return 1;
    if (!w->vmotion || w->vm_host[vm_id] < 0)
        return 0;
    double limit = w->stun_limit_s[model_vm_spec(w->env, vm_id)->group];
    if (limit > 0.0 &&
        vgpu_stun_s(vm_fb_gib(w, vm_id), link_gbps(w, w->vm_host[vm_id], to), w->stun_efficiency) > limit)
        return 0;
    vgpu_host copy = w->hosts[to];
    vgpu_slot slots[VGPU_MAX_PER_VM];
    for (uint64_t i = 0; i < w->vgpu_vms; i++) {
        uint32_t u = w->vgpu_vm_ids[i];
        int32_t at = w->vm_host[u];
        if (u == vm_id || at < 0 || at == to || w->mig_dst[u] == to || at < (int32_t)c->first_host ||
            at >= (int32_t)(c->first_host + c->n_hosts) || plan->host_of(plan->arg, u) != to)
            continue;
        if (vgpu_take_n(&copy, profile_of(w, u), count_of(w, u), w->policy, w->mixed_size, slots) != 0)
            return 0; /* the plan already overfills it */
    }
    return host_takes(w, &copy, p, count_of(w, vm_id));
}

static double vgpu_move_begin(cluster *c, const cluster_feature *f, uint32_t vm_id, int32_t src, int32_t dst)
{
    (void)c;
    vgpu_world *w = f->world;
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL)
        return 0.0;
    if (w->mig_dst[vm_id] >= 0 || vgpu_take_n(&w->hosts[dst], p, count_of(w, vm_id), w->policy, w->mixed_size,
                                              &w->mig_slots[(size_t)vm_id * VGPU_MAX_PER_VM]) != 0)
        return -1.0;
    w->mig_dst[vm_id] = dst;
    w->stun_device_s += vgpu_stun_s(vm_fb_gib(w, vm_id), link_gbps(w, src, dst), w->stun_efficiency);
    return vgpu_stun_bytes(vm_fb_gib(w, vm_id), w->stun_efficiency);
}

static void vgpu_move_end(cluster *c, const cluster_feature *f, uint32_t vm_id, int32_t src, int32_t dst,
                          int arrived)
{
    (void)c;
    vgpu_world *w = f->world;
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL || w->mig_dst[vm_id] != dst)
        return;
    size_t base = (size_t)vm_id * VGPU_MAX_PER_VM;
    uint32_t n = count_of(w, vm_id);
    if (arrived && w->vm_host[vm_id] == src) { /* the source's vGPUs go, the reserved ones are the VM's */
        give_back(w, vm_id);
        memcpy(&w->vm_slots[base], &w->mig_slots[base], n * sizeof w->vm_slots[0]);
        w->vm_host[vm_id] = dst;
        w->moved++;
    } else { /* aborted, or the VM went down meanwhile: the reservation is void */
        for (uint32_t i = n; i-- > 0;)
            vgpu_give_back(&w->hosts[dst], w->mig_slots[base + i], p);
    }
    w->mig_dst[vm_id] = -1;
}

static const cluster_hooks vgpu_cluster_hooks = {
    .name = "vgpu",
    .observe = vgpu_observe,
    .mask = vgpu_mask,
    .vm_gone = vgpu_gone,
    .vm_committed = vgpu_committed,
    .move_fits = vgpu_move_fits,
    .move_begin = vgpu_move_begin,
    .move_end = vgpu_move_end,
};

/* --- building ------------------------------------------------------------ */

static void world_free(vgpu_world *w)
{
    if (w == NULL)
        return;
    free(w->hosts);
    free(w->profiles);
    free(w->counts);
    free(w->stun_limit_s);
    free(w->vm_host);
    free(w->vm_slots);
    free(w->mig_dst);
    free(w->mig_slots);
    free(w->vgpu_vm_ids);
    free(w);
}

static model_status vgpu_build(model_builder *b, void **world)
{
    const scenario *scn = b->scn;
    const model_env *env = b->env;
    int n_groups = scn_list_len(scn, "vms");
    int used = 0;
    for (int g = 0; g < n_groups; g++)
        used |= scn_string(scn, "vms.[%d].vgpu_profile", g)[0] != '\0';
    if (!used)
        return MODEL_OK;
    vgpu_world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return model_runtime_error(b, "out of memory");
    *world = w;
    w->env = env;
    w->policy = (vgpu_policy)scn_enum(scn, "vgpu.host_graphics_policy");
    w->mixed_size = scn_bool(scn, "vgpu.mixed_size");
    w->vmotion = scn_bool(scn, "vgpu.vmotion");
    w->stun_efficiency = scn_float(scn, "vgpu.stun_efficiency");
    w->n_groups = (uint32_t)n_groups;
    size_t nv = env->n_vms ? env->n_vms : 1;
    w->hosts = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *w->hosts);
    w->profiles = calloc((size_t)n_groups, sizeof *w->profiles);
    w->counts = calloc((size_t)n_groups, sizeof *w->counts);
    w->stun_limit_s = calloc((size_t)n_groups, sizeof *w->stun_limit_s);
    w->vm_host = malloc(nv * sizeof *w->vm_host);
    w->mig_dst = malloc(nv * sizeof *w->mig_dst);
    w->vgpu_vm_ids = malloc(nv * sizeof *w->vgpu_vm_ids);
    /* VGPU_MAX_PER_VM slots per VM twice: check the product first */
    if (nv > SIZE_MAX / (VGPU_MAX_PER_VM * sizeof(vgpu_slot)))
        return model_runtime_error(b, "too many VMs for the vGPU tables");
    w->vm_slots = calloc(nv * VGPU_MAX_PER_VM, sizeof *w->vm_slots);
    w->mig_slots = calloc(nv * VGPU_MAX_PER_VM, sizeof *w->mig_slots);
    if (!w->hosts || !w->profiles || !w->counts || !w->stun_limit_s || !w->vm_host || !w->mig_dst ||
        !w->vgpu_vm_ids || !w->vm_slots || !w->mig_slots)
        return model_runtime_error(b, "out of memory");
    for (uint32_t v = 0; v < env->n_vms; v++)
        w->vm_host[v] = w->mig_dst[v] = -1;
    for (uint32_t h = 0; h < env->n_hosts; h++) {
        uint32_t g = env->host_specs[h].group;
        vgpu_host_init(&w->hosts[h], scn_string(scn, "hosts.[%u].gpu_model", g),
                       (uint32_t)scn_int(scn, "hosts.[%u].gpus", g), (int32_t)scn_int(scn, "hosts.[%u].gpu_memory_gib", g), scn_bool(scn, "hosts.[%u].gpu_mig", g));
    }
    for (int g = 0; g < n_groups; g++) {
        const char *name = scn_string(scn, "vms.[%d].vgpu_profile", g);
        if (name[0] == '\0')
            continue;
        char key[64], why[256];
        snprintf(key, sizeof key, "vms.[%d].vgpu_profile", g);
        if (vgpu_profile_parse(name, &w->profiles[g], why, sizeof why) != 0)
            return model_key_error(b, key, "%s", why);
        w->counts[g] = (uint32_t)scn_int(scn, "vms.[%d].vgpu_count", g);
        w->stun_limit_s[g] = (double)scn_duration_ns(scn, "vms.[%d].vgpu_stun_limit", g) * 1e-9;
        int fits = 0;
        for (uint32_t h = 0; h < env->n_hosts && !fits; h++)
            fits = vgpu_host_compatible(&w->hosts[h], &w->profiles[g]);
        if (!fits)
            return model_key_error(b, key,
                                   w->profiles[g].mig_g > 0
                                       ? "'%s' fits no host's GPUs (expected a host group with gpus > 0, gpu_model '%s', "
                                         "gpu_mig = true and a gpu_memory_gib of which %d GiB is a MIG instance "
                                         "size of NVIDIA's)"
                                       : "'%s' fits no host's GPUs (expected a host group with gpus > 0, gpu_model '%s', "
                                         "gpu_mig = false and a gpu_memory_gib that %d GiB divides)",
                                   name, w->profiles[g].board, w->profiles[g].fb_gib);
        /* all of a VM's vGPUs on one host: some host must have room for them */
        int room = 0;
        for (uint32_t h = 0; h < env->n_hosts && !room; h++)
            room = vgpu_host_compatible(&w->hosts[h], &w->profiles[g]) &&
                   host_takes(w, &w->hosts[h], &w->profiles[g], w->counts[g]);
        if (!room) {
            snprintf(key, sizeof key, "vms.[%d].vgpu_count", g);
            return model_key_error(b, key, "%u vGPUs of '%s' fit on no host's GPUs together", w->counts[g], name);
        }
    }
    for (uint32_t v = 0; v < env->n_vms; v++)
        if (w->profiles[model_vm_spec(env, v)->group].fb_gib > 0)
            w->vgpu_vm_ids[w->vgpu_vms++] = v;
    return MODEL_OK;
}

static const rec_column gpu_columns[] = {
    {"host", REC_I64, NULL},         {"gpu", REC_I64, NULL},          {"board", REC_STR, NULL},
    {"framebuffer_gib", REC_I64, "GiB"}, {"resident_profile", REC_STR, NULL}, {"vgpus", REC_I64, NULL},
    {"used_gib", REC_I64, "GiB"},
};
enum { N_GPU_COLUMNS = (int)(sizeof gpu_columns / sizeof gpu_columns[0]) };

static int vgpu_write(model_builder *b, void *world)
{
    const vgpu_world *w = world;
    int t = rec_table_new(b->rec, "vgpu_gpus", gpu_columns, N_GPU_COLUMNS);
    if (t < 0)
        return -1;
    int64_t used = 0;
    for (uint32_t h = 0; h < w->env->n_hosts; h++) {
        const vgpu_host *vh = &w->hosts[h];
        for (uint32_t g = 0; g < vh->n_gpus; g++) {
            const vgpu_gpu *d = &vh->gpus[g];
            char profile[64] = "";
            if (vh->mig) { /* MIG: which memory slices are in use, slice 0 first */
                memcpy(profile, "mig:", 4);
                for (int sl = 0; sl < VGPU_MIG_MEMORY_SLICES; sl++)
                    profile[4 + sl] = (d->mig_slices >> sl) & 1u ? '1' : '0';
                profile[4 + VGPU_MIG_MEMORY_SLICES] = '\0';
            } else if (d->n_vgpus > 0) {
                snprintf(profile, sizeof profile, "grid_%s-%d%c", d->resident.board, d->resident.fb_gib,
                         d->resident.series);
            }
            rec_value row[N_GPU_COLUMNS] = {{.i64 = h},         {.i64 = g},          {.str = vh->board},
                                            {.i64 = d->fb_gib}, {.str = profile},    {.i64 = d->n_vgpus},
                                            {.i64 = d->used_gib}};
            if (rec_table_row(b->rec, t, row) != 0)
                return -1;
            used += d->used_gib;
        }
    }
    if (rec_attr_i64(b->rec, "vgpu_vms", (int64_t)w->vgpu_vms) != 0 ||
        rec_attr_i64(b->rec, "vgpu_framebuffer_used_gib", used) != 0)
        return -1;
    if (!w->vmotion && w->maintenance_off == 0)
        return 0; /* the attributes below only where they can be non-zero: older files stay as they were */
    return rec_attr_i64(b->rec, "vgpu_vmotions", (int64_t)w->moved) != 0 ||
                   rec_attr_i64(b->rec, "vgpu_maintenance_powered_off", (int64_t)w->maintenance_off) != 0 ||
                   rec_attr_f64(b->rec, "vgpu_stun_device_s", w->stun_device_s) != 0
               ? -1
               : 0;
}

static void vgpu_describe(const void *world, FILE *out)
{
    const vgpu_world *w = world;
    uint32_t gpus = 0;
    for (uint32_t h = 0; h < w->env->n_hosts; h++)
        gpus += w->hosts[h].n_gpus;
    fprintf(out, "vgpu:   %" PRIu64 " VMs with a vGPU profile, %" PRIu32 " physical GPUs; %s policy%s\n", w->vgpu_vms,
            gpus, w->policy == VGPU_PERFORMANCE ? "performance" : "consolidation",
            w->mixed_size ? ", mixed-size mode" : "");
    fprintf(out, "vgpu:   vMotion of vGPU VMs %s\n",
            w->vmotion ? "on (DRS moves them where GPUs are free)" : "off (DRS leaves them; maintenance powers them off)");
}

static void vgpu_free(model_builder *b, void *world)
{
    (void)b;
    world_free(world);
}

const model_module vgpu_module = {
    .name = "vgpu",
    .build = vgpu_build,
    .write_tables = vgpu_write,
    .describe = vgpu_describe,
    .free = vgpu_free,
    .cluster_hooks = &vgpu_cluster_hooks,
};
