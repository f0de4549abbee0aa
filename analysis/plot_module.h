/* plot_module.h - the table the PLplot module exports
 * (analysis/plot/plot_plplot.c, built as vdcsim_plot.so when CMake finds
 * PLplot) and analysis/plot.c loads through sim/builtin_module.h the first
 * time a figure is drawn. Each function draws one figure (plot.h) into one
 * file with one PLplot device ("pngcairo", "svgcairo"); it calls nothing of
 * the program.
 */
#ifndef VDCSIM_ANALYSIS_PLOT_MODULE_H
#define VDCSIM_ANALYSIS_PLOT_MODULE_H

#include "analysis/plot.h"
#include "sim/builtin_module.h"

#define PLOT_MODULE_NAME "vdcsim_plot"
#define PLOT_MODULE_ABI 1u

typedef struct plot_module {
    builtin_module_head head; /* {PLOT_MODULE_ABI, sizeof(plot_module), VDCSIM_BUILD_ID} */
    void (*lines)(const char *device, const char *path, const plot_labels *lb, const plot_line *lines, int n_lines);
    void (*heat_map)(const char *device, const char *path, const plot_labels *lb, const char *zlabel,
                     const double *x, size_t nx, const double *y, size_t ny, const double *z);
} plot_module;

#endif
