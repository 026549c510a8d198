/*
 * wf.h: the workflow engine: access requests, their steps, separation of
 * duties, service standards, escalation, expiry and grants.
 *
 * All state lives in LDAP (kuncid keeps none a restart could lose):
 *
 *   kunciId=<id>,ou=requests,<kunci_base>		  the request
 *   kunciId=<event>,kunciId=<id>,ou=requests,<kunci_base> its events
 *   kunciId=<id>,ou=grants,<kunci_base>		  the grant it yields
 *   cn=request-<year>,ou=counters,<kunci_base>	  the id counter
 *
 * Event RDNs are deterministic, which is what makes every write idempotent
 * and every race decidable by the directory (see wf.c's top comment):
 *   submit		the submission
 *   step-<i>-<k>	the k-th deciding act on step i (k = 1..quorum)
 *   escalate-<i>	step i missed its service standard
 *   cancel, expire	the end of the request
 *   note-<time>-<uid>	a comment
 *
 * The request's kunciWorkflowSnapshot holds the workflow as it was when
 * submitted (wf_snap_format), so later configuration changes do not alter
 * a request under way.
 *
 * Functions return a sysexits.h status and put a one-line English message
 * in w->err on failure.  Not thread-safe: one struct wf per thread.
 */
#ifndef KUNCI_WF_H
#define KUNCI_WF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"
#include "dir.h"
#include "wf_rules.h"

#define WF_ID_MAX	31	/* "2026-000123" */
#define WF_MAX_STEPS	32
#define WF_TYPE_MAX	64	/* access type: [A-Za-z0-9._-] */
#define WF_NOTE_MAX	4096	/* a note or a rejection reason */
#define WF_CRED_MAX	128	/* card serial / account name */
#define WF_LABEL_MAX	256
#define WF_REMOVAL_TYPE	"removal"	/* kunciAccessType of a removal
					   request (C3, prov.h) */

struct ldapc;

struct wf {
	const struct kunci_cfg	*cfg;
	struct ldapc		*lc;
	char			 err[512];
	char			 info[512];	/* extra line for success */
	time_t			 last_recover;
	int			 info_secret;	/* info holds a password:
						   wiped by the next tick */
	/* Set by the caller for the next wf_submit only (prov.h): a removal
	 * request (kunciAccessType "removal") on workflow sub_workflow for
	 * grant sub_grant, authorised by the caller; sub_done: recorded as
	 * already carried out (an emergency revocation). */
	const char		*sub_workflow;
	const char		*sub_grant;
	int			 sub_done;
	/* A write went out during this command: if the directory then goes
	 * away, "nothing was done" is no longer true (admin.c says "may
	 * have been recorded", exit 74).  Cleared before each command. */
	int			 wrote;
	/* Set around an act made as an acting official: the next event
	 * written records it (a kunciNote "acting: KIND PRINCIPAL ID"). */
	const struct wf_acting	*acting;
	/* Set by the caller for the next wf_act only: the role a dispose
	 * step with "choose" sends the request to (--to); ev_to is the
	 * engine's, recorded on the event as a kunciNote "to: ROLE". */
	const char		*dispose_to;
	const char		*ev_to;
	/* Set around a decision on a named writer (two sites, double.h):
	 * the writer's serverID, recorded in the commit's own add as a
	 * kunciNote "writer: SID", so its mark can be made again. */
	const char		*ev_writer;
	/* Set by wf_search_each(): the directory stopped the last search at
	 * a size limit (the caller's, or the server's own: olcSizeLimit,
	 * olcLimits), so its entries are not all there were. */
	int			 truncated;
	/* Set around a dry run (visit.c's offered actions): a command
	 * stops after its checks, writing and auditing nothing. */
	int			 dry;
};

/* A role held for now only as an acting official (delegate.h). */
#define WF_MAX_ACTING	8
#define WF_DLG_ID_MAX	160
#define WF_ACTING_SUPERIOR	(-1)	/* role: the official's place as
					   direct superior of their staff */
struct wf_acting {
	int			 role;		/* index into cfg->roles, or
						   WF_ACTING_SUPERIOR */
	char			 principal[DIR_UID_MAX + 1];	/* in whose
							   place */
	char			 id[WF_DLG_ID_MAX + 1];	/* the delegation */
	char			 kind[8];	/* "plt" or "plh" */
};

/* Who acts: the directory person, and the real caller when root used
 * --as (audit: actor=<person> as=<caller>). */
struct wf_actor {
	struct dir_person	 p;
	char			 as[DIR_UID_MAX + 1];	/* "" unless --as */
	uint64_t		 roles;		/* bit i: cfg->roles[i], own or
						   acting */
	int			 admin;
	int			 person;	/* p is valid */
	/* Roles held only by delegation (their bits are in roles too). */
	struct wf_acting	 acting[WF_MAX_ACTING];
	size_t			 nacting;
};

struct wf_step {
	char		 name[64];
	char		 role[64];
	enum cfg_kind	 kind;
	int64_t		 sla;
	int		 bd;
	int		 quorum;
	int		 may_reject;
	char		 who[DIR_UID_MAX + 1];	/* resolved superior */
	char		 label_id[WF_LABEL_MAX];
	char		 label_en[WF_LABEL_MAX];
	struct wfr_step	 rule;		/* wf_rules.h */
};

struct wf_snap {
	char		 workflow[64];
	char		 label_id[WF_LABEL_MAX];
	char		 label_en[WF_LABEL_MAX];
	int		 one_act;
	enum cfg_grant_kind grant_kind;
	int64_t		 expire_after;
	int		 grant_at;	/* the grant is made when this step is
					   done: the last deciding or
					   provisioning step */
	size_t		 nsteps;
	struct wf_step	 steps[WF_MAX_STEPS];
	struct wfr_snap	 rules;		/* wf_rules.h */
};

struct wf_request {
	char		 id[WF_ID_MAX + 1];
	char		 dn[DIR_DN_MAX];
	char		 requester[DIR_UID_MAX + 1];
	char		 subject[DIR_UID_MAX + 1];
	char		 as[DIR_UID_MAX + 1];
	char		 resource[DIR_NAME_MAX + 1];
	char		 type[WF_TYPE_MAX + 1];
	char		 state[16];	/* pending active rejected cancelled
					   expired */
	char		 grant[WF_ID_MAX + 1];
	char		*reason;	/* owned */
	time_t		 created, updated, not_before, not_after;
	time_t		 step_since, deadline;	/* 0 = none */
	int		 step;		/* current step; nsteps = done */
	struct wf_snap	 snap;
};

struct wf_event {
	char		 rdn[64];
	char		 actor[DIR_UID_MAX + 1];
	char		 as[DIR_UID_MAX + 1];
	char		 decision[32];
	char		 stepname[64];
	char		 role[64];
	int		 step;		/* -1 when none */
	time_t		 time;
	char		 note[WF_NOTE_MAX + 1];
	char		 cred[WF_CRED_MAX + 1];
	/* Acted as an acting official: "plt" or "plh", for whom, the
	 * delegation; "" otherwise. */
	char		 acting_kind[8];
	char		 acting_for[DIR_UID_MAX + 1];
	char		 acting_id[WF_DLG_ID_MAX + 1];
	char		 to[64];	/* a disposition's chosen role */
	char		 writer[16];	/* the serverID that wrote it, or "" */
};

void	wf_init(struct wf *, const struct kunci_cfg *, struct ldapc *);

/*
 * What happens to a request beyond the engine (cards, accounts, notices:
 * prov.c) is reached through these hooks, set once at start-up before any
 * thread runs (kuncid.c), so the engine never calls up into the modules
 * built on it.  Unset hooks do nothing (check_cred and removal: EX_OK).
 *   check_cred	before an act on a provision step: may cred be issued?
 *   granted	the grant of r was just created, bound to cred
 *   removal	a removal request reached its deactivation step
 *   event	something people are told about happened to r
 */
struct wf_hooks {
	int	(*check_cred)(struct wf *, const struct wf_request *,
		    const char *cred);
	void	(*granted)(struct wf *, const struct wf_request *,
		    const char *cred);
	int	(*removal)(struct wf *, const struct wf_request *);
	void	(*event)(struct wf *, const struct wf_request *,
		    const char *event, int step);
	/* after the decision event step-<step>-<slot> was added (two
	 * sites: double.h's dbl_mark) */
	void	(*decided)(struct wf *, const struct wf_request *, int step,
		    int slot, const char *actor, const char *as,
		    const char *decision, const char *role, const char *note,
		    const char *cred);
};
void	wf_set_hooks(const struct wf_hooks *);

/* Is the request open (a step waits)?  Closed: rejected, cancelled,
 * expired, or every step done. */
int	wf_open(const struct wf_request *);
/* Can actor act on the request's current step (role only, no SoD)? */
int	wf_can_act(struct wf *, const struct wf_actor *,
	    const struct wf_request *);
/*
 * wf_route.c.  wf_route: fix snap's route for a submission by a for subj
 * (from wfc): the requester's superior, or the step's if_no_superior when
 * there is none (refused, EX_DATAERR, when that is not configured), and
 * the rejections that lose a "quorum_lost" step's quorum.
 */
int	wf_route(struct wf *, const struct wf_actor *,
	    const struct cfg_workflow *, const struct dir_person *subj,
	    struct wf_snap *);
/* The role that acts on step i of r: the step's own, or for role
 * "disposed" the one its disposition chose ("" until chosen). */
void	wf_step_role(struct wf *, const struct wf_request *, int i,
	    char *role, size_t rolesz);
/* The delegation under which actor holds role, or NULL when the actor
 * holds it themselves (or not at all). */
const struct wf_acting *wf_acting_for(const struct kunci_cfg *,
	    const struct wf_actor *, const char *role);
/* The delegation under which actor acts on step i of r (role: the role
 * the step waits on, "disposed" resolved, or one of a parallel step's):
 * for a "superior" step, the actor's delegation of the superior's place
 * of the official the step waits on (NULL when the actor is that
 * official); else wf_acting_for(). */
const struct wf_acting *wf_acting_on(const struct kunci_cfg *,
	    const struct wf_actor *, const struct wf_request *, int i,
	    const char *role);
/*
 * The roles step i of r still waits on, joined by "+": its role
 * ("disposed" resolved), and for a parallel step those of its roles that
 * have not acted yet (their slot's event is not there).  "" when none.
 */
void	wf_waiting_roles(struct wf *, const struct wf_request *, int i,
	    char *buf, size_t sz);

/*
 * Why actor may not approve (reject 0) or reject (1) r's current step:
 * why is "" when they may.  wf_act() refuses with exactly this, and the
 * actions offered with an item (visible.h) come from it.  EX_OK, or an
 * error (w->err) when the directory could not answer.
 */
int	wf_why_not(struct wf *, const struct wf_actor *,
	    const struct wf_request *, int reject, char *why, size_t whysz);
/* The same, with the reason also in English in en (the audit trail's). */
int	wf_why_not_en(struct wf *, const struct wf_actor *,
	    const struct wf_request *, int reject, char *why, size_t whysz,
	    char *en, size_t ensz);

/*
 * Submit.  from/until: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" in
 * agent.timezone, or NULL (from = now, until = from + max_duration).
 * for_uid NULL = the actor.  id gets the new request's id.  type must be
 * the one wf_access_type() gives for the resource's workflow, if any
 * (EX_DATAERR otherwise).
 */
/*
 * The access type (--type) a workflow's requests must name: "card" or
 * "account" for a workflow whose grants carry that credential; NULL when
 * its grants carry none (any well-formed type is taken).
 */
const char *wf_access_type(const struct cfg_workflow *);

int	wf_submit(struct wf *, const struct wf_actor *, const char *resource,
	    const char *type, const char *reason, const char *from,
	    const char *until, const char *for_uid, char id[WF_ID_MAX + 1]);

/*
 * Act on the current step: decision "approve" or "reject".  step, when
 * not NULL, is the step name the actor means (a later step is not acted
 * on by mistake); note is the note or the rejection reason; cred the card
 * serial or account name at a provision step.
 */
int	wf_act(struct wf *, const struct wf_actor *, const char *id,
	    const char *decision, const char *step, const char *note,
	    const char *cred);
int	wf_cancel(struct wf *, const struct wf_actor *, const char *id,
	    const char *reason);
int	wf_comment(struct wf *, const struct wf_actor *, const char *id,
	    const char *note);

/* Load one request (EX_NOINPUT when there is none); free with
 * wf_request_free().  */
int	wf_load(struct wf *, const char *id, struct wf_request *);
void	wf_request_free(struct wf_request *);
/* Its events, oldest first; free(*ev). */
int	wf_events(struct wf *, const struct wf_request *,
	    struct wf_event **ev, size_t *n);

/*
 * Events, shared with visit.c: kunciEvent entries kunciId=<rdn> under
 * a request or a visit (parent, a DN).
 *
 * wf_events_under: the events under parent matching filter (the caller
 * escapes values), oldest first, within one second the submission then
 * the steps in order; free(*ev).  Of the kunciNote values, one beginning
 * "credential: " goes to cred, the first other one to note.
 *
 * wf_event_add: write event rdn, stamped now, with kunciState state.
 * step >= 0 (and < snap->nsteps) records kunciStepIndex and the step's
 * name; decision is left out when NULL; as, role, note and note2 when
 * NULL or "".  note and note2 are two kunciNote values, in that order.
 * Returns EX_OK, EX_CANTCREAT when rdn exists (a race lost: the add is
 * the commit point), or an error with w->err set.
 */
int	wf_events_under(struct wf *, const char *parent, const char *filter,
	    struct wf_event **ev, size_t *n);
int	wf_event_add(struct wf *, const char *parent, const struct wf_snap *,
	    const char *state, const char *rdn, const char *actor,
	    const char *as, const char *decision, int step, const char *role,
	    const char *note, const char *note2);

/*
 * Errors, for wf.c, visit.c and prov.c: put a one-line message in w->err
 * and return a sysexits status.  wf_fail returns st; wf_ldfail writes
 * "<what>: <LDAP error>" and returns dir_status() of rc (EX_UNAVAILABLE
 * when the connection is gone, which it drops).
 */
int	wf_fail(struct wf *, int st, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	wf_ldfail(struct wf *, int rc, const char *what);

/* A raw value a message shows (a state, a decision, what a look-up reads:
 * "pending", "approve", "grant") in the reader's language; unknown values
 * as they are.  JSON and the directory keep the raw value. */
const char *wf_word(const char *raw);

/*
 * Modify dn (m) under an LDAP assertion control (a filter the entry must
 * match, values escaped by the caller): the compare-and-swap that moves a
 * request, a visit or a grant on.  EX_OK; EX_TEMPFAIL when the assertion
 * failed (someone else moved the entry first; w->err untouched); or an
 * error, w->err saying "<what>: <LDAP error>".  m->err counts as out of
 * memory.  m is not freed.
 */
int	wf_modify_asserted(struct wf *, const char *dn, const char *assertion,
	    struct dir_mods *m, const char *what);

/* Requests matching an LDAP filter (built by the caller from escaped
 * values), each handed to cb; at most max. */
/*
 * The LDAP reads every kind of record shares (requests here, visits in
 * visit.c).  wf_read_entry: the one entry at dn matching filter into *res
 * (the caller frees it); "unknown WHAT: id" (EX_NOINPUT) when it is not
 * there.  wf_search_each: the entries one level under OU (e.g.
 * "ou=visits") of the kunci base matching filter, at most max, each
 * handed to each() until it returns other than EX_OK.
 */
int	wf_read_entry(struct wf *, const char *dn, const char *filter,
	    char **attrs, const char *what, const char *id, LDAP **,
	    LDAPMessage **res);
int	wf_search_each(struct wf *, const char *ou, const char *filter,
	    char **attrs, size_t max, const char *what,
	    int (*each)(struct wf *, LDAP *, LDAPMessage *, void *),
	    void *arg);

typedef int (*wf_each_fn)(struct wf_request *, void *);
int	wf_list(struct wf *, const char *filter, size_t max, wf_each_fn,
	    void *);

/* Scheduler (scheduler.h): escalate overdue steps, expire old requests, and
 * (every few minutes) roll forward requests a crash left half-done. */
void	wf_tick(struct wf *, time_t now);

/* Grants. */
struct wf_grant {
	char	 id[WF_ID_MAX + 1];
	char	 subject[DIR_UID_MAX + 1];
	char	 resource[DIR_NAME_MAX + 1];
	char	 status[16];
	char	 type[WF_TYPE_MAX + 1];
	char	 cred[WF_CRED_MAX + 1];
	char	 request[WF_ID_MAX + 1];
	time_t	 not_before, not_after, created;
};
typedef int (*wf_grant_fn)(struct wf_grant *, void *);
int	wf_grants(struct wf *, const char *filter, size_t max, wf_grant_fn,
	    void *);

/* A workflow as configured, as a snapshot (no superior resolved; the
 * request engine and visit.c both start from it). */
void	wf_snap_from_cfg(const struct cfg_workflow *, struct wf_snap *);
/* Snapshot text <-> struct (exposed for the unit test). */
int	wf_snap_format(const struct wf_snap *, char *buf, size_t bufsz);
int	wf_snap_parse(const char *text, struct wf_snap *);
/* The end of a service standard that starts at since (0: none). */
time_t	wf_deadline(const struct kunci_cfg *, time_t since, int64_t sla,
	    int bd);
/* Parse a date as documented for wf_submit; end = the day's end for a
 * bare date. */
int	wf_parse_when(const char *s, int end, time_t *t);
/* 1 if s is valid UTF-8. */
int	wf_utf8_valid(const char *s);

#endif /* KUNCI_WF_H */
