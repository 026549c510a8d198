/*
 * scheduler.h: the scheduler: one thread with its own LDAP connection and
 * workflow engine, which calls every registered tick, in the order they
 * were registered, about every SCHED_EVERY seconds: SLA escalation and
 * expiry (wf_tick.c), visits (visit.c), review campaigns (review.c), grant
 * expiry, allow lists and the outbox (prov.c, notify.c).
 *
 * The ticks are registered by kuncid.c before sched_start(), so the
 * engine never calls up into the modules built on it.  A tick runs on the
 * scheduler's thread only: what a tick keeps between passes (a static
 * "last run" time, notify.c's children and their reaping) stays in that
 * one thread.  An admin command never waits for a tick, nor a tick for a
 * command: they share no connection and no lock but the few a module
 * takes around a shared file (prov.c: the allow lists).
 */
#ifndef KUNCI_SCHEDULER_H
#define KUNCI_SCHEDULER_H

#include <time.h>

struct kunci_cfg;
struct wf;

#define SCHED_EVERY	2	/* seconds between passes */

typedef void (*sched_tick_fn)(struct wf *, time_t now);

/* Add a tick (before sched_start()); -1 when the table is full. */
int	sched_add(const char *name, sched_tick_fn);
/*
 * Start the thread.  away: NULL, or the probe saying the directory is
 * known to be away (ldapc.h).  lost_gen: NULL, or a counter that grows
 * each time the directory is lost: a pass that sees it changed starts on
 * a new connection rather than fail once on a dead one.  -1 on failure.
 */
int	sched_start(const struct kunci_cfg *, int (*away)(void),
	    unsigned long (*lost_gen)(void));
/* From a tick: work is left that the tick does a slice of per pass (a
 * review's removal): the next pass starts SCHED_EVERY after this one
 * started (at once if this one took longer), not SCHED_EVERY after it
 * ended.  Every tick still runs in each pass. */
void	sched_soon(void);
/* Stop it: waits for the pass under way to end. */
void	sched_stop(void);
/*
 * Complete passes so far (every tick ran) and the wall-clock time the last
 * ended (0 before the first): status shows them, so an operator or a test
 * can tell the scheduler is alive and wait for "one more pass".
 */
void	sched_stats(unsigned long *passes, time_t *last_end);

#endif /* KUNCI_SCHEDULER_H */
