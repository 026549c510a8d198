/*
 * review_int.h: what the review files (review.c, review_store.c,
 * review_campaign.c, review_report.c) share; private to them.  Include
 * review.h first.
 */
#ifndef KUNCI_REVIEW_INT_H
#define KUNCI_REVIEW_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldap.h>

#include "admin.h"
#include "dir.h"
#include "wf.h"

struct strbuf;

#define U(s)		((char *)(uintptr_t)(s))	/* libldap wants char * */
#define RV_PAGE		500	/* entries per page of a paged search */
#define RV_WINDOW	4	/* finding pages being added at once */
#define RV_LINE_MAX	1024	/* one finding line (below) */
#define RV_PAGE_PREFIX	"page-"	/* kunciId of a finding page */
#define RV_KEY_CUT	3	/* a finding page's key: a grant id with its
				   last 3 characters as '*' (rv_grant_key) */
#define RV_KEY_MAX	(WF_ID_MAX + RV_KEY_CUT)
#define RV_STALE	600	/* an "opening" campaign untouched this long
				   was left by a crash: resume it */
#define RV_YIELD_MS	50	/* a scan's pause per page while other
				   admin commands run */
#define RV_YIELD_STEP_MS 2
#define RV_MAX_BULK	2000	/* grants in one attest */
#define RV_TICK_EVERY	5	/* seconds between scheduler passes */
#define LIST_SHOW_MAX	200	/* rows review show prints */
#define RV_SHOW_JSON	1000	/* rows review show --json gives */
#define RV_SHOW_MAX	20000	/* --offset + --limit of review show */
#define RV_REPORT_PAGE	2000	/* rows of a review report page */
#define RV_REPORT_MAX	10000	/* its --limit */
#define RV_OFFSET_MAX	1000000000	/* --offset of a report or form */
#define RV_MARK		"revoking"	/* kunciFinding of a decision entry the
					   deadline claimed and has not yet
					   revoked (review_run.c) */
#define RV_MARK_REC	"recording"	/* ... revoked, its C3 record and
					   review.remove not yet written: by
					   the run whose claim it is,
					   "recording:<epoch>" (an older
					   kuncid wrote it bare) */
#define RV_LEASE	60	/* seconds a recording claim is its
					   run's: then another may take it */

enum {
	F_RESOURCE_GONE, F_HOLDER_MISSING, F_HOLDER_DISABLED,
	F_SOD_SELF, F_SOD_INCOMPATIBLE, F_EXPIRED, F_LEFT_UNIT,
	F_NEVER_USED, F_UNUSED, F_NOT_REVIEWED, F_COUNT
};

/* Ordered by weight: the risk of a grant is the sum of its findings'. */
struct finding_def {
	const char	*code;
	int		 risk;
	const char	*en, *id;
};
extern const struct finding_def rv_fdefs[F_COUNT];

struct decision_def {
	const char	*code, *en, *id;
};
extern const struct decision_def rv_ddefs[];

struct smap {
	char		**key;
	uint32_t	 *val;
	size_t		  cap, n;
};

typedef int (*rv_entry_fn)(LDAP *, LDAPMessage *, void *);
typedef int (*rv_page_fn)(void *);

struct rv_campaign {
	char	id[REVIEW_ID_MAX + 1];
	char	dn[DIR_DN_MAX];
	char	period[REVIEW_PERIOD_MAX + 1];
	char	scope[DIR_NAME_MAX + 1];	/* "" = everything */
	char	state[16];
	char	actor[DIR_UID_MAX + 1];
	char	stats[128];
	time_t	created, updated, deadline;
};

struct rv_finding {
	char	 id[WF_ID_MAX + 1];
	char	 subject[DIR_UID_MAX + 1];
	char	 resource[DIR_NAME_MAX + 1];
	char	 decision[16];
	char	 actor[DIR_UID_MAX + 1];
	char	*note;		/* joined kunciNote values, owned */
	unsigned flags;
	int	 risk;
	int	 revoking;	/* its decision entry bears RV_MARK (1) or
				   RV_MARK_REC (2) */
	char	 rec_mark[32];	/* with 2: the mark's value */
	time_t	 rec_at;	/* and the time it names (0: none) */
	time_t	 time, last_used, not_after;
};

struct flist {
	struct rv_finding	*f;
	size_t			 n, cap;
	struct rv_finding	*d;	/* decision entries, while loading */
	size_t			 nd, capd;
	int			 oom;
};

/* review_store.c */
const char *	rv_decision_label(int en, const char *code);
int	rv_pattern_match(const char *pat, const char *name);
int	rv_pattern_filter(const char *pat, char *dst, size_t sz);
int	rv_valid_period(const char *s);
void	rv_smap_free(struct smap *m);
int	rv_smap_put(struct smap *m, const char *k, uint32_t v);
int	rv_smap_get(const struct smap *m, const char *k, uint32_t *v);
/* The grants a preview spared: sorted once, then looked up by id. */
void	rv_spares_sort(char **ids, size_t n);
int	rv_spared(char *const *ids, size_t n, const char *id);
char *	rv_norm_dn(const char *dn);
void	rv_renew_deadline(struct wf *w);
int	rv_paged(struct wf *w, const char *base, int scope, const char *filter,
    char **attrs, rv_entry_fn fn, rv_page_fn page, void *arg);
int	rv_paged_n(struct wf *w, const char *base, int scope,
    const char *filter, char **attrs, int size, rv_entry_fn fn,
    rv_page_fn page, void *arg);
int	rv_campaign_dn(struct wf *w, const char *id, char *dn, size_t sz);
void	rv_parse_campaign(LDAP *ld, LDAPMessage *e, struct rv_campaign *k);
int	rv_campaign_load(struct wf *w, const char *id, struct rv_campaign *k);
int	rv_campaign_modify(struct wf *w, const struct rv_campaign *k,
    const char *assert_filter, struct dir_mods *m);
int	rv_campaign_event(struct wf *w, const struct rv_campaign *k,
    const char *rdn, const char *actor, const char *decision,
    char *const *notes, size_t nnotes);
int	rv_campaign_get_event(struct wf *w, const struct rv_campaign *k,
    const char *rdn, time_t *t, struct berval ***notes);
int	rv_finding_load(struct wf *w, const struct rv_campaign *k,
    const char *grant, struct rv_finding *f);
void	rv_flist_free(struct flist *l);
int	rv_is_page(LDAP *ld, LDAPMessage *e);
void	rv_grant_key(const char *grant, char *key, size_t sz);
int	rv_grant_terms(struct strbuf *sb, struct smap *seen,
    const char *grant);
int	rv_line_grant(const struct berval *bv, char *id, size_t sz);
int	rv_parse_line(const struct berval *bv, struct rv_finding *f);
void	rv_parse_decision(LDAP *ld, LDAPMessage *e, struct rv_finding *f);
int	rv_escalated(struct wf *w, const struct rv_campaign *k);
int	rv_cmp_risk(const void *a, const void *b);
int	rv_flist_load(struct wf *w, const struct rv_campaign *k, const char *only,
    struct flist *l);
extern char *rv_camp_attrs[];
/*
 * The grants of a campaign from offset, at most limit, by risk (as
 * rv_flist_load() orders them), with their decisions; and over all its
 * grants: *total, ndec[] per rv_ddefs code and nf[F_COUNT] per finding.
 * Memory: offset + limit findings and the decision entries, whatever the
 * number of grants.
 */
int	rv_flist_window(struct wf *w, const struct rv_campaign *k,
    size_t offset, size_t limit, struct flist *l, size_t *total,
    size_t *ndec, size_t *nf);

/* review_walk.c: a campaign's findings in bounded memory (see there) */
#define RV_NDEC		8	/* >= the codes in rv_ddefs */
struct rv_census {
	size_t	  total;		/* grants (finding lines) */
	size_t	  ndec[RV_NDEC];	/* per rv_ddefs code */
	size_t	  nf[F_COUNT];		/* per finding */
	int	  escalated;		/* undecided reads "escalated" */
	time_t	  last;			/* the latest decision's time */
	int	 *risk;			/* distinct risks, highest first */
	size_t	  nrisk;
	char	**pid;			/* finding page ids, sorted */
	size_t	  npg;
	size_t	 *cnt;		/* [page * nrisk + risk]: its lines */
	size_t	 *base;		/* the rank of the first of them */
};
typedef int (*rv_walk_fn)(struct rv_finding *, size_t, void *);
/* One paged pass: the counts, and where each rank lies.  Memory: a few
 * words per finding page and risk, not per grant. */
int	rv_census(struct wf *w, const struct rv_campaign *k,
    struct rv_census *c);
void	rv_census_free(struct rv_census *c);
/* The findings ranked [offset, offset + limit), with their decisions,
 * read from the pages that hold them only. */
int	rv_census_window(struct wf *w, const struct rv_campaign *k,
    const struct rv_census *c, size_t offset, size_t limit,
    struct flist *l);
/* Set f[0..n)'s decisions from their decision entries (looked up by
 * grant, RW_IDS_AT at a time). */
int	rv_decisions(struct wf *w, const struct rv_campaign *k, int escalated,
    struct rv_finding *f, size_t n);
/* fn on each finding page in turn (page order), with decisions; the
 * notes are freed after fn. */
int	rv_walk(struct wf *w, const struct rv_campaign *k, rv_walk_fn fn,
    void *arg);
/* The campaign's finding page ids, sorted (strcmp): one string per page
 * of findings, not per grant. */
int	rv_page_ids(struct wf *w, const struct rv_campaign *k, char ***pid,
    size_t *n);
void	rv_page_ids_free(char **pid, size_t n);
/* Finding page pid's lines with their decisions, sorted by grant id
 * (strcmp), into l (its array reused, the notes before freed; free with
 * rv_flist_free()).  EX_NOINPUT when there is no such page. */
int	rv_page_read(struct wf *w, const struct rv_campaign *k, int escalated,
    const char *pid, struct flist *l);
/* The decision code of each grant ids[i] in campaign k into dec[i], ""
 * when the campaign does not hold it. */
int	rv_grant_decisions(struct wf *w, const struct rv_campaign *k,
    int escalated, char *const *ids, size_t n, char (*dec)[16]);

/* review_campaign.c */
void	rv_dec_field(char *dst, size_t sz, const char *src, size_t len);
int	rv_start_campaign(struct admin_call *c, const char *period,
    const char *scope, struct rv_campaign *k, int *created);

/* review.c */
int	rv_may_run(const struct admin_call *c);
int	rv_read_resource(struct wf *w, const char *resource, char **attrs,
    LDAP **ldp, LDAPMessage **res);
/* Decide grant: add its decision entry (the add is the assertion:
 * EX_TEMPFAIL "decided meanwhile" if it exists); mark: a kunciFinding
 * value on it, or NULL. */
int	rv_set_decision(struct wf *w, const struct rv_campaign *k,
    const char *grant, const char *decision, const char *actor,
    const char *note, const char *mark);
void	rv_add_finding_note(struct wf *w, const struct rv_campaign *k,
    const char *grant, const char *decision, const char *note);
int	rv_set_state(struct wf *w, struct rv_campaign *k, const char *from,
    const char *to);
int	rv_is_owner(struct admin_call *c, const char *resource, int *yes);
const char *	rv_attest_refusal(const struct admin_call *c,
    const struct rv_finding *f, int owner);

/* review_report.c */
/* --limit and --offset of a paged command: the values given, each within
 * its bound (*limit, *offset keep their defaults when absent); EX_OK or
 * EX_USAGE with the message. */
int	rv_window_opts(struct admin_call *c, const char *limit_s,
    const char *offset_s, int limit_max, int offset_max, long long *limit,
    long long *offset);
int	rv_cmd_show(struct admin_call *c, int argc, char **argv);
int	rv_cmd_report(struct admin_call *c, int argc, char **argv);
/* An access owner's findings (theirs to attest): the window [offset,
 * offset + limit) by risk in l, and over all: *total, ndec[], nf[]
 * (added to).  Memory: offset + limit findings. */
int	rv_owner_window(struct admin_call *c, const struct rv_campaign *k,
    size_t offset, size_t limit, struct flist *l, size_t *total,
    size_t *ndec, size_t *nf);

/* review.c */
const char *	rv_actor_of(const struct admin_call *c);

/* review_enforce.c */
int	rv_cmd_enforce(struct admin_call *c, int argc, char **argv);
/* The deadline's work for an open campaign past it, a slice of it: 1
 * when more is left for the next pass (review_tick() then asks for it
 * soon), else 0. */
int	rv_tick_deadline(struct wf *w, struct rv_campaign *k, time_t now);
struct rv_crit {
	int	critical;
	long	active;		/* its active grants now, if critical */
};
int	rv_resource_state(struct wf *w, const char *resource, int max,
    struct rv_crit *cr);
int	rv_holders(struct wf *w, const char *resource, int max, long *n);

/* review_run.c: the real run of remove-on-silence, a slice at a time */
struct rv_run_res {
	long	removed, spared, failed;
	long	busy;		/* being recorded by another run */
	int	more;		/* the budget ran out: more to do now */
	int	waiting;	/* failed grants left, retried later */
	int	closed;		/* done: the campaign closed */
};
/* A slice of the run of campaign k (batch grants, slice_ms; 0: no
 * limit); retry: the failed grants now, not after RV_RETRY s.  preview:
 * the preview event's notes (its spared grants).  Lines of what was done
 * into out (NULL: none). */
int	rv_run(struct wf *w, struct rv_campaign *k, struct berval **preview,
    const char *actor, size_t batch, long slice_ms, int retry,
    struct strbuf *out, int en, struct rv_run_res *res);
struct rv_progress {
	int	started, swept;
	time_t	since, retried;
	size_t	page, npg;	/* on finding page page of npg */
};
int	rv_run_progress(struct wf *w, const struct rv_campaign *k,
    struct rv_progress *p);

#endif /* KUNCI_REVIEW_INT_H */
