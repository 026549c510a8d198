/*
 * double.h: two sites (doc/sites.md): a step decided at two writers.
 *
 * One writer decides every step once (wf_act.c: the add of step-<i>-<k> is
 * the commit point).  A forced switch (`kuncictl directory writer N
 * --force`) while the old writer still takes writes makes two writers
 * for as long as the sites cannot talk; both can then decide the same
 * step, and when the link returns replication keeps one version of the
 * step-<i>-<k> entry and silently drops the other.
 *
 * So every decision made on a named writer also leaves a mark that no
 * other writer can overwrite: the event site-<serverID>-<i>-<k> under the
 * request, a copy of the decision with the writer's serverID in its name
 * (wf_events() does not list marks).  The mark is written after the
 * decision's add (the commit point), so the add itself names its writer
 * (a kunciNote "writer: SID"): each scan also makes again the mark of any
 * recent decision of this writer that has none (a crash came between
 * the two adds).  The scheduler of every kuncid looks
 * every 30 s for marks of writers other than its own (the other side of a
 * split arrives by replication).  A mark with a partner of another writer
 * for the same step and slot, or whose decision differs from the
 * step-<i>-<k> this writer has, is a double decision: recorded once as
 * the event double-<i>-<k> (the add decides who audits request.double),
 * resolved (a rejection wins: the request is rejected and its grant
 * revoked, with its card and account; two approvals keep the grant, and a
 * card or panel account of the decision the grant does not name is
 * revoked or disabled).  A mark whose
 * decision this writer has is removed at once (after a planned switch,
 * the old writer's marks go in a few passes); one whose step event has
 * not arrived yet is looked at again; those of a double decision stay a
 * day.  A writer's own marks stay until it is switched.
 */
#ifndef KUNCI_DOUBLE_H
#define KUNCI_DOUBLE_H

#include <time.h>

#include "wf.h"

/* After the decision event step-<step>-<slot> of r was added: EX_OK
 * when the mark was made, EX_CANTCREAT when it was there already (or one
 * server: none needed), else the error (logged). */
/* The same as the engine's "decided" hook (wf_hooks). */
void	dbl_decided(struct wf *, const struct wf_request *r, int step,
	    int slot, const char *actor, const char *as, const char *decision,
	    const char *role, const char *note, const char *cred);
int	dbl_mark(struct wf *, const struct wf_request *r, int step, int slot,
	    const char *actor, const char *as, const char *decision,
	    const char *role, const char *note, const char *cred);
/* Scheduler (scheduler.h). */
void	dbl_tick(struct wf *, time_t now);

#endif /* KUNCI_DOUBLE_H */
