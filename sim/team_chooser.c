/* team_chooser.c - team or solo, epoch by epoch (see team_chooser.h). */
#include "sim/team_chooser.h"

void sim_team_chooser_init(sim_team_chooser *c)
{
    *c = (sim_team_chooser){.mode = SIM_MODE_SOLO,
                            .solo_left = 1,
                            .solo_after_loss = SIM_TEAM_SOLO_MIN,
                            .refresh_after = SIM_TEAM_REFRESH};
}

double sim_team_chooser_stretch(const sim_team_chooser *c)
{
    if (c->solo_cpu_s <= 0.0 || c->solo_wall_s <= c->solo_cpu_s)
        return 1.0;
    return c->solo_wall_s / c->solo_cpu_s;
}

void sim_team_chooser_solo_done(sim_team_chooser *c, double wall_s, double cpu_s)
{
    /* the last epoch counts half, the one before a quarter, ... */
    c->solo_wall_s = 0.5 * c->solo_wall_s + wall_s;
    c->solo_cpu_s = 0.5 * c->solo_cpu_s + cpu_s;
    c->team_wins = 0;
    if (c->refreshing) {
        double now = sim_team_chooser_stretch(c), change = now - c->stretch_before;
        if (change < 0.0)
            change = -change;
        if (change > SIM_TEAM_REFRESH_SAME * c->stretch_before)
            c->refresh_after = SIM_TEAM_REFRESH;
        else if (c->refresh_after < SIM_TEAM_REFRESH_MAX)
            c->refresh_after *= 2;
        c->refreshing = 0;
    }
    c->solo_left--;
    c->solo_debt_s -= wall_s;
    if (c->solo_left <= 0 && c->solo_debt_s <= 0.0)
        c->mode = SIM_MODE_TEAM;
}

double sim_team_chooser_solo_estimate(const sim_team_chooser *c, double team_cpu_s, double serial_wall_s)
{
    return sim_team_chooser_stretch(c) * team_cpu_s + serial_wall_s;
}

int sim_team_chooser_team_losing(const sim_team_chooser *c, double team_wall_s, double team_cpu_s,
                                 double serial_wall_s)
{
    return team_wall_s > sim_team_chooser_solo_estimate(c, team_cpu_s, serial_wall_s) + SIM_TEAM_GIVE_UP_S;
}

int sim_team_chooser_team_done(sim_team_chooser *c, double team_wall_s, double team_cpu_s, double serial_wall_s)
{
    const double solo_estimate_s = sim_team_chooser_solo_estimate(c, team_cpu_s, serial_wall_s);
    /* the gain asked of the run and merge, which the team shares, not of
     * the window ends, which it does not */
    if (team_wall_s <= SIM_TEAM_GAIN * sim_team_chooser_stretch(c) * team_cpu_s + serial_wall_s) {
        if (c->solo_after_loss > SIM_TEAM_SOLO_MIN)
            c->solo_after_loss /= 2;
        if (++c->team_wins >= c->refresh_after) {
            c->mode = SIM_MODE_SOLO; /* one epoch, to measure the stretch again */
            c->solo_left = 1;
            c->refreshing = 1;
            c->stretch_before = sim_team_chooser_stretch(c);
        }
        return 1;
    }
    c->refresh_after = SIM_TEAM_REFRESH; /* the machine changed: refresh often again */
    c->mode = SIM_MODE_SOLO;
    c->solo_left = c->solo_after_loss;
    c->solo_debt_s = team_wall_s > solo_estimate_s ? SIM_TEAM_PAYBACK * (team_wall_s - solo_estimate_s) : 0.0;
    if (c->solo_after_loss < SIM_TEAM_SOLO_MAX)
        c->solo_after_loss *= 2;
    return 0;
}

int sim_team_chooser_probe_worthwhile(sim_team_chooser *c, double idle_cpus, int threads)
{
    if (idle_cpus < 0.0 || idle_cpus >= SIM_TEAM_IDLE_PER_THREAD * (threads - 1))
        return 1;
    c->refresh_after = SIM_TEAM_REFRESH;
    c->mode = SIM_MODE_SOLO;
    c->solo_left = c->solo_after_loss;
    c->solo_debt_s = 0.0;
    if (c->solo_after_loss < SIM_TEAM_SOLO_MAX)
        c->solo_after_loss *= 2;
    return 0;
}
