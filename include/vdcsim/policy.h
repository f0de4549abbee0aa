/* vdcsim/policy.h - what every vdcsim policy declares: its name, its
 * documentation and its arguments. Part of the public plug-in interface
 * (installed with `make install`; docs/policies.md).
 *
 * ABI rule: VDCSIM_PLUGIN_ABI_VERSION changes whenever any struct or
 * function type in include/vdcsim/ changes in a way an already compiled
 * plug-in would notice (a field added, moved or retyped, a callback's
 * signature). vdcsim refuses a plug-in built for another version.
 *
 * Arguments: a policy keeps its arguments in a plain struct of its own
 * (at most VDCSIM_ARGS_MAX_BYTES) and declares each field with a
 * vdcsim_arg row. vdcsim fills the struct from the scenario (the policy's
 * `args = { ... }` group): every field starts at its default, every key
 * written must name a declared argument, have its type and lie in its
 * range, or the scenario is refused with FILE:LINE. The policy's
 * callbacks receive the filled struct as `const void *args`.
 */
#ifndef VDCSIM_POLICY_H
#define VDCSIM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define VDCSIM_PLUGIN_ABI_VERSION 1u

/* Largest arguments struct a policy may declare (bytes). */
#define VDCSIM_ARGS_MAX_BYTES 256u

typedef enum {
    VDCSIM_ARG_FLOAT = 1, /* a double; the scenario may write 2 or 2.0 */
    VDCSIM_ARG_INT = 2,   /* an int64_t */
    VDCSIM_ARG_BOOL = 3   /* an int, 0 or 1; the scenario writes true or false */
} vdcsim_arg_type;

typedef struct vdcsim_arg {
    const char *name;      /* the key in args = { ... }: [a-z0-9_], 1 to 63 characters */
    vdcsim_arg_type type;
    size_t offset;         /* offsetof(your args struct, the field) */
    double default_value;  /* used when the scenario leaves it out */
    double min, max;       /* inclusive range (bools: 0 and 1) */
    const char *doc;       /* one sentence, with the unit */
} vdcsim_arg;

/* The first member of every policy table. */
typedef struct vdcsim_policy_info {
    const char *name;      /* as written in the scenario: [A-Za-z0-9_.-], 1 to 63 characters */
    const char *doc;       /* what it does, its equation and its source, in a few sentences */
    const vdcsim_arg *args;
    uint32_t n_args;
    size_t args_size;      /* sizeof your args struct; 0 when n_args is 0 */
} vdcsim_policy_info;

#endif
