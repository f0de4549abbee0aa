/* reference.c - write the key table as Markdown (docs/scenario-reference.md). */
#include "scenario/scenario.h"
#include "scenario/schema.h"
#include "scenario/units.h"

static const char *base_unit(scn_type type)
{
    switch (type) {
    case SCN_DURATION: return "ns";
    case SCN_BYTES: return "bytes";
    case SCN_MHZ: return "MHz";
    case SCN_GBPS: return "Gbps";
    case SCN_WATTS: return "W";
    case SCN_RATE: return "per s";
    case SCN_LIST: case SCN_ARRAY: case SCN_STRINGS: return "elements";
    case SCN_STRING: return "bytes (length)";
    default: return "";
    }
}

void scn_schema_write_rows(const scn_schema *schema, FILE *out)
{
    fprintf(out, "| Key | Type | Default | Accepts | Base unit | Description |\n"
                 "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < schema->count; i++) {
        const scn_key *key = &schema->keys[i];
        char accepts[512];
        scn_describe_expected(key, accepts, sizeof accepts);
        fprintf(out, "| `%s` | %s | ", key->path, scn_type_name(key->type));
        if (key->default_text == NULL)
            fprintf(out, "required");
        else
            fprintf(out, "`%s`", key->default_text);
        fprintf(out, " | %s | %s | %s |\n", accepts, base_unit(key->type), key->doc);
    }
}

void scenario_write_reference(FILE *out)
{
    fprintf(out,
            "# Scenario reference\n"
            "\n"
            "<!-- Generated from scenario/keys.c by scenario_write_reference() "
            "(`vdcsim keys`). Do not edit by hand. -->\n"
            "\n"
            "Every key of the scenario language. `hosts.[].cpu` is the key `cpu` in each "
            "element of the list `hosts`; on the command line it is written "
            "`--set hosts.[0].cpu=3GHz`. Ranges are inclusive. A key without a default is "
            "required in each list element that exists. See docs/scenario-language.md for "
            "the syntax.\n"
            "\n"
            "Values with units are strings such as `\"5m\"`:\n"
            "\n"
            "| Type | Units accepted | Base unit |\n"
            "|---|---|---|\n"
            "| duration | %s | ns |\n"
            "| size | %s | bytes |\n"
            "| frequency | %s | MHz |\n"
            "| bandwidth | %s | Gbps |\n"
            "| power | %s | W |\n"
            "| rate | %s | per s |\n"
            "\n",
            units_duration_list, units_bytes_list, units_mhz_list, units_gbps_list,
            units_watts_list, units_rate_list);
    scn_schema_write_rows(&scn_scenario_schema, out);
}
