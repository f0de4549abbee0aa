/* test_share_sum.c - the fingerprint that finds changed shared records
 * (sim/share_sum.h): its value on hand-computed inputs, linearity, and that
 * a change within one 32-bit piece is always seen. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "sim/share_sum.h"

#define KEY UINT64_C(0x0F3A5C6B9D1E2477) /* share_sum.c's key, < P */
#define P ((UINT64_C(1) << 61) - 1)

static void test_values(void)
{
    const uint32_t one[1] = {7}, k[2] = {1, 0}, two_k3[2] = {2, 3}, five[2] = {0, 5};
    CHECK(share_sum(one, 4) == 7);             /* one piece c: c */
    CHECK(share_sum(k, 8) == KEY);             /* c1 K + c2 */
    CHECK(share_sum(two_k3, 8) == 2 * KEY + 3); /* 2K + 3 < P */
    CHECK(share_sum(five, 8) == 5);
    /* a tail shorter than a piece counts as zero-padded */
    const unsigned char tail[7] = {1, 2, 3, 4, 5, 6, 7};
    unsigned char padded[8] = {0};
    memcpy(padded, tail, sizeof tail);
    CHECK(share_sum(tail, 7) == share_sum(padded, 8));
    padded[7] = 1;
    CHECK(share_sum(tail, 7) != share_sum(padded, 8));
    CHECK(share_sum(one, 0) == 0);
}

/* the sum is linear in the pieces: sum(a) + sum(b) = sum(a + b) mod P when
 * no piece of a + b overflows */
static void test_linear(void)
{
    uint32_t a[30], b[30], ab[30];
    uint64_t x = 12345;
    for (int i = 0; i < 30; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        a[i] = (uint32_t)(x >> 34); /* < 2^30: a + b < 2^31 */
        b[i] = (uint32_t)(x >> 35);
        ab[i] = a[i] + b[i];
    }
    uint64_t sa = share_sum(a, sizeof a), sb = share_sum(b, sizeof b);
    CHECK(sa < P && sb < P);
    CHECK((sa + sb) % P == share_sum(ab, sizeof ab));
}

/* every single-bit change of a 120-byte record (the failure model's host
 * account, the largest shared today) changes the sum */
static void test_one_piece_changes(void)
{
    unsigned char rec[120];
    for (int i = 0; i < 120; i++)
        rec[i] = (unsigned char)(i * 37 + 11);
    const uint64_t base = share_sum(rec, sizeof rec);
    int missed = 0;
    for (int i = 0; i < 120; i++)
        for (int bit = 0; bit < 8; bit++) {
            rec[i] ^= (unsigned char)(1u << bit);
            missed += share_sum(rec, sizeof rec) == base;
            rec[i] ^= (unsigned char)(1u << bit);
        }
    CHECK_INT_EQ(missed, 0);
    CHECK(share_sum(rec, sizeof rec) == base);
    /* a whole piece replaced, in the first and the last place */
    memset(rec, 0xff, 4);
    CHECK(share_sum(rec, sizeof rec) != base);
}

int main(void)
{
    test_values();
    test_linear();
    test_one_piece_changes();
    return CHECK_DONE();
}
