/*
 * review_run.c: the real run of remove-on-silence (doc/review.md, "The
 * deadline"), a slice at a time: the scheduler gives it at most
 * review.enforce_batch grants and RV_RUN_SLICE_MS per pass, so its other
 * work (expiry, notices, allow lists) goes on between slices; `review
 * enforce` by hand runs what is left at once.
 *
 * Where the run is stays in the directory, on its "enforce" event
 * (kunciNote values): "page:<id>" and "grant:<id>", the finding page it
 * is on (pages in kunciId order) and the last grant done there (a page's
 * grants in id order), then "swept" once every page was done, and
 * "retried:<time>" of the last retry.  A restarted kuncid, or another,
 * goes on from there; two runs at once share the work, each grant's claim
 * being an asserted add (a place written back by the slower one only
 * makes a run skip grants decided already).
 *
 * A grant is claimed by adding its decision entry ("removed") with the
 * work mark RV_MARK, revoked (prov_revoke() asserts the grant is active:
 * revoked, and grant.revoke written, once), then the mark becomes the
 * claim "recording:<time>" in one modify that only one run wins; that run
 * writes the C3 record (found again, not written twice, after a crash)
 * and review.remove, and last deletes the mark, noting the C3 record's id
 * in the same modify.  Another run that finds the claim leaves it alone
 * for RV_LEASE seconds (and the campaign open), then takes it over by
 * the same asserted move: the claim's run is gone.  So a crash anywhere
 * leaves a mark, and whoever finds it finishes the grant: nothing is
 * lost (review.remove may be written twice if the crash falls between it
 * and the mark's deletion, or a run stalls past the lease).
 *
 * The doors' allow lists are rewritten once per door every RV_FLUSH_MS
 * and at the slice's end, not after each card (prov_allow_defer()): a
 * rewrite reads every card holder of the door.
 *
 * A grant whose revocation (or paperwork) fails keeps its mark and the
 * sweep goes on.  Once swept, the marked grants are looked for with one
 * search (decision entries bearing a mark), not a walk of the findings,
 * at most every RV_RETRY seconds from the scheduler; when none is left
 * the campaign closes.
 */
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "admin.h"
#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "prov.h"
#include "removal.h"
#include "review.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "review_int.h"

#define RUN_STOP	1	/* a callback's "budget spent": not an error */
#define RV_RUN_LINES	2000	/* lines of a run's reply, then counts */
#define RV_RETRY	60	/* seconds between the scheduler's retries */
#define RV_FLUSH_MS	2000	/* allow lists held back at most this long */
#define MARKED_FILTER	"(&(objectClass=kunciReviewFinding)" \
			    "(kunciDecision=removed)(|(kunciFinding=" RV_MARK \
			    ")(kunciFinding=" RV_MARK_REC "*)))"

struct place {
	char	page[WF_ID_MAX + 8];
	char	grant[WF_ID_MAX + 1];
	int	swept;
	time_t	retried;
};

struct run {
	struct wf		*w;
	struct rv_campaign	*k;
	char			**spare;	/* the preview's, sorted */
	size_t			 nspare;
	struct smap		 crit;		/* resource -> critical + 1 */
	struct rv_run_res	*res;
	size_t			 batch, work;	/* 0: no limit */
	long			 slice_ms;
	struct timespec		 t0, tf;	/* start, last flush */
	struct strbuf		*out;
	size_t			 lines;
	int			 en;
	char			 reason[512];
};

static const struct wf_actor *
kuncid_actor(void)
{
	/* Per thread: the scheduler and an admin worker may both get here. */
	static _Thread_local struct wf_actor a;

	if (!a.person) {
		u_strlcpy(a.p.uid, REVIEW_ACTOR, sizeof(a.p.uid));
		a.person = 1;
	}
	return &a;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Has this slice spent its budget?  Also, every RV_FLUSH_MS, the allow
 * lists of the doors whose cards it revoked are rewritten (held back
 * meanwhile: one rewrite per door, not per grant). */
static int
spent(struct run *r)
{
	if (ms_since(&r->tf) >= RV_FLUSH_MS) {
		(void)prov_allow_flush(r->w);
		prov_allow_defer();
		clock_gettime(CLOCK_MONOTONIC, &r->tf);
	}
	if (r->batch > 0 && r->work >= r->batch)
		return 1;
	return r->slice_ms > 0 && ms_since(&r->t0) >= r->slice_ms;
}

static void
run_line(struct run *r, const char *grant, const char *resource,
    const char *what)
{
	if (r->out == NULL || r->lines++ >= RV_RUN_LINES)
		return;
	sb_printf(r->out, "%s %s %s\n", grant, resource,
	    rv_decision_label(r->en, what));
}

/* ---------------------------------------------------------- the place */

/* A note's value after its prefix. */
static void
note_val(char *dst, size_t sz, const struct berval *v, size_t skip)
{
	size_t n = v->bv_len - skip < sz - 1 ? v->bv_len - skip : sz - 1;

	memcpy(dst, v->bv_val + skip, n);
	dst[n] = '\0';
}

/* Read the place from the notes of the enforce event. */
static void
place_parse(struct berval **v, struct place *p)
{
	int i, n = v != NULL ? ldap_count_values_len(v) : 0;
	char t[32];
	size_t len;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++) {
		len = v[i]->bv_len;
		if (len > 5 && strncmp(v[i]->bv_val, "page:", 5) == 0 &&
		    len - 5 < sizeof(p->page))
			note_val(p->page, sizeof(p->page), v[i], 5);
		else if (len > 6 && strncmp(v[i]->bv_val, "grant:", 6) == 0 &&
		    len - 6 < sizeof(p->grant))
			note_val(p->grant, sizeof(p->grant), v[i], 6);
		else if (len == 5 && strncmp(v[i]->bv_val, "swept", 5) == 0)
			p->swept = 1;
		else if (len > 8 && strncmp(v[i]->bv_val, "retried:", 8) ==
		    0 && len - 8 < sizeof(t)) {
			note_val(t, sizeof(t), v[i], 8);
			p->retried = (time_t)strtoll(t, NULL, 10);
		}
	}
}

static int
place_save(struct wf *w, const struct rv_campaign *k, const struct place *p)
{
	char dn[DIR_DN_MAX + 32], a[WF_ID_MAX + 16], b[WF_ID_MAX + 16],
	    t[40];
	struct dir_mods m;
	LDAP *ld;
	int rc, st = EX_OK;

	snprintf(dn, sizeof(dn), "kunciId=enforce,%s", k->dn);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	dir_mods_init(&m);
	if (p->swept)
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciNote", "swept");
	else {
		snprintf(a, sizeof(a), "page:%s", p->page);
		snprintf(b, sizeof(b), "grant:%s", p->grant);
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciNote", a);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", b);
	}
	if (p->retried != 0) {
		snprintf(t, sizeof(t), "retried:%lld", (long long)p->retried);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", t);
	}
	if (m.err)
		st = wf_fail(w, EX_OSERR, _("out of memory"));
	else if ((rc = ldap_modify_ext_s(ld, dn, m.p, NULL, NULL)) !=
	    LDAP_SUCCESS)
		st = wf_ldfail(w, rc, _("recording where the removal is"));
	dir_mods_free(&m);
	return st;
}

/* The place, the enforce event created first if need be (the first
 * run's record: its time and actor). */
static int
place_load(struct wf *w, const struct rv_campaign *k, const char *actor,
    struct place *p)
{
	struct berval **v = NULL;
	time_t t;
	int st;

	st = rv_campaign_get_event(w, k, "enforce", &t, &v);
	if (st == EX_NOINPUT) {
		st = rv_campaign_event(w, k, "enforce", actor, "remove", NULL,
		    0);
		if (st != EX_OK && st != EX_CANTCREAT)
			return st;
		st = rv_campaign_get_event(w, k, "enforce", &t, &v);
	}
	if (st != EX_OK)
		return st;
	place_parse(v, p);
	ldap_value_free_len(v);
	return EX_OK;
}

/* ------------------------------------------------------------ a grant */

/* Move the mark from -> to (to NULL: delete it), adding note if not
 * NULL; EX_TEMPFAIL when from is not there (another run moved it). */
static int
remark(struct wf *w, const struct rv_campaign *k, const char *grant,
    const char *from, const char *to, const char *note)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1];
	struct dir_mods m;
	LDAP *ld;
	int rc, st = EX_OK;

	if (ldapc_escape_dn(esc, sizeof(esc), grant) == -1)
		return wf_fail(w, EX_NOINPUT, _("bad grant id"));
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", esc, k->dn);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_DELETE, "kunciFinding", from);
	if (to != NULL)
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciFinding", to);
	if (note != NULL)
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	if (m.err)
		st = wf_fail(w, EX_OSERR, _("out of memory"));
	else if ((rc = ldap_modify_ext_s(ld, dn, m.p, NULL, NULL)) ==
	    LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_NO_SUCH_OBJECT)
		st = wf_fail(w, EX_TEMPFAIL, _("grant %s was finished meanwhile"),
		    grant);
	else if (rc == LDAP_TYPE_OR_VALUE_EXISTS && note != NULL) {
		/* the note is there: a run before wrote it; the mark only */
		dir_mods_free(&m);
		return remark(w, k, grant, from, to, NULL);
	} else if (rc != LDAP_SUCCESS)
		st = wf_ldfail(w, rc, _("finishing a removal"));
	dir_mods_free(&m);
	return st;
}

struct paper {
	const char	*reason;
	char		 id[WF_ID_MAX + 1];
};

static int
paper_match(struct wf_request *q, void *arg)
{
	struct paper *p = arg;

	if (p->id[0] == '\0' && q->reason != NULL &&
	    strcmp(q->reason, p->reason) == 0)
		u_strlcpy(p->id, q->id, sizeof(p->id));
	return EX_OK;
}

/* The C3 record of grant's removal by this campaign: the one a run before
 * wrote (a crash before the mark was deleted), or a new one, already
 * carried out.  EX_OK with its id ("" when removals are not configured:
 * nothing to write), else the failure (the mark stays: tried again). */
static int
paperwork(struct run *r, const char *grant, char *rid, size_t sz)
{
	struct wf *w = r->w;
	struct paper p;
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 120];
	int st;

	rid[0] = '\0';
	if (w->cfg->removal.workflow == NULL ||
	    w->cfg->removal.workflow[0] == '\0')
		return EX_OK;
	if (ldapc_escape_filter(esc, sizeof(esc), grant) == -1)
		return EX_OK;
	memset(&p, 0, sizeof(p));
	p.reason = r->reason;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciRequest)"
	    "(kunciAccessType=" PROV_REMOVAL_TYPE ")(kunciGrantRef=%s))", esc);
	if ((st = wf_list(w, filter, 20, paper_match, &p)) != EX_OK)
		return st;
	if (p.id[0] != '\0') {
		u_strlcpy(rid, p.id, sz);
		return EX_OK;
	}
	st = removal_open(w, kuncid_actor(), grant, r->reason, REMOVAL_DONE |
	    REMOVAL_REUSE, rid, sz);
	if (st == EX_OK || (rid[0] != '\0' && st != EX_TEMPFAIL &&
	    st != EX_UNAVAILABLE))
		return EX_OK;	/* written (a later step of it may fail) */
	if (st == EX_CONFIG || st == EX_NOINPUT || st == EX_DATAERR) {
		log_warnx("review %s: no removal record for %s: %s",
		    r->k->id, grant, i18n_en(w->err));
		rid[0] = '\0';
		return EX_OK;	/* it cannot be written: not retried */
	}
	return st;
}

/* A claimed grant, f (mark 1: to revoke; 2: revoked, to record). */
static void
finish(struct run *r, const struct rv_finding *f)
{
	struct wf *w = r->w;
	const char *grant = f->id;
	char rid[WF_ID_MAX + 1], nb[WF_ID_MAX + 16], claim[32];
	time_t now = time(NULL);
	int st;

	r->work++;
	/* The run that records holds the claim "recording:<now>"; another
	 * takes it over only once it is RV_LEASE old (that run is gone), by
	 * the same asserted move, so two never write the paperwork at once. */
	snprintf(claim, sizeof(claim), RV_MARK_REC ":%lld", (long long)now);
	if (f->revoking == 2) {
		if (f->rec_at != 0 && now - f->rec_at < RV_LEASE) {
			r->res->busy++;
			return;		/* its run is at it */
		}
		if ((st = remark(w, r->k, grant, f->rec_mark, claim,
		    NULL)) != EX_OK) {
			if (st == EX_TEMPFAIL)
				r->res->busy++;	/* taken meanwhile */
			else {
				log_warnx("review %s: finishing %s: %s",
				    r->k->id, grant, i18n_en(w->err));
				r->res->failed++;
			}
			return;
		}
	}
	if (f->revoking == 1) {
		st = prov_revoke(w, grant, REVIEW_ACTOR, "", r->reason, 0);
		if (st != EX_OK && st != EX_DATAERR && st != EX_NOINPUT) {
			log_warnx("review %s: revoking %s: %s", r->k->id,
			    grant, i18n_en(w->err));
			r->res->failed++;
			return;		/* the mark stays: tried again */
		}
		/* Of several runs, the one that moves the mark records. */
		if ((st = remark(w, r->k, grant, RV_MARK, claim,
		    NULL)) != EX_OK) {
			if (st != EX_TEMPFAIL) {
				log_warnx("review %s: finishing %s: %s",
				    r->k->id, grant, i18n_en(w->err));
				r->res->failed++;
			}
			return;
		}
	}
	/* The record before the mark goes: a crash cannot lose it. */
	if ((st = paperwork(r, grant, rid, sizeof(rid))) != EX_OK) {
		log_warnx("review %s: the removal record of %s: %s",
		    r->k->id, grant, i18n_en(w->err));
		r->res->failed++;
		return;
	}
	log_audit("review.remove", "campaign", r->k->id, "grant", grant,
	    "resource", f->resource, "subject", f->subject, "actor",
	    REVIEW_ACTOR, NULL);
	snprintf(nb, sizeof(nb), "removal %s", rid);
	st = remark(w, r->k, grant, claim, NULL, rid[0] != '\0' ? nb : NULL);
	if (st != EX_OK && st != EX_TEMPFAIL) {
		log_warnx("review %s: finishing %s: %s", r->k->id, grant,
		    i18n_en(w->err));
		r->res->failed++;
		return;
	}
	if (st == EX_OK) {
		r->res->removed++;
		run_line(r, grant, f->resource, "removed");
	}
}

/* Is f's resource critical with one active holder left (f's)? */
static int
last_holder(struct run *r, const struct rv_finding *f, int *yes)
{
	struct rv_crit cr;
	uint32_t v;
	int st;

	*yes = 0;
	if (f->not_after <= time(NULL))
		return EX_OK;
	if (rv_smap_get(&r->crit, f->resource, &v) == 1) {
		if (v == 1)
			return EX_OK;	/* not critical */
		/* critical: another holder now?  Two counted at most, not
		 * every holder (that grew with the campaign). */
		if ((st = rv_holders(r->w, f->resource, 2, &cr.active)) !=
		    EX_OK)
			return st;
		*yes = cr.active <= 1;
		return EX_OK;
	}
	if ((st = rv_resource_state(r->w, f->resource, 2, &cr)) != EX_OK)
		return st;
	if (rv_smap_put(&r->crit, f->resource, cr.critical ? 2 : 1) == -1)
		return wf_fail(r->w, EX_OSERR, _("out of memory"));
	*yes = cr.critical && cr.active <= 1;
	return EX_OK;
}

static int
run_one(struct run *r, const struct rv_finding *f)
{
	struct wf *w = r->w;
	int st, last;

	if (strcmp(f->decision, "removed") == 0 && f->revoking) {
		/* claimed by an interrupted run */
		finish(r, f);
		return EX_OK;
	}
	if (strcmp(f->decision, "pending") != 0)
		return EX_OK;		/* answered, or done */
	if (rv_spared(r->spare, r->nspare, f->id))
		last = 1;
	else if ((st = last_holder(r, f, &last)) != EX_OK)
		return st;
	if (last) {
		r->work++;
		st = rv_set_decision(w, r->k, f->id, "spared", REVIEW_ACTOR,
		    "last holder of a critical resource", NULL);
		if (st == EX_OK) {
			r->res->spared++;
			log_audit("review.spare", "campaign", r->k->id,
			    "grant", f->id, "resource", f->resource,
			    "reason", "last holder of a critical resource",
			    NULL);
			run_line(r, f->id, f->resource, "spared");
		}
		return st == EX_TEMPFAIL ? EX_OK : st;
	}
	/* Claim it first, marked: of several runs, one finishes it. */
	st = rv_set_decision(w, r->k, f->id, "removed", REVIEW_ACTOR,
	    "not attested by the deadline", RV_MARK);
	if (st == EX_TEMPFAIL)
		return EX_OK;		/* decided meanwhile */
	if (st != EX_OK)
		return st;
	{
		struct rv_finding c = *f;	/* as now marked */

		c.revoking = 1;
		c.note = NULL;
		finish(r, &c);
	}
	return EX_OK;
}

/* ----------------------------------------------------------- the sweep */

/*
 * From the place on, page by page, until every page is done (p->swept)
 * or the budget is spent (RUN_STOP).  The place is written at each page's
 * end and where the run stops.
 */
static int
sweep(struct run *r, struct place *p)
{
	struct wf *w = r->w;
	struct flist l;
	char **pid = NULL;
	size_t npg = 0, i, j;
	int st, esc = rv_escalated(w, r->k);

	if ((st = rv_page_ids(w, r->k, &pid, &npg)) != EX_OK)
		return st;
	memset(&l, 0, sizeof(l));
	for (i = 0; i < npg && strcmp(pid[i], p->page) < 0; i++)
		;
	if (i < npg && strcmp(pid[i], p->page) != 0)
		p->grant[0] = '\0';
	for (st = EX_OK; i < npg && st == EX_OK; i++) {
		u_strlcpy(p->page, pid[i], sizeof(p->page));
		if ((st = rv_page_read(w, r->k, esc, pid[i], &l)) ==
		    EX_NOINPUT)
			st = EX_OK;	/* gone: nothing to do there */
		for (j = 0; j < l.n && st == EX_OK; j++) {
			if (p->grant[0] != '\0' &&
			    strcmp(l.f[j].id, p->grant) <= 0)
				continue;
			if (spent(r)) {
				st = RUN_STOP;
				break;
			}
			if ((st = run_one(r, &l.f[j])) == EX_OK)
				u_strlcpy(p->grant, l.f[j].id,
				    sizeof(p->grant));
			rv_renew_deadline(w);
		}
		if (st == EX_OK)
			p->grant[0] = '\0';
		if (st == EX_OK && i + 1 < npg)
			u_strlcpy(p->page, pid[i + 1], sizeof(p->page));
		if (st == EX_OK && i + 1 == npg)
			p->swept = 1;
		if (st == EX_OK || st == RUN_STOP) {
			int s2 = place_save(w, r->k, p);

			if (s2 != EX_OK)
				st = s2;
		} else
			(void)place_save(w, r->k, p);
		if (st == EX_OK && i + 1 < npg && spent(r))
			st = RUN_STOP;
	}
	if (st == EX_OK && npg == 0) {
		p->swept = 1;
		st = place_save(w, r->k, p);
	}
	rv_flist_free(&l);
	rv_page_ids_free(pid, npg);
	return st;
}

/* --------------------------------------------------------- the retries */

struct mop {
	struct run	*r;
	size_t		 found;
};

static int
mop_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct mop *m = arg;
	struct run *r = m->r;
	struct rv_finding f;
	char id[WF_ID_MAX + 1];

	if (dir_get(ld, e, "kunciId", id, sizeof(id)) == -1)
		return EX_OK;
	m->found++;
	if (spent(r))
		return RUN_STOP;
	memset(&f, 0, sizeof(f));
	if (rv_finding_load(r->w, r->k, id, &f) != EX_OK) {
		log_warnx("review %s: %s: %s", r->k->id, id, i18n_en(r->w->err));
		r->res->failed++;
		return EX_OK;
	}
	free(f.note);
	if (strcmp(f.decision, "removed") == 0 && f.revoking)
		finish(r, &f);
	rv_renew_deadline(r->w);
	return EX_OK;
}

/* The grants left marked (a failure, a crash, another host's run): one
 * search, then each finished. */
static int
mop_up(struct run *r, size_t *found)
{
	char *attrs[] = { U("kunciId"), NULL };
	struct mop m;
	int st;

	m.r = r;
	m.found = 0;
	st = rv_paged(r->w, r->k->dn, LDAP_SCOPE_ONELEVEL, MARKED_FILTER,
	    attrs, mop_entry, NULL, &m);
	*found = m.found;
	return st;
}

/* ------------------------------------------------------------- the run */

/* The preview's spared grants, sorted (an older preview also lists
 * "remove:<grant>": not needed, see review_enforce.c). */
static int
load_spares(struct wf *w, struct berval **v, struct run *r)
{
	int i, n = v != NULL ? ldap_count_values_len(v) : 0;

	if ((r->spare = calloc((size_t)n + 1, sizeof(*r->spare))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	for (i = 0; i < n; i++) {
		if (v[i]->bv_len <= 6 || strncmp(v[i]->bv_val, "spare:", 6) !=
		    0 || v[i]->bv_len - 6 > WF_ID_MAX)
			continue;
		if ((r->spare[r->nspare] = strndup(v[i]->bv_val + 6,
		    v[i]->bv_len - 6)) == NULL)
			return wf_fail(w, EX_OSERR, _("out of memory"));
		r->nspare++;
	}
	rv_spares_sort(r->spare, r->nspare);
	return EX_OK;
}

static int
run_slice(struct run *r, const char *actor, int retry)
{
	struct wf *w = r->w;
	struct place p;
	size_t found = 0;
	time_t now;
	int st;

	if ((st = place_load(w, r->k, actor, &p)) != EX_OK)
		return st;
	if (!p.swept && (st = sweep(r, &p)) != EX_OK)
		return st == RUN_STOP ? (r->res->more = 1, EX_OK) : st;
	now = time(NULL);
	if (!retry && p.retried != 0 && now - p.retried < RV_RETRY) {
		r->res->more = 0;	/* nothing before the next retry */
		r->res->waiting = 1;
		return EX_OK;
	}
	if ((st = mop_up(r, &found)) == RUN_STOP) {
		if (r->res->failed == 0) {
			r->res->more = 1;
			return EX_OK;
		}
		/* a batch of failures: the next retry in RV_RETRY, not
		 * at once (the same grants failing again every pass) */
		p.retried = now;
		(void)place_save(w, r->k, &p);
		r->res->waiting = 1;
		return EX_OK;
	}
	if (st != EX_OK)
		return st;
	if (r->res->failed > 0 || r->res->busy > 0) {
		/* a grant another run is recording: looked at again then */
		p.retried = now;
		(void)place_save(w, r->k, &p);
		r->res->waiting = 1;
		return EX_OK;
	}
	if (rv_set_state(w, r->k, "open", "closed") == EX_OK) {
		r->res->closed = 1;
		log_audit("review.close", "campaign", r->k->id, "actor", actor,
		    NULL);
	}
	return EX_OK;
}

int
rv_run(struct wf *w, struct rv_campaign *k, struct berval **preview,
    const char *actor, size_t batch, long slice_ms, int retry,
    struct strbuf *out, int en, struct rv_run_res *res)
{
	struct run r;
	size_t i;
	int st;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.w = w;
	r.k = k;
	r.res = res;
	r.batch = batch;
	r.slice_ms = slice_ms;
	r.out = out;
	r.en = en;
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	r.tf = r.t0;
	snprintf(r.reason, sizeof(r.reason), "review %s: not attested by the "
	    "deadline", k->id);
	prov_allow_defer();
	if ((st = load_spares(w, preview, &r)) == EX_OK)
		st = run_slice(&r, actor, retry);
	(void)prov_allow_flush(w);
	if (out != NULL && r.lines > RV_RUN_LINES)
		sb_printf(out, "... %zu %s\n", r.lines - RV_RUN_LINES,
		    en ? "more" : "lagi");
	for (i = 0; i < r.nspare; i++)
		free(r.spare[i]);
	free(r.spare);
	rv_smap_free(&r.crit);
	return st;
}

int
rv_run_progress(struct wf *w, const struct rv_campaign *k,
    struct rv_progress *pr)
{
	struct place p;
	struct berval **v = NULL;
	char **pid = NULL;
	size_t npg = 0, i;
	int st;

	memset(pr, 0, sizeof(*pr));
	st = rv_campaign_get_event(w, k, "enforce", &pr->since, &v);
	if (st == EX_NOINPUT)
		return EX_OK;
	if (st != EX_OK)
		return st;
	pr->started = 1;
	place_parse(v, &p);
	ldap_value_free_len(v);
	pr->swept = p.swept;
	pr->retried = p.retried;
	if (p.swept || (st = rv_page_ids(w, k, &pid, &npg)) != EX_OK)
		return st;
	for (i = 0; i < npg && strcmp(pid[i], p.page) < 0; i++)
		;
	pr->page = i;
	pr->npg = npg;
	rv_page_ids_free(pid, npg);
	return EX_OK;
}
