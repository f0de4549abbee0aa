/* props_number.h - the numbers of property witnesses as text, fast.
 *
 * Contract: props_format_g6(v, out) writes into out (at least
 * PROPS_G6_LEN bytes) exactly the text snprintf(out, n, "%.6g", v) writes
 * in the C locale, and returns its length. Witnesses print one or two such
 * numbers per violation and a run can have 10^5 violations: the common
 * case (finite, 1e-300 < |v| < 1e300, not within 1e-9 of a rounding tie of
 * the sixth digit) is done with one multiplication and integer digits; the
 * rest goes to snprintf itself, so the text is always snprintf's.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_NUMBER_H
#define VDCSIM_ANALYSIS_PROPS_NUMBER_H

#include <stddef.h>

enum { PROPS_G6_LEN = 32 };

size_t props_format_g6(double v, char *out);

#endif
