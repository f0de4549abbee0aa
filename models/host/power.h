/* power.h - a host's electrical power from its CPU utilisation.
 *
 * Either linear between idle and peak watts,
 *   P(u) = idle + (peak - idle) * u,            u in [0, 1]
 * or an 11-point curve at u = 0, 0.1, ..., 1.0 (the target loads of a
 * SPECpower_ssj2008 report) interpolated linearly. u is clamped to [0, 1].
 * Pure functions.
 */
#ifndef VDCSIM_MODELS_POWER_H
#define VDCSIM_MODELS_POWER_H

#include <stddef.h>

#define POWER_CURVE_POINTS 11

typedef struct power_model {
    double idle_w, peak_w;
    int has_curve;                     /* 1: use curve_w */
    double curve_w[POWER_CURVE_POINTS]; /* watts at 0 %, 10 %, ..., 100 % */
} power_model;

double power_watts(const power_model *p, double utilisation);

/* Parses "w0, w10, ..., w100": 11 non-negative numbers separated by commas
 * or spaces. Returns 0, or -1 with the problem in why. */
int power_curve_parse(const char *text, double *curve_w, char *why, size_t why_len);

#endif
