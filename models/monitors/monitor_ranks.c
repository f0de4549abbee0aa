/* monitor_ranks.c - the hosts' monitors gathered to rank 0 (see monitor_ranks.h). */
#include "models/monitors/monitor_ranks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/monitors/monitor_joined.h"
#include "sim/mpi_link.h"

/* One host's results for one property, as sent:
 *   u32 host, i32 k, i32 done, i64 violations, i64 pending, u64 rows,
 *   then per row: i64 time_ns, i64 obligation_ns, u32 bytes, the witness
 *   (without its NUL). */
typedef struct entry_head {
    uint32_t host;
    int32_t k, done;
    int64_t violations, pending;
    uint64_t rows;
} entry_head;

struct monitor_remote {
    unsigned char *all; /* the blocks of every rank, as received */
    size_t all_len;
    int n_props;
    uint32_t n_hosts;
    const unsigned char **at; /* per (k, host): its entry in `all`, NULL: not received */
};

typedef struct byte_buf {
    unsigned char *p;
    size_t n, cap;
} byte_buf;

static int put(byte_buf *b, const void *src, size_t len)
{
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len)
            cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (!grown)
            return -1;
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, len);
    b->n += len;
    return 0;
}

/* Host i's results for every property of the set, closed against the end. */
static int pack_host(byte_buf *b, const pm_set *s, pm_entity *e, uint32_t host_index, monitor_host_note note,
                     void *note_arg, char *err, size_t err_len)
{
    if (pm_finish(e, s, err, err_len) != 0)
        return -1;
    for (int k = 0; k < s->n_props; k++) {
        const pm_prop *pp = &e->prop[k];
        entry_head h;
        memset(&h, 0, sizeof h); /* no uninitialised padding travels */
        h.host = host_index;
        h.k = k;
        h.done = pp->done;
        h.violations = pp->violations;
        h.pending = pp->pending;
        h.rows = pp->n_v;
        if (put(b, &h, sizeof h) != 0)
            return -1;
        for (size_t j = 0; j < pp->n_v; j++) {
            char witness[256]; /* as monitor_write_violation_rows writes it */
            snprintf(witness, sizeof witness, "%s", pm_witness(pp, j));
            if (note)
                note(note_arg, host_index, k, &pp->v[j], witness, sizeof witness);
            uint32_t len = (uint32_t)strlen(witness);
            if (put(b, &pp->v[j].time_ns, sizeof(int64_t)) != 0 ||
                put(b, &pp->v[j].obligation_ns, sizeof(int64_t)) != 0 || put(b, &len, sizeof len) != 0 ||
                put(b, witness, len) != 0)
                return -1;
        }
    }
    return 0;
}

/* Skips one entry's rows; NULL when the block ends inside it. */
static const unsigned char *skip_rows(const unsigned char *p, const unsigned char *end, uint64_t rows)
{
    for (uint64_t j = 0; j < rows; j++) {
        uint32_t len;
        if ((size_t)(end - p) < 2 * sizeof(int64_t) + sizeof len)
            return NULL;
        memcpy(&len, p + 2 * sizeof(int64_t), sizeof len);
        p += 2 * sizeof(int64_t) + sizeof len;
        if ((size_t)(end - p) < len)
            return NULL;
        p += len;
    }
    return p;
}

static int index_entries(monitor_remote *r, char *err, size_t err_len)
{
    size_t cells = (size_t)r->n_props * (size_t)r->n_hosts;
    r->at = calloc(cells ? cells : 1, sizeof *r->at);
    if (!r->at) {
        snprintf(err, err_len, "out of memory gathering the monitors");
        return -1;
    }
    const unsigned char *p = r->all, *end = r->all + r->all_len;
    while (p < end) {
        entry_head h;
        if ((size_t)(end - p) < sizeof h)
            break;
        memcpy(&h, p, sizeof h);
        const unsigned char *next = skip_rows(p + sizeof h, end, h.rows);
        if (!next || h.host >= r->n_hosts || h.k < 0 || h.k >= r->n_props) {
            snprintf(err, err_len, "the monitors' results from another rank are damaged");
            return -1;
        }
        r->at[(size_t)h.k * r->n_hosts + h.host] = p;
        p = next;
    }
    if (p != end)
        snprintf(err, err_len, "the monitors' results from another rank are damaged");
    return p == end ? 0 : -1;
}

int monitor_ranks_gather(const pm_set *s, pm_entity *hosts, uint32_t n_hosts, sim_engine *eng,
                         uint32_t first_host_lp, monitor_host_note note, void *note_arg, monitor_remote **out,
                         char *err, size_t err_len)
{
    *out = NULL;
    int ranks = sim_ranks(eng), rank = sim_rank(eng);
    if (ranks <= 1)
        return 0;
    byte_buf b = {0};
    int rc = 0;
    for (uint32_t i = 0; rank > 0 && rc == 0 && i < n_hosts && s->n_props > 0; i++)
        if (sim_lp_is_local(eng, first_host_lp + i))
            rc = pack_host(&b, s, &hosts[i], i, note, note_arg, err, err_len);
    if (rc != 0)
        b.n = 0; /* still take part in the gather, so that no rank waits for ever */
    size_t *lens = calloc((size_t)ranks, sizeof *lens);
    sim_mpi_buf got = {0}; /* its bytes become the result's (r->all) */
    int gathered = lens ? sim_mpi_gather(b.p, b.n, &got, lens) : -1;
    unsigned char *all = got.p;
    free(b.p);
    if (rc != 0 || gathered != 0 || !lens) {
        free(lens);
        free(all);
        if (rc == 0)
            snprintf(err, err_len, "cannot gather the monitors' results to rank 0");
        return -1;
    }
    size_t total = 0;
    for (int k = 0; k < ranks; k++)
        total += lens[k];
    free(lens);
    if (rank > 0)
        return 0;
    monitor_remote *r = calloc(1, sizeof *r);
    if (!r) {
        free(all);
        snprintf(err, err_len, "out of memory gathering the monitors");
        return -1;
    }
    r->all = all;
    r->all_len = total;
    r->n_props = s->n_props;
    r->n_hosts = n_hosts;
    if (index_entries(r, err, err_len) != 0) {
        monitor_remote_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

int monitor_remote_counts(const monitor_remote *r, int k, uint32_t host_index, int *done, long *violations,
                          long *pending)
{
    if (!r || k < 0 || k >= r->n_props || host_index >= r->n_hosts || !r->at[(size_t)k * r->n_hosts + host_index])
        return 0;
    entry_head h;
    memcpy(&h, r->at[(size_t)k * r->n_hosts + host_index], sizeof h);
    *done = h.done;
    *violations = (long)h.violations;
    *pending = (long)h.pending;
    return 1;
}

int monitor_remote_write(const monitor_remote *r, int k, uint32_t host_index, recorder *rec, int table,
                         const char *property, const char *entity)
{
    const unsigned char *p = r->at[(size_t)k * r->n_hosts + host_index];
    entry_head h;
    memcpy(&h, p, sizeof h);
    p += sizeof h;
    for (uint64_t j = 0; j < h.rows; j++) {
        int64_t time_ns, obligation_ns;
        uint32_t len;
        char witness[256];
        memcpy(&time_ns, p, sizeof time_ns);
        memcpy(&obligation_ns, p + sizeof time_ns, sizeof obligation_ns);
        memcpy(&len, p + 2 * sizeof(int64_t), sizeof len);
        p += 2 * sizeof(int64_t) + sizeof len;
        size_t n = len < sizeof witness ? len : sizeof witness - 1;
        memcpy(witness, p, n);
        witness[n] = '\0';
        p += len;
        rec_value row[] = {{.i64 = time_ns}, {.str = property}, {.str = entity}, {.str = witness},
                           {.i64 = obligation_ns}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}

void monitor_remote_free(monitor_remote *r)
{
    if (!r)
        return;
    free(r->all);
    free(r->at);
    free(r);
}

int monitor_ranks_gather_vms(monitor_joined *j, sim_engine *eng, char *err, size_t err_len)
{
    int ranks = sim_ranks(eng), rank = sim_rank(eng);
    if (!j || ranks <= 1)
        return 0;
    unsigned char *mine = NULL;
    size_t len = 0;
    int rc = rank > 0 ? monitor_joined_pack(j, &mine, &len) : 0;
    if (rc != 0) {
        snprintf(err, err_len, "out of memory packing the VM monitors");
        len = 0; /* still take part in the gather, so that no rank waits for ever */
    }
    size_t *lens = calloc((size_t)ranks, sizeof *lens);
    sim_mpi_buf got = {0}; /* its bytes are adopted below */
    int gathered = lens ? sim_mpi_gather(mine, len, &got, lens) : -1;
    unsigned char *all = got.p;
    free(mine);
    size_t total = 0;
    for (int k = 0; lens && k < ranks; k++)
        total += lens[k];
    free(lens);
    if (rc != 0 || gathered != 0 || !lens) {
        free(all);
        if (rc == 0)
            snprintf(err, err_len, "cannot gather the VM monitors' pieces to rank 0");
        return -1;
    }
    if (rank > 0)
        return 0;
    return monitor_joined_adopt(j, all, total, err, err_len);
}
