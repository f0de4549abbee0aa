/* test_oracles.c - the closed forms against the reference values of
 * models.md 7.9, the DRS priority table of 1.3 and the pre-copy vectors of
 * 3.4, plus a few values worked out by hand (shown in the comments).
 */
#include "analysis/oracles.h"
#include "check.h"

#include <math.h>
#include <stdint.h>

static void test_mmc(void)
{
    /* 7.9: M/M/c lambda=3 mu=1 c=4: C=0.50943, Wq=0.50943, W=1.50943,
     * Lq=1.52830, L=4.52830. */
    CHECK_NEAR(oracle_erlang_c(4, 3.0), 0.50943, 5e-6);
    CHECK_NEAR(oracle_mmc_wq(3.0, 1.0, 4), 0.50943, 5e-6);
    CHECK_NEAR(oracle_mmc_w(3.0, 1.0, 4), 1.50943, 5e-6);
    CHECK_NEAR(oracle_mmc_lq(3.0, 1.0, 4), 1.52830, 5e-6);
    CHECK_NEAR(oracle_mmc_l(3.0, 1.0, 4), 4.52830, 5e-6);
    /* By hand: sum_{k<4} 3^k/k! = 13, 3^4/4! = 27/8, so
     * C = (27/8 * 4/(4-3)) / (13 + 27/2) = 13.5/26.5 = 27/53. */
    CHECK_NEAR(oracle_erlang_c(4, 3.0), 27.0 / 53.0, 1e-12);
    /* Little's law holds between the outputs. */
    CHECK_NEAR(oracle_mmc_l(3.0, 1.0, 4), 3.0 * oracle_mmc_w(3.0, 1.0, 4), 1e-12);
    /* c = 1 reduces to M/M/1. */
    CHECK_NEAR(oracle_mmc_w(0.8, 1.0, 1), 5.0, 1e-12);
    CHECK(isinf(oracle_mmc_wq(4.0, 1.0, 4)));
    CHECK(isnan(oracle_mmc_wq(1.0, 1.0, 0)));
    CHECK_NEAR(oracle_erlang_c(4, 4.0), 1.0, 0.0);
}

static void test_erlang_b(void)
{
    /* 7.9: Erlang B c=10 a=7: 0.078741. */
    CHECK_NEAR(oracle_erlang_b(10, 7.0), 0.078741, 5e-7);
    /* By hand: B(1,a) = a/(1+a); B(2,1) = (1/2)/(1+1+1/2) = 0.2. */
    CHECK_NEAR(oracle_erlang_b(1, 3.0), 0.75, 1e-15);
    CHECK_NEAR(oracle_erlang_b(2, 1.0), 0.2, 1e-15);
    CHECK_NEAR(oracle_erlang_b(0, 5.0), 1.0, 0.0);
    /* The recursion stays finite where a^c/c! would overflow. */
    CHECK(oracle_erlang_b(2000, 1900.0) > 0.0 && oracle_erlang_b(2000, 1900.0) < 0.1);
    CHECK(isnan(oracle_erlang_b(-1, 1.0)));
}

static void test_mm1_mg1(void)
{
    /* 7.9: M/M/1 lambda=0.8: Wq=4, W=5, L=4. */
    CHECK_NEAR(oracle_mm1_wq(0.8, 1.0), 4.0, 1e-12);
    CHECK_NEAR(oracle_mm1_w(0.8, 1.0), 5.0, 1e-12);
    CHECK_NEAR(oracle_mm1_l(0.8, 1.0), 4.0, 1e-12);
    CHECK_NEAR(oracle_mm1_lq(0.8, 1.0), 3.2, 1e-12);
    CHECK_NEAR(oracle_mm1_prob_at_least(0.8, 1.0, 2), 0.64, 1e-12);
    CHECK(isinf(oracle_mm1_w(1.0, 1.0)));
    /* 7.9: M/D/1 lambda=0.8 S=1: Wq=2, W=3, L=2.4. */
    CHECK_NEAR(oracle_mg1_wq(0.8, 1.0, 0.0), 2.0, 1e-12);
    CHECK_NEAR(oracle_mg1_w(0.8, 1.0, 0.0), 3.0, 1e-12);
    CHECK_NEAR(oracle_mg1_l(0.8, 1.0, 0.0), 2.4, 1e-12);
    /* P-K with exponential service (Var = E[S]^2) is M/M/1. */
    CHECK_NEAR(oracle_mg1_wq(0.8, 1.0, 1.0), 4.0, 1e-12);
    CHECK(isinf(oracle_mg1_wq(1.0, 1.0, 0.0)));
    /* M/G/inf: 2 arrivals/s, mean life 30 s -> 60 alive. */
    CHECK_NEAR(oracle_mginf_mean(2.0, 30.0), 60.0, 1e-12);
}

static void test_supermarket(void)
{
    /* 7.9: T_d(lambda) for lambda = .5, .9, .99. */
    CHECK_NEAR(oracle_supermarket_sojourn(0.5, 1), 2.0, 1e-12);
    CHECK_NEAR(oracle_supermarket_sojourn(0.9, 1), 10.0, 1e-9);
    CHECK_NEAR(oracle_supermarket_sojourn(0.99, 1), 100.0, 1e-9);
    CHECK_NEAR(oracle_supermarket_sojourn(0.5, 2), 1.2657, 5e-5);
    CHECK_NEAR(oracle_supermarket_sojourn(0.9, 2), 2.6141, 5e-5);
    CHECK_NEAR(oracle_supermarket_sojourn(0.99, 2), 5.4320, 5e-5);
    CHECK_NEAR(oracle_supermarket_sojourn(0.5, 3), 1.1252, 5e-5);
    CHECK_NEAR(oracle_supermarket_sojourn(0.9, 3), 2.0279, 5e-5);
    CHECK_NEAR(oracle_supermarket_sojourn(0.99, 3), 3.8578, 5e-5);
    /* By hand, d=2 lambda=.5: 1 + .5^2 + .5^6 + .5^14 + .5^30 + ... */
    CHECK_NEAR(oracle_supermarket_sojourn(0.5, 2),
               1.0 + 0.25 + 0.015625 + ldexp(1.0, -14) + ldexp(1.0, -30), 1e-12);
    CHECK_NEAR(oracle_supermarket_sojourn(0.0, 2), 1.0, 0.0);
    CHECK(isinf(oracle_supermarket_sojourn(1.0, 2)));

    /* 7.9: s_i (d=2, lambda=0.9), i=1..5: 0.9, 0.729, 0.478297, 0.205891, 0.038152. */
    CHECK_NEAR(oracle_supermarket_tail(0.9, 2, 1), 0.9, 1e-12);
    CHECK_NEAR(oracle_supermarket_tail(0.9, 2, 2), 0.729, 1e-12);
    CHECK_NEAR(oracle_supermarket_tail(0.9, 2, 3), 0.478297, 5e-7);
    CHECK_NEAR(oracle_supermarket_tail(0.9, 2, 4), 0.205891, 5e-7);
    CHECK_NEAR(oracle_supermarket_tail(0.9, 2, 5), 0.038152, 5e-7);
    CHECK_NEAR(oracle_supermarket_tail(0.9, 2, 0), 1.0, 0.0);
    /* d = 1: lambda^i, the M/M/1 tail. */
    CHECK_NEAR(oracle_supermarket_tail(0.9, 1, 3), 0.729, 1e-12);
}

static void test_availability(void)
{
    double pi[17];
    double total = 0.0;

    /* 7.9: Host A (MTTF 1000 h, MTTR 4 h) = 0.996016;
     * P(>=15 of 16 up) = 0.9981647; P(>=14 of 16) = 0.9999659. */
    double availability = oracle_availability(1000.0, 4.0);
    CHECK_NEAR(availability, 0.996016, 5e-7);
    CHECK_NEAR(oracle_k_of_n_up(16, 15, availability), 0.9981647, 5e-8);
    CHECK_NEAR(oracle_k_of_n_up(16, 14, availability), 0.9999659, 5e-8);
    CHECK_NEAR(oracle_k_of_n_up(16, 0, availability), 1.0, 0.0);
    CHECK_NEAR(oracle_k_of_n_up(16, 16, availability), pow(availability, 16), 1e-14);
    CHECK_NEAR(oracle_k_of_n_up(16, 17, availability), 0.0, 0.0);
    CHECK_NEAR(oracle_k_of_n_up(4, 2, 0.5), 11.0 / 16.0, 1e-15); /* (6+4+1)/16 */

    /* HA: P(#down > f) is the complement of P(>= N-f up). */
    CHECK_NEAR(oracle_ha_capacity_shortfall_prob(16, 1, 1.0 - availability),
               1.0 - 0.9981647, 5e-8);
    CHECK_NEAR(oracle_ha_capacity_shortfall_prob(16, 2, 1.0 - availability),
               1.0 - 0.9999659, 5e-8);
    /* A tiny tail keeps its relative precision: P(all 16 down) = U^16. */
    CHECK_NEAR(oracle_ha_capacity_shortfall_prob(16, 15, 1.0 - availability) /
                   pow(1.0 - availability, 16),
               1.0, 1e-9);
    CHECK_INT_EQ(oracle_ha_percentage_tolerated_failures(16, 25), 4);
    CHECK_INT_EQ(oracle_ha_percentage_tolerated_failures(10, 33), 3);

    /* 7.9: machine-repair n=16, r=1: pi0..pi3 = 0.93627, 0.05992, 0.0035953,
     * 0.00020134; E[#down] = 0.067760. */
    CHECK_INT_EQ(oracle_machine_repair_distribution(16, 1, 1.0 / 1000.0, 1.0 / 4.0, pi), 0);
    CHECK_NEAR(pi[0], 0.93627, 5e-6);
    CHECK_NEAR(pi[1], 0.05992, 5e-6);
    CHECK_NEAR(pi[2], 0.0035953, 5e-8);
    CHECK_NEAR(pi[3], 0.00020134, 5e-9);
    for (int i = 0; i <= 16; i++)
        total += pi[i];
    CHECK_NEAR(total, 1.0, 1e-12);
    CHECK_NEAR(oracle_machine_repair_mean_down(16, 1, 1.0 / 1000.0, 1.0 / 4.0), 0.067760,
               5e-7);
    /* Birth-death balance: pi_1 / pi_0 = 16 * lambda / mu = 0.064. */
    CHECK_NEAR(pi[1] / pi[0], 0.064, 1e-12);
    CHECK_NEAR(oracle_machine_repair_exceed_rate(16, 1, 1.0 / 1000.0, 0.25, 1),
               pi[1] * 15.0 / 1000.0, 1e-15);

    /* r >= n: the binomial with A = mu/(lambda + mu) = 0.25/0.251. */
    CHECK_INT_EQ(oracle_machine_repair_distribution(16, 16, 0.001, 0.25, pi), 0);
    CHECK_NEAR(pi[0], pow(0.25 / 0.251, 16), 1e-12);
    CHECK_NEAR(1.0 - pi[0] - pi[1], 1.0 - oracle_k_of_n_up(16, 15, 0.25 / 0.251), 1e-12);
    CHECK_NEAR(oracle_machine_repair_mean_down(16, 16, 0.001, 0.25), 16.0 * 0.001 / 0.251,
               1e-12);

    /* Large n does not overflow. */
    {
        static double big_pi[5001];
        CHECK_INT_EQ(oracle_machine_repair_distribution(5000, 3, 0.01, 1.0, big_pi), 0);
        CHECK(isfinite(big_pi[0]) && isfinite(big_pi[5000]));
    }
    CHECK_INT_EQ(oracle_machine_repair_distribution(16, 0, 0.001, 0.25, pi), -1);
}

static void test_binpack(void)
{
    /* 7.9: FFD example [.42x3, .35x3, .23x3, .2x2]: FFD=4, L1=4, L2=4. */
    const double example[] = {0.42, 0.35, 0.23, 0.2, 0.42, 0.35, 0.23, 0.2, 0.42, 0.35, 0.23};
    const size_t example_count = sizeof example / sizeof example[0];
    /* 7.5 and 7.9: five items of 0.6 give L1 = 3 and L2 = 5 (= OPT). */
    const double sixes[] = {0.6, 0.6, 0.6, 0.6, 0.6};
    /* By hand: four items of 0.5 fit exactly in 2 bins. */
    const double halves[] = {0.5, 0.5, 0.5, 0.5};
    /* By hand, capacity 10: {6,6,4,4} -> alpha=4: J1 = {}, J2 = {6,6},
     * J3 = {4,4}; 2 + ceil((8 - (20 - 12))/10) = 2; FFD packs 6+4, 6+4 = 2. */
    const double integers[] = {6.0, 4.0, 6.0, 4.0};

    CHECK_INT_EQ(oracle_binpack_ffd(example, example_count, 1.0), 4);
    CHECK_INT_EQ(oracle_binpack_l1(example, example_count, 1.0), 4);
    CHECK_INT_EQ(oracle_binpack_l2(example, example_count, 1.0), 4);
    CHECK_INT_EQ(oracle_binpack_l1(sixes, 5, 1.0), 3);
    CHECK_INT_EQ(oracle_binpack_l2(sixes, 5, 1.0), 5);
    CHECK_INT_EQ(oracle_binpack_ffd(sixes, 5, 1.0), 5);
    CHECK_INT_EQ(oracle_binpack_l1(halves, 4, 1.0), 2);
    CHECK_INT_EQ(oracle_binpack_l2(halves, 4, 1.0), 2);
    CHECK_INT_EQ(oracle_binpack_ffd(halves, 4, 1.0), 2);
    CHECK_INT_EQ(oracle_binpack_l2(integers, 4, 10.0), 2);
    CHECK_INT_EQ(oracle_binpack_ffd(integers, 4, 10.0), 2);
    CHECK_INT_EQ(oracle_binpack_ffd(NULL, 0, 1.0), 0);
    CHECK_INT_EQ(oracle_binpack_l1(sixes, 5, 0.5), -1); /* item larger than a bin */
    /* 11/9 * 4 + 6/9 = 50/9. */
    CHECK_NEAR(oracle_binpack_ffd_bound(4), 50.0 / 9.0, 1e-12);
    CHECK(oracle_binpack_ffd(example, example_count, 1.0) <=
          oracle_binpack_ffd_bound(oracle_binpack_l2(example, example_count, 1.0)));

    /* Random instances: L1 <= L2 <= OPT <= FFD must always hold. */
    {
        uint64_t state = 12345;
        int ordered = 1;
        for (int instance = 0; instance < 200; instance++) {
            double items[40];
            int l1, l2, ffd;
            for (int i = 0; i < 40; i++) {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                items[i] = 0.05 + 0.7 * (double)(state >> 11) / 9007199254740992.0;
            }
            l1 = oracle_binpack_l1(items, 40, 1.0);
            l2 = oracle_binpack_l2(items, 40, 1.0);
            ffd = oracle_binpack_ffd(items, 40, 1.0);
            if (!(l1 >= 1 && l1 <= l2 && l2 <= ffd))
                ordered = 0;
        }
        CHECK(ordered);
    }
}

static void test_makespan(void)
{
    const double jobs[] = {3.0, 3.0, 2.0, 2.0, 2.0};
    const double one_long[] = {10.0, 1.0, 1.0};

    /* sum 12 over 2 machines = 6 > max 3. */
    CHECK_NEAR(oracle_makespan_lower_bound(jobs, 5, 2), 6.0, 1e-12);
    CHECK_NEAR(oracle_makespan_lower_bound(one_long, 3, 3), 10.0, 1e-12);
    CHECK_NEAR(oracle_list_schedule_ratio(4), 1.75, 1e-15);
    CHECK_NEAR(oracle_lpt_ratio(1), 1.0, 1e-15);
    CHECK_NEAR(oracle_lpt_ratio(2), 7.0 / 6.0, 1e-15);
    CHECK(isnan(oracle_lpt_ratio(0)));
}

static void test_drs(void)
{
    /* 1.3 table of raw P = 6 - ceil(10 I sqrt(H)). */
    static const double imbalances[5] = {0.01, 0.05, 0.1, 0.2, 0.3};
    static const int host_counts[3] = {2, 4, 8};
    static const int expected[3][5] = {
        {5, 5, 4, 3, 1},
        {5, 5, 4, 2, 0},
        {5, 4, 3, 0, -3},
    };

    for (int h = 0; h < 3; h++) {
        for (int i = 0; i < 5; i++)
            CHECK_INT_EQ(oracle_drs_priority_raw(imbalances[i], host_counts[h]),
                         expected[h][i]);
    }
    CHECK_INT_EQ(oracle_drs_priority_raw(0.0, 4), 6);

    /* 1.3: H=4: T=3 -> 0.10, T=2 -> 0.15, T=4 -> 0.05, T=5 -> 0; H=16, T=3 -> 0.05. */
    CHECK_NEAR(oracle_drs_target_imbalance(3, 4), 0.10, 1e-15);
    CHECK_NEAR(oracle_drs_target_imbalance(2, 4), 0.15, 1e-15);
    CHECK_NEAR(oracle_drs_target_imbalance(4, 4), 0.05, 1e-15);
    CHECK_NEAR(oracle_drs_target_imbalance(5, 4), 0.0, 0.0);
    CHECK_NEAR(oracle_drs_target_imbalance(3, 16), 0.05, 1e-15);
    /* Consistency: just above the target the priority is within the threshold. */
    CHECK(oracle_drs_priority_raw(oracle_drs_target_imbalance(3, 4) + 1e-6, 4) <= 3);
    CHECK(oracle_drs_priority_raw(oracle_drs_target_imbalance(3, 4) - 1e-6, 4) > 3);
}

static void test_precopy(void)
{
    /* 3.4: V = 4 GiB, R = 1.25 GB/s, V_thd = 0.3 s * R. */
    const double memory_bytes = 4.0 * 1024.0 * 1024.0 * 1024.0;
    const double bandwidth = 1.25e9;
    const double threshold = oracle_precopy_threshold_bytes(bandwidth, 0.3);
    oracle_precopy_result result;

    CHECK_NEAR(threshold, 3.75e8, 1e-3);

    /* D = 0: n = 1, T_mig = V/R exactly (3.436 s), T_down = 0. */
    CHECK_INT_EQ(oracle_precopy_migration(memory_bytes, bandwidth, 0.0, threshold, 29, 0.0,
                                          &result),
                 0);
    CHECK_INT_EQ(result.live_rounds, 1);
    CHECK(result.total_time_s == memory_bytes / bandwidth);
    CHECK_NEAR(result.total_time_s, 3.436, 5e-4);
    CHECK(result.downtime_s == 0.0);
    CHECK(result.bytes_sent == memory_bytes);

    /* D = 5e7: lambda 0.04, n 1, T_mig 3.573, T_down 0.137. */
    oracle_precopy_migration(memory_bytes, bandwidth, 5e7, threshold, 29, 0.0, &result);
    CHECK_INT_EQ(result.live_rounds, 1);
    CHECK_NEAR(result.total_time_s, 3.573, 5e-4);
    CHECK_NEAR(result.downtime_s, 0.137, 5e-4);

    /* D = 2e8: lambda 0.16, n 2, T_mig 4.074, T_down 0.088. */
    oracle_precopy_migration(memory_bytes, bandwidth, 2e8, threshold, 29, 0.0, &result);
    CHECK_INT_EQ(result.live_rounds, 2);
    CHECK_NEAR(result.total_time_s, 4.074, 5e-4);
    CHECK_NEAR(result.downtime_s, 0.088, 5e-4);

    /* D = 6e8: lambda 0.48, n 4, T_mig 6.439, T_down 0.182. */
    oracle_precopy_migration(memory_bytes, bandwidth, 6e8, threshold, 29, 0.0, &result);
    CHECK_INT_EQ(result.live_rounds, 4);
    CHECK_NEAR(result.total_time_s, 6.439, 5e-4);
    CHECK_NEAR(result.downtime_s, 0.182, 5e-4);
    /* Closed form of 3.1: V_mig = V (1 - lambda^{n+1}) / (1 - lambda). */
    CHECK_NEAR(result.bytes_sent / (memory_bytes * (1.0 - pow(0.48, 5)) / 0.52), 1.0, 1e-12);
    CHECK_NEAR(result.stop_copy_bytes / (memory_bytes * pow(0.48, 4)), 1.0, 1e-12);
    /* The resume time adds to the downtime only. */
    {
        oracle_precopy_result with_resume;
        oracle_precopy_migration(memory_bytes, bandwidth, 6e8, threshold, 29, 0.05,
                                 &with_resume);
        CHECK_NEAR(with_resume.downtime_s - result.downtime_s, 0.05, 1e-12);
        CHECK(with_resume.total_time_s == result.total_time_s);
    }

    /* The round cap decides when the series does not converge (lambda >= 1):
     * lambda = 1, 29 live rounds -> 30 copies of V. */
    oracle_precopy_migration(memory_bytes, bandwidth, bandwidth, threshold, 29, 0.0, &result);
    CHECK_INT_EQ(result.live_rounds, 29);
    CHECK_NEAR(result.bytes_sent / memory_bytes, 30.0, 1e-12);
    CHECK_NEAR(result.downtime_s, memory_bytes / bandwidth, 1e-12);
    /* The cap also stops a converging series early: lambda 0.48, cap 2. */
    oracle_precopy_migration(memory_bytes, bandwidth, 6e8, threshold, 2, 0.0, &result);
    CHECK_INT_EQ(result.live_rounds, 2);
    CHECK_NEAR(result.downtime_s, memory_bytes / bandwidth * 0.48 * 0.48, 1e-12);

    /* Memory already under the threshold: straight stop-and-copy. */
    oracle_precopy_migration(1e8, bandwidth, 6e8, threshold, 29, 0.0, &result);
    CHECK_INT_EQ(result.live_rounds, 0);
    CHECK_NEAR(result.downtime_s, 1e8 / bandwidth, 1e-15);
    CHECK_NEAR(result.total_time_s, 1e8 / bandwidth, 1e-15);

    CHECK_INT_EQ(oracle_precopy_migration(memory_bytes, 0.0, 0.0, threshold, 29, 0.0, &result),
                 -1);
    CHECK_INT_EQ(oracle_precopy_migration(memory_bytes, bandwidth, 0.0, threshold, 0, 0.0,
                                          &result),
                 -1);
}

int main(void)
{
    test_mmc();
    test_erlang_b();
    test_mm1_mg1();
    test_supermarket();
    test_availability();
    test_binpack();
    test_makespan();
    test_drs();
    test_precopy();
    return CHECK_DONE();
}
