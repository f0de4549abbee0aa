/* rec_series.c - /series/<group>/<name>: 2-D float64 [sample, entity] with
 * one shared time axis /series/<group>/time_ns per group.
 *
 * Memory: cells live in blocks of exactly one HDF5 chunk (chunk_rows rows x
 * chunk_cols entities), allocated NaN-filled by the first rec_series_put that
 * touches them and published with a compare-and-swap onto a chain (insert
 * only while a window runs; removal only serially). recorder_window_end
 * unlinks every block whose rows are all final into the pending list; the
 * engine's threads filter them during the next window (recorder_window_work,
 * rec_chunk.c) and one thread stores them, in the list's order, as they
 * are packed (or the next window end, when no thread did), and frees them
 * (issue 18 item 3: the filtering was a serial 10 % of a run, the stores
 * half of what was left). Total series are summed likewise during the
 * window after their rows became final. A chunk no put
 * ever touched is never allocated nor written: the dataset's fill value NaN
 * stands for it. So memory is the live chunks only, whatever the run length
 * and however far a window jumps ahead.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "recorder/rec_internal.h"
#include "sim/barrier.h" /* sim_spin_pause */

int64_t rec_rows_before(sim_time_ns start_ns, sim_time_ns period_ns, sim_time_ns t_ns)
{
    if (t_ns <= start_ns)
        return 0;
    /* t - start may overflow for t near SIM_TIME_NEVER and start < 0: go unsigned */
    uint64_t span = (uint64_t)t_ns - (uint64_t)start_ns;
    uint64_t rows = span / (uint64_t)period_ns + (span % (uint64_t)period_ns != 0);
    return rows > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)rows;
}

static int rec_group_find(const recorder *r, const char *name)
{
    for (int i = 0; i < r->n_groups; i++)
        if (strcmp(r->groups[i].name, name) == 0)
            return i;
    return -1;
}

static void rec_group_chunking(rec_group *g)
{
    if (g->n_entities > REC_SERIES_WIDE_ENTITIES) { /* live memory: see rec_internal.h */
        g->chunk_rows = REC_SERIES_WIDE_ROWS;
        g->chunk_cols = REC_SERIES_WIDE_COLS;
    } else {
        g->chunk_cols = g->n_entities < REC_SERIES_CHUNK_COLS_MAX ? g->n_entities : REC_SERIES_CHUNK_COLS_MAX;
        int rows = REC_SERIES_CHUNK_CELLS / g->chunk_cols;
        if (rows < REC_SERIES_CHUNK_ROWS_MIN)
            rows = REC_SERIES_CHUNK_ROWS_MIN;
        if (rows > REC_SERIES_CHUNK_ROWS_MAX)
            rows = REC_SERIES_CHUNK_ROWS_MAX;
        g->chunk_rows = rows;
    }
    g->col_blocks = (g->n_entities + g->chunk_cols - 1) / g->chunk_cols;
}

static int rec_group_new(recorder *r, const char *name, int n_entities, sim_time_ns start_ns,
                         sim_time_ns period_ns)
{
    rec_group *grown = realloc(r->groups, (size_t)(r->n_groups + 1) * sizeof *grown);
    if (grown == NULL) {
        rec_fail(r, "%s: /series/%s: out of memory", r->partial_path, name);
        return -1;
    }
    r->groups = grown;
    rec_group *g = &r->groups[r->n_groups];
    memset(g, 0, sizeof *g);
    g->group = g->time_dataset = H5I_INVALID_HID;
    g->name = malloc(strlen(name) + 1);
    r->n_groups++;
    if (g->name == NULL) {
        rec_fail(r, "%s: /series/%s: out of memory", r->partial_path, name);
        return -1;
    }
    strcpy(g->name, name);
    g->n_entities = n_entities;
    g->start_ns = start_ns;
    g->period_ns = period_ns;
    g->final_rows = rec_rows_before(start_ns, period_ns, r->final_end_ns);
    g->writable_rows = rec_rows_before(start_ns, period_ns, r->writable_end_ns);
    g->time_rows_written = 0;
    rec_group_chunking(g);

    g->group = rec_h5_group_new(r->series_group, name);
    if (g->group < 0)
        return rec_h5_fail(r, "/series/%s: cannot create the group", name);
    hsize_t chunk[1] = {REC_TIME_CHUNK_ROWS};
    g->time_dataset = rec_h5_dataset_new(g->group, "time_ns", H5T_STD_I64LE, 0, chunk, -1, NULL);
    int64_t entities = n_entities;
    if (g->time_dataset < 0 || rec_h5_attr_str(g->time_dataset, "unit", "ns") < 0 ||
        rec_h5_attr_write(g->group, "start_ns", H5T_STD_I64LE, H5T_NATIVE_INT64, &start_ns) < 0 ||
        rec_h5_attr_write(g->group, "period_ns", H5T_STD_I64LE, H5T_NATIVE_INT64, &period_ns) < 0 ||
        rec_h5_attr_write(g->group, "n_entities", H5T_STD_I64LE, H5T_NATIVE_INT64, &entities) < 0)
        return rec_h5_fail(r, "/series/%s/time_ns: cannot create the time axis", name);
    return r->n_groups - 1;
}

int rec_series_new(recorder *r, const char *group, const char *name, const char *unit,
                   const char *entity_table, int n_entities, sim_time_ns start_ns,
                   sim_time_ns period_ns)
{
    if (atomic_load(&r->failed) || !rec_name_ok(r, "series group", group) ||
        !rec_name_ok(r, "series", name))
        return -1;
    if (r->series_ended) {
        rec_error(r, "%s: /series/%s/%s: created after recorder_end_series", r->partial_path, group, name);
        return -1;
    }
    if (strcmp(name, "time_ns") == 0) {
        rec_error(r, "%s: /series/%s/time_ns is the time axis, not a series name", r->partial_path,
                 group);
        return -1;
    }
    if (n_entities < 1 || period_ns <= 0 || start_ns < 0) {
        rec_error(r, "%s: /series/%s/%s: need n_entities >= 1, period_ns > 0, start_ns >= 0 "
                 "(got %d, %lld, %lld)", r->partial_path, group, name, n_entities,
                 (long long)period_ns, (long long)start_ns);
        return -1;
    }
    int gi = rec_group_find(r, group);
    if (gi >= 0) {
        const rec_group *g = &r->groups[gi];
        if (g->period_ns != period_ns || g->start_ns != start_ns || g->n_entities != n_entities) {
            rec_error(r, "%s: /series/%s/%s: the group's time axis has start %lld ns, period %lld "
                     "ns, %d entities; this series asks for %lld ns, %lld ns, %d entities",
                     r->partial_path, group, name, (long long)g->start_ns,
                     (long long)g->period_ns, g->n_entities, (long long)start_ns,
                     (long long)period_ns, n_entities);
            return -1;
        }
        for (int i = 0; i < r->n_series; i++) {
            if (r->series[i].group == gi && strcmp(r->series[i].name, name) == 0) {
                rec_error(r, "%s: /series/%s/%s exists already", r->partial_path, group, name);
                return -1;
            }
        }
    } else {
        gi = rec_group_new(r, group, n_entities, start_ns, period_ns);
        if (gi < 0)
            return -1;
    }
    const rec_group *g = &r->groups[gi];

    rec_series *grown = realloc(r->series, (size_t)(r->n_series + 1) * sizeof *grown);
    if (grown == NULL) {
        rec_error(r, "%s: /series/%s/%s: out of memory", r->partial_path, group, name);
        return -1;
    }
    r->series = grown;
    rec_series *s = &r->series[r->n_series];
    memset(s, 0, sizeof *s);
    s->group = gi;
    s->dataset = H5I_INVALID_HID;
    s->name = malloc(strlen(name) + 1);
    size_t n_slots = (size_t)REC_SERIES_RING_ROWS * (size_t)g->col_blocks;
    s->slots = malloc(n_slots * sizeof *s->slots);
    r->n_series++;
    if (s->name == NULL || s->slots == NULL) {
        free(s->slots);
        s->slots = NULL;
        rec_error(r, "%s: /series/%s/%s: out of memory", r->partial_path, group, name);
        return -1;
    }
    strcpy(s->name, name);
    s->total_of = -1;
    for (size_t i = 0; i < n_slots; i++)
        atomic_init(&s->slots[i], NULL);

    hsize_t chunk[2] = {(hsize_t)g->chunk_rows, (hsize_t)g->chunk_cols};
    double nan_fill = NAN;
    s->dataset = rec_h5_dataset_new(g->group, name, H5T_IEEE_F64LE, n_entities, chunk,
                                    H5T_NATIVE_DOUBLE, &nan_fill);
    if (s->dataset < 0)
        return rec_h5_fail(r, "/series/%s/%s: cannot create the dataset", group, name);
    if (rec_h5_attr_str(s->dataset, "unit", unit) < 0)
        return rec_h5_fail(r, "/series/%s/%s: cannot write attribute unit", group, name);
    if (entity_table != NULL) {
        char path[REC_NAME_MAX + 16];
        const char *table = strncmp(entity_table, "/tables/", 8) == 0 ? entity_table + 8
                                                                       : entity_table;
        snprintf(path, sizeof path, "/tables/%s", table);
        if (rec_h5_attr_str(s->dataset, "entity_table", path) < 0)
            return rec_h5_fail(r, "/series/%s/%s: cannot write attribute entity_table", group,
                               name);
    }
    return r->n_series - 1;
}

static rec_block *rec_block_new(const rec_group *g, int64_t row_block, int cols)
{
    size_t cells = (size_t)g->chunk_rows * (size_t)cols;
    rec_block *b = malloc(sizeof *b + cells * sizeof(double));
    if (b == NULL)
        return NULL;
    b->row_block = row_block;
    b->next = NULL;
    for (size_t i = 0; i < cells; i++)
        b->cells[i] = NAN;
    return b;
}

static void rec_cell_set(recorder *r, rec_series *s, const rec_group *g, int64_t row, int entity, double value);

static int rec_block_cols(const rec_group *g, int col_block)
{
    int first = col_block * g->chunk_cols;
    int cols = g->n_entities - first;
    return cols < g->chunk_cols ? cols : g->chunk_cols;
}

/* Entity e exists in s's group: 1, or 0 after rec_fail. */
static int rec_entity_ok(recorder *r, const rec_series *s, const rec_group *g, int64_t entity)
{
    if (entity < 0 || entity >= g->n_entities) {
        rec_fail(r, "%s: /series/%s/%s: entity %lld out of range 0..%d", r->partial_path, g->name,
                 s->name, (long long)entity, g->n_entities - 1);
        return 0;
    }
    return 1;
}

static int rec_time_row(recorder *r, const rec_series *s, const rec_group *g, sim_time_ns t_ns, int64_t *row_out);

/* The row of (t_ns, entity) in series s, checked: 0, or -1 after rec_fail. */
static int rec_put_row(recorder *r, const rec_series *s, const rec_group *g, sim_time_ns t_ns, int entity,
                       int64_t *row_out)
{
    if (!rec_entity_ok(r, s, g, entity))
        return -1;
    return rec_time_row(r, s, g, t_ns, row_out);
}

/* The row of time t_ns in group g: 0, -1 when t_ns is not start + k *
 * period, -2 when its row is outside the window's writable rows. */
static int rec_row_at(const rec_group *g, sim_time_ns t_ns, int64_t *row_out)
{
    if (t_ns < g->start_ns || (t_ns - g->start_ns) % g->period_ns != 0)
        return -1;
    int64_t row = (t_ns - g->start_ns) / g->period_ns;
    *row_out = row;
    return row < g->final_rows || row >= g->writable_rows ? -2 : 0;
}

/* The row of time t_ns in s's group, checked: 0, or -1 after rec_fail. */
static int rec_time_row(recorder *r, const rec_series *s, const rec_group *g, sim_time_ns t_ns, int64_t *row_out)
{
    int64_t row = 0;
    int rc = rec_row_at(g, t_ns, &row);
    if (rc == -1) {
        rec_fail(r, "%s: /series/%s/%s: time %lld ns is not start %lld + k * period %lld",
                 r->partial_path, g->name, s->name, (long long)t_ns, (long long)g->start_ns,
                 (long long)g->period_ns);
        return -1;
    }
    if (rc == -2) {
        rec_fail(r, "%s: /series/%s/%s: time %lld ns (row %lld) is outside the writable rows "
                 "%lld..%lld of the current window",
                 r->partial_path, g->name, s->name, (long long)t_ns, (long long)row,
                 (long long)g->final_rows, (long long)g->writable_rows - 1);
        return -1;
    }
    *row_out = row;
    return 0;
}

/* Where a cell lives: its block's key, its chain in every series of the
 * group (slot: the index into rec_series.slots) and its index in the block
 * (the divisions of rec_cell_set, done once for all series of a group). */
typedef struct rec_spot {
    int64_t row_block;
    int col_block, cols;
    size_t slot, cell;
} rec_spot;

static rec_spot rec_spot_of(const rec_group *g, int64_t row, int entity)
{
    rec_spot p = {.row_block = row / g->chunk_rows, .col_block = entity / g->chunk_cols};
    p.cols = rec_block_cols(g, p.col_block);
    p.slot = (size_t)(p.row_block % REC_SERIES_RING_ROWS) * (size_t)g->col_blocks + (size_t)p.col_block;
    p.cell = (size_t)(row - p.row_block * g->chunk_rows) * (size_t)p.cols +
             (size_t)(entity - p.col_block * g->chunk_cols);
    return p;
}

static rec_block *rec_block_publish(recorder *r, rec_series *s, const rec_group *g, const rec_spot *p,
                                    _Atomic(rec_block *) *slot);

/* Stores one cell of series s at p (of s's group g): the block found on
 * its chain, or allocated and published on first touch (safe
 * concurrently). Inline: a host's sample stores 16 cells, and the spot's
 * arithmetic is the caller's, once per group; what is left per cell is a
 * load of the chain's head, one compare and the store. */
static inline rec_block *rec_cell_store(recorder *r, rec_series *s, const rec_group *g, const rec_spot *p,
                                        double value)
{
    _Atomic(rec_block *) *slot = &s->slots[p->slot];
    rec_block *b = atomic_load_explicit(slot, memory_order_acquire);
    while (b != NULL && b->row_block != p->row_block)
        b = b->next;
    if (b == NULL && (b = rec_block_publish(r, s, g, p, slot)) == NULL)
        return NULL;
    b->cells[p->cell] = value;
    return b;
}

static int rec_series_ok(recorder *r, int series)
{
    if (series < 0 || series >= r->n_series || r->series[series].dataset < 0) {
        rec_fail(r, "%s: rec_series_put: no series %d", r->partial_path, series);
        return 0;
    }
    return 1;
}

void rec_series_put(recorder *r, int series, sim_time_ns t_ns, int entity, double value)
{
    /* put_each's checks and store, and its cache (a host's one-series puts
     * after its sample's 18); a negative series, which put_each skips, is
     * an error here */
    if (series < 0 && !r->series_ended) {
        rec_series_ok(r, series);
        return;
    }
    rec_series_put_each(r, &series, &value, 1, t_ns, entity);
}

int rec_series_find(const recorder *r, const char *group, const char *name)
{
    int gi = rec_group_find(r, group);
    for (int i = 0; gi >= 0 && i < r->n_series; i++)
        if (r->series[i].group == gi && strcmp(r->series[i].name, name) == 0)
            return i;
    return -1;
}

int rec_series_watch(recorder *r, int series, rec_series_watch_fn fn, void *arg)
{
    if (series < 0 || series >= r->n_series || r->series[series].watch != NULL || fn == NULL) {
        rec_error(r, "%s: rec_series_watch: series %d does not exist or is watched already", r->partial_path,
                  series);
        return -1;
    }
    r->series[series].watch = fn;
    r->series[series].watch_arg = arg;
    r->series_epoch++; /* a cached put would skip the watch */
    return 0;
}

/* Whether a put_each of series[0..n) may be cached: each series valid (or
 * < 0, skipped), all of one group, none watched. */
static int rec_put_cacheable(const recorder *r, const int *series, int n)
{
    int group = -1;
    for (int k = 0; k < n; k++) {
        if (series[k] < 0)
            continue;
        if (series[k] >= r->n_series || r->series[series[k]].dataset < 0)
            return 0;
        const rec_series *s = &r->series[series[k]];
        if (s->watch || (group >= 0 && s->group != group))
            return 0;
        group = s->group;
    }
    return group >= 0;
}

/* The calling thread's caches, or NULL. */
static rec_put_ways *rec_put_ways_of(recorder *r)
{
    int t = omp_get_thread_num();
    if (r->put_caches == NULL || t < 0 || t >= r->max_threads)
        return NULL;
    return &r->put_caches[t];
}

/* Whether cache c was filled for the list series[0..n). */
static int rec_put_same_series(const rec_put_cache *c, const int *series, int n)
{
    if (c->n != n)
        return 0;
    for (int k = 0; k < n; k++)
        if (c->series[k] != series[k])
            return 0;
    return 1;
}

/* The thread's cache that holds the blocks of this call (same series, same
 * chunk, this window), else NULL. */
static rec_put_cache *rec_put_cache_hit(recorder *r, const int *series, int n, int group, const rec_spot *spot)
{
    rec_put_ways *ways = rec_put_ways_of(r);
    for (int w = 0; ways != NULL && w < REC_PUT_CACHE_WAYS; w++) {
        rec_put_cache *c = &ways->way[w];
        if (c->epoch == r->series_epoch && c->group == group && c->row_block == spot->row_block &&
            c->col_block == spot->col_block && rec_put_same_series(c, series, n)) {
            c->used = ++ways->clock;
            return c;
        }
    }
    return NULL;
}

/* The cache a fill of series[0..n) takes (rec_put_ways). */
static rec_put_cache *rec_put_cache_victim(rec_put_ways *ways, const recorder *r, const int *series, int n)
{
    rec_put_cache *oldest = &ways->way[0];
    for (int w = 0; w < REC_PUT_CACHE_WAYS; w++)
        if (rec_put_same_series(&ways->way[w], series, n))
            return &ways->way[w];
    for (int w = 0; w < REC_PUT_CACHE_WAYS; w++) {
        rec_put_cache *c = &ways->way[w];
        if (c->epoch != r->series_epoch)
            return c;
        if (c->used < oldest->used)
            oldest = c;
    }
    return oldest;
}

/* After a put_each of series[0..n) at spot in one group without watches,
 * on one process: the blocks it stored into (found[k], NULL for a series
 * < 0) into a cache of the thread (rec_put_cache_victim). */
static void rec_put_cache_fill(recorder *r, const int *series, int n, int group, const rec_spot *spot,
                               rec_block *const *found)
{
    rec_put_ways *ways = rec_put_ways_of(r);
    if (ways == NULL || n > REC_PUT_CACHE_SERIES)
        return;
    for (int k = 0; k < n; k++)
        if (series[k] >= 0 && found[k] == NULL)
            return; /* not stored (out of memory): no cache */
    rec_put_cache *c = rec_put_cache_victim(ways, r, series, n);
    c->used = ++ways->clock;
    for (int k = 0; k < n; k++)
        c->blocks[k] = series[k] >= 0 ? found[k] : NULL;
    memcpy(c->series, series, (size_t)n * sizeof *series);
    c->n = n;
    c->group = group;
    c->row_block = spot->row_block;
    c->col_block = spot->col_block;
    c->epoch = r->series_epoch;
}

void rec_series_put_each(recorder *r, const int *series, const double *values, int n, sim_time_ns t_ns,
                         int entity)
{
    if (r->series_ended) {
        rec_fail(r, "%s: rec_series_put after recorder_end_series", r->partial_path);
        return;
    }
    /* A call like the thread's last one (a host's sample after its
     * neighbour's): the row and the cell's place, then one store per
     * series into the cached blocks. The cache is filled only when every
     * series is valid, of one group and unwatched, on one process. */
    int first = 0;
    while (first < n && series[first] < 0)
        first++;
    if (first < n && r->dist_rank == 0 && series[first] < r->n_series && r->series[series[first]].dataset >= 0) {
        const rec_series *s0 = &r->series[series[first]];
        const rec_group *g0 = &r->groups[s0->group];
        int64_t row;
        if (entity >= 0 && entity < g0->n_entities && rec_row_at(g0, t_ns, &row) == 0) { /* else the checks below report it */
            const rec_spot spot = rec_spot_of(g0, row, entity);
            rec_put_cache *c = rec_put_cache_hit(r, series, n, s0->group, &spot);
            if (c != NULL) {
                for (int k = 0; k < n; k++)
                    if (c->blocks[k] != NULL)
                        c->blocks[k]->cells[spot.cell] = values[k];
                return;
            }
        }
    }
    /* per series: its check, its group's test, its watch and the store
     * (rec_cell_store); the row's checks and the cell's place once per
     * group (a host's 16 series are one group) */
    const int gather = r->dist_rank > 0;
    int g_series[REC_GATHER_CELLS], g_n = 0; /* gather: the checked cells, logged in one entry */
    int64_t g_rows[REC_GATHER_CELLS];
    double g_values[REC_GATHER_CELLS];
    rec_block *found[REC_PUT_CACHE_SERIES] = {0}; /* the blocks stored into, for the cache */
    const rec_group *g = NULL;
    int last = -1, row_ok = 0;
    int64_t row = 0;
    rec_spot spot = {0};
    for (int k = 0; k < n; k++) {
        if (series[k] < 0 || !rec_series_ok(r, series[k]))
            continue;
        rec_series *s = &r->series[series[k]];
        if (s->group != last) {
            last = s->group;
            g = &r->groups[last];
            row_ok = rec_put_row(r, s, g, t_ns, entity, &row) == 0;
            if (row_ok)
                spot = rec_spot_of(g, row, entity);
        }
        if (!row_ok)
            continue;
        if (s->watch)
            s->watch(s->watch_arg, t_ns, entity, values[k]);
        if (gather) {
            g_series[g_n] = series[k];
            g_rows[g_n] = row;
            g_values[g_n++] = values[k];
            if (g_n == REC_GATHER_CELLS) {
                rec_gather_put(r, g_series, g_rows, g_values, g_n, entity);
                g_n = 0;
            }
        } else {
            rec_block *b = rec_cell_store(r, s, g, &spot, values[k]);
            if (k < REC_PUT_CACHE_SERIES)
                found[k] = b;
        }
    }
    if (g_n > 0)
        rec_gather_put(r, g_series, g_rows, g_values, g_n, entity);
    if (!gather && row_ok && n <= REC_PUT_CACHE_SERIES && rec_put_cacheable(r, series, n))
        rec_put_cache_fill(r, series, n, last, &spot, found);
}

void rec_series_put_entities(recorder *r, const int *series, int n, const uint32_t *entities, int n_entities,
                             const double *values, sim_time_ns t_ns)
{
    enum { SERIES_MAX = 16 };
    if (n > SERIES_MAX) { /* a wide call: one entity at a time */
        for (int e = 0; e < n_entities; e++)
            if (entities[e] <= (uint32_t)INT32_MAX)
                rec_series_put_each(r, series, values + (size_t)e * (size_t)n, n, t_ns, (int)entities[e]);
            else
                rec_series_put_each(r, series, values + (size_t)e * (size_t)n, n, t_ns, -1);
        return;
    }
    if (r->series_ended) {
        rec_fail(r, "%s: rec_series_put after recorder_end_series", r->partial_path);
        return;
    }
    /* the series' checks and the time's row, once for all entities */
    rec_series *ss[SERIES_MAX];
    int64_t rows[SERIES_MAX];
    for (int k = 0; k < n; k++) {
        ss[k] = NULL;
        if (series[k] < 0 || !rec_series_ok(r, series[k]))
            continue;
        rec_series *s = &r->series[series[k]];
        if (rec_time_row(r, s, &r->groups[s->group], t_ns, &rows[k]) == 0)
            ss[k] = s;
    }
    for (int e = 0; e < n_entities; e++) {
        int64_t entity = entities[e];
        const double *v = values + (size_t)e * (size_t)n;
        const rec_group *last = NULL;
        int entity_ok = 0, g_n = 0; /* gather: the entity's checked cells, in one entry */
        int g_series[SERIES_MAX];
        int64_t g_rows[SERIES_MAX];
        double g_values[SERIES_MAX];
        rec_spot spot = {0};
        for (int k = 0; k < n; k++) {
            rec_series *s = ss[k];
            if (s == NULL)
                continue;
            const rec_group *g = &r->groups[s->group];
            if (g != last) { /* the cell's place, once per group */
                last = g;
                entity_ok = rec_entity_ok(r, s, g, entity);
                if (entity_ok)
                    spot = rec_spot_of(g, rows[k], (int)entity);
            }
            if (!entity_ok)
                continue;
            if (s->watch)
                s->watch(s->watch_arg, t_ns, (int)entity, v[k]);
            if (r->dist_rank > 0) {
                g_series[g_n] = series[k];
                g_rows[g_n] = rows[k];
                g_values[g_n++] = v[k];
            } else {
                rec_cell_store(r, s, g, &spot, v[k]);
            }
        }
        if (g_n > 0)
            rec_gather_put(r, g_series, g_rows, g_values, g_n, (int)entity);
    }
}

int rec_series_set_cells(recorder *r, const int *series, const double *values, int n, int64_t row, int entity)
{
    int one_group = 1;
    for (int k = 0; k < n; k++) {
        if (series[k] < 0 || series[k] >= r->n_series || r->series[series[k]].dataset < 0 || entity < 0 ||
            entity >= r->groups[r->series[series[k]].group].n_entities || row < 0) {
            rec_fail(r, "%s: a forwarded cell of series %d, entity %d, row %lld is out of range", r->partial_path,
                     series[k], entity, (long long)row);
            return -1;
        }
        one_group &= r->series[series[k]].group == r->series[series[0]].group;
    }
    if (!one_group || n > REC_PUT_CACHE_SERIES) {
        for (int k = 0; k < n; k++) {
            rec_series *s = &r->series[series[k]];
            rec_cell_set(r, s, &r->groups[s->group], row, entity, values[k]);
        }
        return 0;
    }
    /* a host's cells: the blocks of the last such entry, as put_each keeps them */
    const int group = r->series[series[0]].group;
    const rec_group *g = &r->groups[group];
    const rec_spot spot = rec_spot_of(g, row, entity);
    rec_put_cache *c = rec_put_cache_hit(r, series, n, group, &spot);
    if (c != NULL) {
        for (int k = 0; k < n; k++)
            c->blocks[k]->cells[spot.cell] = values[k];
        return 0;
    }
    rec_block *found[REC_PUT_CACHE_SERIES];
    for (int k = 0; k < n; k++)
        found[k] = rec_cell_store(r, &r->series[series[k]], g, &spot, values[k]);
    if (rec_put_cacheable(r, series, n))
        rec_put_cache_fill(r, series, n, group, &spot, found);
    return 0;
}

/* Sets one cell, allocating its block on first touch (safe concurrently). */
static void rec_cell_set(recorder *r, rec_series *s, const rec_group *g, int64_t row, int entity, double value)
{
    rec_spot p = rec_spot_of(g, row, entity);
    rec_cell_store(r, s, g, &p, value);
}

/* The block of p->row_block in *slot, allocated and published on first
 * touch (safe concurrently); NULL after rec_fail. Out of line: the stores
 * that find their block (all but one per block) stay a short leaf. */
static __attribute__((noinline)) rec_block *rec_block_publish(recorder *r, rec_series *s, const rec_group *g,
                                                              const rec_spot *p, _Atomic(rec_block *) *slot)
{
    int64_t row_block = p->row_block;
    rec_block *head = atomic_load_explicit(slot, memory_order_acquire);
    rec_block *fresh = NULL;
    rec_block *b;
    for (;;) {
        for (b = head; b != NULL; b = b->next)
            if (b->row_block == row_block)
                break;
        if (b != NULL)
            break;
        if (fresh == NULL) {
            fresh = rec_block_new(g, row_block, p->cols);
            if (fresh == NULL) {
                rec_fail(r, "%s: /series/%s/%s: out of memory", r->partial_path, g->name,
                         s->name);
                return NULL;
            }
        }
        fresh->next = head;
        /* On failure head is reloaded and the chain walked again: another
         * thread may have published this very block meanwhile. */
        if (atomic_compare_exchange_weak_explicit(slot, &head, fresh, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            b = fresh;
            fresh = NULL;
            break;
        }
    }
    free(fresh);
    return b;
}

int rec_series_new_total(recorder *r, const char *group, const char *name, const char *unit, int source)
{
    if (source < 0 || source >= r->n_series || r->series[source].total_of >= 0) {
        rec_error(r, "%s: /series/%s/%s: source series %d is not a series with entities", r->partial_path, group,
                  name, source);
        return -1;
    }
    const rec_group *sg = &r->groups[r->series[source].group];
    int id = rec_series_new(r, group, name, unit, NULL, 1, sg->start_ns, sg->period_ns);
    if (id < 0)
        return -1;
    r->series[id].total_of = source;
    r->series[id].total_rows = r->groups[r->series[id].group].final_rows;
    /* The file says which series sums which (docs/hdf5-layout.md, "Total
     * series"): a reader that wants the per-sample totals reads one column
     * instead of every entity's (run_summary.c). A source's first total is
     * the one it names; a total declared after rows became final leaves
     * them NaN, so it is not named. */
    if (r->series[id].total_rows > 0)
        return id;
    char src_path[2 * REC_NAME_MAX + 16], path[2 * REC_NAME_MAX + 16];
    snprintf(src_path, sizeof src_path, "/series/%s/%s", r->groups[r->series[source].group].name,
             r->series[source].name); /* not sg: rec_series_new may have moved the groups */
    snprintf(path, sizeof path, "/series/%s/%s", group, name);
    if (rec_h5_attr_str(r->series[id].dataset, "total_of", src_path) < 0)
        return rec_h5_fail(r, "/series/%s/%s: cannot write attribute total_of", group, name);
    htri_t named = H5Aexists(r->series[source].dataset, "total");
    if (named < 0 || (!named && rec_h5_attr_str(r->series[source].dataset, "total", path) < 0))
        return rec_h5_fail(r, "%s: cannot write attribute total", src_path);
    return id;
}

/* The live block of series s holding (row_block, col_block), or NULL. */
static const rec_block *rec_block_find(const rec_series *s, const rec_group *g, int64_t row_block, int col_block)
{
    const rec_block *b = atomic_load_explicit(
        &s->slots[(size_t)(row_block % REC_SERIES_RING_ROWS) * (size_t)g->col_blocks + (size_t)col_block],
        memory_order_acquire);
    for (; b != NULL; b = b->next)
        if (b->row_block == row_block)
            return b;
    return NULL;
}

/* Fills total series s from its total_rows up to row `rows` of its source:
 * one sum per row, in entity order, whichever thread runs it. The source's
 * blocks for those rows must still be linked. */
static void rec_total_fill(recorder *r, rec_series *s, int64_t rows)
{
    const rec_series *src = &r->series[s->total_of];
    const rec_group *sg = &r->groups[src->group];
    const rec_group *g = &r->groups[s->group];
    for (int64_t row = s->total_rows; row < rows; row++) {
        int64_t row_block = row / sg->chunk_rows;
        double sum = 0.0;
        int any = 0;
        for (int cb = 0; cb < sg->col_blocks; cb++) {
            const rec_block *b = rec_block_find(src, sg, row_block, cb);
            if (b == NULL)
                continue;
            int cols = rec_block_cols(sg, cb);
            const double *cells = b->cells + (row - row_block * sg->chunk_rows) * cols;
            for (int c = 0; c < cols; c++)
                if (!isnan(cells[c])) {
                    sum += cells[c];
                    any = 1;
                }
        }
        if (any)
            rec_cell_set(r, s, g, row, 0, sum);
    }
    if (rows > s->total_rows)
        s->total_rows = rows;
}

static int rec_is_total(const rec_series *s) { return s->total_of >= 0 && s->dataset >= 0; }

/* Fills every total series up to its source's rows at end_ns (the close). */
static void rec_totals_fill_closing(recorder *r, sim_time_ns end_ns)
{
    for (int i = 0; i < r->n_series; i++) {
        rec_series *s = &r->series[i];
        if (!rec_is_total(s))
            continue;
        const rec_group *sg = &r->groups[r->series[s->total_of].group];
        rec_total_fill(r, s, rec_rows_before(sg->start_ns, sg->period_ns, end_ns));
    }
}

/* Fills the total series whose index a caller takes from totals_next up to
 * their sources' final rows (issue 18 item 3: 22 % of the serial window
 * end). Any threads at once during a window (each total is one thread's);
 * the window end runs it again for the totals no thread took. */
static void rec_totals_share(recorder *r)
{
    if (!r->totals_due)
        return;
    while (atomic_load_explicit(&r->totals_next, memory_order_relaxed) < r->n_series) {
        int i = atomic_fetch_add_explicit(&r->totals_next, 1, memory_order_relaxed);
        if (i >= r->n_series)
            break;
        rec_series *s = &r->series[i];
        if (rec_is_total(s))
            rec_total_fill(r, s, r->groups[r->series[s->total_of].group].final_rows);
    }
}

int rec_series_window_begin(recorder *r, sim_time_ns window_end_ns)
{
    for (int i = 0; i < r->n_groups; i++) {
        rec_group *g = &r->groups[i];
        g->writable_rows = rec_rows_before(g->start_ns, g->period_ns, window_end_ns);
    }
    return 0;
}

/* Packs pending chunks, each taken by the next index of pending_next, with
 * the chunker of `thread` (made on its first chunk). Any thread, while the
 * list stays put: between the window end that filled it and the next. */
static int rec_pending_pack_next(recorder *r, int thread);

static void rec_pending_pack_share(recorder *r, int thread)
{
    while (rec_pending_pack_next(r, thread))
        ;
}

/* Packs the pending chunk of the next index of pending_next, if any is
 * left: 1, else 0 (none left, not native, or failed). */
static int rec_pending_pack_next(recorder *r, int thread)
{
    if (r->chunkers == NULL || !rec_chunk_native())
        return 0;
    rec_chunker **chunker = &r->chunkers[thread];
    const size_t n = r->n_pending;
    if (atomic_load_explicit(&r->pending_next, memory_order_relaxed) >= n)
        return 0;
    size_t i = atomic_fetch_add_explicit(&r->pending_next, 1, memory_order_relaxed);
    if (i >= n)
        return 0;
    rec_pending_chunk *p = &r->pending[i];
    if (*chunker == NULL && (*chunker = rec_chunker_new()) == NULL) {
        rec_fail(r, "%s: series chunks: out of memory", r->partial_path);
        return 0;
    }
    if (rec_chunk_pack(*chunker, p->block->cells, p->rows, p->cols, p->chunk_rows, p->chunk_cols, p->by_planes,
                       &p->packed, &p->packed_len) < 0) {
        rec_fail(r, "%s: series chunks: out of memory or a zlib failure", r->partial_path);
        return 0;
    }
    free(p->block);
    p->block = NULL;
    atomic_store_explicit(&p->ready, 1, memory_order_release);
    return 1;
}

static int rec_writing_store_series(recorder *r);
static int rec_pending_write_one(recorder *r, const rec_pending_chunk *p);

/* The writer, after the writing lists: stores this window's pending chunks
 * in their order as they are packed, packing the next one itself while the
 * one due is not ready (another thread is packing it), so the chunks
 * finished at a window's end are stored in the window that packs them and
 * the HDF5 store, which one thread does, shares its window with the
 * packing the others do (issue 18 item 3: alone in the window after, it
 * left the other thread idle). */
static void rec_pending_store_share(recorder *r, int thread)
{
    if (r->chunkers == NULL || !rec_chunk_native())
        return; /* not packed here: stored raw at the window end */
    while (r->pending_stored < r->n_pending) {
        rec_pending_chunk *p = &r->pending[r->pending_stored];
        if (!atomic_load_explicit(&p->ready, memory_order_acquire)) {
            if (atomic_load(&r->failed))
                return; /* a packer failed: the window end reports it */
            if (!rec_pending_pack_next(r, thread))
                sim_spin_pause();
            continue;
        }
        if (rec_pending_write_one(r, p) < 0)
            return;
        free(p->packed);
        p->packed = NULL;
        p->stored = 1;
        r->pending_stored++;
    }
}

void recorder_window_work(recorder *r, int thread, int threads)
{
    (void)threads; /* shares are taken one chunk at a time, whoever is free */
    if (thread < 0 || thread >= r->max_threads || atomic_load(&r->failed))
        return;
    /* The first thread here stores the chunks packed in the last window
     * and then this window's as they are packed (HDF5, so one thread); the
     * others pack meanwhile. */
    if ((r->n_writing > 0 || r->n_ev_writing > 0 || r->n_pending > 0) &&
        atomic_load_explicit(&r->writer_taken, memory_order_relaxed) == 0 &&
        atomic_exchange(&r->writer_taken, 1) == 0) {
        rec_h5_quiet_thread();
        if (rec_writing_store_series(r) == 0 && rec_events_store_writing(r) == 0)
            rec_pending_store_share(r, thread);
    }
    rec_totals_share(r);
    if (r->chunkers == NULL || (r->n_pending == 0 && r->n_ev_pending == 0))
        return;
    rec_pending_pack_share(r, thread);
    if (rec_chunk_native())
        rec_events_pack_share(r, &r->chunkers[thread]);
}

/* Queues block b (its first `rows` rows) for packing and writing. 0 or -1. */
static int rec_pending_add(recorder *r, int series, rec_block *b, int col_block, int64_t rows)
{
    const rec_group *g = &r->groups[r->series[series].group];
    if (r->chunkers == NULL && (r->chunkers = calloc((size_t)r->max_threads, sizeof *r->chunkers)) == NULL)
        return -1;
    if (r->n_pending == r->cap_pending) {
        size_t cap = r->cap_pending > 0 ? r->cap_pending * 2 : 64;
        rec_pending_chunk *grown = realloc(r->pending, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        r->pending = grown;
        r->cap_pending = cap;
    }
    r->pending[r->n_pending++] = (rec_pending_chunk){
        .series = series,
        .col_block = col_block,
        .first_row = b->row_block * g->chunk_rows,
        .rows = rows,
        .cols = rec_block_cols(g, col_block),
        .chunk_rows = g->chunk_rows,
        .chunk_cols = g->chunk_cols,
        .by_planes = g->n_entities >= REC_SERIES_PLANES_ENTITIES,
        .block = b,
    };
    return 0;
}

static int rec_pending_write_one(recorder *r, const rec_pending_chunk *p)
{
    rec_series *s = &r->series[p->series];
    const rec_group *g = &r->groups[s->group];
    int col = p->col_block * p->chunk_cols;
    /* the dataset reaches extent_rows already: one extent call per row
     * block of a series, not one per chunk */
    int rc = p->first_row + p->rows <= s->extent_rows ? 0 : rec_h5_grow_rows(s->dataset, p->first_row + p->rows);
    if (rc == 0)
        rc = p->packed != NULL ? rec_chunk_store(s->dataset, p->first_row, col, p->packed, p->packed_len)
                               : rec_h5_write_rows(s->dataset, H5T_NATIVE_DOUBLE, p->first_row, p->rows, col,
                                                   p->cols, p->block->cells); /* a big-endian host */
    if (rc < 0)
        return rec_h5_fail(r, "/series/%s/%s: cannot write rows %lld..%lld", g->name, s->name,
                           (long long)p->first_row, (long long)(p->first_row + p->rows - 1));
    if (p->first_row + p->rows > s->extent_rows)
        s->extent_rows = p->first_row + p->rows;
    return 0;
}

/* Stores the chunks of r->writing in order. One thread at a time: the
 * writer during a window, or the window end. 0 or -1 (failed). */
static int rec_writing_store_series(recorder *r)
{
    for (size_t k = 0; k < r->n_writing; k++) {
        rec_pending_chunk *p = &r->writing[k];
        if (p->stored)
            continue; /* by the writer of the window that packed it */
        if (rec_pending_write_one(r, p) < 0)
            return -1;
        free(p->packed); /* here, not in the serial clear */
        p->packed = NULL;
    }
    return 0;
}

static void rec_writing_clear_series(recorder *r)
{
    for (size_t k = 0; k < r->n_writing; k++) {
        free(r->writing[k].packed);
        free(r->writing[k].block);
    }
    r->n_writing = 0;
}

int rec_writing_finish(recorder *r)
{
    if (atomic_load(&r->writer_taken) == 0 && !atomic_load(&r->failed) && rec_writing_store_series(r) == 0)
        rec_events_store_writing(r);
    rec_h5_tidy(r, r->n_writing + r->n_ev_writing);
    rec_writing_clear_series(r);
    rec_events_writing_clear(r);
    atomic_store(&r->writer_taken, 0);
    return atomic_load(&r->failed) ? -1 : 0;
}

/* Serial, after rec_writing_finish: packs what no thread has packed and
 * moves the pending chunks to the (empty) writing list. */
static void rec_pending_hand_over(recorder *r)
{
    if (r->n_pending > 0 && !atomic_load(&r->failed))
        rec_pending_pack_share(r, 0);
    rec_pending_chunk *list = r->writing;
    size_t cap = r->cap_writing;
    r->writing = r->pending;
    r->cap_writing = r->cap_pending;
    r->n_writing = r->n_pending;
    r->pending = list;
    r->cap_pending = cap;
    r->n_pending = 0;
    r->pending_stored = 0;
    atomic_store(&r->pending_next, 0);
}

/* Writes the writing list and then the pending chunks now, in that order
 * (the close). Serial. */
static int rec_pending_write(recorder *r)
{
    if (rec_writing_finish(r) < 0)
        return -1;
    rec_pending_hand_over(r);
    return rec_writing_finish(r);
}

typedef struct {
    rec_block *block;
    int col_block;
} rec_done_block;

static int rec_done_block_cmp(const void *pa, const void *pb)
{
    const rec_done_block *a = pa, *b = pb;
    if (a->block->row_block != b->block->row_block)
        return a->block->row_block < b->block->row_block ? -1 : 1;
    return (a->col_block > b->col_block) - (a->col_block < b->col_block);
}

/* Queues (rec_pending_add) the blocks that end at or before final_rows;
 * with `limit_rows` >= 0 (closing) every block, clipped to limit_rows.
 * Blocks are unlinked first, then queued in (row, column) order so that the
 * file's layout, not only its contents, is the same for any thread count. */
static int rec_series_flush(recorder *r, rec_series *s, int64_t final_rows, int64_t limit_rows)
{
    const rec_group *g = &r->groups[s->group];
    size_t n_slots = (size_t)REC_SERIES_RING_ROWS * (size_t)g->col_blocks;
    int closing = limit_rows >= 0;
    rec_done_block *done = NULL;
    size_t n_done = 0, cap_done = 0;
    int rc = 0;
    for (size_t i = 0; i < n_slots; i++) {
        rec_block *b = atomic_load_explicit(&s->slots[i], memory_order_relaxed);
        rec_block *kept = NULL;
        rec_block **kept_tail = &kept;
        while (b != NULL) {
            rec_block *next = b->next;
            int64_t end_row = (b->row_block + 1) * g->chunk_rows;
            if (!closing && end_row > final_rows) {
                *kept_tail = b;
                kept_tail = &b->next;
            } else {
                if (n_done == cap_done) {
                    size_t cap = cap_done > 0 ? cap_done * 2 : 16;
                    rec_done_block *grown = realloc(done, cap * sizeof *grown);
                    if (grown == NULL) {
                        /* keep the rest linked so rec_series_free releases it */
                        *kept_tail = b;
                        kept_tail = NULL;
                        rc = -1;
                        break;
                    }
                    done = grown;
                    cap_done = cap;
                }
                done[n_done].block = b;
                done[n_done].col_block = (int)(i % (size_t)g->col_blocks);
                n_done++;
            }
            b = next;
        }
        if (kept_tail != NULL)
            *kept_tail = NULL;
        atomic_store_explicit(&s->slots[i], kept, memory_order_relaxed);
        if (rc < 0)
            break;
    }
    if (rc < 0)
        rec_fail(r, "%s: /series/%s/%s: out of memory", r->partial_path, g->name, s->name);
    if (n_done > 1)
        qsort(done, n_done, sizeof *done, rec_done_block_cmp);
    for (size_t k = 0; k < n_done; k++) {
        rec_block *b = done[k].block;
        int64_t first_row = b->row_block * g->chunk_rows;
        int64_t rows = g->chunk_rows;
        if (closing && first_row + rows > limit_rows)
            rows = limit_rows - first_row;
        if (rc == 0 && rows > 0 && rec_pending_add(r, (int)(s - r->series), b, done[k].col_block, rows) == 0)
            continue;
        if (rc == 0 && rows > 0) {
            rec_fail(r, "%s: /series/%s/%s: out of memory", r->partial_path, g->name, s->name);
            rc = -1;
        }
        free(b);
    }
    free(done);
    return rc;
}

/* Appends time-axis values for rows [time_rows_written, rows), in pieces. */
static int rec_time_axis_write(recorder *r, rec_group *g, int64_t rows)
{
    int64_t values[REC_TIME_CHUNK_ROWS];
    while (g->time_rows_written < rows) {
        int64_t n = rows - g->time_rows_written;
        if (n > REC_TIME_CHUNK_ROWS)
            n = REC_TIME_CHUNK_ROWS;
        for (int64_t k = 0; k < n; k++)
            values[k] = g->start_ns + (g->time_rows_written + k) * g->period_ns;
        if (rec_h5_write_rows(g->time_dataset, H5T_NATIVE_INT64, g->time_rows_written, n, 0, 0,
                              values) < 0)
            return rec_h5_fail(r, "/series/%s/time_ns: cannot write rows", g->name);
        g->time_rows_written += n;
    }
    return 0;
}

/* The rows of series s whose chunks may be unlinked: final, and summed
 * into every total of s (a total: filled). */
static int64_t rec_flushable_rows(const rec_series *s, const rec_group *g)
{
    int64_t rows = g->final_rows;
    if (s->summed_rows < rows)
        rows = s->summed_rows;
    if (s->total_of >= 0 && s->total_rows < rows)
        rows = s->total_rows;
    return rows;
}

int rec_series_window_end(recorder *r, sim_time_ns window_end_ns)
{
    r->series_epoch++; /* blocks are unlinked below and freed in the next window */
    /* the totals of the rows that became final at the last window end:
     * those no thread filled during this window */
    rec_totals_share(r);
    for (int i = 0; i < r->n_groups; i++) {
        rec_group *g = &r->groups[i];
        g->final_rows = rec_rows_before(g->start_ns, g->period_ns, window_end_ns);
        if (g->writable_rows < g->final_rows)
            g->writable_rows = g->final_rows;
    }
    r->totals_due = 0;
    for (int i = 0; i < r->n_series; i++)
        r->series[i].summed_rows = INT64_MAX;
    for (int i = 0; i < r->n_series; i++) {
        const rec_series *s = &r->series[i];
        if (!rec_is_total(s))
            continue;
        rec_series *src = &r->series[s->total_of];
        if (s->total_rows < src->summed_rows)
            src->summed_rows = s->total_rows;
        if (s->total_rows < r->groups[src->group].final_rows)
            r->totals_due = 1; /* filled during the next window */
    }
    atomic_store(&r->totals_next, 0);
    /* The chunks finished at the last window end, packed during this
     * window by the engine's threads (recorder_window_work), are stored
     * during the next one (recorder_window_end stored the last ones). */
    rec_pending_hand_over(r);
    for (int i = 0; i < r->n_series; i++) {
        rec_series *s = &r->series[i];
        const rec_group *g = &r->groups[s->group];
        int64_t rows = rec_flushable_rows(s, g);
        int64_t complete = rows / g->chunk_rows;
        if (s->dataset < 0 || complete <= s->flushed_row_blocks)
            continue; /* issue 18: walking every chain at every window end was 1 % of a run */
        if (rec_series_flush(r, s, rows, -1) < 0)
            return -1;
        s->flushed_row_blocks = complete;
    }
    /* The time axis follows the data written so far (whole chunks of it),
     * not the window end: a window ending far ahead (or at SIM_TIME_NEVER)
     * costs nothing until recorder_close fixes the run's real length. */
    for (int i = 0; i < r->n_groups; i++) {
        rec_group *g = &r->groups[i];
        int64_t rows = 0;
        for (int k = 0; k < r->n_series; k++)
            if (r->series[k].group == i && r->series[k].extent_rows > rows)
                rows = r->series[k].extent_rows;
        if (rows > g->final_rows)
            rows = g->final_rows;
        if (rec_time_axis_write(r, g, rows / REC_TIME_CHUNK_ROWS * REC_TIME_CHUNK_ROWS) < 0)
            return -1;
    }
    return 0;
}

/* The rows series i has at the end of the run (end_ns), or -1 when it has
 * no dataset. */
static int64_t series_rows_at(const recorder *r, int i, sim_time_ns end_ns)
{
    const rec_series *s = &r->series[i];
    if (s->dataset < 0)
        return -1;
    const rec_group *g = &r->groups[s->group];
    return rec_rows_before(g->start_ns, g->period_ns, end_ns);
}

int rec_series_close(recorder *r, sim_time_ns end_ns)
{
    r->series_epoch++; /* every block goes below */
    rec_totals_share(r); /* the totals no thread filled in the last window */
    rec_totals_fill_closing(r, end_ns);
    for (int i = 0; i < r->n_groups; i++) {
        rec_group *g = &r->groups[i];
        if (g->time_dataset < 0)
            continue;
        int64_t rows = rec_rows_before(g->start_ns, g->period_ns, end_ns);
        if (rows < g->time_rows_written && rec_h5_set_rows(g->time_dataset, rows) < 0)
            return rec_h5_fail(r, "/series/%s/time_ns: cannot shrink to %lld rows", g->name,
                               (long long)rows);
        if (rows < g->time_rows_written)
            g->time_rows_written = rows;
        if (rec_time_axis_write(r, g, rows) < 0)
            return -1;
    }
    if (rec_pending_write(r) < 0)
        return -1;
    for (int i = 0; i < r->n_series; i++) {
        int64_t rows = series_rows_at(r, i, end_ns);
        if (rows >= 0 && rec_series_flush(r, &r->series[i], rows, rows) < 0)
            return -1;
    }
    if (rec_pending_write(r) < 0)
        return -1;
    for (int i = 0; i < r->n_series; i++) {
        int64_t rows = series_rows_at(r, i, end_ns);
        if (rows >= 0 && rec_h5_set_rows(r->series[i].dataset, rows) < 0)
            return rec_h5_fail(r, "/series/%s/%s: cannot set %lld rows", r->groups[r->series[i].group].name,
                               r->series[i].name, (long long)rows);
    }
    return 0;
}

void rec_series_free(recorder *r)
{
    free(r->put_caches);
    r->put_caches = NULL;
    rec_writing_clear_series(r);
    free(r->writing);
    r->writing = NULL;
    r->cap_writing = 0;
    for (size_t k = 0; k < r->n_pending; k++) {
        free(r->pending[k].packed);
        free(r->pending[k].block);
    }
    free(r->pending);
    r->pending = NULL;
    r->n_pending = r->cap_pending = 0;
    for (int t = 0; r->chunkers != NULL && t < r->max_threads; t++)
        rec_chunker_free(r->chunkers[t]);
    free(r->chunkers);
    r->chunkers = NULL;
    for (int i = 0; i < r->n_series; i++) {
        rec_series *s = &r->series[i];
        if (s->slots != NULL) {
            size_t n_slots = (size_t)REC_SERIES_RING_ROWS * (size_t)r->groups[s->group].col_blocks;
            for (size_t k = 0; k < n_slots; k++) {
                rec_block *b = atomic_load_explicit(&s->slots[k], memory_order_relaxed);
                while (b != NULL) {
                    rec_block *next = b->next;
                    free(b);
                    b = next;
                }
            }
        }
        free(s->slots);
        free(s->name);
    }
    free(r->series);
    r->series = NULL;
    r->n_series = 0;
    for (int i = 0; i < r->n_groups; i++)
        free(r->groups[i].name);
    free(r->groups);
    r->groups = NULL;
    r->n_groups = 0;
}
