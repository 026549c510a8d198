/*
 * wf_rules.h: the rules a procedure adds to its steps (issue 16): how
 * many rejections end a step, who may not act on it (separation of
 * duties per step), where a superior step goes when the requester has no
 * superior, and the workflow's own limits on what is asked (validity
 * window, access types, the grant's time windows).
 *
 * The engine (wf.c) keeps these in a request's workflow snapshot, next
 * to the steps, as lines an older kuncid skips:
 *   superior\t<uid>		the requester's superior at submission
 *   window\t<DAYS HH:MM-HH:MM>	a kunciTimeWindow value of the grant
 *   rule\t<i>\t<key>\t<value>	step i's rule (keys below)
 * and decides with them; every decision stays one LDAP add or asserted
 * modify (wf.c).  This module holds no state, and does not know struct
 * wf (it sits below the engine).
 */
#ifndef KUNCI_WF_RULES_H
#define KUNCI_WF_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"
#include "dir.h"

#define WFR_MAX_WINDOWS	CFG_MAX_WINDOWS
#define WFR_WINDOW_MAX	CFG_WINDOW_MAX
#define WFR_CHOOSE_MAX	CFG_CHOOSE_MAX
/* The slots of one step: quorum approvals plus rejections, less one. */
#define WFR_MAX_SLOTS	(2 * CFG_MAX_QUORUM)

struct ldapc;

/* One step's rules, as the request keeps them. */
struct wfr_step {
	int		 rejections;	/* rejections that end the step, >= 1;
					   0 in a snapshot = 1 */
	int		 quorum_lost;	/* rejections was "quorum_lost",
					   resolved at submission */
	uint32_t	 not_same;	/* bit j: no actor of step j here */
	int		 not_superior;	/* not the requester's superior */
	int		 skip;		/* no superior, if_no_superior "skip":
					   kuncid passes the step */
	int		 fallback;	/* no superior: role is the step's
					   if_no_superior */
	char		 choose[WFR_CHOOSE_MAX + 1];	/* dispose: the roles
							   to pick from,
							   comma-separated */
	char		 parallel[WFR_CHOOSE_MAX + 1];	/* roles acting beside
							   the step's, one
							   each, any order */
};

/* The request-wide part. */
struct wfr_snap {
	char		 superior[DIR_UID_MAX + 1];	/* "" when none */
	size_t		 nwindows;
	char		 windows[WFR_MAX_WINDOWS][WFR_WINDOW_MAX + 1];
};

/* From the configuration: step i of wfc; and the workflow's windows. */
void	wfr_step_from_cfg(const struct cfg_workflow *, size_t i,
	    struct wfr_step *);
void	wfr_snap_from_cfg(const struct cfg_workflow *, struct wfr_snap *);

/*
 * Snapshot lines.  wfr_format_step/wfr_format_snap append to buf at *off
 * (bufsz in all), -1 when it does not fit.  wfr_parse_step reads one
 * "rule" line's key and value into st; wfr_parse_snap one "superior" or
 * "window" line (1: taken, 0: not this module's key).  -1: malformed.
 */
int	wfr_format_step(size_t i, const struct wfr_step *, char *buf,
	    size_t bufsz, size_t *off);
int	wfr_format_snap(const struct wfr_snap *, char *buf, size_t bufsz,
	    size_t *off);
int	wfr_parse_step(const char *key, const char *value, size_t nsteps,
	    struct wfr_step *);
int	wfr_parse_snap(const char *key, const char *value, struct wfr_snap *);

/* How many acts a step of quorum q takes at most: q approvals or the
 * rejections that end it, whichever come first. */
int	wfr_slots(int quorum, const struct wfr_step *);
/*
 * A step with parallel roles: the slot (1: the step's own role, 2...: the
 * parallel ones in order) role acts in, 0 when it is none of them; and
 * how many roles act on it.
 */
int	wfr_parallel_slot(const struct wfr_step *, const char *steprole,
	    const char *role);
int	wfr_parallel_count(const struct wfr_step *);
/* The n-th (1...) role of a parallel step into role; -1 when none. */
int	wfr_parallel_role(const struct wfr_step *, const char *steprole,
	    int n, char *role, size_t rolesz);
/* Is word one of list (","-separated)? */
int	wfr_in_list(const char *list, const char *word);
/* Is role one of the step's choose list? */
int	wfr_may_choose(const struct wfr_step *, const char *role);
/* The rejections that end the step (>= 1). */
int	wfr_rejections(const struct wfr_step *);

/*
 * "quorum_lost": the members of role group (a DN) other than the
 * requester and the subject (DNs, may be equal) into *n.  A sysexits
 * status; err set on failure.
 */
int	wfr_role_members(struct ldapc *, const char *group, const char *req,
	    const char *subj, int *n, char *err, size_t errsz);

/*
 * Separation of duties on step: may actor act, having acted on the steps
 * in acted (bit j: step j)?  superior: the requester's superior ("").
 * Returns 0 if so; otherwise -1 with why (one line) naming the rule, and
 * its English in en (when not NULL).
 */
int	wfr_may_act(const struct wfr_step *, const char *actor,
	    const char *superior, uint32_t acted, const char *const *stepnames,
	    size_t nsteps, char *why, size_t whysz, char *en, size_t ensz);

/*
 * The workflow's limits on a submission: type (may be NULL: none given),
 * the window [nb, na).  0 when within them; -1 with why (one line) and
 * *status a sysexits status otherwise.
 */
int	wfr_check_limits(const struct cfg_workflow *, const char *type,
	    time_t nb, time_t na, int *status, char *why, size_t whysz);

#endif /* KUNCI_WF_RULES_H */
