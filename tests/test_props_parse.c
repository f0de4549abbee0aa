/* test_props_parse.c - the property parser (analysis/props_parse.h):
 * precedence (checked through the fully parenthesised form), units and the
 * column of each error, counted by hand in the formula text. */
#include <stdlib.h>
#include <string.h>

#include "analysis/props_parse.h"
#include "check.h"

static void parses_as(const char *text, const char *want)
{
    char err[256], got[512];
    props_node *n = props_parse(text, err, sizeof err);
    CHECK(n != NULL);
    if (!n) {
        fprintf(stderr, "  %s: %s\n", text, err);
        return;
    }
    props_format(n, got, sizeof got);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  %s\n  got  %s\n  want %s\n", text, got, want);
    CHECK(strcmp(got, want) == 0);
    props_free(n);
}

static void fails_with(const char *text, const char *want)
{
    char err[256];
    props_node *n = props_parse(text, err, sizeof err);
    CHECK(n == NULL);
    props_free(n);
    if (strstr(err, want) == NULL)
        fprintf(stderr, "  %s\n  got  %s\n  want %s...\n", text, err, want);
    CHECK(strstr(err, want) != NULL);
}

/* "forall host: " then `piece` n times, then `last`; malloc'ed. */
static char *chain(const char *piece, int n, const char *last)
{
    size_t len = strlen(piece);
    char *t = malloc(13 + (size_t)n * len + strlen(last) + 1);
    if (!t)
        return NULL;
    strcpy(t, "forall host: ");
    for (int i = 0; i < n; i++)
        memcpy(t + 13 + (size_t)i * len, piece, len);
    strcpy(t + 13 + (size_t)n * len, last);
    return t;
}

/* Long chains are not nesting but recurse as deep as they are long (U
 * while parsing, && in the tree): at most 1000 nodes, not a stack
 * overflow (50,000 overflowed the ASan build's stack). */
static void test_long_chains(void)
{
    /* && chain of k atoms: the forall, k atoms and k-1 ANDs, 2k nodes; the
     * 1001st is atom 501, at column 14 + 500 * strlen("host.up && "). */
    char *t = chain("host.up && ", 499, "host.up");
    char err[256];
    props_node *n = t ? props_parse(t, err, sizeof err) : NULL;
    CHECK(n != NULL);
    props_free(n);
    free(t);
    t = chain("host.up && ", 500, "host.up");
    CHECK(t != NULL);
    if (t)
        fails_with(t, "column 5514: more than 1000 operators and operands");
    free(t);
    t = chain("host.up && ", 50000, "host.up");
    CHECK(t != NULL);
    if (t)
        fails_with(t, "column 5514: more than 1000 operators and operands");
    free(t);
    /* U chain: the U nodes come after their right side, so the 1001st node
     * is atom 1000, at column 14 + 999 * strlen("host.up U[<=1s] "). */
    t = chain("host.up U[<=1s] ", 50000, "host.up");
    CHECK(t != NULL);
    if (t)
        fails_with(t, "column 15998: more than 1000 operators and operands");
    free(t);
}

int main(void)
{
    /* Unary operators bind tighter than the binary ones; -> is lowest. */
    parses_as("forall host: G host.failed -> F[<=10m] host.up", "forall host: (G host.failed -> F[<=10m] host.up)");
    parses_as("forall host: G (host.failed -> F[<=10m] host.up)", "forall host: G (host.failed -> F[<=10m] host.up)");
    parses_as("forall vm: vm.running && vm.cpu_ready < 0.05 || vmotion.active",
              "forall vm: ((vm.running && (vm.cpu_ready < 0.05)) || vmotion.active)");
    parses_as("forall vm: vm.running || vmotion.active && !vm.running",
              "forall vm: (vm.running || (vmotion.active && !vm.running))");
    parses_as("true -> false -> true", "(true -> (false -> true))");
    parses_as("forall vm: vm.running U[<=5m] vmotion.active && true",
              "forall vm: ((vm.running U[<=5m] vmotion.active) && true)");
    /* Arithmetic: * before +, units carried through. */
    parses_as("forall host: host.cpu_usage <= 0.9 * host.cpu_capacity",
              "forall host: (host.cpu_usage <= (0.9 * host.cpu_capacity))");
    parses_as("forall host: host.cpu_usage + 100 * \"1MHz\" < host.cpu_capacity",
              "forall host: ((host.cpu_usage + (100 * 1)) < host.cpu_capacity)");
    parses_as("forall host in group \"esx\": G host.cpu_usage < \"2.6GHz\"",
              "forall host in group \"esx\": G (host.cpu_usage < 2600)");
    /* 200 ms = 2e8 ns */
    parses_as("forall service: G service.latency_p99 < \"200ms\"", "forall service: G (service.latency_p99 < 2e+08)");
    parses_as("forall vm: G(vm.cpu_entitlement / vm.cpu_demand >= 0.5)",
              "forall vm: G ((vm.cpu_entitlement / vm.cpu_demand) >= 0.5)");

    /* Errors: the column (from 1) of the offending character. */
    /* 13 chars "forall host: ", "G " -> 15, "(" 16, host.cpu_usage 17-30, " <= " 31-34,
     * "0.9" 35-37, " * " 38-40, host.cpu_capacity 41-57: the end is column 58. */
    fails_with("forall host: G (host.cpu_usage <= 0.9 * host.cpu_capacity", "column 58: expected ')'");
    fails_with("forall vm: vm.foo", "column 12: unknown predicate 'vm.foo'");
    /* "forall service: " 16 chars, service.latency_p99 17-35, '<' at 37. */
    fails_with("forall service: service.latency_p99 < 0.2", "column 37: unit mismatch: ns compared with 1");
    fails_with("forall host: host.cpu_usage < \"200ms\"", "column 29: unit mismatch: MHz compared with ns");
    fails_with("forall host: host.cpu_usage * host.cpu_capacity > 1", "column 29: unit mismatch: MHz * MHz");
    fails_with("forall host: host.cpu_usage + 100 < host.cpu_capacity", "column 29: unit mismatch: MHz + 1");
    fails_with("host.failed", "column 1: 'host.failed' needs an enclosing 'forall host:'");
    fails_with("forall host: vm.running", "column 14: 'vm.running' needs an enclosing 'forall vm:'");
    fails_with("forall host: F[<=5x] host.up", "column 18: expected a duration");
    fails_with("forall host: F host.up", "column 16: expected '[<=DURATION]'");
    fails_with("forall host: F(host.up)", "column 15: expected '[<=DURATION]'");
    fails_with("forall rack: true", "column 8: expected an entity kind");
    fails_with("forall host: host.up host.failed", "column 22: expected an operator");
    fails_with("forall host: host.cpu_usage", "column 28: expected a comparison");
    fails_with("forall host: G", "column 15: expected a formula, found the end");
    fails_with("forall host: forall vm: true", "column 14: nested 'forall'");
    fails_with("", "column 1: expected a formula");

    /* Deep nesting is refused, not a stack overflow. */
    char deep[5000];
    memset(deep, '(', 4000);
    strcpy(deep + 4000, "true");
    fails_with(deep, "nested deeper than");
    memset(deep, '!', 4000);
    fails_with(deep, "nested deeper than");
    test_long_chains();
    return CHECK_DONE();
}
