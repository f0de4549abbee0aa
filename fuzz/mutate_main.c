/* mutate_main.c - a deterministic mutation loop for the fuzz targets when
 * libFuzzer is not available (a compiler other than clang).
 *
 * usage: fuzz_X [-max_total_time=SECONDS] SEED_FILE_OR_DIR...
 * Each seed is run as is, then, when SECONDS is given, mutated (bit flips,
 * byte sets, truncations, duplications of a slice) with a fixed-seed
 * xorshift generator until the time is up, so a crash found is reproduced
 * by the same command. Prints the number of executions. Without
 * -max_total_time it only replays the inputs, as a libFuzzer binary does
 * with file arguments: test_fuzz_regress_* replay fuzz/regress/ that way.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz/fuzz_input.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef struct {
    unsigned char *data;
    size_t size;
} seed;

static int load_seed(const char *path, seed *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return -1;
    out->data = buf;
    out->size = n;
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = 0;
    seed *seeds = NULL;
    size_t n_seeds = 0;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "-max_total_time=", 16) == 0) {
            seconds = atof(argv[i] + 16);
            continue;
        }
        if (argv[i][0] == '-')
            continue; /* libFuzzer options this loop does not use */
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue;
        DIR *d = S_ISDIR(st.st_mode) ? opendir(argv[i]) : NULL;
        struct dirent *e;
        do {
            char path[4096];
            if (d) {
                e = readdir(d);
                if (!e)
                    break;
                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            } else {
                snprintf(path, sizeof path, "%s", argv[i]);
            }
            seed s;
            seed *grown = realloc(seeds, (n_seeds + 1) * sizeof *seeds);
            if (grown && load_seed(path, &s) == 0) {
                seeds = grown;
                seeds[n_seeds++] = s;
            } else if (grown) {
                seeds = grown;
            }
        } while (d);
        if (d)
            closedir(d);
    }
    if (n_seeds == 0) {
        unsigned char *empty = malloc(1);
        seed *one = malloc(sizeof *seeds);
        if (!empty || !one)
            return 1;
        free(seeds);
        seeds = one;
        seeds[0] = (seed){empty, 0};
        n_seeds = 1;
    }
    long execs = 0;
    time_t start = time(NULL);
    for (size_t i = 0; i < n_seeds; i++, execs++)
        LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].size);
    while (difftime(time(NULL), start) < seconds) {
        const seed *s = &seeds[next_random() % n_seeds];
        size_t size = s->size + 16;
        unsigned char *m = malloc(size);
        memcpy(m, s->data, s->size);
        memset(m + s->size, 0, 16);
        size_t n = s->size;
        int edits = 1 + (int)(next_random() % 4);
        for (int k = 0; k < edits && n > 0; k++) {
            size_t at = next_random() % n;
            switch (next_random() % 4) {
            case 0: m[at] ^= (unsigned char)(1u << (next_random() % 8)); break;
            case 1: m[at] = (unsigned char)next_random(); break;
            case 2: n = at; break;
            default:
                if (n + 8 <= size) {
                    memmove(m + at + 8, m + at, n - at);
                    n += 8;
                }
            }
        }
        LLVMFuzzerTestOneInput(m, n);
        free(m);
        execs++;
    }
    printf("%ld executions, no crash\n", execs);
    /* Freed so that a replay under LeakSanitizer reports only the targets'
     * leaks. */
    for (size_t i = 0; i < n_seeds; i++)
        free(seeds[i].data);
    free(seeds);
    return 0;
}
