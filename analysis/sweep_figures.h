/* sweep_figures.h - one figure per metric of a sweep: the cell means with
 * their confidence intervals against the first factor, one line per
 * combination of the other factors.
 *
 * For every metric m, DIR/fig-<m>.csv holds the plotted numbers
 * (x, x_value, line, n, mean, ci_low, ci_high); when vdcsim has its PLplot
 * module (plot.h, plot_can_draw), DIR/fig-<m>.png (pngcairo) and
 * DIR/fig-<m>.svg (svgcairo) draw them. DIR/index.html shows
 * every figure (or links its CSV) with a caption.
 *
 * x: the first factor's values when all of them are numbers, else their
 * positions 0, 1, ... (the caption maps them). Cartesian designs: line l
 * holds the cells whose other factors take their l-th combination. Zip
 * designs and designs without factors: one line over the cells in order.
 * Points without a mean are left out (the line breaks there); bars only
 * where there is an interval.
 */
#ifndef VDCSIM_ANALYSIS_SWEEP_FIGURES_H
#define VDCSIM_ANALYSIS_SWEEP_FIGURES_H

#include <stddef.h>

#include "analysis/sweep_table.h"

/* 1 when this build draws PNG and SVG (PLplot), else 0. */
int sweep_figures_can_draw(void);

/* first_factor_values: how many values the first factor has (cartesian);
 * zip: the design pairs values instead. 0, or -1 with a message. */
int sweep_write_figures(const sweep_table *t, int first_factor_values, int zip, const char *dir, char *err,
                        size_t err_len);

#endif
