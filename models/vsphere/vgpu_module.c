/* vgpu_module.c - vGPU VMs as a cluster feature (see vgpu_module.h). */
#include "models/vsphere/vgpu_module.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cluster.h"
#include "models/core/model_env.h"
#include "models/core/module.h"
#include "models/core/vm.h"
#include "models/vsphere/vgpu.h"

typedef struct vgpu_world {
    const model_env *env;
    vgpu_policy policy;
    int mixed_size;
    vgpu_host *hosts;        /* by host index */
    vgpu_profile *profiles;  /* by VM group; fb_gib 0 = no vGPU */
    int32_t *vm_host;        /* by VM: host of its vGPU, -1 none */
    int8_t *vm_gpu;          /* by VM: GPU of its vGPU */
    uint32_t n_groups;
    uint64_t vgpu_vms;       /* VMs with a profile */
} vgpu_world;

static const vgpu_profile *profile_of(const vgpu_world *w, uint32_t vm_id)
{
    const vgpu_profile *p = &w->profiles[w->env->vm_specs[vm_id].group];
    return p->fb_gib > 0 ? p : NULL;
}

/* --- hooks --------------------------------------------------------------- */

static void vgpu_mask(cluster *c, const cluster_feature *f, uint32_t vm_id, cluster_place_purpose purpose)
{
    (void)purpose; /* power-on and restart alike: the VM needs its vGPU */
    const vgpu_world *w = f->world;
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL)
        return;
    for (uint32_t h = 0; h < w->env->n_hosts; h++)
        if (c->view[h].usable && vgpu_choose(&w->hosts[h], p, w->policy, w->mixed_size) < 0)
            cluster_mask_host(c, h);
}

static void give_back(vgpu_world *w, uint32_t vm_id)
{
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL || w->vm_host[vm_id] < 0)
        return;
    vgpu_give_back(&w->hosts[w->vm_host[vm_id]], (uint32_t)w->vm_gpu[vm_id], p);
    w->vm_host[vm_id] = -1;
    w->vm_gpu[vm_id] = -1;
}

static void vgpu_committed(cluster *c, const cluster_feature *f, uint32_t vm_id, int32_t host_index)
{
    (void)c;
    vgpu_world *w = f->world;
    const vgpu_profile *p = profile_of(w, vm_id);
    if (p == NULL)
        return;
    give_back(w, vm_id); /* a VM placed again holds one vGPU at most */
    int32_t g = vgpu_choose(&w->hosts[host_index], p, w->policy, w->mixed_size);
    if (g < 0)
        abort(); /* the mask hid every host without a free GPU for it: a model bug */
    vgpu_take(&w->hosts[host_index], (uint32_t)g, p);
    w->vm_host[vm_id] = host_index;
    w->vm_gpu[vm_id] = (int8_t)g;
}

static void vgpu_observe(sim_ctx *ctx, cluster *c, const cluster_feature *f, const cluster_notice *n)
{
    (void)ctx;
    (void)c;
    if (n->kind == CLUSTER_NOTICE_VM_FAILED)
        give_back(f->world, n->vm); /* the VM is down: its vGPU is free until a restart */
}

static void vgpu_gone(cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    (void)c;
    give_back(f->world, vm_id);
}

static const cluster_hooks vgpu_cluster_hooks = {
    .name = "vgpu",
    .observe = vgpu_observe,
    .mask = vgpu_mask,
    .vm_gone = vgpu_gone,
    .vm_committed = vgpu_committed,
};

/* --- building ------------------------------------------------------------ */

static void world_free(vgpu_world *w)
{
    if (w == NULL)
        return;
    free(w->hosts);
    free(w->profiles);
    free(w->vm_host);
    free(w->vm_gpu);
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
    w->n_groups = (uint32_t)n_groups;
    w->hosts = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *w->hosts);
    w->profiles = calloc((size_t)n_groups, sizeof *w->profiles);
    w->vm_host = malloc((env->n_vms ? env->n_vms : 1) * sizeof *w->vm_host);
    w->vm_gpu = malloc(env->n_vms ? env->n_vms : 1);
    if (!w->hosts || !w->profiles || !w->vm_host || !w->vm_gpu)
        return model_runtime_error(b, "out of memory");
    for (uint32_t v = 0; v < env->n_vms; v++) {
        w->vm_host[v] = -1;
        w->vm_gpu[v] = -1;
    }
    for (uint32_t h = 0; h < env->n_hosts; h++) {
        uint32_t g = env->host_specs[h].group;
        vgpu_host_init(&w->hosts[h], scn_string(scn, "hosts.[%u].gpu_model", g),
                       (uint32_t)scn_int(scn, "hosts.[%u].gpus", g), (int32_t)scn_int(scn, "hosts.[%u].gpu_memory_gib", g));
    }
    for (int g = 0; g < n_groups; g++) {
        const char *name = scn_string(scn, "vms.[%d].vgpu_profile", g);
        if (name[0] == '\0')
            continue;
        char key[64], why[256];
        snprintf(key, sizeof key, "vms.[%d].vgpu_profile", g);
        if (vgpu_profile_parse(name, &w->profiles[g], why, sizeof why) != 0)
            return model_key_error(b, key, "%s", why);
        int fits = 0;
        for (uint32_t h = 0; h < env->n_hosts && !fits; h++)
            fits = vgpu_host_compatible(&w->hosts[h], &w->profiles[g]);
        if (!fits)
            return model_key_error(b, key,
                                   "'%s' fits no host's GPUs (expected a host group with gpus > 0, gpu_model '%s' "
                                   "and a gpu_memory_gib that %d GiB divides)",
                                   name, w->profiles[g].board, w->profiles[g].fb_gib);
    }
    for (uint32_t v = 0; v < env->n_vms; v++)
        w->vgpu_vms += w->profiles[env->vm_specs[v].group].fb_gib > 0;
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
            if (d->n_vgpus > 0)
                snprintf(profile, sizeof profile, "grid_%s-%d%c", d->resident.board, d->resident.fb_gib,
                         d->resident.series);
            rec_value row[N_GPU_COLUMNS] = {{.i64 = h},         {.i64 = g},          {.str = vh->board},
                                            {.i64 = d->fb_gib}, {.str = profile},    {.i64 = d->n_vgpus},
                                            {.i64 = d->used_gib}};
            if (rec_table_row(b->rec, t, row) != 0)
                return -1;
            used += d->used_gib;
        }
    }
    return rec_attr_i64(b->rec, "vgpu_vms", (int64_t)w->vgpu_vms) != 0 ||
                   rec_attr_i64(b->rec, "vgpu_framebuffer_used_gib", used) != 0
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
