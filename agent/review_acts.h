/*
 * review_acts.h: procedure C2's acts on a review campaign (review_acts.c):
 * provide, ask, determine and update-list, each by its step's role in
 * review.workflow, timed and escalated.
 */
#ifndef KUNCI_REVIEW_ACTS_H
#define KUNCI_REVIEW_ACTS_H

#include <time.h>

#include <jansson.h>

#include "wf.h"

/* Scheduler (scheduler.h): escalate a campaign's late act, once across
 * hosts (at most one pass every 10 s). */
void	review_acts_tick(struct wf *, time_t now);

struct admin_call;

/* The review acts (provide, ask, determine, update-list) the caller may
 * take on campaign now, by ra_act()'s own checks: a JSON array. */
json_t	*review_acts_offered(struct admin_call *, const char *campaign);

#endif /* KUNCI_REVIEW_ACTS_H */
