/*
 * prov.h: provisioning and removal (issue 5): access cards and the doors'
 * signed allow lists, control-panel accounts, revocation, expiry, and the
 * hooks the workflow engine (wf.c) calls.  See doc/provisioning.md.
 *
 * Entries:
 *   kunciId=<serial>,ou=cards,<kunci_base>	one per physical card
 *   uid=<name>,<provision.account_base>	a control-panel account
 * Files:
 *   <state_dir>/allowlists/<door>.list	the allow list of a door
 *   <state_dir>/allowlists/<door>.list.p7s	its detached CMS signature
 *
 * A door's allow list is derived, never stored: the credentials of the
 * active grants on that resource valid now, whose card entry is active.
 * It is rewritten (atomically, then signed) whenever that set changes.
 *
 * Functions return a sysexits.h status with a one-line English message in
 * w->err on failure.  Any thread, each with its own struct wf (and so its
 * own LDAP connection).
 */
#ifndef KUNCI_PROV_H
#define KUNCI_PROV_H

#include <stddef.h>
#include <time.h>

#include "wf.h"

#define PROV_REMOVAL_TYPE	WF_REMOVAL_TYPE	/* kunciAccessType of a C3
						   request */
#define PROV_PW_MAX		129

/* --- hooks the workflow engine calls (wf.h) -------------------------- */

/* The four below as wf_hooks, for wf_set_hooks() (kuncid.c). */
extern const struct wf_hooks prov_wf_hooks;

/* Before an act on a provision step: may cred be issued for r? */
int	prov_check_cred(struct wf *, const struct wf_request *,
	    const char *cred);
/* The grant of r was just created (by this process), bound to cred. */
void	prov_granted(struct wf *, const struct wf_request *, const char *cred);
/* A removal request reached its deactivation step: revoke r->grant and
 * take its card and account away.  Idempotent. */
int	prov_removal(struct wf *, const struct wf_request *);
/* Something people are told about happened to r (see notify.h). */
void	prov_event(struct wf *, const struct wf_request *, const char *event,
	    int step);
/* Scheduler (scheduler.h): expiry, warnings, allow lists, the outbox. */
void	prov_tick(struct wf *, time_t now);

/* --- used by the commands (card.c, removal.c) ----------------------- */

/*
 * Revoke a grant now: status revoked under an assertion that it is
 * active (EX_DATAERR "already revoked" otherwise), card revoked, account
 * disabled when no other active grant needs it, allow list rewritten,
 * holder informed.  emergency marks the audit record.
 */
int	prov_revoke(struct wf *, const char *grant, const char *actor,
	    const char *as, const char *reason, int emergency);
/* Rewrite the allow list of door (NULL: every door); force: even when
 * nothing changed. */
int	prov_allow_refresh(struct wf *, const char *door, int force);
/*
 * A batch of revocations on this thread (a review's removal slice):
 * after prov_allow_defer(), a door's refresh (not forced) is held back,
 * each door once, until prov_allow_flush() rewrites them (its status: the
 * last failure, else EX_OK).  A revoked card leaves its allow list when
 * the batch ends, not with each grant.
 */
void	prov_allow_defer(void);
int	prov_allow_flush(struct wf *);
/* Path of a door's list file. */
int	prov_allow_path(struct wf *, const char *door, char *buf, size_t sz);
/* Set a fresh generated password on account (Password Modify); pw gets
 * it (wipe it after use). */
int	prov_account_password(struct wf *, const char *account, char *pw,
	    size_t pwsz);
/* EX_OK when grant is active; else EX_NOINPUT (unknown) or EX_DATAERR,
 * w->err saying why: C3 and expiry leave an account without a password,
 * and only an active grant may give it one again. */
int	prov_grant_active(struct wf *, const char *grant);
/* The DN of account. */
int	prov_account_dn(struct wf *, const char *account, char *dn, size_t sz);
/* Disable account, made for grant (a request decided at two sites: the
 * account its one grant does not name, double.c), unless an active
 * grant names it. */
void	prov_account_drop(struct wf *, const char *grant, const char *account);
/* Revoke a card (lost: audited as a loss). */
int	prov_card_revoke(struct wf *, const char *serial, const char *actor,
	    const char *as, const char *reason, int lost);

#endif /* KUNCI_PROV_H */
