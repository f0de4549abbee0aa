/* failure_report.c - per-system failure table; see failure_report.h. */
#include "analysis/failure_report.h"

#include <stdlib.h>
#include <string.h>

#define DAYS_PER_YEAR 365.25

/* A growable array of doubles, used for pooling samples into the total row. */
typedef struct {
    double *values;
    size_t count;
    size_t capacity;
} sample_list;

static int sample_list_append(sample_list *list, const double *values, size_t count)
{
    if (count == 0)
        return 0;
    if (list->count + count > list->capacity) {
        size_t capacity = list->capacity ? list->capacity : 1024;
        while (capacity < list->count + count)
            capacity *= 2;
        double *grown = realloc(list->values, capacity * sizeof *grown);
        if (grown == NULL)
            return -1;
        list->values = grown;
        list->capacity = capacity;
    }
    memcpy(list->values + list->count, values, count * sizeof *values);
    list->count += count;
    return 0;
}

void failure_report_options_default(failure_report_options *options)
{
    options->group_window_s = FAILURE_GROUP_WINDOW_S_DEFAULT;
}

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Counts failures, nodes, span and repair samples of one system.
 * repairs_h must hold trace->count values. */
static int summarize_counts(const failure_trace *trace, int system_id, failure_system_summary *row,
                            double *repairs_h, size_t *repair_count)
{
    int *nodes = malloc((trace->count ? trace->count : 1) * sizeof *nodes);
    if (nodes == NULL)
        return -1;
    size_t node_count = 0;
    sim_time_ns first = 0, last = 0;
    row->system_nodes = -1;
    *repair_count = 0;
    for (size_t i = 0; i < trace->count; i++) {
        const failure_record *r = &trace->records[i];
        if (r->system_id != system_id)
            continue;
        if (row->failures == 0 || r->start_ns < first)
            first = r->start_ns;
        if (row->failures == 0 || r->start_ns > last)
            last = r->start_ns;
        row->failures++;
        if (r->system_nodes > row->system_nodes)
            row->system_nodes = r->system_nodes;
        if (r->node_id >= 0)
            nodes[node_count++] = r->node_id;
        row->repair_sample_mean_h += (double)r->down_time_min / 60.0;
        if (r->down_time_min > 0)
            repairs_h[(*repair_count)++] = (double)r->down_time_min / 60.0;
        else
            row->zero_repairs++;
    }
    qsort(nodes, node_count, sizeof *nodes, compare_int);
    for (size_t i = 0; i < node_count; i++)
        row->failed_nodes += i == 0 || nodes[i] != nodes[i - 1];
    free(nodes);
    if (row->failures > 0)
        row->repair_sample_mean_h /= (double)row->failures;
    row->span_days = (double)(last - first) / (double)SIM_NS_PER_DAY;
    if (row->span_days > 0.0)
        row->failures_per_year = (double)row->failures / (row->span_days / DAYS_PER_YEAR);
    return 0;
}

/* Fills one system's row and appends its samples to the pools. */
static int summarize_system(const failure_trace *trace, int system_id, int64_t group_window_s,
                            failure_system_summary *row, sample_list *pool_tbf,
                            sample_list *pool_node_tbf, sample_list *pool_repair)
{
    memset(row, 0, sizeof *row);
    row->system_id = system_id;
    int status = -1;
    sim_time_ns *starts = NULL;
    double *gaps_h = NULL, *node_gaps_h = NULL;
    double *repairs_h = malloc((trace->count ? trace->count : 1) * sizeof *repairs_h);
    size_t repair_count = 0, event_count = 0, node_gap_count = 0;
    if (repairs_h == NULL || summarize_counts(trace, system_id, row, repairs_h, &repair_count))
        goto done;
    row->repair_ok = fit_lognormal_mle(repairs_h, repair_count, &row->repair_h) == 0;

    if (failure_trace_system_event_starts(trace, system_id, group_window_s, &starts,
                                          &event_count) != 0)
        goto done;
    row->events = event_count;
    if (event_count >= 2) {
        gaps_h = malloc((event_count - 1) * sizeof *gaps_h);
        if (gaps_h == NULL)
            goto done;
        for (size_t i = 1; i < event_count; i++)
            gaps_h[i - 1] = (double)(starts[i] - starts[i - 1]) / (double)SIM_NS_PER_HOUR;
        row->tbf_ok = fit_weibull_mle(gaps_h, event_count - 1, &row->tbf_weibull) == 0 &&
                      fit_exponential_mle(gaps_h, event_count - 1, &row->tbf_exponential) == 0;
    }

    if (failure_trace_node_gaps_h(trace, system_id, &node_gaps_h, &node_gap_count) != 0)
        goto done;
    row->node_tbf_ok = fit_weibull_mle(node_gaps_h, node_gap_count, &row->node_tbf_weibull) == 0;

    if (sample_list_append(pool_tbf, gaps_h, event_count >= 2 ? event_count - 1 : 0) != 0 ||
        sample_list_append(pool_node_tbf, node_gaps_h, node_gap_count) != 0 ||
        sample_list_append(pool_repair, repairs_h, repair_count) != 0)
        goto done;
    status = 0;
done:
    free(starts);
    free(gaps_h);
    free(node_gaps_h);
    free(repairs_h);
    return status;
}

int failure_report_summarize(const failure_trace *trace, const failure_report_options *options,
                             failure_system_summary **rows_out, size_t *count_out)
{
    *rows_out = NULL;
    *count_out = 0;
    if (trace == NULL || trace->count == 0)
        return -1;
    failure_report_options defaults;
    failure_report_options_default(&defaults);
    if (options == NULL)
        options = &defaults;

    int *ids = NULL;
    size_t system_count = 0;
    if (failure_trace_system_ids(trace, &ids, &system_count) != 0)
        return -1;
    failure_system_summary *rows = calloc(system_count + 1, sizeof *rows);
    sample_list pool_tbf = {0}, pool_node_tbf = {0}, pool_repair = {0};
    int status = rows == NULL ? -1 : 0;

    failure_system_summary *total = rows ? &rows[system_count] : NULL;
    for (size_t s = 0; status == 0 && s < system_count; s++) {
        status = summarize_system(trace, ids[s], options->group_window_s, &rows[s], &pool_tbf,
                                  &pool_node_tbf, &pool_repair);
        if (status != 0)
            break;
        total->failures += rows[s].failures;
        total->failed_nodes += rows[s].failed_nodes;
        total->events += rows[s].events;
        total->zero_repairs += rows[s].zero_repairs;
        total->repair_sample_mean_h += rows[s].repair_sample_mean_h * (double)rows[s].failures;
        if (rows[s].system_nodes > 0)
            total->system_nodes = (total->system_nodes > 0 ? total->system_nodes : 0) +
                                  rows[s].system_nodes;
    }
    if (status == 0) {
        total->system_id = -1;
        if (total->failures > 0)
            total->repair_sample_mean_h /= (double)total->failures;
        if (total->system_nodes == 0)
            total->system_nodes = -1;
        total->tbf_ok = fit_weibull_mle(pool_tbf.values, pool_tbf.count, &total->tbf_weibull) == 0 &&
                        fit_exponential_mle(pool_tbf.values, pool_tbf.count,
                                            &total->tbf_exponential) == 0;
        total->node_tbf_ok = fit_weibull_mle(pool_node_tbf.values, pool_node_tbf.count,
                                             &total->node_tbf_weibull) == 0;
        total->repair_ok =
            fit_lognormal_mle(pool_repair.values, pool_repair.count, &total->repair_h) == 0;
        *rows_out = rows;
        *count_out = system_count + 1;
    } else {
        free(rows);
    }
    free(ids);
    free(pool_tbf.values);
    free(pool_node_tbf.values);
    free(pool_repair.values);
    return status;
}

/* Prints a value in a fixed-width cell, or "-" when the fit is missing. */
static void write_cell(FILE *out, int ok, int width, int precision, double value)
{
    if (ok)
        fprintf(out, " %*.*f", width, precision, value);
    else
        fprintf(out, " %*s", width, "-");
}

static void write_row(FILE *out, const failure_system_summary *row)
{
    if (row->system_id >= 0)
        fprintf(out, "%6d", row->system_id);
    else
        fprintf(out, "%6s", "total");
    fprintf(out, " %8zu", row->failures);
    if (row->system_nodes >= 0)
        fprintf(out, " %5d", row->system_nodes);
    else
        fprintf(out, " %5s", "-");
    fprintf(out, " %6zu %6zu", row->failed_nodes, row->events);
    write_cell(out, row->system_id >= 0 && row->failures_per_year > 0.0, 7, 0,
               row->failures_per_year);
    write_cell(out, row->tbf_ok, 6, 3, row->tbf_weibull.shape);
    write_cell(out, row->tbf_ok, 8, 2, row->tbf_weibull.scale);
    write_cell(out, row->tbf_ok, 8, 2, row->tbf_exponential.mean);
    write_cell(out, row->node_tbf_ok, 6, 3, row->node_tbf_weibull.shape);
    write_cell(out, row->repair_ok, 6, 2, row->repair_h.mu);
    write_cell(out, row->repair_ok, 5, 2, row->repair_h.sigma);
    write_cell(out, row->repair_ok, 7, 2, row->repair_h.median);
    write_cell(out, row->repair_ok, 8, 2, row->repair_h.mean);
    write_cell(out, row->failures > 0, 7, 2, row->repair_sample_mean_h);
    fprintf(out, " %5zu\n", row->zero_repairs);
}

int failure_report_write(FILE *out, const failure_trace *trace,
                         const failure_report_options *options)
{
    failure_system_summary *rows = NULL;
    size_t count = 0;
    if (out == NULL || failure_report_summarize(trace, options, &rows, &count) != 0)
        return -1;
    failure_report_options defaults;
    failure_report_options_default(&defaults);
    if (options == NULL)
        options = &defaults;
    fprintf(out,
            "# time between failures (TBF) in hours: system-wide between events (failures\n"
            "# starting within %lld s of a group's first failure form one event), Weibull k,\n"
            "# lambda and exponential mean; node k: Weibull shape of per-node TBF.\n"
            "# repair = Down Time in hours, lognormal mu, sigma (of ln h), median, mean;\n"
            "# rep_avg = plain sample mean; zero = repairs of 0 min left out of the lognormal.\n",
            (long long)(options->group_window_s > 0 ? options->group_window_s : 0));
    fprintf(out, "%6s %8s %5s %6s %6s %7s %6s %8s %8s %6s %6s %5s %7s %8s %7s %5s\n", "system",
            "failures", "nodes", "failed", "events", "per_yr", "tbf_k", "tbf_lam", "tbf_mean",
            "node_k", "rep_mu", "rep_s", "rep_med", "rep_mean", "rep_avg", "zero");
    for (size_t i = 0; i < count; i++)
        write_row(out, &rows[i]);
    free(rows);
    return ferror(out) ? -1 : 0;
}
