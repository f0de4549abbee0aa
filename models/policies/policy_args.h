/* policy_args.h - a policy's arguments: the struct it declares, filled
 * from the scenario (include/vdcsim/policy.h states the rules).
 *
 * policy_args is inline storage for any declared struct, so a chosen
 * policy is a plain value (its table and its arguments) that needs no
 * allocation and no owner.
 */
#ifndef VDCSIM_MODELS_POLICIES_POLICY_ARGS_H
#define VDCSIM_MODELS_POLICIES_POLICY_ARGS_H

#include <stddef.h>

#include "scenario/scenario.h"
#include "vdcsim/policy.h"

typedef struct policy_args {
    _Alignas(max_align_t) unsigned char bytes[VDCSIM_ARGS_MAX_BYTES];
} policy_args;

/* Checks a declaration: name and doc set, args_size within
 * VDCSIM_ARGS_MAX_BYTES, every argument named [a-z0-9_] once, of a known
 * type, inside the struct, with min <= default <= max. 0, or -1 with why. */
int policy_info_check(const vdcsim_policy_info *info, char *why, size_t why_len);

/* Every declared argument at its default, the rest of the storage zero. */
void policy_args_defaults(const vdcsim_policy_info *info, policy_args *out);

/* Defaults, then the members of the scenario's open group at the concrete
 * path args_path ("placement.args"): each must name a declared argument
 * and have its type and range. `policy` names the policy in messages.
 * Returns 0, or -2 with "FILE:LINE: key 'ARGS_PATH.NAME': ..." in err. */
int policy_args_read(const scenario *scn, const vdcsim_policy_info *info, const char *args_path, policy_args *out,
                     char *err, size_t err_len);

#endif
