/* plot_plplot.c - figures drawn with PLplot: the module vdcsim_plot.so
 * (analysis/plot_module.h), loaded by analysis/plot.c the first time a
 * figure is drawn, so that runs that draw nothing do not map PLplot. */
#include "analysis/plot_module.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#include <plplot.h>
#pragma GCC diagnostic pop

enum { PALETTE_COLOURS = 8 };
static const int palette[PALETTE_COLOURS][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},
                                                {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127}};

/* A new 900 x 600 stream on `device` writing `path`: white background,
 * colour 1 black and colours 2 .. 1 + PALETTE_COLOURS the line palette. */
static void page_begin(const char *device, const char *path)
{
    PLINT stream;
    plmkstrm(&stream);
    plsdev(device);
    plsfnam(path);
    plspage(0, 0, 900, 600, 0, 0);
    plscolbg(255, 255, 255);
    plscol0(1, 0, 0, 0);
    for (int i = 0; i < PALETTE_COLOURS; i++)
        plscol0(2 + i, palette[i][0], palette[i][1], palette[i][2]);
    plinit();
}

static void range_of(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
}

static void pad(double *lo, double *hi)
{
    if (!(*lo <= *hi))
        *lo = 0, *hi = 1;
    double p = *hi > *lo ? 0.05 * (*hi - *lo) : fmax(0.5, 0.05 * fabs(*lo));
    *lo -= p, *hi += p;
}

/* One line: its finite runs of points joined (a NaN ends a run), a dot on
 * each point when asked and on each lone point, and the interval bars
 * whose ends are finite. x and y are scratch arrays of l->n entries. */
static void draw_line(const plot_line *l, PLFLT *x, PLFLT *y, PLFLT *lo, PLFLT *hi)
{
    PLINT n = 0;
    for (size_t i = 0; i <= l->n; i++) {
        int ok = i < l->n && isfinite(l->x[i]) && isfinite(l->y[i]);
        if (ok) {
            x[n] = l->x[i];
            y[n++] = l->y[i];
            continue;
        }
        if (n > 1)
            plline(n, x, y);
        if (n == 1 || (n > 1 && l->markers))
            plpoin(n, x, y, 17);
        n = 0;
    }
    if (!l->lo || !l->hi)
        return;
    PLINT bars = 0;
    for (size_t i = 0; i < l->n; i++)
        if (isfinite(l->x[i]) && isfinite(l->lo[i]) && isfinite(l->hi[i])) {
            x[bars] = l->x[i];
            lo[bars] = l->lo[i];
            hi[bars++] = l->hi[i];
        }
    if (bars > 0)
        plerry(bars, x, lo, hi);
}

static void draw_lines(const char *device, const char *path, const plot_labels *lb, const plot_line *lines,
                       int n_lines)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    size_t most = 1;
    for (int l = 0; l < n_lines; l++) {
        range_of(lines[l].x, lines[l].n, &x0, &x1);
        range_of(lines[l].y, lines[l].n, &y0, &y1);
        range_of(lines[l].lo, lines[l].n, &y0, &y1);
        range_of(lines[l].hi, lines[l].n, &y0, &y1);
        if (lines[l].n > most)
            most = lines[l].n;
    }
    pad(&x0, &x1);
    pad(&y0, &y1);
    PLFLT *x = malloc(most * sizeof *x), *y = malloc(most * sizeof *y);
    PLFLT *lo = malloc(most * sizeof *lo), *hi = malloc(most * sizeof *hi);
    page_begin(device, path);
    plcol0(1);
    plenv(x0, x1, y0, y1, 0, 0);
    pllab(lb->xlabel, lb->ylabel, lb->title);
    for (int l = 0; x && y && lo && hi && l < n_lines; l++) {
        plcol0(2 + (PLINT)(l % PALETTE_COLOURS));
        plwidth(2.0);
        draw_line(&lines[l], x, y, lo, hi);
        if (lines[l].label && lines[l].label[0])
            plmtex("t", -1.5 - 1.3 * (PLFLT)l, 0.03, 0.0, lines[l].label);
    }
    free(x), free(y), free(lo), free(hi);
    plend1();
}

static void draw_heat_map(const char *device, const char *path, const plot_labels *lb, const char *zlabel,
                          const double *xc, size_t nx, const double *yc, size_t ny, const double *z)
{
    double zmin = INFINITY, zmax = -INFINITY;
    range_of(z, nx * ny, &zmin, &zmax);
    if (!(zmin <= zmax))
        zmin = 0, zmax = 1;
    if (zmax == zmin)
        zmax = zmin + 1;
    PLFLT **grid = NULL;
    plAlloc2dGrid(&grid, (PLINT)nx, (PLINT)ny);
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++) {
            double v = z[j * nx + i];
            grid[i][j] = isfinite(v) ? v : zmin;
        }
    double dx = nx > 1 ? (xc[nx - 1] - xc[0]) / (double)(nx - 1) : 1.0;
    double dy = ny > 1 ? (yc[ny - 1] - yc[0]) / (double)(ny - 1) : 1.0;
    double x0 = xc[0] - dx / 2, x1 = xc[nx - 1] + dx / 2, y0 = yc[0] - dy / 2, y1 = yc[ny - 1] + dy / 2;
    page_begin(device, path);
    /* colour map 1: dark blue (low) through yellow to red (high) */
    PLFLT pos[] = {0.0, 0.5, 1.0}, r[] = {0.1, 1.0, 0.8}, g[] = {0.1, 0.9, 0.0}, b[] = {0.5, 0.2, 0.0};
    plscmap1l(1, 3, pos, r, g, b, NULL);
    plcol0(1);
    plenv(x0, x1, y0, y1, 0, 0);
    char title[512];
    snprintf(title, sizeof title, "%s (colour: %s, %.3g to %.3g)", lb->title, zlabel, zmin, zmax);
    pllab(lb->xlabel, lb->ylabel, title);
    plimage((PLFLT_MATRIX)grid, (PLINT)nx, (PLINT)ny, x0, x1, y0, y1, zmin, zmax, x0, x1, y0, y1);
    plFree2dGrid(grid, (PLINT)nx, (PLINT)ny);
    plend1();
}

const plot_module vdcsim_plot_table = {
    {PLOT_MODULE_ABI, (uint32_t)sizeof(plot_module), VDCSIM_BUILD_ID},
    draw_lines,
    draw_heat_map,
};
