/* vmotion.c - iterative pre-copy live migration (see vmotion.h). */
#include "models/vsphere/vmotion.h"

#include <math.h>
#include <string.h>

void vmotion_params_default(vmotion_params *p)
{
    memset(p, 0, sizeof *p);
    p->downtime_target_s = 0.3;
    p->max_live_rounds = 30;
    p->switchover_s = 0.0;
    p->sdps = 0;
    p->sdps_ratio = 0.5;
    p->stun_device_bytes = 0.0;
}

static void begin_stop_copy(vmotion *m, double bytes)
{
    m->guest_speed = 1.0; /* paused now: no longer throttled */
    m->phase = VMOTION_STOP_COPY;
    m->phase_start_s = m->now_s;
    m->precopy_end_s = m->now_s;
    m->stop_copy_start_s = m->now_s;
    bytes += m->p.stun_device_bytes; /* device state goes only while paused */
    m->stop_copy_bytes = bytes;
    m->bytes_left = bytes;
}

/* SDPS at a round end that did not converge: hold the dirty rate at
 * sdps_ratio x the bandwidth now when the guest would dirty faster. */
static void sdps_throttle(vmotion *m)
{
    double d = m->p.dirty_rate_bytes_per_s, cap = m->p.sdps_ratio * m->bandwidth;
    if (!m->p.sdps || !(d > cap)) {
        m->dirty_rate_now = d;
        m->guest_speed = 1.0;
        return;
    }
    m->dirty_rate_now = cap;
    m->guest_speed = cap / d;
    if (m->guest_speed < m->min_guest_speed)
        m->min_guest_speed = m->guest_speed;
}

int vmotion_start(vmotion *m, const vmotion_params *p, double bandwidth_bytes_per_s)
{
    if (m == NULL || p == NULL || !(p->memory_bytes >= 0.0) || !(p->dirty_rate_bytes_per_s >= 0.0) ||
        !(p->downtime_target_s >= 0.0) || p->max_live_rounds < 1 || !(p->switchover_s >= 0.0) || !(p->stun_device_bytes >= 0.0) ||
        !(bandwidth_bytes_per_s > 0.0) || (p->sdps && !(p->sdps_ratio > 0.0 && p->sdps_ratio < 1.0)))
        return -1;
    memset(m, 0, sizeof *m);
    m->p = *p;
    m->bandwidth = bandwidth_bytes_per_s;
    m->dirty_rate_now = p->dirty_rate_bytes_per_s;
    m->guest_speed = m->min_guest_speed = 1.0;
    if (p->memory_bytes <= bandwidth_bytes_per_s * p->downtime_target_s) {
        begin_stop_copy(m, p->memory_bytes); /* small enough to copy paused */
    } else {
        m->phase = VMOTION_PRECOPY;
        m->bytes_left = p->memory_bytes;
    }
    return 0;
}

double vmotion_next_event_s(const vmotion *m)
{
    if (m->phase == VMOTION_DONE)
        return INFINITY;
    if (m->phase == VMOTION_SWITCHOVER)
        return m->transfer_end_s + m->p.switchover_s;
    if (m->bytes_left <= 0.0)
        return m->now_s;
    if (!(m->bandwidth > 0.0))
        return INFINITY;
    return m->now_s + m->bytes_left / m->bandwidth;
}

int vmotion_set_bandwidth(vmotion *m, double now_s, double bandwidth_bytes_per_s)
{
    if (!(bandwidth_bytes_per_s >= 0.0) || now_s < m->now_s)
        return -1;
    if (m->phase == VMOTION_PRECOPY || m->phase == VMOTION_STOP_COPY) {
        double sent = m->bandwidth * (now_s - m->now_s);
        if (sent > m->bytes_left)
            sent = m->bytes_left;
        m->bytes_left -= sent;
        m->bytes_sent += sent;
    }
    m->now_s = now_s;
    m->bandwidth = bandwidth_bytes_per_s;
    return 0;
}

vmotion_phase vmotion_advance(vmotion *m)
{
    double end = vmotion_next_event_s(m);

    if (!isfinite(end))
        return m->phase;
    switch (m->phase) {
    case VMOTION_PRECOPY: {
        m->bytes_sent += m->bytes_left;
        m->bytes_left = 0.0;
        double duration = end - m->phase_start_s;
        m->now_s = end;
        m->round++;
        /* What the guest dirtied while this round ran, at most all of it. */
        double dirtied = fmin(m->p.memory_bytes, m->dirty_rate_now * duration);
        if (m->guest_speed < 1.0)
            m->throttled_s += duration;
        if (dirtied <= m->bandwidth * m->p.downtime_target_s || m->round >= m->p.max_live_rounds) {
            begin_stop_copy(m, dirtied);
        } else {
            m->phase_start_s = end;
            m->bytes_left = dirtied;
            sdps_throttle(m);
        }
        break;
    }
    case VMOTION_STOP_COPY:
        m->bytes_sent += m->bytes_left;
        m->bytes_left = 0.0;
        m->now_s = end;
        m->transfer_end_s = end;
        m->phase_start_s = end;
        m->phase = VMOTION_SWITCHOVER;
        if (m->p.switchover_s <= 0.0) { /* no switch-over time: done now */
            m->done_s = end;
            m->phase = VMOTION_DONE;
        }
        break;
    case VMOTION_SWITCHOVER:
        m->now_s = m->transfer_end_s + m->p.switchover_s;
        m->done_s = m->now_s;
        m->phase = VMOTION_DONE;
        break;
    case VMOTION_DONE:
        break;
    }
    return m->phase;
}

int vmotion_run_constant(const vmotion_params *p, double bandwidth_bytes_per_s, vmotion *out)
{
    if (vmotion_start(out, p, bandwidth_bytes_per_s) != 0)
        return -1;
    while (out->phase != VMOTION_DONE)
        vmotion_advance(out);
    return 0;
}

double vmotion_downtime_s(const vmotion *m)
{
    return (m->transfer_end_s - m->stop_copy_start_s) + m->p.switchover_s;
}

double vmotion_fair_share(double nic_bytes_per_s, uint32_t active_migrations)
{
    return active_migrations > 0 ? nic_bytes_per_s / (double)active_migrations : nic_bytes_per_s;
}

double vmotion_pair_bandwidth(double src_nic_bytes_per_s, uint32_t src_active, double dst_nic_bytes_per_s,
                              uint32_t dst_active)
{
    return fmin(vmotion_fair_share(src_nic_bytes_per_s, src_active),
                vmotion_fair_share(dst_nic_bytes_per_s, dst_active));
}

uint32_t vmotion_concurrency_limit(double nic_gbps)
{
    return nic_gbps >= 10.0 ? 8u : 4u;
}

double vmotion_host_cpu_reservation_mhz(double nic_gbps, double core_mhz)
{
    double cores = nic_gbps >= 10.0 ? nic_gbps / 10.0 : fmax(0.3, 0.1 * nic_gbps);
    return cores * core_mhz;
}
