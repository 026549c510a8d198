/*
 * delegate.h: acting officials (Plt., Plh.): an official who holds a role
 * names someone to decide in that role, in their place, for a period.
 *
 *   kunciId=<id>,ou=delegations,<kunci_base>	objectClass kunciDelegation
 *     kunciHolder	the official (uid) in whose place
 *     kunciSubject	the acting official (uid)
 *     kunciRole	the role (a key of "roles"), or "superior": the official's
 *		place as direct superior of their staff
 *     kunciType	"plt" (Pelaksana Tugas) or "plh" (Pelaksana Harian)
 *     kunciNotBefore, kunciNotAfter	the period (not-after exclusive)
 *     kunciStatus	active | ended
 *     kunciActor, kunciAsUser, kunciReason, kunciCreated, kunciUpdated
 *
 * <id> is "<holder>.<role>.<start as YYYYMMDDhhmm>": one delegation of a
 * role by one official starting at one minute; a second create of the same
 * meets "already exists" in the directory.  Ending is an asserted modify
 * (kunciStatus=active), so it happens once.
 *
 * dlg_actor() is how a delegation is honoured: when a person is
 * identified for a command (admin.c), every delegation to them in force now
 * whose official still holds the role adds the role to the actor (struct
 * wf_actor's acting[]): steps, reviews and visits then see the role, and
 * the engine records and audits each act made with it (wf_act.c).  A
 * delegation of "superior" adds no role: it is an acting[] entry
 * (WF_ACTING_SUPERIOR) that wf_acting_on() matches to the superior steps
 * waiting on its official.
 *
 * Functions return a sysexits status with a one-line message in w->err.
 */
#ifndef KUNCI_DELEGATE_H
#define KUNCI_DELEGATE_H

#include <time.h>

#include "wf.h"

struct dlg {
	char	 id[WF_DLG_ID_MAX + 1];
	char	 holder[DIR_UID_MAX + 1];
	char	 acting[DIR_UID_MAX + 1];
	char	 role[64];
	char	 kind[8];
	char	 status[16];
	char	 actor[DIR_UID_MAX + 1];
	time_t	 not_before, not_after, created;
};

/*
 * Create: a's own delegation of role to acting (holder NULL: a), or an
 * administrator's for holder.  kind "plt" or "plh" (NULL: "plt"); from
 * and until as wf_parse_when() takes them (from NULL: now).  The period
 * must end after it starts, not in the past, and be at most
 * delegation.max_period.  id gets the new delegation's id.
 */
int	dlg_create(struct wf *, const struct wf_actor *a, const char *holder,
	    const char *acting, const char *role, const char *kind,
	    const char *from, const char *until, const char *reason,
	    char id[WF_DLG_ID_MAX + 1]);
/* End now: by its official, its acting official, or an administrator. */
int	dlg_end(struct wf *, const struct wf_actor *a, const char *id,
	    const char *reason);
/* Delegations matching: uid "" = all, else those of or to uid; each to cb
 * (at most max). */
int	dlg_list(struct wf *, const char *uid, size_t max,
	    int (*cb)(const struct dlg *, void *), void *arg);
/* Add the roles delegated to a->p in force at now (a->acting[]). */
int	dlg_actor(struct wf *, struct wf_actor *a, time_t now);
/*
 * Each acting official in role's place at now (role "superior": in
 * holder's place as superior; holder NULL: every official's), to cb:
 * whom a step's notice also reaches.  A role's delegation counts only
 * while its official holds the role.
 */
int	dlg_acting(struct wf *, const char *role, const char *holder,
	    time_t now, void (*cb)(const char *uid, void *), void *arg);

#endif /* KUNCI_DELEGATE_H */
