/* schema.h - the scenario language as data: one descriptor per key.
 *
 * The table lives in keys.c. Adding a parameter to the language means adding
 * one row there; the loader, the validator, the accessors and the generated
 * reference (docs/scenario-reference.md) all read the table.
 *
 * Paths: "simulation.until" for a key in a group; "hosts.[].cores" for a key
 * inside each element of the list "hosts". Every key's parent (the path
 * before its last component, with a trailing ".[]" removed) must itself be a
 * row of type SCN_GROUP or SCN_LIST, except for top-level keys.
 */
#ifndef VDCSIM_SCENARIO_SCHEMA_H
#define VDCSIM_SCENARIO_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
    SCN_INT,      /* 64-bit integer */
    SCN_FLOAT,    /* double; an integer literal is accepted */
    SCN_BOOL,     /* true or false */
    SCN_STRING,   /* min/max bound the length in bytes */
    SCN_ENUM,     /* a string from enum_values */
    SCN_DURATION, /* string with a unit -> nanoseconds */
    SCN_BYTES,    /* string with a unit -> bytes */
    SCN_MHZ,      /* string with a unit -> MHz */
    SCN_GBPS,     /* string with a unit -> Gbps */
    SCN_WATTS,    /* string with a unit -> W */
    SCN_RATE,     /* string with a unit (\"7/h\") -> events per second */
    SCN_GROUP,    /* { ... } */
    SCN_LIST,     /* ( { ... }, { ... } ): a list of groups */
    SCN_ARRAY,    /* [ 1, 2 ] or ( "a", 2 ): a list of scalars; min/max bound the
                     element count, and the table's owner checks the elements */
    SCN_STRINGS   /* ( "a", "b" ) or [ "a", "b" ]: a list of non-empty strings; min/max bound the count */
} scn_type;

/* flags */
#define SCN_UNIQUE 0x1u    /* string values must differ between elements of the enclosing list */
#define SCN_PLUGGABLE 0x2u /* SCN_ENUM: enum_values are the built-in names of a policy registry;
                              plug-ins add names with scn_enum_add() (models/policies/) */
#define SCN_OPEN 0x4u      /* SCN_GROUP: its members are a policy's arguments, not schema rows;
                              the loader checks only that it is a group, the policy checks the
                              members (scn_open_members) */

typedef struct scn_key {
    const char *path;         /* "simulation.until", list items as "hosts.[].cores" */
    scn_type type;
    const char *default_text; /* as written in a file, e.g. "\"1d\"" or "2"; NULL = required.
                                 Groups use "{}", lists "()" when optional. */
    double min, max;          /* inclusive range in the key's base unit (ns, bytes, MHz,
                                 Gbps, W, or the number); the element count for SCN_LIST
                                 and SCN_STRINGS;
                                 the length for SCN_STRING. INFINITY = unbounded. */
    const char *enum_values;  /* "constant|diurnal" for SCN_ENUM; for SCN_INT, names also accepted
                                 as strings ("unbounded|none"), read as -1, -2, ... */
    const char *ref;          /* a string that must equal some "hosts.[].name"; an empty
                                 string means "none". NULL otherwise. */
    const char *doc;          /* one sentence, with the unit */
    unsigned flags;           /* SCN_UNIQUE */
} scn_key;

extern const scn_key scn_keys[];
extern const size_t scn_key_count;

/* A key table: the scenario language's (scn_scenario_schema, the rows of
 * keys.c) or another libconfig language checked by the same loader, such as
 * experiment files (scenario/experiment.h). `reference` names the document
 * that lists the keys, for unknown-key messages. The functions without _in
 * work on the scenario schema. */
typedef struct scn_schema {
    const scn_key *keys;
    size_t count;
    const char *reference;
} scn_schema;

extern const scn_schema scn_scenario_schema;

const scn_key *scn_schema_find_in(const scn_schema *schema, const char *schema_path);
const scn_key *scn_schema_find_concrete_in(const scn_schema *schema, const char *path);
const scn_key *scn_schema_suggest_in(const scn_schema *schema, const char *schema_path);
int scn_schema_check_in(const scn_schema *schema, char *why, size_t why_len);
/* The rows of a table as a Markdown table (| Key | Type | Default | Accepts |
 * Base unit | Description |), header included. */
void scn_schema_write_rows(const scn_schema *schema, FILE *out);

/* The row for a schema path ("hosts.[].count"), or NULL. */
const scn_key *scn_schema_find(const char *schema_path);

/* The row for a concrete path ("hosts.[3].count"), or NULL. */
const scn_key *scn_schema_find_concrete(const char *path);

/* Rewrites a concrete path into its schema path: "hosts.[3].count" ->
 * "hosts.[].count". Returns 0, or -1 if the path is malformed or too long. */
int scn_schema_path_of(const char *path, char *out, size_t out_len);

/* The position of `name` in an SCN_ENUM row's enum_values, or -1 when it
 * is not one of them. */
int scn_enum_position(const scn_key *key, const char *name);

/* The same by schema path ("vms.[].cpu_demand.kind"): for code that reads
 * a value of the key from elsewhere (a test, a trace header) and parses it
 * with the schema's list. -1 when name is not listed; aborts when the path
 * is not an SCN_ENUM row (a programming error). */
int scn_enum_index(const char *schema_path, const char *name);

/* The name of a type for messages and docs: "integer", "duration", ... */
const char *scn_type_name(scn_type type);

/* The closest sibling of an unknown key, by edit distance: for schema path
 * "simulation.untill" returns the row "simulation.until"; NULL when nothing
 * is close enough to suggest. */
const scn_key *scn_schema_suggest(const char *schema_path);

/* Describes what a key accepts, e.g. "an integer from 1 to 1000000",
 * "a duration from 1ns to 36500d", "one of: constant, diurnal". */
void scn_describe_expected(const scn_key *key, char *buf, size_t buf_len);

/* Checks the table itself: parents exist, defaults parse and lie in range,
 * enum defaults are listed, references point at string keys. Returns 0, or -1
 * with the first problem in why. Run by the tests. */
int scn_schema_check(char *why, size_t why_len);

/* Names plug-ins add to SCN_PLUGGABLE enum keys (enum_ext.c): process-wide,
 * grow only, set up before scenarios are loaded (not thread-safe). */
/* Adds value to the key at schema_path: 0, -1 when the path is not a
 * SCN_PLUGGABLE enum, -2 when the key already accepts value, -3 out of memory. */
int scn_enum_add(const char *schema_path, const char *value);
/* 1 if a plug-in added value to key. */
int scn_enum_added(const scn_key *key, const char *value);
/* The names added to key, "a|b" ("" when none). */
const char *scn_enum_added_values(const scn_key *key);

#endif
