/* policy_args.c - check a policy's argument declaration and fill its
 * arguments from the scenario (see policy_args.h). */
#include "models/policies/policy_args.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_MEMBERS 64

static size_t arg_bytes(vdcsim_arg_type type)
{
    switch (type) {
    case VDCSIM_ARG_FLOAT: return sizeof(double);
    case VDCSIM_ARG_INT: return sizeof(int64_t);
    case VDCSIM_ARG_BOOL: return sizeof(int);
    }
    return 0;
}

static size_t arg_align(vdcsim_arg_type type)
{
    switch (type) {
    case VDCSIM_ARG_FLOAT: return _Alignof(double);
    case VDCSIM_ARG_INT: return _Alignof(int64_t);
    case VDCSIM_ARG_BOOL: return _Alignof(int);
    }
    return 1;
}

static const char *arg_type_name(vdcsim_arg_type type)
{
    switch (type) {
    case VDCSIM_ARG_FLOAT: return "a number";
    case VDCSIM_ARG_INT: return "an integer";
    case VDCSIM_ARG_BOOL: return "a boolean";
    }
    return "?";
}

static int name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
            return 0;
    return 1;
}

int policy_info_check(const vdcsim_policy_info *info, char *why, size_t why_len)
{
    const char *name = info->name ? info->name : "(null)";
    if (info->doc == NULL || info->doc[0] == '\0') {
        snprintf(why, why_len, "policy '%.63s' has no doc (expected a few sentences: what it does and its source)", name);
        return -1;
    }
    if (info->n_args > 0 && info->args == NULL) {
        snprintf(why, why_len, "policy '%.63s' declares %u arguments but no rows", name, (unsigned)info->n_args);
        return -1;
    }
    if (info->args_size > VDCSIM_ARGS_MAX_BYTES) {
        snprintf(why, why_len, "policy '%.63s': args_size %zu is above %u bytes (VDCSIM_ARGS_MAX_BYTES)", name,
                 info->args_size, VDCSIM_ARGS_MAX_BYTES);
        return -1;
    }
    for (uint32_t i = 0; i < info->n_args; i++) {
        const vdcsim_arg *a = &info->args[i];
        if (!name_ok(a->name)) {
            snprintf(why, why_len, "policy '%.63s': argument %u has a bad name (expected 1 to 63 of [a-z0-9_])", name,
                     (unsigned)i);
            return -1;
        }
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(info->args[j].name, a->name) == 0) {
                snprintf(why, why_len, "policy '%.63s': argument '%s' is declared twice", name, a->name);
                return -1;
            }
        size_t bytes = arg_bytes(a->type);
        if (bytes == 0) {
            snprintf(why, why_len, "policy '%.63s': argument '%s' has an unknown type %d", name, a->name, (int)a->type);
            return -1;
        }
        if (a->offset + bytes > info->args_size || a->offset % arg_align(a->type) != 0) {
            snprintf(why, why_len,
                     "policy '%.63s': argument '%s' at offset %zu does not fit its %zu-byte args struct "
                     "(expected offsetof() of an aligned field)",
                     name, a->name, a->offset, info->args_size);
            return -1;
        }
        if (a->doc == NULL || a->doc[0] == '\0') {
            snprintf(why, why_len, "policy '%.63s': argument '%s' has no doc", name, a->name);
            return -1;
        }
        double lo = a->type == VDCSIM_ARG_BOOL ? 0.0 : a->min, hi = a->type == VDCSIM_ARG_BOOL ? 1.0 : a->max;
        /* An integer default is stored as int64_t: converting one out of
         * its range is undefined (the range check passes 1e19 in [0, 1e20]). */
        if (a->type == VDCSIM_ARG_INT && !(fabs(a->default_value) < 0x1p63)) {
            snprintf(why, why_len, "policy '%.63s': argument '%s' default %g does not fit a 64-bit integer", name,
                     a->name, a->default_value);
            return -1;
        }
        if (!(lo <= a->default_value && a->default_value <= hi) ||
            (a->type != VDCSIM_ARG_FLOAT && a->default_value != floor(a->default_value))) {
            snprintf(why, why_len, "policy '%.63s': argument '%s' default %g is not %s from %g to %g", name, a->name,
                     a->default_value, arg_type_name(a->type), lo, hi);
            return -1;
        }
    }
    return 0;
}

static void store(const vdcsim_arg *a, policy_args *out, double f, int64_t i)
{
    unsigned char *at = out->bytes + a->offset;
    switch (a->type) {
    case VDCSIM_ARG_FLOAT: memcpy(at, &f, sizeof f); break;
    case VDCSIM_ARG_INT: memcpy(at, &i, sizeof i); break;
    case VDCSIM_ARG_BOOL: {
        int b = i != 0;
        memcpy(at, &b, sizeof b);
        break;
    }
    }
}

void policy_args_defaults(const vdcsim_policy_info *info, policy_args *out)
{
    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i < info->n_args; i++) {
        const vdcsim_arg *a = &info->args[i];
        /* A float default is never converted to an integer: 1e30 is a fine
         * float but undefined as int64_t. */
        int64_t i_value = a->type == VDCSIM_ARG_FLOAT ? 0 : (int64_t)a->default_value;
        store(a, out, a->default_value, i_value);
    }
}

/* "a, b, c" */
static void list_names(const vdcsim_policy_info *info, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < info->n_args && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", info->args[i].name);
}

int policy_args_read(const scenario *scn, const vdcsim_policy_info *info, const char *args_path, policy_args *out,
                     char *err, size_t err_len)
{
    scn_member members[MAX_MEMBERS];
    char key[600];
    policy_args_defaults(info, out);
    int n = scn_open_members(scn, args_path, members, MAX_MEMBERS);
    if (n > MAX_MEMBERS) {
        return scn_key_error(scn, err, err_len, args_path, "%d arguments (expected at most %d)", n, MAX_MEMBERS);
    }
    for (int k = 0; k < n; k++) {
        const scn_member *m = &members[k];
        const vdcsim_arg *a = NULL;
        for (uint32_t i = 0; i < info->n_args && a == NULL; i++)
            if (strcmp(info->args[i].name, m->name) == 0)
                a = &info->args[i];
        snprintf(key, sizeof key, "%s.%s", args_path, m->name);
        if (a == NULL) {
            char names[400];
            list_names(info, names, sizeof names);
            if (info->n_args == 0)
                return scn_key_error(scn, err, err_len, key, "unknown argument: policy '%s' takes no arguments",
                                     info->name);
            return scn_key_error(scn, err, err_len, key, "unknown argument of policy '%s' (expected one of: %s)",
                                 info->name, names);
        }
        int type_ok = a->type == VDCSIM_ARG_FLOAT ? m->kind == SCN_MEMBER_INT || m->kind == SCN_MEMBER_FLOAT
                      : a->type == VDCSIM_ARG_INT ? m->kind == SCN_MEMBER_INT
                                                  : m->kind == SCN_MEMBER_BOOL;
        if (!type_ok)
            return scn_key_error(scn, err, err_len, key, "wrong type (expected %s from %g to %g: %s)",
                                 arg_type_name(a->type), a->type == VDCSIM_ARG_BOOL ? 0.0 : a->min,
                                 a->type == VDCSIM_ARG_BOOL ? 1.0 : a->max, a->doc);
        if (a->type != VDCSIM_ARG_BOOL && !(m->f >= a->min && m->f <= a->max)) {
            if (m->kind == SCN_MEMBER_INT)
                return scn_key_error(scn, err, err_len, key, "%lld is out of range (expected %s from %g to %g)",
                                     (long long)m->i, arg_type_name(a->type), a->min, a->max);
            return scn_key_error(scn, err, err_len, key, "%g is out of range (expected %s from %g to %g)", m->f,
                                 arg_type_name(a->type), a->min, a->max);
        }
        store(a, out, m->f, m->i);
    }
    return 0;
}
