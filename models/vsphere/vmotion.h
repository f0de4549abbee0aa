/* vmotion.h - vMotion live migration as iterative pre-copy, advanced round
 * by round so a controller can drive it with events.
 *
 * Model (docs/vsphere.md; Clark et al., NSDI 2005; reference models.md 3):
 *   round 0 sends the whole memory V; while a live round runs the guest
 *   dirties pages at D bytes/s, and round k+1 sends what round k's duration
 *   dirtied: min(V, D * duration(round k)). After each live round, if the
 *   bytes still to send are <= V_thd = B * downtime_target (QEMU's switch-over
 *   rule threshold_size = bandwidth * downtime_limit, B the bandwidth at that
 *   moment) or max_live_rounds rounds have run, the VM is paused and the rest
 *   is sent (stop-and-copy), then the switch-over (resume on the destination)
 *   takes switchover_s. A VM with V <= V_thd is stop-and-copied at once.
 *   Device state that cannot be pre-copied (stun_device_bytes, a vGPU's
 *   framebuffer) is added to what the stop-and-copy sends.
 *   The bandwidth may change at any time (fair share of the vMotion NIC among
 *   concurrent migrations): progress is accrued at the old rate up to the
 *   change and continues at the new one.
 *
 * SDPS (sdps = 1; vSphere 5.0 and later, "Slow Down During Page Send",
 * Epping, "vSphere 5.0 vMotion Enhancements", Yellow-Bricks 2011, and
 * "Clearing up a misunderstanding around CPU throttling with vMotion", 2012):
 * when a live round ends unconverged and the guest dirties pages faster
 * than sdps_ratio x B, vMotion puts the source vCPUs to sleep in short
 * slices so the dirty rate falls to sdps_ratio x B (B the bandwidth then):
 * the guest runs at speed D_eff / D < 1 and each round sends sdps_ratio of
 * the previous one, so pre-copy converges and the stun (stop-and-copy)
 * stays under V_thd / B = downtime_target (about the 1 s switch-over goal
 * or less). The throttle is re-evaluated at every round end and lifts when
 * the rate allows. sdps_ratio is not published: default 0.5 [M].
 * Without SDPS (plain pre-copy, as KVM/QEMU without auto-converge and Xen)
 * a VM dirtying faster than B never converges and stops after
 * max_live_rounds with everything dirtied still to send.
 *
 * With a constant bandwidth and no SDPS this walks the geometric series V*lambda^i,
 * lambda = D/B, of analysis/oracle_migration.c; the two are written
 * independently (the oracle by powers of lambda, this by elapsed time and
 * rate) and the tests compare them.
 *
 * Times are seconds (double) since the migration's own start; the controller
 * converts to sim_time_ns. Nothing here allocates or reads global state.
 */
#ifndef VDCSIM_MODELS_VMOTION_H
#define VDCSIM_MODELS_VMOTION_H

#include <stdint.h>

typedef struct vmotion_params {
    double memory_bytes;            /* V: the VM's memory to copy */
    double dirty_rate_bytes_per_s;  /* D, while the VM runs */
    double downtime_target_s;       /* V_thd = bandwidth * this (default 0.3 s) */
    int max_live_rounds;            /* pre-copy rounds before a forced stop (default 30) */
    double switchover_s;            /* resume on the destination, added to downtime (default 0) */
    int sdps;                       /* 1: slow the guest down so pre-copy converges (default 0 here) */
    double sdps_ratio;              /* throttled dirty rate / bandwidth, in (0, 1); default 0.5 [M] */
    double stun_device_bytes;       /* device state sent only while paused (a vGPU's framebuffer, vgpu.h); default 0 */
} vmotion_params;

typedef enum {
    VMOTION_PRECOPY,   /* live round `round` in progress */
    VMOTION_STOP_COPY, /* VM paused, sending the remainder */
    VMOTION_SWITCHOVER,/* remainder sent, resuming on the destination */
    VMOTION_DONE
} vmotion_phase;

typedef struct vmotion {
    vmotion_params p;
    vmotion_phase phase;
    int round;                 /* live rounds finished so far */
    double bandwidth;          /* bytes/s now */
    double now_s;              /* time of the last update */
    double phase_start_s;      /* start of the current round or phase */
    double bytes_left;         /* of the current round or stop-and-copy */
    double bytes_sent;         /* total, all rounds */
    double stop_copy_bytes;    /* sent while paused */
    double stop_copy_start_s;
    double precopy_end_s;      /* = stop_copy_start_s */
    double transfer_end_s;     /* end of stop-and-copy (T_mig of the reference) */
    double done_s;             /* transfer_end_s + switchover_s */
    double dirty_rate_now;     /* D_eff: D, or the SDPS-throttled rate */
    double guest_speed;        /* D_eff / D: the guest's CPU speed under SDPS (1: not slowed) */
    double min_guest_speed;    /* the lowest guest_speed so far */
    double throttled_s;        /* live-round time spent with guest_speed < 1 */
} vmotion;

/* Defaults: downtime target 0.3 s, 30 live rounds, switchover 0 s, plain
 * pre-copy (sdps 0, sdps_ratio 0.5). */
void vmotion_params_default(vmotion_params *p);

/* Starts at time 0 with the given bandwidth (> 0). Returns 0, or -1 on a bad
 * parameter (negative sizes or rates, bandwidth <= 0, max_live_rounds < 1). */
int vmotion_start(vmotion *m, const vmotion_params *p, double bandwidth_bytes_per_s);

/* Time at which the current round or phase ends at the current bandwidth
 * (INFINITY when done or the bandwidth is 0). */
double vmotion_next_event_s(const vmotion *m);

/* Changes the bandwidth at time now_s (>= the last update, <= the next event
 * time): accrues progress at the old rate, then continues at the new rate
 * (>= 0; 0 stalls the migration). Returns 0 or -1. */
int vmotion_set_bandwidth(vmotion *m, double now_s, double bandwidth_bytes_per_s);

/* Ends the current round or phase at vmotion_next_event_s() and starts the
 * next one; returns the new phase. The controller calls it when its event for
 * that time fires (ignoring events made stale by a bandwidth change). */
vmotion_phase vmotion_advance(vmotion *m);

/* Runs a migration at a constant bandwidth to the end. Returns 0 or -1. */
int vmotion_run_constant(const vmotion_params *p, double bandwidth_bytes_per_s, vmotion *out);

/* Downtime: stop-and-copy duration + switchover (valid once DONE). */
double vmotion_downtime_s(const vmotion *m);

/* Fair share of a NIC among concurrent migrations, and the rate of one
 * migration limited by both ends: min(src_nic/n_src, dst_nic/n_dst). */
double vmotion_fair_share(double nic_bytes_per_s, uint32_t active_migrations);
double vmotion_pair_bandwidth(double src_nic_bytes_per_s, uint32_t src_active, double dst_nic_bytes_per_s,
                              uint32_t dst_active);

/* Concurrent vMotions a host allows (vCenter network max cost, each vMotion
 * costs 1): 4 on links below 10 Gbps, 8 at 10 Gbps and above. */
uint32_t vmotion_concurrency_limit(double nic_gbps);

/* CPU the vMotion system resource pool reserves on a host while any vMotion
 * runs there, shared by all of them (Denneman 2012, vSphere 5.1): 10 % of a
 * core per 1 Gbps of vMotion link, at least 30 %; a 10 Gbps link one full
 * core; above 10 Gbps one core per 10 Gbps (an extrapolation). In MHz for a
 * core of core_mhz. Same on source and destination. */
double vmotion_host_cpu_reservation_mhz(double nic_gbps, double core_mhz);

#endif
