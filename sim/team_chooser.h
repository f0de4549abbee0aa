/* team_chooser.h - whether the next epoch of windows runs with the whole
 * team of threads or with thread 0 alone (issue 18 item 3).
 *
 * The engine runs its windows in epochs. In a TEAM epoch every thread runs
 * its block of LPs and the threads meet at barriers; in a SOLO epoch thread
 * 0 runs every LP while the others sleep. Who runs an LP never changes what
 * it does, so the choice is made on time alone and never changes a result.
 *
 * What is compared, over the same windows: a team epoch's whole wall time
 * (waking the sleeping threads, run and merge, barrier waits for a late or
 * descheduled partner, the serial window ends, evening out the event pools
 * and re-dealing the LPs: everything the team costs) against what thread 0
 * alone would have needed for those windows: the threads' CPU time in run
 * and merge (barrier waits excluded) times the stretch a solo thread
 * suffers on this machine now (wall over CPU time of recent solo epochs; 1
 * on an idle machine, 3 when a busy machine gives the thread a third of a
 * core), plus the wall time of the window ends, which a solo epoch runs
 * alike. The stretch is measured in
 * solo epochs, not in the team's: with the scheduler's autogroups (Linux),
 * a process's threads share one weight, so each of two threads gets half
 * the CPU one thread would get and the team's own stretch is twice the solo
 * one; estimating solo with it made the team look twice as good as it was.
 * (It used to compare the LP work alone, window ends and the team's own
 * overheads left out of both sides: a lost probe then cost more than the
 * wall time it was charged for.)
 *
 * Policy. The first epoch is solo (it measures the stretch). The team stays
 * while its wall time is at most TEAM_GAIN x the run-and-merge part of the
 * solo estimate plus the window ends (which the team cannot share, so no
 * gain is asked of them). A team
 * epoch ends early once its wall time exceeds the solo estimate by
 * TEAM_GIVE_UP_S (a loaded machine: each barrier may wait a time slice for
 * a descheduled partner, milliseconds per window). After a loss, solo runs
 * for a number of epochs, and at least PAYBACK x the wall time the team
 * lost, before the team is tried again: so probing costs at most about
 * 1/PAYBACK of the run however short the windows. The number of epochs
 * starts at SOLO_MIN, doubles with each loss up to SOLO_MAX and halves with
 * each win (not reset: on a loaded machine a short team epoch sometimes
 * wins by luck, and the next loses milliseconds per window again). While
 * the team wins, every REFRESH-th team epoch is followed by one solo
 * epoch, so the stretch follows a load that changes during the run; while
 * these refreshes leave the chooser's stretch (the smoothed one: the
 * refresh epoch weighs half in it) within REFRESH_SAME of what it was, the
 * interval doubles up to REFRESH_MAX, and it is back at REFRESH after a
 * refresh that moves it more, a lost team epoch or a skipped probe (on a
 * quiet machine the trace headline's 30 days ran 2,306 of 84,717 windows
 * solo, 2.7 %, mostly refreshes, at one thread's speed).
 *
 * A probe that cannot win is not run. Before a team epoch that follows
 * solo ones, the engine says how many of the machine's CPUs sat idle
 * during them (sim/cpu_idle.h; unknown when they lasted less than 100 ms,
 * and then the probe runs). When fewer than IDLE_PER_THREAD x (threads -
 * 1) were idle, the other threads would only queue for a CPU behind the
 * work that keeps the machine busy: the probe is skipped and counts as a
 * loss that cost nothing (the solo epochs double). With one `yes` on 2
 * CPUs each lost probe cost 20-30 ms, 5 a simulated day: 0.11-0.15 s of a
 * 5 s day (docs/engine.md, "A probe that cannot win is skipped").
 *
 * Pure arithmetic on the times given: tests/test_team_chooser.c feeds
 * recorded timings and checks the choices by hand.
 */
#ifndef VDCSIM_SIM_TEAM_CHOOSER_H
#define VDCSIM_SIM_TEAM_CHOOSER_H

typedef enum { SIM_MODE_TEAM, SIM_MODE_SOLO } sim_team_mode;

/* The team must beat the solo estimate by 5 %: on a tie one thread is
 * better (it leaves the other core to the machine, and the estimate is
 * noisy). */
#define SIM_TEAM_GAIN 0.95
enum {
    SIM_TEAM_SOLO_MIN = 8,    /* solo epochs after the team's first loss */
    SIM_TEAM_SOLO_MAX = 256,  /* ... doubling with each further loss, up to this */
    SIM_TEAM_REFRESH = 32,    /* team epochs between two solo epochs that re-measure the stretch */
    SIM_TEAM_REFRESH_MAX = 512, /* ... doubling while the stretch stays, up to this */
    SIM_TEAM_PAYBACK = 32     /* solo for at least this many times the wall time the team lost */
};
#define SIM_TEAM_GIVE_UP_S 0.002
/* A refresh that finds the stretch within this fraction of what it was
 * doubles the interval to the next. */
#define SIM_TEAM_REFRESH_SAME 0.10
/* Idle CPUs asked per thread beyond thread 0 before a probe. */
#define SIM_TEAM_IDLE_PER_THREAD 0.5

typedef struct sim_team_chooser {
    sim_team_mode mode;
    int solo_left;       /* solo: epochs before the team is tried again */
    int solo_after_loss; /* solo epochs the next loss of the team costs */
    double solo_debt_s;  /* solo: LP-work wall time to run before the team is tried again */
    int team_wins;       /* team epochs won since the last solo epoch */
    int refresh_after;   /* team wins before the next refresh (REFRESH .. REFRESH_MAX) */
    int refreshing;      /* the solo epoch running is a refresh ... */
    double stretch_before; /* ... and the stretch before it */
    double solo_wall_s;  /* recent solo epochs: wall time, halved per epoch */
    double solo_cpu_s;   /* ... and thread 0's CPU time, decayed alike */
} sim_team_chooser;

void sim_team_chooser_init(sim_team_chooser *c);

/* How much slower than its CPU time a solo thread runs now: >= 1, and 1
 * before any solo epoch measured CPU time. */
double sim_team_chooser_stretch(const sim_team_chooser *c);

/* What thread 0 alone would need for a team epoch's windows: stretch x the
 * threads' CPU time in run and merge, plus the wall time of the serial
 * window ends (the same in both modes). */
double sim_team_chooser_solo_estimate(const sim_team_chooser *c, double team_cpu_s, double serial_wall_s);

/* Inside a team epoch, after each window, with its totals so far: 1 when
 * the team already took TEAM_GIVE_UP_S more than the solo estimate, so
 * the epoch should end now (and will count as lost). */
int sim_team_chooser_team_losing(const sim_team_chooser *c, double team_wall_s, double team_cpu_s,
                                 double serial_wall_s);

/* After a solo epoch: its wall time and thread 0's CPU time (the whole epoch,
 * window hooks included: read twice per epoch, the CPU clock is a system call). */
void sim_team_chooser_solo_done(sim_team_chooser *c, double wall_s, double cpu_s);

/* Called when the chooser has just asked for the team after solo epochs
 * (mode TEAM, the last epoch solo): idle_cpus, the machine's idle CPUs on
 * average over those solo epochs (< 0: unknown), and the team's size.
 * Returns 1 to run the probe; 0 when it is skipped (fewer idle CPUs than
 * IDLE_PER_THREAD x (threads - 1)): the mode is SOLO again, for the epochs
 * a loss would give, with no wall time owed. */
int sim_team_chooser_probe_worthwhile(sim_team_chooser *c, double idle_cpus, int threads);

/* After a team epoch: its whole wall time (from waking the team until it
 * sleeps again, every team-only cost included), the sum over threads of
 * their CPU time in run and merge, and the wall time of its serial window
 * ends. Returns 1 when the team won. */
int sim_team_chooser_team_done(sim_team_chooser *c, double team_wall_s, double team_cpu_s, double serial_wall_s);

#endif
