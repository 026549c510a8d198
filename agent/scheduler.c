/*
 * scheduler.c: the scheduler thread; see scheduler.h.
 *
 * A pass runs each tick in turn on the thread's own engine; a tick that
 * finds the directory gone (the connection dropped) ends the pass, and
 * the next pass tries again.  The thread sleeps on a condition variable,
 * so sched_stop() wakes it at once.
 */
#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "ldapc.h"
#include "log.h"
#include "scheduler.h"
#include "wf.h"

#define SCHED_MAX	16

static struct {
	struct {
		const char	*name;
		sched_tick_fn	 fn;
	}			 tick[SCHED_MAX];
	size_t			 n;
	const struct kunci_cfg	*cfg;
	int			(*away)(void);
	unsigned long		(*lost_gen)(void);
	unsigned long		 seen_gen;	/* lost_gen at the connection */
	pthread_t		 thr;
	int			 running;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	int			 stopping;
	int			 soon;		/* no wait before the next */
	unsigned long		 passes;	/* complete passes (mtx) */
	time_t			 last_wall;	/* wall clock end of the last */
} S = {
	.mtx = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

int
sched_add(const char *name, sched_tick_fn fn)
{
	if (S.n >= SCHED_MAX || S.running)
		return -1;
	S.tick[S.n].name = name;
	S.tick[S.n].fn = fn;
	S.n++;
	return 0;
}

void
sched_stats(unsigned long *passes, time_t *last_end)
{
	pthread_mutex_lock(&S.mtx);
	*passes = S.passes;
	*last_end = S.last_wall;
	pthread_mutex_unlock(&S.mtx);
}

/* One pass; 1 when every tick ran (the directory answered). */
static int
pass(struct wf *w, struct ldapc *lc)
{
	time_t now = time(NULL);
	unsigned long gen;
	size_t i;

	/* The directory was lost since the last pass (a slapd restart): the
	 * connection may be dead although no call on it failed yet. */
	if (S.lost_gen != NULL && (gen = S.lost_gen()) != S.seen_gen) {
		ldapc_close(lc);
		S.seen_gen = gen;
	}
	ldapc_recheck(lc);	/* two sites: the writer may have moved */
	for (i = 0; i < S.n; i++) {
		if (ldapc_get(lc, 0) == NULL)
			return 0;	/* tried again next pass */
		S.tick[i].fn(w, now);
	}
	return 1;
}

static void *
sched_main(void *arg)
{
	struct ldapc lc;
	struct wf w;
	struct timespec ts, t0;
	int done;

	(void)arg;
	ldapc_init(&lc, S.cfg);
	lc.writer = 1;		/* scheduled work writes to the one writer */
	lc.away = S.away;
	wf_init(&w, S.cfg, &lc);
	pthread_mutex_lock(&S.mtx);
	while (!S.stopping) {
		pthread_mutex_unlock(&S.mtx);
		clock_gettime(CLOCK_REALTIME, &t0);
		done = pass(&w, &lc);
		pthread_mutex_lock(&S.mtx);
		if (done) {
			S.passes++;
			S.last_wall = time(NULL);
		}
		/* SCHED_EVERY after this pass; soon: after its start, so the
		 * ticks run no more often than that either way */
		if (S.soon)
			ts = t0;
		else
			clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += SCHED_EVERY;
		S.soon = 0;
		while (!S.stopping && pthread_cond_timedwait(&S.cv, &S.mtx,
		    &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&S.mtx);
	ldapc_close(&lc);
	return NULL;
}

int
sched_start(const struct kunci_cfg *cfg, int (*away)(void),
    unsigned long (*lost_gen)(void))
{
	int e;

	S.cfg = cfg;
	S.away = away;
	S.lost_gen = lost_gen;
	if (lost_gen != NULL)
		S.seen_gen = lost_gen();
	if ((e = pthread_create(&S.thr, NULL, sched_main, NULL)) != 0) {
		errno = e;
		log_warn("scheduler: pthread_create");
		return -1;
	}
	S.running = 1;
	return 0;
}

void
sched_soon(void)
{
	pthread_mutex_lock(&S.mtx);
	S.soon = 1;
	pthread_mutex_unlock(&S.mtx);
}

void
sched_stop(void)
{
	if (!S.running)
		return;
	pthread_mutex_lock(&S.mtx);
	S.stopping = 1;
	pthread_cond_signal(&S.cv);
	pthread_mutex_unlock(&S.mtx);
	pthread_join(S.thr, NULL);
	S.running = 0;
}
