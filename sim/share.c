/* share.c - shared records over MPI ranks: marks, exchange, check mode (see
 * share.h). */
#include "sim/share.h"

#include <omp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/mpi_link.h"

typedef struct {
    size_t first, count;
    uint32_t lp;
} share_reader;

struct sim_share_region {
    char *name;
    unsigned char *base;
    size_t elem_bytes, count, bytes;
    /* A bit per record written here this window, in planes of
     * words_of(count) words: plane t < threads is engine thread t's (only it
     * writes there, without a locked instruction: a lock drains the store
     * buffer, and the marks follow a host's stores to the records it
     * writes), plane `threads` any other thread's (atomic OR) and, after
     * fold_marks, all of them. */
    _Atomic uint64_t *marks;
    int threads;
    uint64_t *got;          /* a bit per record taken from another rank this window */
    unsigned char *shadow;  /* check mode: the region as at the last window end */
    share_reader *readers;  /* sim_shares_reader's ranges */
    int n_readers;
    /* Per rank d (planes of words_of(count) words; this rank's plane
     * empty): a bit per record that goes to d when marked: every record
     * without a declared reader, and those a reader on d reads. */
    uint64_t *dest;
    int ranks;
    size_t local_off, local_len; /* sim_shares_local_bytes: in no comparison */
};

enum { SHARE_ROUND_BYTES = 1 << 20 };

/* What a rank sends another in a round: this head, then runs of records
 * (share_head). Its length comes with it (sim_mpi_exchange's recv_lens). */
typedef struct {
    uint64_t left; /* the sender's records still to go, to any rank, after this round */
} share_block;

/* A run of records marked one after the other in a region: this head,
 * then the `count` records whole. A host's VMs and a cluster's staged
 * stats sit in runs, so a head per run instead of per record (16 bytes
 * before each 32-byte VM record) and one copy per run. */
typedef struct {
    uint32_t region;
    uint32_t count;
    uint64_t first;
} share_head;

/* The regions sim_share_touch marks into: set only between sim_shares_begin
 * and sim_shares_end of a distributed run (one per process: MPI runs one
 * engine at a time), outside any parallel region, so the threads that mark
 * read it after the fork that started them. */
static sim_shares *marking;

static size_t words_of(size_t count) { return count / 64 + 1; }

/* Sets `bits` in word w of the marks of the calling thread's plane. */
static void mark_word(sim_share_region *g, size_t w, uint64_t bits)
{
    const int threads = g->threads, t = omp_get_thread_num();
    const size_t words = words_of(g->count);
    if (omp_get_level() <= 1 && t >= 0 && t < threads) {
        _Atomic uint64_t *m = &g->marks[(size_t)t * words + w];
        atomic_store_explicit(m, atomic_load_explicit(m, memory_order_relaxed) | bits, memory_order_relaxed);
    } else {
        atomic_fetch_or_explicit(&g->marks[(size_t)threads * words + w], bits, memory_order_relaxed);
    }
}

static void mark(sim_share_region *g, size_t i)
{
    mark_word(g, i / 64, (uint64_t)1 << (i % 64));
}

/* Word w of all marks (after fold_marks). */
static uint64_t all_marks(const sim_share_region *g, size_t w)
{
    return atomic_load_explicit(&g->marks[(size_t)g->threads * words_of(g->count) + w], memory_order_relaxed);
}

static int marked(const sim_share_region *g, size_t i)
{
    return (all_marks(g, i / 64) >> (i % 64)) & 1;
}

/* Word w of g's marks that go to rank d (after fold_marks). */
static uint64_t marks_to(const sim_share_region *g, int d, size_t w)
{
    return all_marks(g, w) & g->dest[(size_t)d * words_of(g->count) + w];
}

static int goes_to(const sim_share_region *g, int d, size_t i)
{
    return (marks_to(g, d, i / 64) >> (i % 64)) & 1;
}

static sim_share_region *region_of(const void *p, size_t *index)
{
    const uintptr_t at = (uintptr_t)p;
    for (int k = 0; k < marking->n; k++) {
        sim_share_region *g = &marking->regions[k];
        const uintptr_t off = at - (uintptr_t)g->base;
        if (off < g->bytes) {
            *index = off / g->elem_bytes;
            return g;
        }
    }
    return NULL;
}

void sim_share_touch(const void *record)
{
    if (!marking)
        return;
    size_t i;
    sim_share_region *g = region_of(record, &i);
    if (g)
        mark(g, i);
}

void sim_share_touch_list(const void *base, size_t elem_bytes, const uint32_t *index, size_t n)
{
    if (!marking || n == 0)
        return;
    size_t first;
    sim_share_region *g = region_of(base, &first);
    if (!g)
        return; /* not a shared array (a local scratch): nothing to send */
    if (g->elem_bytes != elem_bytes) {
        /* a wrong stride would leave the records unmarked: a silent wrong result */
        fprintf(stderr, "vdcsim: sim_share_touch_list: %zu-byte records given for shared region '%s' of %zu-byte records\n",
                elem_bytes, g->name, g->elem_bytes);
        abort();
    }
    /* one update per run of records in one word of marks (a host's VMs
     * and its staged stats lie in runs), not one per record */
    size_t word = SIZE_MAX;
    uint64_t bits = 0;
    for (size_t j = 0; j < n; j++) {
        const size_t i = first + index[j];
        if (i >= g->count)
            continue;
        if (i / 64 != word) {
            if (bits)
                mark_word(g, word, bits);
            word = i / 64;
            bits = 0;
        }
        bits |= (uint64_t)1 << (i % 64);
    }
    if (bits)
        mark_word(g, word, bits);
}

int sim_shares_add(sim_shares *s, const char *name, void *base, size_t elem_bytes, size_t count)
{
    if (!base || elem_bytes == 0 || count > SIZE_MAX / elem_bytes)
        return -1;
    sim_share_region *grown = realloc(s->regions, (size_t)(s->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    s->regions = grown;
    char *copy = malloc(strlen(name ? name : "?") + 1);
    if (!copy)
        return -1;
    strcpy(copy, name ? name : "?");
    s->regions[s->n++] = (sim_share_region){
        .name = copy, .base = base, .elem_bytes = elem_bytes, .count = count, .bytes = elem_bytes * count};
    return 0;
}

/* The region declared at `base`, or NULL. */
static sim_share_region *region_at(sim_shares *s, const void *base)
{
    for (int k = 0; k < s->n; k++)
        if (s->regions[k].base == base)
            return &s->regions[k];
    return NULL;
}

int sim_shares_reader(sim_shares *s, const void *base, size_t first, size_t count, uint32_t reader_lp)
{
    sim_share_region *g = region_at(s, base);
    if (!g || first > g->count || count > g->count - first)
        return -1;
    share_reader *grown = realloc(g->readers, (size_t)(g->n_readers + 1) * sizeof *grown);
    if (!grown)
        return -1;
    g->readers = grown;
    g->readers[g->n_readers++] = (share_reader){.first = first, .count = count, .lp = reader_lp};
    return 0;
}

int sim_shares_local_bytes(sim_shares *s, const void *base, size_t offset, size_t len)
{
    sim_share_region *g = region_at(s, base);
    if (!g || offset > g->elem_bytes || len > g->elem_bytes - offset || g->local_len > 0)
        return -1; /* one range of local bytes per region */
    g->local_off = offset;
    g->local_len = len;
    return 0;
}

/* 1 when records a and b of g hold the same bytes outside its local bytes. */
static int same_record(const sim_share_region *g, const unsigned char *a, const unsigned char *b)
{
    const size_t after = g->local_off + g->local_len;
    return memcmp(a, b, g->local_off) == 0 && memcmp(a + after, b + after, g->elem_bytes - after) == 0;
}

/* Sets bits [first, first + count) of a bitmask. */
static void set_bits(uint64_t *bits, size_t first, size_t count)
{
    for (size_t i = first; i < first + count; i++)
        bits[i / 64] |= (uint64_t)1 << (i % 64);
}

/* g's destinations on `rank` (g->dest): a record of a reader's range goes
 * to that reader's rank (if not this one), any other record to every other
 * rank. `any` (words_of(count) words, zeroed) is scratch. 0, or -1 when a
 * reader is no LP of a rank (err set). */
static int set_dest(sim_share_region *g, int rank, sim_lp_rank_fn rank_of, const void *ctx, uint64_t *any, char *err,
                    size_t err_len)
{
    const size_t words = words_of(g->count);
    for (int j = 0; j < g->n_readers; j++) {
        const share_reader *r = &g->readers[j];
        const int d = rank_of(ctx, r->lp);
        if (d < 0 || d >= g->ranks) {
            snprintf(err, err_len, "shared region '%s': the reader of records %zu-%zu, LP %u, does not exist", g->name,
                     r->first, r->first + r->count, r->lp);
            return -1;
        }
        set_bits(any, r->first, r->count);
        if (d != rank)
            set_bits(&g->dest[(size_t)d * words], r->first, r->count);
    }
    for (int d = 0; d < g->ranks; d++)
        for (size_t w = 0; d != rank && w < words; w++)
            g->dest[(size_t)d * words + w] |= ~any[w];
    return 0;
}

/* Moves every thread's marks into plane `threads` (serial, between
 * windows), so that a record's mark is one bit. */
static void fold_marks(sim_share_region *g)
{
    const size_t words = words_of(g->count);
    _Atomic uint64_t *all = &g->marks[(size_t)g->threads * words];
    for (int t = 0; t < g->threads; t++) {
        _Atomic uint64_t *plane = &g->marks[(size_t)t * words];
        for (size_t w = 0; w < words; w++) {
            const uint64_t bits = atomic_load_explicit(&plane[w], memory_order_relaxed);
            if (bits) {
                atomic_store_explicit(&all[w], atomic_load_explicit(&all[w], memory_order_relaxed) | bits,
                                      memory_order_relaxed);
                atomic_store_explicit(&plane[w], 0, memory_order_relaxed);
            }
        }
    }
}

int sim_shares_begin(sim_shares *s, size_t round_bytes, int check, int threads, int rank, int ranks,
                     sim_lp_rank_fn rank_of, const void *rank_ctx, char *err, size_t err_len)
{
    if (threads < 1)
        threads = 1;
    if (ranks < 1 || rank < 0 || rank >= ranks) {
        snprintf(err, err_len, "shared records: rank %d of %d ranks", rank, ranks);
        return -1;
    }
    free(s->send_bytes);
    free(s->recv_lens);
    free(s->cursor_record);
    free(s->cursor_region);
    s->send_bytes = calloc((size_t)ranks, sizeof *s->send_bytes);
    s->recv_lens = calloc((size_t)ranks, sizeof *s->recv_lens);
    s->cursor_record = calloc((size_t)ranks, sizeof *s->cursor_record);
    s->cursor_region = calloc((size_t)ranks, sizeof *s->cursor_region);
    if (!s->send_bytes || !s->recv_lens || !s->cursor_record || !s->cursor_region) {
        snprintf(err, err_len, "out of memory preparing shared records");
        return -1;
    }
    s->ranks = ranks;
    const char *env = getenv("VDCSIM_SHARE_CHECK");
    s->check = check || (env && env[0] && strcmp(env, "0") != 0);
    if (round_bytes == 0)
        round_bytes = SHARE_ROUND_BYTES;
    for (int k = 0; k < s->n; k++) {
        sim_share_region *g = &s->regions[k];
        free(g->marks);
        free(g->got);
        free(g->shadow);
        free(g->dest);
        g->threads = threads;
        g->ranks = ranks;
        g->marks = calloc(words_of(g->count) * (size_t)(threads + 1), sizeof *g->marks);
        g->got = calloc(words_of(g->count), sizeof *g->got);
        g->dest = calloc(words_of(g->count) * (size_t)ranks, sizeof *g->dest);
        g->shadow = s->check ? malloc(g->bytes + 1) : NULL;
        /* a block for each other rank, each of at most round_bytes, and
         * room for at least one record */
        size_t block = sizeof(share_block) + sizeof(share_head) + g->elem_bytes;
        if (block < round_bytes)
            block = round_bytes;
        if (block > s->block_cap) {
            free(s->buf);
            s->block_cap = block;
            s->buf = (size_t)ranks <= SIZE_MAX / block ? malloc(block * (size_t)ranks) : NULL;
        }
        uint64_t *any = calloc(words_of(g->count), sizeof *any);
        if (!g->marks || !g->got || !g->dest || !any || (s->check && !g->shadow) || !s->buf) {
            free(any);
            snprintf(err, err_len, "out of memory preparing shared records");
            return -1;
        }
        if (s->check)
            memcpy(g->shadow, g->base, g->bytes);
        const int bad = set_dest(g, rank, rank_of, rank_ctx, any, err, err_len);
        free(any);
        if (bad)
            return -1;
    }
    s->sent_bytes = 0;
    marking = s;
    return 0;
}

void sim_shares_end(sim_shares *s)
{
    if (marking == s)
        marking = NULL;
}

void sim_shares_free(sim_shares *s)
{
    sim_shares_end(s);
    for (int k = 0; k < s->n; k++) {
        free(s->regions[k].name);
        free(s->regions[k].marks);
        free(s->regions[k].got);
        free(s->regions[k].shadow);
        free(s->regions[k].dest);
        free(s->regions[k].readers);
    }
    free(s->regions);
    free(s->buf);
    free(s->send_bytes);
    free(s->recv_lens);
    free(s->cursor_record);
    free(s->cursor_region);
    sim_mpi_buf_free(&s->recv);
    *s = (sim_shares){0};
}

/* Check mode: every record that differs from the shadow (outside its local
 * bytes) must be marked. */
static void check_marks(const sim_shares *s, int rank)
{
    for (int k = 0; k < s->n; k++) {
        const sim_share_region *g = &s->regions[k];
        for (size_t i = 0; i < g->count; i++) {
            const size_t at = i * g->elem_bytes;
            if (!marked(g, i) && !same_record(g, g->base + at, g->shadow + at)) {
                fprintf(stderr,
                        "vdcsim: rank %d: record %zu of shared region '%s' changed in this window without "
                        "sim_share_touch (VDCSIM_SHARE_CHECK)\n",
                        rank, i, g->name);
                abort();
            }
        }
    }
}

/* Takes the run of `h` (records theirs[0 .. h.count) from rank r) into
 * region g: a record this rank also wrote, or already took from another
 * rank, in this window must be the same bytes. 0, or -1 (err set). */
static int take_run(sim_share_region *g, const share_head *h, const unsigned char *theirs, int r, char *err,
                    size_t err_len)
{
    int rc = 0;
    unsigned char *now = g->base + (size_t)h->first * g->elem_bytes;
    for (size_t j = 0; j < h->count; j++) {
        const size_t i = (size_t)h->first + j;
        const uint64_t bit = (uint64_t)1 << (i % 64);
        const int seen = marked(g, i) || (g->got[i / 64] & bit);
        if (seen && rc == 0 && !same_record(g, now + j * g->elem_bytes, theirs + j * g->elem_bytes)) {
            if (!err[0])
                snprintf(err, err_len, "record %zu of shared region '%s' was written on two ranks in one window (rank %d)",
                         i, g->name, r);
            rc = -1;
        }
        g->got[i / 64] |= bit;
    }
    memcpy(now, theirs, (size_t)h->count * g->elem_bytes);
    return rc;
}

/* Takes the records of one round's blocks, lens[r] bytes from rank r in
 * rank order (share_block; *more set when a sender has records left: every
 * rank reads every other's count, so all agree). 0 or -1. */
static int take_blocks(sim_shares *s, int rank, int ranks, const unsigned char *all, const size_t *lens, int *more,
                       char *err, size_t err_len)
{
    int rc = 0;
    size_t off = 0;
    for (int r = 0; r < ranks; r++) {
        const size_t end = off + lens[r];
        share_block b = {0};
        if (lens[r] >= sizeof b)
            memcpy(&b, all + off, sizeof b);
        *more |= b.left != 0;
        off += lens[r] >= sizeof b ? sizeof b : lens[r];
        while (r != rank && off + sizeof(share_head) <= end) {
            share_head h;
            memcpy(&h, all + off, sizeof h);
            sim_share_region *g = h.region < (uint32_t)s->n ? &s->regions[h.region] : NULL;
            /* sizes checked before they are multiplied: a malformed block is an error, not a wild copy */
            if (!g || h.count == 0 || h.first >= g->count || h.count > g->count - h.first ||
                h.count > (end - off - sizeof h) / g->elem_bytes) {
                if (!err[0])
                    snprintf(err, err_len, "received a malformed shared record from rank %d", r);
                rc = -1;
                break;
            }
            if (take_run(g, &h, all + off + sizeof h, r, err, err_len) != 0)
                rc = -1;
            off += sizeof h + (size_t)h.count * g->elem_bytes;
        }
        off = end;
    }
    return rc;
}

/* Packs into `out` (s->block_cap bytes) the block for rank d: room for
 * its head (share_block, written by the caller), then this rank's marked
 * records that go to d from the cursor (*k, *i) on, a run of consecutive
 * ones at a time (share_head); *left less what it packed. Returns the
 * block's length. */
static size_t pack_block(sim_shares *s, int d, unsigned char *out, int *k, size_t *i, uint64_t *left)
{
    size_t len = sizeof(share_block);
    for (; *k < s->n; (*k)++, *i = 0) {
        sim_share_region *g = &s->regions[*k];
        while (*i < g->count) {
            const uint64_t w = marks_to(g, d, *i / 64) >> (*i % 64);
            if (w == 0) {
                *i = (*i / 64 + 1) * 64;
                continue;
            }
            *i += (size_t)__builtin_ctzll(w);
            if (len + sizeof(share_head) + g->elem_bytes > s->block_cap)
                return len; /* the block is full */
            /* the run from *i: as long as the marks go on and the block has room */
            const size_t room = (s->block_cap - len - sizeof(share_head)) / g->elem_bytes;
            size_t n = 1;
            while (n < room && *i + n < g->count && n < UINT32_MAX && goes_to(g, d, *i + n))
                n++;
            share_head h = {.region = (uint32_t)*k, .count = (uint32_t)n, .first = *i};
            memcpy(out + len, &h, sizeof h);
            memcpy(out + len + sizeof h, g->base + *i * g->elem_bytes, n * g->elem_bytes);
            len += sizeof h + n * g->elem_bytes;
            *left -= n;
            *i += n;
        }
    }
    return len;
}

int sim_shares_sync(sim_shares *s, int rank, int ranks, char *err, size_t err_len)
{
    err[0] = '\0';
    if (ranks != s->ranks || !s->send_bytes) {
        snprintf(err, err_len, "shared records: %d ranks, prepared for %d", ranks, s->ranks);
        return -1; /* a caller's bug, alike on every rank */
    }
    for (int k = 0; k < s->n; k++)
        fold_marks(&s->regions[k]);
    if (s->check)
        check_marks(s, rank);
    uint64_t left = 0; /* records still to go, summed over the ranks they go to */
    for (int k = 0; k < s->n; k++) {
        const sim_share_region *g = &s->regions[k];
        for (int d = 0; d < ranks; d++)
            for (size_t w = 0; d != rank && w < words_of(g->count); w++)
                left += (uint64_t)__builtin_popcountll(marks_to(g, d, w));
    }
    /* per rank: its block's bytes this round, the cursor of what goes
     * there, and what came from it (sized by sim_shares_begin) */
    size_t *send_bytes = s->send_bytes, *at = s->cursor_record, *lens = s->recv_lens;
    int *region = s->cursor_region;
    memset(at, 0, (size_t)ranks * sizeof *at);
    memset(region, 0, (size_t)ranks * sizeof *region);
    int rc = 0, more = 1;
    while (more) {
        /* the blocks one after the other in rank order, as the exchange sends them */
        size_t len = 0;
        for (int d = 0; d < ranks; d++) {
            send_bytes[d] = d == rank ? 0 : pack_block(s, d, s->buf + len, &region[d], &at[d], &left);
            len += send_bytes[d];
        }
        for (size_t d = 0, off = 0; d < (size_t)ranks; off += send_bytes[d], d++) /* what is left after this round */
            if (send_bytes[d] > 0)
                memcpy(s->buf + off, &left, sizeof left);
        s->sent_bytes += len;
        size_t recv_bytes = 0;
        if (sim_mpi_exchange(send_bytes, s->buf, &s->recv, &recv_bytes, lens) != 0) {
            snprintf(err, err_len, "MPI: exchanging shared records failed");
            return -1;
        }
        more = left != 0; /* this rank's own count, then every other's */
        if (take_blocks(s, rank, ranks, s->recv.p, lens, &more, err, err_len) != 0)
            rc = -1; /* the rounds go on: the other ranks wait for this one */
    }
    for (int k = 0; k < s->n; k++) {
        sim_share_region *g = &s->regions[k];
        _Atomic uint64_t *all = &g->marks[(size_t)g->threads * words_of(g->count)];
        for (size_t w = 0; w < words_of(g->count); w++) {
            atomic_store_explicit(&all[w], 0, memory_order_relaxed);
            g->got[w] = 0;
        }
        if (s->check)
            memcpy(g->shadow, g->base, g->bytes);
    }
    return rc;
}
