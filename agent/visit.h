/*
 * visit.h: guest visits to a server room (procedures B and D) and the
 * guest book, as visit.c keeps them in LDAP:
 *
 *   kunciId=<id>,ou=visits,<kunci_base>		kunciVisit
 *   kunciId=<event>,kunciId=<id>,ou=visits,...	kunciEvent
 *   cn=visit-<year>,ou=counters,<kunci_base>		the id counter
 *
 * A visit runs the steps of its workflow (a snapshot, as a request does;
 * wf_snap_from_cfg) with the engine's rules: the act on step i is the add
 * of event step-<i>-<k> (the commit point: of two racing actors one wins),
 * then the visit moves on by a modify asserting (kunciState, kunciStepIndex).
 * Besides the step events a visit has the deterministic events escort,
 * checkin, checkout, lock and overdue; the visit's kunciEscort,
 * kunciCheckIn, kunciCheckOut and kunciRoomLocked are derived from them
 * under the same assertion, so a crash between the two writes is finished
 * by the next act (visit_settle).
 *
 * States: pending (steps before the decision), approved, in (checked in),
 * out (checked out, steps such as the report chain may remain), done,
 * rejected, cancelled.
 *
 * Functions return a sysexits.h status with a one-line English message in
 * w->err, like wf.h.  Any thread, each on its own struct wf.
 */
#ifndef KUNCI_VISIT_H
#define KUNCI_VISIT_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "wf.h"

#define VISIT_TEXT_MAX	256	/* guest name, organisation */
#define VISIT_DOC_MAX	128	/* identity document */

struct visit {
	char		 id[WF_ID_MAX + 1];
	char		 dn[DIR_DN_MAX];
	char		 requester[DIR_UID_MAX + 1];
	char		 as[DIR_UID_MAX + 1];
	char		 guest[VISIT_TEXT_MAX + 1];
	char		 org[VISIT_TEXT_MAX + 1];
	char		 iddoc[VISIT_DOC_MAX + 1];
	char		 purpose[VISIT_TEXT_MAX + 1];
	char		 note[1024];
	char		 resource[DIR_NAME_MAX + 1];
	char		 state[16];
	char		 escort[DIR_UID_MAX + 1];
	time_t		 created, updated, step_since, deadline;
	time_t		 checkin, checkout;	/* 0 = not yet */
	int		 locked;	/* -1 no statement, 0 FALSE, 1 TRUE */
	int64_t		 expected;	/* seconds */
	int		 step;
	struct wf_snap	 snap;
};

/* Where a visit's special acts sit in its workflow (-1: none). */
struct visit_map {
	int	last_decide;	/* the last endorse/verify/approve step */
	int	appoint;	/* the escort is appointed here */
	int	checkin;	/* the guest-book entry (B) */
	int	checkout;	/* the exit time (B) */
	int	escort;		/* the escort's step (lock, or escorting) */
};

void	visit_map(const struct wf_snap *, struct visit_map *);

int	visit_load(struct wf *, const char *id, struct visit *);
/* Visits matching filter (under ou=visits); cb gets each; at most max. */
typedef int (*visit_each_fn)(struct visit *, void *);
int	visit_list(struct wf *, const char *filter, size_t max, visit_each_fn,
	    void *);
/* The visit's events, oldest first; free(*ev). */
int	visit_events(struct wf *, const struct visit *, struct wf_event **ev,
	    size_t *n);
/*
 * The acts, each checked before anything is written (visit.c's guards);
 * a sysexits status with a one-line message in w->err.  submit: a new
 * visit request (id gets its id); act: approve or reject the current
 * step (stepwant: the step the caller means, or NULL); escort: appoint
 * the escort; checkin: the guest-book entry; checkout: the exit (with
 * lock_only, only the escort's lock statement).
 */
int	visit_submit(struct wf *, const struct wf_actor *, const char *resource,
	    const char *guest, const char *org, const char *iddoc,
	    const char *purpose, const char *duration, const char *arrived,
	    const char *note, char id[WF_ID_MAX + 1]);
int	visit_act(struct wf *, const struct wf_actor *, const char *id,
	    const char *decision, const char *stepwant, const char *note,
	    const char *purpose);
int	visit_escort(struct wf *, const struct wf_actor *, const char *id,
	    const char *escort);
int	visit_checkin(struct wf *, const struct wf_actor *, const char *id,
	    int held, const char *equipment);
int	visit_checkout(struct wf *, const struct wf_actor *, const char *id,
	    int locked, const char *note, int lock_only, const char *left,
	    int returned);
/* The actions the actor may take on visit id now (doc/json.md): each
 * command run dry. */
json_t	*visit_actions(struct wf *, const struct wf_actor *, const char *id);

/* Scheduler: alert on visits open past expected duration + grace. */
void	visit_tick(struct wf *, time_t now);

/* Seconds as "min:s" (negative as 0). */
void	visit_dur_text(char *buf, size_t sz, int64_t secs);

/* The month "YYYY-MM" as [start, end) in local time; -1 if malformed. */
int	visit_month(const char *month, time_t *start, time_t *end);

#endif /* KUNCI_VISIT_H */
