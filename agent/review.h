/*
 * review.h: periodic access review (procedure C2, issue 6).  See
 * doc/review.md.
 *
 * A campaign is one entry, its findings one page entry per 500 grants,
 * and a decision entry per grant someone decided:
 *
 *   kunciId=<period>[@<resource>],ou=reviews,<kunci_base>
 *					kunciReviewCampaign: period, scope,
 *					state (opening, open, closed),
 *					deadline
 *   kunciId=page-<grant>,<campaign>	kunciReviewFinding: kunciGrantRef
 *					per key of its grants (rv_grant_key),
 *					kunciFinding one line per grant
 *					(doc/review.md, "Storage"); written
 *					once
 *   kunciId=<grant>,<campaign>	kunciReviewFinding: decision (valid,
 *					invalid, removed, spared), actor,
 *					time, note; absent = pending (or
 *					escalated after the escalate event);
 *					kunciFinding "revoking" while the
 *					deadline revokes it
 *   kunciId=<event>,<campaign>	kunciEvent: reminder-<i>, escalate,
 *					preview (the dry run: one kunciNote
 *					per grant to spare), enforce, close
 *
 * The campaign's DN names its period and scope, so of several hosts (or
 * two runs at once) exactly one creates it; the others meet "already
 * exists" and do nothing.  Every later write is an add of a deterministic
 * RDN or a modify asserting the value it replaces.
 *
 * Functions return a sysexits.h status, with a one-line English message
 * in w->err on failure.  Any thread, on its own struct wf.
 */
#ifndef KUNCI_REVIEW_H
#define KUNCI_REVIEW_H

#include <time.h>

#include "dir.h"
#include "wf.h"

#define REVIEW_ID_MAX		320	/* period "@" resource */
#define REVIEW_PERIOD_MAX	16
#define REVIEW_ACTOR		"kuncid"
/* Scheduler (scheduler.h): reminders, and at the deadline the
 * configured policy for unanswered grants.  Idempotent across hosts. */
void	review_tick(struct wf *, time_t now);

/* The period a campaign started at t belongs to, from review.interval:
 * "2026-05" (monthly), "2026-q2", "2026-h1" or "2026". */
void	review_period(const struct kunci_cfg *, time_t t, char *buf,
	    size_t sz);

/*
 * A campaign's grants with their findings and decisions, for the review
 * form (docform.c): every grant the campaign holds, decided or not, by
 * risk.
 * decision is a code (pending, escalated, valid, invalid, removed,
 * spared); findings is the findings' text in the language asked for.
 * Free with review_items_free().
 */
struct review_info {
	char	id[REVIEW_ID_MAX + 1];
	char	period[REVIEW_PERIOD_MAX + 1];
	char	scope[DIR_NAME_MAX + 1];	/* "" = every resource */
	char	state[16];			/* opening, open, closed */
	time_t	created, deadline;
};
struct review_item {
	char	 grant[WF_ID_MAX + 1];
	char	 subject[DIR_UID_MAX + 1];
	char	 resource[DIR_NAME_MAX + 1];
	char	 decision[16];
	char	 actor[DIR_UID_MAX + 1];
	char	 findings[512];
	char	*note;		/* owned, or NULL */
	time_t	 time;
	int	 risk;
};
void	review_items_free(struct review_item *, size_t n);
/*
 * The same in bounded memory, for the review form: review_items_page()
 * gives the grants ranked [offset, offset + limit) (by risk, as
 * `review report` ranks them) and *total, the
 * campaign's grants; review_items_walk() calls fn on every grant, a
 * finding page at a time, the item valid during the call only (a status
 * other than EX_OK from fn stops the walk and is returned).
 */
int	review_items_page(struct wf *, const char *campaign, int en,
	    size_t offset, size_t limit, struct review_info *,
	    struct review_item **, size_t *n, size_t *total);
int	review_items_walk(struct wf *, const char *campaign, int en,
	    int (*fn)(const struct review_item *, void *), void *arg);
/*
 * For C2's acts (review_acts.c), in bounded memory: review_tally() gives
 * the campaign's grants, those waiting for an answer (pending or
 * escalated) and the time of the latest answer (0: none); review_holds()
 * sets in[i] when the campaign holds grant ids[i].
 */
int	review_tally(struct wf *, const char *campaign, struct review_info *,
	    size_t *total, size_t *waiting, time_t *last);
int	review_holds(struct wf *, const char *campaign, char *const *ids,
	    size_t n, unsigned char *in);
/* A campaign's state (opening, open, closed) in words, for text output. */
const char	*review_state_label(int en, const char *state);

#endif /* KUNCI_REVIEW_H */
