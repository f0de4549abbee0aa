/* plot.h - one figure: its numbers as CSV, and PNG + SVG drawn with PLplot.
 *
 * Every figure is written as DIR/<stem>.csv first (the plotted numbers,
 * exactly, with %.17g), then, when vdcsim has its PLplot module (built
 * when CMake finds PLplot; analysis/plot_module.h, loaded the first time a
 * figure is drawn), as DIR/<stem>.png (pngcairo) and DIR/<stem>.svg
 * (svgcairo). Two kinds:
 *
 *  - lines: several labelled lines of (x, y) points; CSV columns
 *    `line,x,y` (line = the label). Non-finite points are skipped in the
 *    drawing (they end a run of joined points) and written as empty
 *    cells. A line may carry interval ends (drawn as error bars) and ask
 *    for a dot on every point.
 *  - heat map: a grid z[row * nx + col] over x (columns) and y (rows);
 *    CSV columns `x,y,z`, one row per cell.
 *
 * plot_html_text writes a string into an HTML page with <, > and & escaped.
 */
#ifndef VDCSIM_ANALYSIS_PLOT_H
#define VDCSIM_ANALYSIS_PLOT_H

#include <stddef.h>
#include <stdio.h>

typedef struct plot_labels {
    const char *stem;   /* file name without extension: [A-Za-z0-9_-]+ */
    const char *title;
    const char *xlabel; /* with its unit, e.g. "time (h)" */
    const char *ylabel;
} plot_labels;

typedef struct plot_line {
    const char *label; /* NULL or "": no label */
    const double *x, *y;
    size_t n;
    const double *lo, *hi; /* NULL, or n interval ends: a bar where both are finite */
    int markers;           /* 1: a dot on every point */
} plot_line;

/* 1 when this build draws PNG and SVG (it has the PLplot module), else 0. */
int plot_can_draw(void);
/* NULL when it draws; else why, written to buf (the module's path looked
 * at, or why it was refused). */
const char *plot_cannot_draw(char *buf, size_t len);
/* The paragraph of an HTML page that says the figures are data only, and
 * why (escaped); nothing when the build draws. */
void plot_html_no_drawing(FILE *html);

/* 0, or -1 with a message in err (a file that cannot be written). */
int plot_lines(const char *dir, const plot_labels *lb, const plot_line *lines, int n_lines, char *err,
               size_t err_len);

/* x: nx column centres, y: ny row centres, z: ny * nx values (NaN: no data,
 * drawn as the lowest colour). zlabel names the colour scale. */
int plot_heat_map(const char *dir, const plot_labels *lb, const char *zlabel, const double *x, size_t nx,
                  const double *y, size_t ny, const double *z, char *err, size_t err_len);

/* The drawing only (no CSV): DIR/<stem>.png and .svg, when plot_can_draw(). */
void plot_draw_lines(const char *dir, const plot_labels *lb, const plot_line *lines, int n_lines);

void plot_html_text(FILE *f, const char *s);

#endif
