/* props_builtin.h - the built-in library of properties (issue 17, item 3),
 * switched on by name in a properties list:
 *
 *   properties = ( { builtin = "ha_restart"; }, { name = "..."; formula = "..."; } );
 *
 * Contract: props_builtin_formula() writes the formula text of a built-in
 * property, with its parameters filled in from props_builtin_params (taken
 * from the scenario: props_builtin_params_from_scenario), into buf; -1 for an
 * unknown name (the message lists the names). The formulas and their sources
 * are in docs/properties.md, "Built-in properties". Reentrant.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_BUILTIN_H
#define VDCSIM_ANALYSIS_PROPS_BUILTIN_H

#include <stddef.h>
#include <stdint.h>

struct scenario;

typedef struct props_builtin_params {
    /* ha_restart: the deadline of HA's promise, detection + restart:
     * failures.detection_time + simulation.control_latency (the start
     * message's latency) */
    int64_t ha_deadline_ns;
    /* no_vm_on_down_host: simulation.sample_period */
    int64_t sample_period_ns;
    /* drs_convergence: 3 DRS passes, 3 x drs.period */
    int64_t drs_convergence_ns;
} props_builtin_params;

/* The parameters of the built-ins for a scenario. */
void props_builtin_params_from_scenario(const struct scenario *s, props_builtin_params *out);

int props_builtin_formula(const char *name, const props_builtin_params *p, char *buf, size_t len, char *why,
                          size_t why_len);

/* The names, "a, b, c" (messages, docs). */
const char *props_builtin_names(void);

#endif
