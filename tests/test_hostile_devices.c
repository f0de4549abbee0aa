/* test_hostile_devices.c - issue 13, defect 11 looked for in readers added
 * since: the Alibaba openb and DLRM trace readers and the properties file
 * reader refuse a device (/dev/zero, which would be read without end or as
 * one endless line) with "not a regular file" naming it, as the PlanetLab,
 * Bitbrains and LANL readers do. Each has a control: a regular file with
 * the same path shape is not refused for that reason. The experiment file
 * of `vdcsim sweep` (scenario/experiment.h) too, and a directory or a NUL
 * byte there (read as "Input/output error" and as a file cut at the NUL). */
#include <stdio.h>
#include <string.h>

#include "analysis/props_file.h"
#include "scenario/experiment.h"
#include "tests/check.h"
#include "traces/alibaba_dlrm.h"
#include "traces/alibaba_gpu.h"

int main(void)
{
    char err[1024] = "";
    agpu_reader g;
    memset(&g, 0, sizeof g);
    CHECK_INT_EQ(agpu_open(&g, "/dev/zero", AGPU_NODES, err, sizeof err), -1);
    CHECK(strstr(err, "/dev/zero: not a regular file") != NULL);
    adlrm_reader d;
    memset(&d, 0, sizeof d);
    err[0] = '\0';
    CHECK_INT_EQ(adlrm_open(&d, "/dev/zero", err, sizeof err), -1);
    CHECK(strstr(err, "/dev/zero: not a regular file") != NULL);
    props_list l;
    memset(&l, 0, sizeof l);
    err[0] = '\0';
    CHECK(props_file_load("/dev/zero", NULL, &l, err, sizeof err) != 0);
    CHECK(strcmp(err, "/dev/zero: cannot read: not a regular file (expected a properties file)") == 0);

    /* A properties file over its 1 MiB limit: refused, not read on. */
    char big[512];
    snprintf(big, sizeof big, "%s/hostile_devices_big_props.cfg", VDCSIM_TEST_TMPDIR);
    FILE *bf = fopen(big, "w");
    CHECK(bf != NULL);
    if (bf) {
        for (int i = 0; i < (1 << 20) + 1; i++)
            fputc(' ', bf);
        fclose(bf);
    }
    err[0] = '\0';
    CHECK(props_file_load(big, NULL, &l, err, sizeof err) != 0);
    CHECK(strstr(err, "hostile_devices_big_props.cfg: cannot read: larger than 1 MiB") != NULL);
    remove(big);

    /* Control: an empty regular file is refused for another reason. */
    char path[512];
    snprintf(path, sizeof path, "%s/hostile_devices_empty.csv", VDCSIM_TEST_TMPDIR);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    err[0] = '\0';
    CHECK_INT_EQ(agpu_open(&g, path, AGPU_NODES, err, sizeof err), -1);
    CHECK(strstr(err, "not a regular file") == NULL && strstr(err, "empty file") != NULL);

    experiment *e = experiment_load("/dev/zero", err, sizeof err);
    CHECK(e == NULL);
    CHECK(strcmp(err, "/dev/zero: cannot read: not a regular file (expected an experiment file)") == 0);
    experiment_free(e);
    e = experiment_load(VDCSIM_TEST_TMPDIR, err, sizeof err);
    CHECK(e == NULL);
    CHECK(strstr(err, ": cannot read: is a directory (expected an experiment file)") != NULL);
    experiment_free(e);
    snprintf(path, sizeof path, "%s/hostile_devices_nul.cfg", VDCSIM_TEST_TMPDIR);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs("replications = 2;", f);
        fputc('\0', f);
        fputs("seed = 1;\n", f);
        fclose(f);
    }
    e = experiment_load(path, err, sizeof err);
    CHECK(e == NULL);
    CHECK(strstr(err, "hostile_devices_nul.cfg: cannot read: contains a NUL byte (expected a text file)") != NULL);
    experiment_free(e);
    return CHECK_DONE();
}
