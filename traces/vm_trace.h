/* trace.h - per-VM utilisation traces read into one shared, read-only table.
 *
 * Formats (see docs/workloads.md for the sources):
 *   planetlab  PlanetLab CoMon 2011 (Park & Pai 2006; as packaged with
 *              CloudSim by Beloglazov & Buyya 2012): a directory per day
 *              holding one file per VM, no header, one integer per line,
 *              CPU utilisation in percent (0..100), every 300 s from 0.
 *              Gives CPU only (unit: percent).
 *   bitbrains  Bitbrains GWA-T-12 (Shen, van Beek & Iosup 2015): a directory
 *              of <vm>.csv files, one header line, fields separated by ";"
 *              followed by a TAB, 11 columns (Timestamp [ms] -- really Unix
 *              seconds --, CPU cores, CPU capacity provisioned [MHZ], CPU usage
 *              [MHZ], CPU usage [%], Memory capacity provisioned [KB], Memory
 *              usage [KB], Disk read/write throughput [KB/s], Network
 *              received/transmitted throughput [KB/s]). Gives CPU in MHz,
 *              memory as usage/provisioned (fraction; 0 when provisioned is
 *              0) and network as received + transmitted in Gbps (1 KB =
 *              1024 bytes). Times are seconds after the earliest timestamp
 *              of all loaded files, so the VMs stay aligned in wall time.
 * VM files are taken in natural name order (digit runs compare as
 * numbers: 2.csv before 10.csv); `first` and `count` choose a slice.
 *
 * Errors are "FILE:LINE:COLUMN: what (expected)" with COLUMN the 1-based
 * byte column of the offending field; nothing is loaded on error.
 */
#ifndef VDCSIM_MODELS_TRACE_H
#define VDCSIM_MODELS_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "models/workload/demand.h"

/* In the order of vms.[].trace.format (read with scn_enum). */
typedef enum { TRACE_NONE, TRACE_PLANETLAB, TRACE_BITBRAINS } trace_format;

typedef enum { TRACE_CPU, TRACE_MEMORY, TRACE_NETWORK } trace_resource;

typedef struct trace_table {
    trace_format format;
    uint32_t n_vms;
    char **names;         /* file name of each VM */
    uint32_t *offset;     /* VM i's samples are [offset[i], offset[i+1]) */
    /* bitbrains: times (s after the earliest) and values, 16 bytes a sample */
    int32_t *time_s;
    float *cpu, *memory, *network;
    /* planetlab: CPU % as read (whole numbers 0..100), one byte a sample;
     * a VM's sample k is at k * step_s (the files have no times) */
    uint8_t *cpu_percent;
    int32_t step_s;
    uint64_t n_samples;
} trace_table;

/* Number of VM files in a trace directory (regular files for planetlab,
 * *.csv for bitbrains). Returns the count, or -1 with a message. */
long trace_count_vms(const char *dir, trace_format format, char *err, size_t err_len);

/* Loads VMs [first, first + count) of the directory. Returns 0, or -1 with
 * a message (FILE:LINE:COLUMN for malformed content). */
int trace_load(const char *dir, trace_format format, uint32_t first, uint32_t count, trace_table *out,
               char *err, size_t err_len);

/* What to do with Bitbrains rows that repeat the previous row's timestamp
 * (13 of the 500 Rnd files have some): refuse the file, keep the last row,
 * or average the rows (vms.[].trace.duplicates, in schema order). */
typedef enum { TRACE_DUPLICATES_ERROR, TRACE_DUPLICATES_KEEP_LAST, TRACE_DUPLICATES_AVERAGE } trace_duplicates;

/* trace_load with a choice for repeated timestamps (trace_load refuses them). */
int trace_load_dup(const char *dir, trace_format format, trace_duplicates dup, uint32_t first, uint32_t count,
                   trace_table *out, char *err, size_t err_len);

/* Loads one file as VM 0 of a table (used by the directory loader and tests). */
int trace_load_file(const char *path, trace_format format, trace_table *out, char *err, size_t err_len);

/* 1 if the format records this resource. */
int trace_has(const trace_table *t, trace_resource r);

/* The series of VM i for a resource (empty when the format lacks it). */
demand_series trace_series(const trace_table *t, uint32_t vm, trace_resource r);

void trace_free(trace_table *t);

#endif
