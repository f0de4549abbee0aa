/* fuzz_scenario.c - the scenario loader (libconfig text, pre-pass, schema
 * validation) on arbitrary text. Any input must load or give a message. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_input.h"
#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[2048];
    scenario *s = scenario_load_string(text, "fuzz.cfg", NULL, 0, err, sizeof err);
    scenario_free(s);
    free(text);
    return 0;
}
