/* stale_module.c - a module as another build would have made it: the
 * right symbol and ABI, another build id (tests/test_builtin_module.c
 * checks that the loader refuses it). */
#include "sim/builtin_module.h"

const builtin_module_head vdcsim_test_stale_table = {1u, (uint32_t)sizeof(builtin_module_head), "0.0.0-another-build"};
