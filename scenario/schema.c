/* schema.c - look-ups over the key table in keys.c, and its self-check. */
#include "scenario/schema.h"
#include "scenario/schema_value.h"
#include "scenario/units.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scenario language's keys in a hash table by path (open addressing,
 * hashed a word at a time), built once: every accessor call looks a key up, and a linear
 * scan per call, then a binary search, made `check` of 100,000 VM groups
 * slow (issue 13). A path that appears twice keeps its first key, as the
 * linear scan finds it. */
static const scn_key **key_slots; /* key_slot_mask + 1 slots, NULL = empty */
static size_t key_slot_mask;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

/* Eight bytes per step: a byte-at-a-time FNV-1a was a tenth of `check` on
 * 100,000 VM groups, its multiplications waiting on each other for each of
 * a path's ~30 bytes. */
static size_t bytes_hash(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, 8); /* a fixed size: one load, no call */
        h = (h ^ word) * 0x9E3779B97F4A7C15u;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    for (; i < len; i++)
        tail = (tail << 8) | (unsigned char)p[i];
    h = (h ^ tail) * 0x9E3779B97F4A7C15u;
    h ^= h >> 32;
    return (size_t)h;
}

/* A path's hash is that of its parent part (up to and including the last
 * '.') combined with that of its last name, so that a look-up under the
 * parent memo below hashes only the last name (issue 13). */
static size_t split_hash(size_t parent_hash, const char *name, size_t name_len)
{
    uint64_t h = ((uint64_t)parent_hash ^ (uint64_t)bytes_hash(name, name_len)) * 0xC2B2AE3D27D4EB4Fu;
    return (size_t)(h ^ (h >> 31));
}

static size_t parent_part_len(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot != NULL ? (size_t)(dot - path) + 1 : 0;
}

static size_t path_hash(const char *path)
{
    size_t plen = parent_part_len(path);
    return split_hash(bytes_hash(path, plen), path + plen, strlen(path + plen));
}

static void build_slots(void)
{
    size_t n = 16;
    while (n < scn_key_count * 4)
        n *= 2;
    const scn_key **slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return; /* scn_schema_find falls back to the linear scan */
    for (size_t i = 0; i < scn_key_count; i++) {
        size_t h = path_hash(scn_keys[i].path) & (n - 1);
        while (slots[h] != NULL && strcmp(slots[h]->path, scn_keys[i].path) != 0)
            h = (h + 1) & (n - 1);
        if (slots[h] == NULL)
            slots[h] = &scn_keys[i];
    }
    key_slot_mask = n - 1;
    key_slots = slots;
}

/* The row whose path is the plen bytes of parent (hashed to parent_hash)
 * followed by name. */
static const scn_key *find_split(const char *parent, size_t plen, size_t parent_hash, const char *name)
{
    size_t name_len = strlen(name);
    for (size_t h = split_hash(parent_hash, name, name_len) & key_slot_mask; key_slots[h] != NULL;
         h = (h + 1) & key_slot_mask) {
        const char *row = key_slots[h]->path;
        if (strncmp(row, parent, plen) == 0 && strcmp(row + plen, name) == 0)
            return key_slots[h];
    }
    return NULL;
}

static const scn_key *find_hashed(const char *schema_path)
{
    size_t plen = parent_part_len(schema_path);
    return find_split(schema_path, plen, bytes_hash(schema_path, plen), schema_path + plen);
}

/* The hash table of scn_keys, built on first use; NULL if that failed. */
static const scn_key **main_slots(void)
{
    pthread_once(&slots_once, build_slots);
    return key_slots;
}

const scn_key *scn_schema_find_in(const scn_schema *schema, const char *schema_path)
{
    if (schema->keys == scn_keys && main_slots() != NULL)
        return find_hashed(schema_path);
    size_t n = schema->count;
    for (size_t i = 0; i < n; i++)
        if (strcmp(schema->keys[i].path, schema_path) == 0)
            return &schema->keys[i];
    return NULL;
}

const scn_key *scn_schema_find(const char *schema_path)
{
    return scn_schema_find_in(&scn_scenario_schema, schema_path);
}

int scn_schema_path_of(const char *path, char *out, size_t out_len)
{
    size_t n = 0;
    const char *p = path;
    while (*p != '\0') {
        const char *start = p;
        if (*p == '[') {
            p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p != ']')
                return -1;
            p++;
            if (n + 2 >= out_len)
                return -1;
            out[n++] = '[';
            out[n++] = ']';
        } else {
            /* One pass: copy the name, refusing brackets inside it (every
             * accessor call normalises its path here). */
            while (*p != '\0' && *p != '.') {
                if (*p == '[' || *p == ']' || n + 1 >= out_len)
                    return -1;
                out[n++] = *p++;
            }
            if (p == start)
                return -1;
        }
        if (*p == '.') {
            p++;
            if (*p == '\0')
                return -1;
            if (n + 1 >= out_len)
                return -1;
            out[n++] = '.';
        } else if (*p != '\0') {
            return -1;
        }
    }
    if (n == 0 || n >= out_len)
        return -1;
    out[n] = '\0';
    return 0;
}

/* The schema form of the parent of the last path looked up on this thread
 * ("vms.[7].cpu_demand." -> "vms.[].cpu_demand."; the same in every
 * table): accessors and the validator look up a group's keys one after
 * another, and rewriting each whole path was a tenth of `check` on 100,000
 * VM groups (issue 13), so only the last component is rewritten when the
 * parent is the same as last time. */
#define PARENT_MEMO_LEN 160
typedef struct parent_memo {
    size_t len, schema_len;             /* 0: empty */
    size_t schema_hash;                 /* bytes_hash of schema_path */
    char path[PARENT_MEMO_LEN];         /* concrete, the final '.' included */
    char schema_path[PARENT_MEMO_LEN];  /* its schema form, likewise */
} parent_memo;
static _Thread_local parent_memo memo;

/* 1 when name (up to its end) is a plain member name: no '.', '[' or ']',
 * not empty. */
static int plain_name(const char *name)
{
    if (*name == '\0')
        return 0;
    for (; *name != '\0'; name++)
        if (*name == '.' || *name == '[' || *name == ']')
            return 0;
    return 1;
}

const scn_key *scn_schema_find_concrete_in(const scn_schema *schema, const char *path)
{
    const char *dot = strrchr(path, '.');
    size_t parent_len = dot != NULL ? (size_t)(dot - path) + 1 : 0;
    const char *last = path + parent_len;
    size_t last_len = strlen(last);
    if (parent_len > 0 && memo.len == parent_len && memcmp(memo.path, path, parent_len) == 0 && plain_name(last) &&
        memo.schema_len + last_len < PARENT_MEMO_LEN) {
        /* The parent's hash is memoised too: only the last name is hashed. */
        if (schema->keys == scn_keys && main_slots() != NULL)
            return find_split(memo.schema_path, memo.schema_len, memo.schema_hash, last);
        char schema_path[PARENT_MEMO_LEN];
        memcpy(schema_path, memo.schema_path, memo.schema_len);
        memcpy(schema_path + memo.schema_len, last, last_len + 1);
        return scn_schema_find_in(schema, schema_path);
    }
    char schema_path[512];
    if (scn_schema_path_of(path, schema_path, sizeof schema_path) != 0)
        return NULL;
    /* Components map one to one, so the schema form's parent ends at its
     * last '.'. */
    const char *schema_dot = strrchr(schema_path, '.');
    size_t schema_len = schema_dot != NULL ? (size_t)(schema_dot - schema_path) + 1 : 0;
    if (parent_len > 0 && parent_len < PARENT_MEMO_LEN && schema_len > 0) {
        memo.len = parent_len;
        memcpy(memo.path, path, parent_len);
        memo.schema_len = schema_len;
        memcpy(memo.schema_path, schema_path, schema_len);
        memo.schema_hash = bytes_hash(schema_path, schema_len);
    }
    return scn_schema_find_in(schema, schema_path);
}

const scn_key *scn_schema_find_concrete(const char *path)
{
    return scn_schema_find_concrete_in(&scn_scenario_schema, path);
}

int scn_enum_position(const scn_key *key, const char *name)
{
    if (key == NULL || key->type != SCN_ENUM || name == NULL)
        return -1;
    size_t len = strlen(name);
    int index = 0;
    for (const char *p = key->enum_values; *p != '\0'; index++) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, name, len) == 0)
            return index;
        p += n;
        if (*p == '|')
            p++;
    }
    return -1;
}

int scn_enum_index(const char *schema_path, const char *name)
{
    const scn_key *key = scn_schema_find(schema_path);
    if (key == NULL || key->type != SCN_ENUM) {
        fprintf(stderr, "scn_enum_index: '%s' is not an enum key of the schema\n", schema_path);
        abort();
    }
    return scn_enum_position(key, name);
}

const char *scn_type_name(scn_type type)
{
    switch (type) {
    case SCN_INT: return "integer";
    case SCN_FLOAT: return "number";
    case SCN_BOOL: return "boolean";
    case SCN_STRING: return "string";
    case SCN_ENUM: return "enum";
    case SCN_DURATION: return "duration";
    case SCN_BYTES: return "size";
    case SCN_MHZ: return "frequency";
    case SCN_GBPS: return "bandwidth";
    case SCN_WATTS: return "power";
    case SCN_RATE: return "rate";
    case SCN_GROUP: return "group";
    case SCN_LIST: return "list";
    case SCN_ARRAY: return "array";
    case SCN_STRINGS: return "strings";
    }
    return "?";
}

/* Length of the parent part of a schema path: "hosts.[].cpu" -> "hosts"
 * (5), "simulation.seed" -> "simulation", "hosts" -> "" (0). */
static size_t parent_len(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL)
        return 0;
    size_t len = (size_t)(dot - path);
    if (len >= 3 && strncmp(dot - 3, ".[]", 3) == 0)
        len -= 3;
    return len;
}

static const char *last_component(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const scn_key *scn_schema_suggest_in(const scn_schema *schema, const char *schema_path)
{
    size_t plen = parent_len(schema_path);
    const char *name = last_component(schema_path);
    size_t name_len = strlen(name);
    const scn_key *best = NULL;
    size_t best_distance = SIZE_MAX;
    size_t count = schema->count;
    for (size_t i = 0; i < count; i++) {
        const char *cand = schema->keys[i].path;
        /* A sibling has the same parent and the same separator before its
         * name (".": group member, ".[].": list element member). */
        if (parent_len(cand) != plen || strncmp(cand, schema_path, plen) != 0 ||
            last_component(cand) - cand != name - schema_path)
            continue;
        const char *cand_name = last_component(cand);
        size_t d = edit_distance(name, cand_name);
        /* A prefix ("cores" for "cores_per_socket") is as good as one typo. */
        if (name_len >= 3 && strncmp(cand_name, name, name_len) == 0 && d > 1)
            d = 1;
        if (d < best_distance) {
            best_distance = d;
            best = &schema->keys[i];
        }
    }
    size_t limit = name_len <= 2 ? 1 : name_len <= 8 ? 2 : 3;
    return best_distance <= limit ? best : NULL;
}

const scn_key *scn_schema_suggest(const char *schema_path)
{
    return scn_schema_suggest_in(&scn_scenario_schema, schema_path);
}

/* Formats v in the unit family of key's type. */
static void format_in_unit(const scn_key *key, double v, char *buf, size_t buf_len)
{
    /* Bounds may be INFINITY: converting that to an integer is undefined
     * (found by fuzz/fuzz_scenario). */
    if (!isfinite(v) && (key->type == SCN_DURATION || key->type == SCN_BYTES)) {
        snprintf(buf, buf_len, "%s", v > 0 ? "unlimited" : "-unlimited");
        return;
    }
    switch (key->type) {
    case SCN_DURATION: units_format_duration_ns(v >= 9.2e18 ? INT64_MAX : (int64_t)v, buf, buf_len); break;
    case SCN_BYTES: units_format_bytes(v >= 1.8e19 ? UINT64_MAX : (uint64_t)v, buf, buf_len); break;
    case SCN_MHZ: units_format_mhz(v, buf, buf_len); break;
    case SCN_GBPS: units_format_gbps(v, buf, buf_len); break;
    case SCN_WATTS: units_format_watts(v, buf, buf_len); break;
    case SCN_RATE: units_format_rate(v, buf, buf_len); break;
    case SCN_INT: case SCN_LIST: case SCN_ARRAY: case SCN_STRING: case SCN_STRINGS:
        snprintf(buf, buf_len, "%.0f", v);
        break;
    default: snprintf(buf, buf_len, "%g", v); break;
    }
}

static const char *noun_of(scn_type type)
{
    switch (type) {
    case SCN_INT: return "an integer";
    case SCN_FLOAT: return "a number";
    case SCN_DURATION: return "a duration";
    case SCN_BYTES: return "a size";
    case SCN_MHZ: return "a frequency";
    case SCN_GBPS: return "a bandwidth";
    case SCN_WATTS: return "a power";
    case SCN_RATE: return "a rate";
    default: return "a value";
    }
}

void scn_describe_expected(const scn_key *key, char *buf, size_t buf_len)
{
    char lo[64], hi[64];
    format_in_unit(key, key->min, lo, sizeof lo);
    format_in_unit(key, key->max, hi, sizeof hi);
    int bounded = isfinite(key->max);
    switch (key->type) {
    case SCN_BOOL:
        snprintf(buf, buf_len, "true or false");
        break;
    case SCN_STRING:
        if (key->ref != NULL)
            snprintf(buf, buf_len, "the name of an element of %.*s, or \"\" for none",
                     (int)strcspn(key->ref, "."), key->ref);
        else if (key->min >= 1)
            snprintf(buf, buf_len, "a string of %s to %s bytes", lo, hi);
        else
            snprintf(buf, buf_len, "a string of at most %s bytes", hi);
        break;
    case SCN_ENUM: {
        size_t n = (size_t)snprintf(buf, buf_len, "one of: ");
        const char *lists[2] = {key->enum_values, scn_enum_added_values(key)};
        for (int k = 0; k < 2; k++) {
            if (k == 1 && lists[1][0] != '\0' && n < buf_len)
                n += (size_t)snprintf(buf + n, buf_len - n, ", ");
            for (const char *p = lists[k]; *p != '\0' && n < buf_len; p++) {
                if (*p == '|')
                    n += (size_t)snprintf(buf + n, buf_len - n, ", ");
                else
                    buf[n++] = *p;
            }
        }
        if (n >= buf_len)
            n = buf_len - 1;
        buf[n] = '\0';
        break;
    }
    case SCN_GROUP:
        if (key->flags & SCN_OPEN)
            snprintf(buf, buf_len, "a group { ... } of the chosen policy's arguments");
        else
            snprintf(buf, buf_len, "a group { ... }");
        break;
    case SCN_STRINGS:
        if (bounded)
            snprintf(buf, buf_len, "a list ( \"...\", ... ) of %s to %s strings", lo, hi);
        else
            snprintf(buf, buf_len, "a list ( \"...\", ... ) of at least %s strings", lo);
        break;
    case SCN_LIST:
        if (bounded)
            snprintf(buf, buf_len, "a list ( { ... }, ... ) of %s to %s groups", lo, hi);
        else
            snprintf(buf, buf_len, "a list ( { ... }, ... ) of at least %s groups", lo);
        break;
    case SCN_ARRAY:
        if (bounded)
            snprintf(buf, buf_len, "an array [ ... ] of %s to %s values", lo, hi);
        else
            snprintf(buf, buf_len, "an array [ ... ] of at least %s values", lo);
        break;
    default:
        if (bounded)
            snprintf(buf, buf_len, "%s from %s to %s", noun_of(key->type), lo, hi);
        else
            snprintf(buf, buf_len, "%s of at least %s", noun_of(key->type), lo);
        if ((key->type == SCN_INT || key->type == SCN_BYTES) && key->enum_values) {
            size_t n = strlen(buf);
            n += (size_t)snprintf(buf + n, n < buf_len ? buf_len - n : 0, ", or one of the strings: ");
            for (const char *p = key->enum_values; *p != '\0' && n + 2 < buf_len; p++) {
                if (*p == '|') {
                    buf[n++] = ',';
                    buf[n++] = ' ';
                } else {
                    buf[n++] = *p;
                }
            }
            if (n < buf_len)
                buf[n] = '\0';
        }
        break;
    }
}

static int fail(char *why, size_t why_len, const char *path, const char *what)
{
    snprintf(why, why_len, "schema row '%s': %s", path, what);
    return -1;
}

int scn_schema_check(char *why, size_t why_len)
{
    return scn_schema_check_in(&scn_scenario_schema, why, why_len);
}

int scn_schema_check_in(const scn_schema *schema, char *why, size_t why_len)
{
    size_t count = schema->count;
    for (size_t i = 0; i < count; i++) {
        const scn_key *key = &schema->keys[i];
        /* Well formed if "hosts.[].name" -> "hosts.[0].name" maps back to it. */
        char concrete[512], schema_path[512];
        size_t n = 0;
        for (const char *p = key->path; *p != '\0' && n + 2 < sizeof concrete; p++) {
            concrete[n++] = *p;
            if (p[0] == '[' && p[1] == ']')
                concrete[n++] = '0';
        }
        concrete[n] = '\0';
        if (scn_schema_path_of(concrete, schema_path, sizeof schema_path) != 0 ||
            strcmp(schema_path, key->path) != 0)
            return fail(why, why_len, key->path, "malformed path");
        for (size_t j = 0; j < i; j++)
            if (strcmp(schema->keys[j].path, key->path) == 0)
                return fail(why, why_len, key->path, "appears twice");
        size_t plen = parent_len(key->path);
        if (plen > 0) {
            char parent[512];
            memcpy(parent, key->path, plen);
            parent[plen] = '\0';
            const scn_key *p = scn_schema_find_in(schema, parent);
            if (p == NULL || (p->type != SCN_GROUP && p->type != SCN_LIST) || p > key)
                return fail(why, why_len, key->path, "parent is not an earlier group or list");
            int via_list = strncmp(key->path + plen, ".[].", 4) == 0;
            if (via_list != (p->type == SCN_LIST))
                return fail(why, why_len, key->path, "list children must be written 'list.[].key'");
        }
        if (key->doc == NULL || key->doc[0] == '\0')
            return fail(why, why_len, key->path, "has no doc");
        if (key->type == SCN_ENUM && (key->enum_values == NULL || key->enum_values[0] == '\0'))
            return fail(why, why_len, key->path, "enum without values");
        if ((key->flags & SCN_PLUGGABLE) && key->type != SCN_ENUM)
            return fail(why, why_len, key->path, "only enums are pluggable");
        if ((key->flags & SCN_OPEN) && key->type != SCN_GROUP)
            return fail(why, why_len, key->path, "only groups are open");
        if (plen > 0) {
            char parent[512];
            memcpy(parent, key->path, plen);
            parent[plen] = '\0';
            const scn_key *parent_key = scn_schema_find_in(schema, parent);
            if (parent_key != NULL && (parent_key->flags & SCN_OPEN))
                return fail(why, why_len, key->path, "an open group has no rows inside");
        }
        if (key->ref != NULL) {
            const scn_key *target = scn_schema_find_in(schema, key->ref);
            if (key->type != SCN_STRING || target == NULL || target->type != SCN_STRING)
                return fail(why, why_len, key->path, "ref must link two string keys");
        }
        if (!(key->min <= key->max))
            return fail(why, why_len, key->path, "min is above max");
        if (key->default_text == NULL) {
            if (key->type == SCN_GROUP)
                return fail(why, why_len, key->path, "groups need the default \"{}\"");
            continue;
        }
        if (key->type == SCN_GROUP || key->type == SCN_LIST || key->type == SCN_ARRAY || key->type == SCN_STRINGS) {
            const char *empty = key->type == SCN_GROUP ? "{}" : key->type == SCN_ARRAY ? "[]" : "()";
            if (strcmp(key->default_text, empty) != 0)
                return fail(why, why_len, key->path, "group default must be {}, list or strings (), array []");
            continue;
        }
        scn_value v;
        char reason[256];
        if (scn_value_from_default(key, &v, reason, sizeof reason) != 0)
            return fail(why, why_len, key->path, reason);
        if (scn_value_check(key, &v, reason, sizeof reason) != 0)
            return fail(why, why_len, key->path, reason);
    }
    return 0;
}
