/* scenario.h - load, validate and read a scenario file.
 *
 * A scenario is a libconfig file checked against the schema in keys.c (see
 * docs/scenario-language.md). Loading either returns a scenario in which
 * every key present is valid, or NULL and exactly one message, for the
 * first problem in file order, of the form
 *   FILE:LINE: key 'hosts.[0].count': -3 is out of range (expected an integer from 1 to 1000000)
 *   --set a.b=V: key 'a.b': ...          (problems with an override)
 *   FILE:LINE: syntax error              (libconfig could not parse the file)
 *   FILE: cannot read: No such file or directory
 *   FILE: key 'hosts': missing required key (...)   (a missing top-level key has no line)
 *
 * Overrides are "a.b.c=VALUE" strings ("hosts.[0].count=4"), applied to the
 * parsed file before validation. They may add keys the file leaves out but
 * not list elements.
 *
 * Accessors take a printf-style path ("hosts.[%d].count") and return the
 * value in the file, or else the schema default, in the key's base unit. A
 * path that is not in the schema, has another type, or indexes past the end
 * of a list is a programming error: it is printed and the process aborts.
 * A loaded scenario is immutable and may be read from several threads.
 */
#ifndef VDCSIM_SCENARIO_SCENARIO_H
#define VDCSIM_SCENARIO_SCENARIO_H

#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

typedef struct scenario scenario;

scenario *scenario_load_file(const char *path, const char *const *overrides, int n_overrides,
                             char *err, size_t err_len);
/* name is used in messages and by scenario_name(); NULL means "<string>". */
scenario *scenario_load_string(const char *text, const char *name,
                               const char *const *overrides, int n_overrides, char *err,
                               size_t err_len);
void scenario_free(scenario *s);

/* Loading with plug-ins. The top-level key 'plugins' lists shared objects
 * holding policies (docs/policies.md). These variants hand each entry,
 * resolved against the scenario file's directory, to load_plugin after
 * parsing and overrides and before validation, so that the policy names
 * the plug-ins register are valid values when the keys are checked.
 * load_plugin returns 0, or -1 with a reason in why, reported as
 * "FILE:LINE: key 'plugins.[I]': WHY" (and nothing else is checked).
 * The variants above leave plug-ins unloaded and refuse a non-empty
 * 'plugins' list. */
typedef int (*scn_plugin_fn)(void *ctx, const char *path, char *why, size_t why_len);
scenario *scenario_load_file_plugins(const char *path, const char *const *overrides, int n_overrides,
                                     scn_plugin_fn load_plugin, void *ctx, char *err, size_t err_len);
scenario *scenario_load_string_plugins(const char *text, const char *name, const char *const *overrides,
                                       int n_overrides, scn_plugin_fn load_plugin, void *ctx, char *err,
                                       size_t err_len);

/* The path or name given at load. */
const char *scenario_name(const scenario *s);
/* The exact file text, then one line "# --set K=V" per override. */
const char *scenario_text(const scenario *s);

#if defined(__GNUC__)
#define SCN_PRINTF(fmt_index) __attribute__((format(printf, fmt_index, fmt_index + 1)))
#else
#define SCN_PRINTF(fmt_index)
#endif

int64_t scn_int(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
double scn_float(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);   /* SCN_FLOAT and SCN_INT */
int scn_bool(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
const char *scn_string(const scenario *s, const char *fmt, ...) SCN_PRINTF(2); /* also SCN_ENUM */
int64_t scn_duration_ns(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
uint64_t scn_bytes(const scenario *s, const char *fmt, ...) SCN_PRINTF(2); /* 0 for a name */
/* For an SCN_BYTES key that also takes names (enum_values, e.g. "table"):
 * the position of the name written, or -1 when the value is a size. */
int scn_bytes_name(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
double scn_mhz(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
double scn_gbps(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
double scn_watts(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
/* An SCN_RATE key as events per per_s seconds (3600: per hour); a value
 * written in that unit comes back exactly as written ("7/h" -> 7). */
double scn_rate(const scenario *s, double per_s, const char *fmt, ...) SCN_PRINTF(3);
/* The position of an SCN_ENUM key's value in its row's enum_values
 * ("constant|diurnal|onoff": "onoff" is 2). A C enum read this way lists
 * its constants in the schema's order; tests/test_scenario.c checks each. */
int scn_enum(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);
int scn_list_len(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);   /* 0 when absent */
int scn_is_set(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);     /* in file or override */
/* Index of the element of list `list` (e.g. "hosts") whose `name` key is
 * `name`, or -1 when none is. */
int scn_list_find(const scenario *s, const char *list, const char *name);

/* snprintf for key paths ("vms.[%d].%s"): the same text and return value,
 * made without glibc's printf for %d %u %s %% (with l, ll or z), which in
 * this process takes a slow path (libquadmath, linked through CBC's
 * LAPACK, registers printf extensions) and was a tenth of `check` on
 * 100,000 VM groups (issue 13). Other conversions go to vsnprintf. */
int scn_path(char *buf, size_t len, const char *fmt, ...) SCN_PRINTF(3);

/* The file line of a key, or of its nearest enclosing group or list element
 * when the key itself is absent; 0 when that setting has no line (written
 * by an override) or nothing on the path is present. For messages
 * about checks that span keys ("FILE:LINE: key 'a.b': ..."). */
int scn_line(const scenario *s, const char *fmt, ...) SCN_PRINTF(2);

/* Where a key is written, for messages about problems found after loading
 * (model build): "FILE:LINE" of the key, or of its nearest enclosing group
 * that has a line, else the scenario's name. Returns buf. */
const char *scn_where(const scenario *s, char *buf, size_t len, const char *fmt, ...) SCN_PRINTF(4);

/* Writes "FILE:LINE: key 'KEY': WHAT" into err ("FILE: key 'KEY': WHAT"
 * when line <= 0, e.g. for an override): the one format of messages about
 * a key found bad while building a model. Callers usually pass
 * scn_line(s, "%s", key) as the line. */
void scn_vkey_error(const scenario *s, char *err, size_t err_len, int line, const char *key, const char *fmt,
                    va_list ap);

/* scn_vkey_error with the key's own line (scn_line), for the common case.
 * Returns -2, the model builders' "bad input" status, so that a builder can
 * `return scn_key_error(...)`. */
int scn_key_error(const scenario *s, char *err, size_t err_len, const char *key, const char *fmt, ...) SCN_PRINTF(5);

/* A file named in the scenario, resolved against the scenario file's
 * directory unless it is absolute. When that file does not exist and the
 * environment variable VDCSIM_TRACES names a directory, the path after its
 * last "traces/" component (else its file name) is looked up there: a
 * clone without ../shared/traces runs the trace scenarios with
 * VDCSIM_TRACES=/path/to/traces (docs/workloads.md). */
void scn_resolve_path(const scenario *s, const char *file, char *buf, size_t len);

/* Members of an open group (schema flag SCN_OPEN: a policy's arguments),
 * which the policy checks itself. */
typedef enum { SCN_MEMBER_INT, SCN_MEMBER_FLOAT, SCN_MEMBER_BOOL, SCN_MEMBER_STRING, SCN_MEMBER_OTHER } scn_member_kind;
typedef struct scn_member {
    const char *name;
    scn_member_kind kind;
    int64_t i;      /* SCN_MEMBER_INT, SCN_MEMBER_BOOL (0/1) */
    double f;       /* SCN_MEMBER_INT and SCN_MEMBER_FLOAT */
    const char *s;  /* SCN_MEMBER_STRING */
} scn_member;
/* Fills out[0..max) with the members of the open group at the concrete
 * path `group` ("placement.args") in file order; returns their number (0
 * when the group is absent), which may exceed max. scn_line() gives each
 * member's line ("placement.args.NAME"). */
int scn_open_members(const scenario *s, const char *group, scn_member *out, int max);

/* Writes the reference of every key (path, type, default, range, unit, doc)
 * as Markdown: the content of docs/scenario-reference.md. */
void scenario_write_reference(FILE *out);

#endif
