/* schema_value.h - one value of a schema key, parsed and range-checked.
 *
 * Shared by the validator (values from the file), the accessors (defaults)
 * and the schema self-check, so that all three agree on what a key accepts.
 * Internal to scenario/.
 */
#ifndef VDCSIM_SCENARIO_SCHEMA_VALUE_H
#define VDCSIM_SCENARIO_SCHEMA_VALUE_H

#include "scenario/schema.h"

#include <stdint.h>

typedef struct scn_value {
    int64_t i;          /* SCN_INT, SCN_BOOL (0/1), SCN_DURATION (ns) */
    uint64_t bytes;     /* SCN_BYTES */
    double f;           /* SCN_FLOAT, SCN_MHZ, SCN_GBPS, SCN_WATTS, SCN_RATE (per s) */
    double rate_number; /* SCN_RATE: the number as written, per rate_unit_s seconds */
    int64_t rate_unit_s;
    const char *s;      /* string-written types: the text as written */
    char storage[128];  /* holds s for values made from a default */
} scn_value;

/* Parses text (already unquoted) for a key whose values are written as
 * strings: SCN_STRING, SCN_ENUM and the unit types. v->s = text. */
int scn_value_from_text(const scn_key *key, const char *text, scn_value *v, char *why,
                        size_t why_len);

/* Parses key->default_text. Fails for required keys, groups and lists. */
int scn_value_from_default(const scn_key *key, scn_value *v, char *why, size_t why_len);

/* Range, length and enum checks. why gets e.g.
 * "-3 is out of range (expected an integer from 1 to 1000000)". */
int scn_value_check(const scn_key *key, const scn_value *v, char *why, size_t why_len);

/* True for the types written as strings in a file. */
int scn_type_is_text(scn_type type);

#endif
