/*
 * reqtime.h: the requester's own first step, timed from request submit
 * --started to the submission against the workflow's submit_sla
 * (reqtime.c).
 */
#ifndef KUNCI_REQTIME_H
#define KUNCI_REQTIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wf.h"

struct reqtime {
	time_t	 started;	/* 0 = not given */
	time_t	 submitted;
	time_t	 due;		/* 0 = no standard or no start */
	int64_t	 sla;		/* the workflow's submit_sla, 0 = none */
	int	 bd;
	int	 late;
};

/* Check --started before anything is written: EX_OK or EX_DATAERR with
 * the message in w->err. */
int	reqtime_check(struct wf *, const char *s, time_t *t);
/* Record it under the submitted request id (event "started"). */
void	reqtime_record(struct wf *, const struct wf_actor *, const char *id,
	    time_t t);
/* The start recorded among a request's events (wf_events()), or 0. */
time_t	reqtime_started(const struct wf_event *ev, size_t n);
/* Fill s; 1 when there is anything to show (a standard or a start). */
int	reqtime_get(struct wf *, const struct wf_request *, struct reqtime *s);

#endif /* KUNCI_REQTIME_H */
