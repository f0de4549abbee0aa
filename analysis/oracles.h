/* oracles.h - closed-form results that the simulator is validated against.
 *
 * Every function here is pure: no global state, no I/O, no allocation that
 * outlives the call, safe to call from any thread. Each one states its
 * formula and where the formula comes from; the section numbers refer to
 * /work/shared/reference/models.md (sections 1.3, 3 and 7), whose section 7.9
 * lists the reference values the tests check.
 *
 * Conventions:
 *   - Rates are per unit time (any unit, used consistently); times come out in
 *     the reciprocal unit. Names carry the unit where it is fixed (_bytes, _s).
 *   - An argument outside the function's domain (negative rate, c < 1, a
 *     probability outside [0,1], ...) gives NAN, or -1 for integer results.
 *   - A queue that is not stable (rho >= 1) has infinite waiting time and
 *     length: those functions return INFINITY.
 *
 * The code lives in oracle_queueing.c (7.2-7.4), oracle_availability.c (7.7),
 * oracle_binpack.c (7.5), oracle_migration.c (3) and oracles.c (1.3, 7.6).
 */
#ifndef VDCSIM_ANALYSIS_ORACLES_H
#define VDCSIM_ANALYSIS_ORACLES_H

#include <stddef.h>

/* ------------------------------------------------------------------------ */
/* Queueing: M/M/1, M/M/c, Erlang B and C (Kleinrock 1975; models.md 7.2).   */
/* Notation: a = lambda/mu offered load in Erlangs, rho = a/c.               */
/* ------------------------------------------------------------------------ */

/* Erlang B blocking probability of an M/G/c/c loss system,
 *   B(c,a) = (a^c/c!) / sum_{k=0..c} a^k/k!,
 * computed by the stable recursion B_0 = 1, B_k = a*B_{k-1}/(k + a*B_{k-1}).
 * Insensitive to the holding-time distribution. c >= 0, a >= 0. */
double oracle_erlang_b(int servers, double offered_load_erlangs);

/* Erlang C probability that an arrival waits in M/M/c,
 *   C(c,a) = c*B(c,a) / (c - a*(1 - B(c,a))),   for a < c.
 * Returns 1 when a >= c (the queue grows without bound: everyone waits). */
double oracle_erlang_c(int servers, double offered_load_erlangs);

/* M/M/c, FIFO, c identical servers of rate mu:
 *   Wq = C(c,a)/(c*mu - lambda);  W = Wq + 1/mu;  Lq = lambda*Wq;  L = lambda*W.
 * INFINITY when lambda >= c*mu. */
double oracle_mmc_wq(double lambda, double mu, int servers);
double oracle_mmc_w(double lambda, double mu, int servers);
double oracle_mmc_lq(double lambda, double mu, int servers);
double oracle_mmc_l(double lambda, double mu, int servers);

/* M/M/1 (rho = lambda/mu):
 *   W = 1/(mu - lambda);  Wq = rho/(mu - lambda);  L = rho/(1 - rho);
 *   Lq = rho^2/(1 - rho);  P(N >= k) = rho^k.
 * INFINITY (or 1 for the tail probability) when rho >= 1. */
double oracle_mm1_w(double lambda, double mu);
double oracle_mm1_wq(double lambda, double mu);
double oracle_mm1_l(double lambda, double mu);
double oracle_mm1_lq(double lambda, double mu);
double oracle_mm1_prob_at_least(double lambda, double mu, int k);

/* M/G/1 FIFO by Pollaczek-Khinchine (models.md 7.3):
 *   Wq = lambda*E[S^2] / (2(1 - rho)),  E[S^2] = Var(S) + E[S]^2,  rho = lambda*E[S]
 *      = rho*(1 + Cs^2)/(2(1 - rho)) * E[S],   Cs^2 = Var(S)/E[S]^2.
 *   W = Wq + E[S];  L = lambda*W.
 * M/D/1 is service_variance = 0; M/M/1 is service_variance = E[S]^2.
 * INFINITY when rho >= 1. */
double oracle_mg1_wq(double lambda, double mean_service, double service_variance);
double oracle_mg1_w(double lambda, double mean_service, double service_variance);
double oracle_mg1_l(double lambda, double mean_service, double service_variance);

/* M/G/infinity (models.md 7.3): the number in system in steady state is
 * Poisson(lambda*m) for any lifetime distribution of mean m, so
 * mean = variance = lambda*m. */
double oracle_mginf_mean(double lambda, double mean_lifetime);

/* Supermarket model, join the shortest of d sampled queues, n -> infinity
 * exp(1) servers, arrival rate lambda per server, 0 <= lambda < 1
 * (Mitzenmacher, IEEE TPDS 12(10) 2001; Vvedenskaya et al. 1996; 7.4).
 *   Mean sojourn  T_d(lambda) = sum_{i>=1} lambda^{(d^i - d)/(d - 1)},
 *                 d = 1 gives 1/(1 - lambda).
 *   Tail          s_i = lambda^{(d^i - 1)/(d - 1)}  (d = 1: lambda^i),
 *                 the fraction of queues holding at least i jobs; s_0 = 1.
 * The sum is taken until the terms underflow relative to the total. */
double oracle_supermarket_sojourn(double lambda, int choices);
double oracle_supermarket_tail(double lambda, int choices, int at_least_jobs);

/* ------------------------------------------------------------------------ */
/* Availability and HA capacity (models.md 7.7).                             */
/* ------------------------------------------------------------------------ */

/* Steady-state availability of an alternating-renewal (up/down) unit,
 *   A = MTTF / (MTTF + MTTR),
 * for any up- and down-time distributions. */
double oracle_availability(double mttf, double mttr);

/* P(at least k of n independent units are up), each up with probability A:
 *   sum_{j=k..n} C(n,j) A^j (1-A)^(n-j).
 * Summed in log space (gsl_sf_lnchoose); the smaller tail is summed and the
 * larger obtained as its complement, so tiny tails keep their precision. */
double oracle_k_of_n_up(int units, int at_least_up, double availability);

/* Machine-repairman (finite-source birth-death, exponential; 7.7).
 * State i = number of failed units, 0..n; birth (n-i)*failure_rate,
 * death min(i, crews)*repair_rate.
 *   pi_i = pi_0 * [n!/(n-i)!] * (failure_rate/repair_rate)^i / D_i,
 *   D_i = i! (i <= r),  r! * r^(i-r) (i > r);  sum pi_i = 1.
 * Fills pi_out[0..n] (n+1 entries) and returns 0, or returns -1 on a bad
 * argument. Computed in log space, so large n does not overflow. With
 * crews >= n it equals the binomial with A = repair_rate/(failure_rate+repair_rate). */
int oracle_machine_repair_distribution(int units, int crews, double failure_rate,
                                       double repair_rate, double *pi_out);

/* E[#down] = sum_i i*pi_i of the machine-repairman model above. */
double oracle_machine_repair_mean_down(int units, int crews, double failure_rate,
                                       double repair_rate);

/* Rate of entering state f+1 (more than f units down) in the machine-
 * repairman model: pi_f * (n - f) * failure_rate. Approximates the rate of
 * "HA restart failed for lack of capacity" episodes with f-failure admission
 * control. 0 when f >= n. */
double oracle_machine_repair_exceed_rate(int units, int crews, double failure_rate,
                                         double repair_rate, int tolerated_failures);

/* HA capacity sufficiency with f-failure admission control, independent
 * failures, per-host unavailability U = 1 - A:
 *   P(#down > f) = sum_{j=f+1..N} C(N,j) U^j (1-U)^(N-j). */
double oracle_ha_capacity_shortfall_prob(int hosts, int tolerated_failures,
                                         double unavailability);

/* Host failures tolerated by the percentage admission policy with
 * homogeneous hosts: f = floor(N * percent / 100), in integer arithmetic. */
int oracle_ha_percentage_tolerated_failures(int hosts, int reserved_percent);

/* ------------------------------------------------------------------------ */
/* Bin packing (models.md 7.5). Item sizes in (0, capacity]. Comparisons    */
/* use a tolerance of 1e-9*capacity so that sums such as 5 x 0.6 are exact. */
/* ------------------------------------------------------------------------ */

/* L1 = ceil(sum s_i / C). Returns -1 on a bad argument. */
int oracle_binpack_l1(const double *sizes, size_t count, double capacity);

/* Martello-Toth L2 (Discrete Appl. Math. 28, 1990): for alpha in [0, C/2],
 *   J1 = {s > C - alpha},  J2 = {C/2 < s <= C - alpha},  J3 = {alpha <= s <= C/2},
 *   L(alpha) = |J1| + |J2| + max(0, ceil((sum_J3 s - (|J2|*C - sum_J2 s)) / C)),
 *   L2 = max L(alpha) over alpha in {0} and {s_i <= C/2}.  L2 >= L1.
 * O(count^2). Returns -1 on a bad argument. */
int oracle_binpack_l2(const double *sizes, size_t count, double capacity);

/* Number of bins used by first-fit decreasing (sort by size descending, put
 * each item in the lowest-index bin it fits). Returns -1 on a bad argument or
 * allocation failure. */
int oracle_binpack_ffd(const double *sizes, size_t count, double capacity);

/* FFD guarantee (Dosa 2007, tight): FFD <= 11/9 * OPT + 6/9. */
double oracle_binpack_ffd_bound(int optimal_bins);

/* ------------------------------------------------------------------------ */
/* Makespan of list scheduling on m identical machines (Graham 1966, 1969;  */
/* models.md 7.6).                                                           */
/* ------------------------------------------------------------------------ */

/* OPT >= max(sum p_j / m, max p_j). NAN on a bad argument. */
double oracle_makespan_lower_bound(const double *processing_times, size_t count,
                                   int machines);

/* Any greedy list schedule: C_max <= (2 - 1/m) * OPT. Returns the factor. */
double oracle_list_schedule_ratio(int machines);

/* Longest processing time first: C_max <= (4/3 - 1/(3m)) * OPT. */
double oracle_lpt_ratio(int machines);

/* ------------------------------------------------------------------------ */
/* VMware DRS helpers (models.md 1.3).                                       */
/* ------------------------------------------------------------------------ */

/* Raw (unclamped) priority of a load-balancing recommendation,
 *   P = 6 - ceil(10 * I * sqrt(H)),
 * the left-to-right reading of KB 1007485's 6 - ceil(I/0.1 * sqrt(H)).
 * The caller clamps to [1,5] and maps P <= 1 to 2 for pure load balancing. */
int oracle_drs_priority_raw(double imbalance, int hosts);

/* Target imbalance implied by migration threshold T in {2..5}:
 *   I_target(T,H) = (5 - T) / (10 * sqrt(H));  a move is generated iff I > I_target. */
double oracle_drs_target_imbalance(int threshold, int hosts);

/* ------------------------------------------------------------------------ */
/* Pre-copy live migration, geometric-series model (Clark 2005; Liu et al. */
/* 2011; models.md 3.1 and 3.4).                                             */
/* ------------------------------------------------------------------------ */

/* With lambda = D/R, round i sends V*lambda^i bytes in V*lambda^i/R seconds.
 * Rounds 0..n-1 are live (round 0 is the full copy); round n is stop-and-copy.
 *   n = the smallest n >= 1 with V*lambda^n <= V_thd, capped at max_live_rounds
 *       (= min(n_max, ceil(log_lambda(V_thd/V))) of 3.1 when lambda < 1);
 *       n = 0 (pure stop-and-copy) when V <= V_thd; n = max_live_rounds when
 *       the series does not converge below V_thd (lambda >= 1).
 *   bytes_sent = V_mig = sum_{i=0..n} V*lambda^i  (= V(1-lambda^{n+1})/(1-lambda))
 *   total_time = V_mig / R   (resume time not included, as in 3.1)
 *   downtime   = V*lambda^n / R + T_resume
 * D = 0 gives n = 1, total_time = V/R exactly, downtime = T_resume. */
typedef struct oracle_precopy_result {
    int live_rounds;              /* n: pre-copy rounds before stop-and-copy */
    double total_time_s;          /* T_mig */
    double downtime_s;            /* T_down */
    double bytes_sent;            /* V_mig */
    double stop_copy_bytes;       /* V*lambda^n, copied while the VM is paused */
} oracle_precopy_result;

/* Stop threshold V_thd in bytes for a downtime budget, the QEMU switch-over
 * rule threshold_size = bandwidth * downtime_limit (3.2). 3.4 uses 0.3 s. */
double oracle_precopy_threshold_bytes(double bandwidth_bytes_per_s,
                                      double downtime_limit_s);

/* Fills *out and returns 0, or returns -1 on a bad argument (memory < 0,
 * bandwidth <= 0, dirty rate < 0, threshold < 0, max_live_rounds < 1). */
int oracle_precopy_migration(double memory_bytes, double bandwidth_bytes_per_s,
                             double dirty_rate_bytes_per_s, double stop_threshold_bytes,
                             int max_live_rounds, double resume_time_s,
                             oracle_precopy_result *out);

#endif
