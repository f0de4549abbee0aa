/* share_sum.h - a fingerprint of a shared record, to find the records a
 * rank changed in a window without a copy of them (sim_share, docs/engine.md
 * "Memory per rank").
 *
 * Contract
 *  - share_sum(bytes, n) is a polynomial hash of the bytes read as 32-bit
 *    little pieces c_1..c_L (the last zero-padded), evaluated at a fixed key
 *    K modulo the prime P = 2^61 - 1: sum c_j K^(L-j) mod P, in [0, P).
 *  - Two byte strings of the same length that differ in one 32-bit piece
 *    always have different sums (the difference d K^i is not 0 mod P, as
 *    0 < |d| < P and 0 < K < P).
 *  - Differing in several pieces, they have the same sum only if K is a
 *    root of their difference polynomial (degree < L, so at most L - 1 of
 *    the P possible keys): for contents that do not depend on K, at most
 *    (L - 1) / 2^61 per changed record, 1.3e-17 for the largest record
 *    shared today (120 bytes, L = 30).
 *  - Deterministic: the same bytes give the same sum on every rank.
 */
#ifndef VDCSIM_SIM_SHARE_SUM_H
#define VDCSIM_SIM_SHARE_SUM_H

#include <stddef.h>
#include <stdint.h>

uint64_t share_sum(const void *bytes, size_t n);

#endif
