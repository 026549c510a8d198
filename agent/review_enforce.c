/*
 * review_enforce.c: the deadline of a review campaign (doc/review.md,
 * "The deadline"): escalation, or remove-on-silence's plan (the dry run),
 * its preview and the real run, by hand (`review enforce`) or from the
 * scheduler (review_tick() in review.c).
 *
 * Memory does not follow the campaign: the plan and the real run walk the
 * finding pages one at a time (rv_walk()); what they keep is per resource
 * (its criticality, its planned grants) and per spared grant, and the dry
 * run's page of rows.
 *
 * The preview records the spared grants only: the grants a real run may
 * revoke are those with no decision entry, and as decision entries are
 * only ever added (and a campaign's findings are written before it
 * opens), a grant without one now had none when the preview was taken,
 * so it was in the preview.
 *
 * The real run is idempotent and may be interrupted anywhere: a grant is
 * claimed by adding its decision entry ("removed") with the work mark
 * kunciFinding: RV_MARK; the mark is deleted once the grant is revoked,
 * and only the run whose delete succeeds writes review.remove and the C3
 * record.  A run that meets the mark (its own, interrupted, or another
 * host's) finishes that grant: prov_revoke() asserts the grant is active,
 * so a grant is revoked (and grant.revoke written) once.
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
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "out.h"
#include "prov.h"
#include "removal.h"
#include "review.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "review_int.h"

#define RV_RUN_LINES	2000	/* lines of a real run's reply, then counts */

/* ------------------------------------------------------------ resources */

struct crit {
	int	critical;
	long	active;
};

/* Whether resource is critical and, if so, how many active grants it
 * has now. */
static int
resource_state(struct wf *w, const char *resource, struct crit *cr)
{
	char base[DIR_DN_MAX], esc[3 * DIR_NAME_MAX + 1],
	    filter[3 * DIR_NAME_MAX + 160], buf[16], t[32];
	char *rattrs[] = { U("kunciCritical"), NULL }, *none[] = { U("1.1"),
	    NULL };
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc;

	memset(cr, 0, sizeof(*cr));
	if ((rc = rv_read_resource(w, resource, rattrs, &ld, &res)) != EX_OK)
		return rc;
	if (res == NULL)
		return EX_OK;
	if ((e = ldap_first_entry(ld, res)) != NULL &&
	    dir_get(ld, e, "kunciCritical", buf, sizeof(buf)) == 0 &&
	    strcasecmp(buf, "TRUE") == 0)
		cr->critical = 1;
	ldap_msgfree(res);
	res = NULL;
	if (!cr->critical ||
	    ldapc_escape_filter(esc, sizeof(esc), resource) == -1)
		return EX_OK;
	snprintf(base, sizeof(base), "ou=grants,%s",
	    w->cfg->directory.kunci_base);
	dir_gentime(t, sizeof(t), time(NULL));
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciResource=%s)(kunciStatus=active)(!(kunciNotAfter<=%s)))",
	    esc, t);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter, none,
	    0, NULL, NULL, NULL, 0, &res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("counting holders"));
	}
	cr->active = ldap_count_entries(ld, res);
	ldap_msgfree(res);
	return EX_OK;
}

/* ----------------------------------------------------------------- plan */

struct cand {			/* a grant the plan may spare */
	char	id[WF_ID_MAX + 1];
	int	risk;
	size_t	seq;
};

struct pres {			/* a resource of the unanswered grants */
	int		 critical;
	long		 active, planned;
	size_t		 k, nh;		/* to spare; held in h */
	struct cand	*h;		/* max-heap: the least to spare on top */
};

struct plan {
	struct wf		*w;
	const struct rv_campaign *k;
	int			 remove;	/* on_silence = remove */
	int			 pass;		/* 1: count, 2: choose spares */
	time_t			 now;
	struct smap		 idx;		/* resource -> r[] */
	struct pres		*r;
	size_t			 nr, capr;
	size_t			 total, seq, nspare;
	char			**spare;	/* sorted ids */
	size_t			 offset, limit, nwin;
	struct rv_finding	*win;		/* rows [offset, + limit) */
};

/* Is a to be spared before b?  The lower risk; of equal risks the later
 * in the campaign's order. */
static int
spare_first(const struct cand *a, const struct cand *b)
{
	return a->risk != b->risk ? a->risk < b->risk : a->seq > b->seq;
}

static void
heap_down(struct cand *h, size_t n, size_t i)
{
	struct cand t;
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && spare_first(&h[c], &h[c + 1]))
			c++;
		if (!spare_first(&h[i], &h[c]))
			return;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

/* Keep the k grants to spare first among those offered. */
static void
heap_offer(struct pres *r, const struct cand *c)
{
	struct cand t;
	size_t i;

	if (r->nh < r->k) {
		i = r->nh++;
		r->h[i] = *c;
		while (i > 0 && spare_first(&r->h[(i - 1) / 2], &r->h[i])) {
			t = r->h[i];
			r->h[i] = r->h[(i - 1) / 2];
			r->h[(i - 1) / 2] = t;
			i = (i - 1) / 2;
		}
	} else if (r->nh > 0 && spare_first(c, &r->h[0])) {
		r->h[0] = *c;
		heap_down(r->h, r->nh, 0);
	}
}

static struct pres *
plan_res(struct plan *p, const char *name, int *st)
{
	struct pres *nr;
	struct crit cr;
	uint32_t i;

	*st = EX_OK;
	if (rv_smap_get(&p->idx, name, &i) == 1)
		return &p->r[i];
	if ((*st = resource_state(p->w, name, &cr)) != EX_OK)
		return NULL;
	if (p->nr == p->capr) {
		size_t cap = p->capr ? p->capr * 2 : 32;

		if ((nr = reallocarray(p->r, cap, sizeof(*nr))) == NULL)
			goto oom;
		p->r = nr;
		p->capr = cap;
	}
	if (rv_smap_put(&p->idx, name, (uint32_t)p->nr) == -1)
		goto oom;
	memset(&p->r[p->nr], 0, sizeof(p->r[p->nr]));
	p->r[p->nr].critical = cr.critical;
	p->r[p->nr].active = cr.active;
	return &p->r[p->nr++];
oom:
	*st = wf_fail(p->w, EX_OSERR, _("out of memory"));
	return NULL;
}

static int
plan_page(struct rv_finding *f, size_t n, void *arg)
{
	struct plan *p = arg;
	struct pres *r;
	struct cand c;
	size_t i;
	int st;

	for (i = 0; i < n; i++) {
		if (strcmp(f[i].decision, "pending") != 0)
			continue;
		c.seq = p->seq++;
		if (p->pass == 1) {
			p->total++;
			if (c.seq >= p->offset && p->nwin < p->limit) {
				p->win[p->nwin] = f[i];
				p->win[p->nwin++].note = NULL;
			}
		}
		if (!p->remove)
			continue;
		if ((r = plan_res(p, f[i].resource, &st)) == NULL)
			return st;
		if (!r->critical || f[i].not_after <= p->now)
			continue;
		if (p->pass == 1) {
			r->planned++;
			continue;
		}
		u_strlcpy(c.id, f[i].id, sizeof(c.id));
		c.risk = f[i].risk;
		heap_offer(r, &c);
	}
	return EX_OK;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static void
plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		free(p->r[i].h);
	free(p->r);
	rv_smap_free(&p->idx);
	for (i = 0; i < p->nspare; i++)
		free(p->spare[i]);
	free(p->spare);
	free(p->win);
	memset(p, 0, sizeof(*p));
}

/*
 * The plan for the unanswered grants: every pending grant is removed,
 * except on a critical resource, where as many are spared (the lowest
 * risk first) as would leave it without an active holder.  Two walks: the
 * first counts the planned grants of each critical resource and keeps the
 * rows [offset, offset + limit) of the pending grants (in the campaign's
 * order); the second, if any resource needs a spare, keeps the grants to
 * spare.  p->spare: their ids, sorted.
 */
static int
make_plan(struct wf *w, const struct rv_campaign *k, size_t offset,
    size_t limit, struct plan *p)
{
	size_t i, j, need = 0;
	int st;

	memset(p, 0, sizeof(*p));
	p->w = w;
	p->k = k;
	p->remove = w->cfg->review.on_silence == CFG_SILENCE_REMOVE;
	p->now = time(NULL);
	p->offset = offset;
	p->limit = limit;
	if (limit > 0 && (p->win = calloc(limit, sizeof(*p->win))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	p->pass = 1;
	if ((st = rv_walk(w, k, plan_page, p)) != EX_OK)
		return st;
	for (i = 0; i < p->nr; i++) {
		struct pres *r = &p->r[i];

		if (!r->critical || r->planned == 0 ||
		    r->planned < r->active)
			continue;
		r->k = (size_t)(r->planned - r->active + 1);
		if (r->k > (size_t)r->planned)
			r->k = (size_t)r->planned;
		if ((r->h = calloc(r->k, sizeof(*r->h))) == NULL)
			return wf_fail(w, EX_OSERR, _("out of memory"));
		need += r->k;
	}
	if (need == 0)
		return EX_OK;
	p->pass = 2;
	p->seq = 0;
	if ((st = rv_walk(w, k, plan_page, p)) != EX_OK)
		return st;
	if ((p->spare = calloc(need, sizeof(*p->spare))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	for (i = 0; i < p->nr; i++)
		for (j = 0; j < p->r[i].nh; j++)
			if ((p->spare[p->nspare++] = strdup(p->r[i].h[j].id)) ==
			    NULL)
				return wf_fail(w, EX_OSERR, _("out of memory"));
	if (p->nspare > 1)
		qsort(p->spare, p->nspare, sizeof(*p->spare), cmp_str);
	return EX_OK;
}

static int
is_spared(char *const *spare, size_t n, const char *id)
{
	return n > 0 && bsearch(&id, spare, n, sizeof(*spare), cmp_str) !=
	    NULL;
}

/* Record the preview (the dry run) once: its time, and a note
 * "spare:<grant>" per grant spared.  EX_CANTCREAT if it exists. */
static int
record_preview(struct wf *w, const struct rv_campaign *k,
    const struct plan *p, const char *actor)
{
	char **notes, cnt[32];
	size_t i, n = 0;
	int st;

	if ((notes = calloc(p->nspare + 1, sizeof(*notes))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	for (i = 0; i < p->nspare; i++) {
		if (asprintf(&notes[n], "spare:%s", p->spare[i]) == -1)
			break;
		n++;
	}
	st = n < p->nspare ? wf_fail(w, EX_OSERR, _("out of memory")) :
	    rv_campaign_event(w, k, "preview", actor, "preview", notes, n);
	for (i = 0; i < n; i++)
		free(notes[i]);
	free(notes);
	if (st == EX_OK) {
		snprintf(cnt, sizeof(cnt), "%zu", p->total - p->nspare);
		log_audit("review.preview", "campaign", k->id, "actor", actor,
		    "remove", cnt, NULL);
	}
	return st;
}

/*
 * The escalation: the "escalate" event (added by the caller, once) makes
 * every grant nobody decided read "escalated"; here the count (a census,
 * not the findings) and the audit record.
 */
static int
do_escalate(struct wf *w, const struct rv_campaign *k, long *n)
{
	struct rv_census c;
	char cnt[32];
	int st, j;

	*n = 0;
	if ((st = rv_census(w, k, &c)) == EX_OK) {
		for (j = 0; rv_ddefs[j].code != NULL; j++)
			if (strcmp(rv_ddefs[j].code, "escalated") == 0)
				*n = (long)c.ndec[j];
		rv_census_free(&c);
	}
	snprintf(cnt, sizeof(cnt), "%ld", *n);
	log_audit("review.escalate", "campaign", k->id, "actor",
	    REVIEW_ACTOR, "to", w->cfg->review.escalate_to, "count", cnt,
	    NULL);
	return st;
}

/* ------------------------------------------------------------- real run */

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

struct run {
	struct wf		*w;
	const struct rv_campaign *k;
	char			**spare;	/* the preview's, sorted */
	size_t			 nspare;
	struct smap		 crit;		/* resource -> critical + 1 */
	long			 removed, spared, failed;
	struct strbuf		*out;
	size_t			 lines;
	int			 en;
	char			 reason[512];
};

static void
run_line(struct run *r, const struct rv_finding *f, const char *what)
{
	if (r->out == NULL || r->lines++ >= RV_RUN_LINES)
		return;
	sb_printf(r->out, "%s %s %s\n", f->id, f->resource,
	    rv_decision_label(r->en, what));
}

/* Delete the work mark; EX_OK: this run finished the grant. */
static int
unmark(struct wf *w, const struct rv_campaign *k, const char *grant)
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
	dir_mods_add(&m, LDAP_MOD_DELETE, "kunciFinding", RV_MARK);
	if (m.err)
		st = wf_fail(w, EX_OSERR, _("out of memory"));
	else if ((rc = ldap_modify_ext_s(ld, dn, m.p, NULL, NULL)) ==
	    LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_NO_SUCH_OBJECT)
		st = wf_fail(w, EX_TEMPFAIL, _("grant %s was finished meanwhile"),
		    grant);
	else if (rc != LDAP_SUCCESS)
		st = wf_ldfail(w, rc, _("finishing a removal"));
	dir_mods_free(&m);
	return st;
}

/* A claimed grant: revoke it, then (once, whoever deletes the mark) the
 * audit record and the C3 paperwork. */
static void
finish(struct run *r, const struct rv_finding *f)
{
	struct wf *w = r->w;
	char rid[WF_ID_MAX + 1], nb[64];
	int st;

	st = prov_revoke(w, f->id, REVIEW_ACTOR, "", r->reason, 0);
	if (st != EX_OK && st != EX_DATAERR && st != EX_NOINPUT) {
		/* the mark stays: the next run finishes it */
		log_warnx("review %s: revoking %s: %s", r->k->id, f->id,
		    i18n_en(w->err));
		r->failed++;
		return;
	}
	if ((st = unmark(w, r->k, f->id)) != EX_OK) {
		if (st != EX_TEMPFAIL) {
			log_warnx("review %s: finishing %s: %s", r->k->id,
			    f->id, i18n_en(w->err));
			r->failed++;
		}
		return;
	}
	r->removed++;
	log_audit("review.remove", "campaign", r->k->id, "grant", f->id,
	    "resource", f->resource, "subject", f->subject, "actor",
	    REVIEW_ACTOR, NULL);
	/* The paperwork: a C3 record, already carried out. */
	if (removal_open(w, kuncid_actor(), f->id, r->reason, REMOVAL_DONE |
	    REMOVAL_REUSE, rid, sizeof(rid)) == EX_OK && rid[0] != '\0') {
		snprintf(nb, sizeof(nb), "removal %s", rid);
		rv_add_finding_note(w, r->k, f->id, "removed", nb);
	}
	run_line(r, f, "removed");
}

/* Is f's resource critical with one active holder left (f's)? */
static int
last_holder(struct run *r, const struct rv_finding *f, int *yes)
{
	struct crit cr;
	uint32_t v;
	int st;

	*yes = 0;
	if (f->not_after <= time(NULL) ||
	    (rv_smap_get(&r->crit, f->resource, &v) == 1 && v == 1))
		return EX_OK;
	if ((st = resource_state(r->w, f->resource, &cr)) != EX_OK)
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
		finish(r, f);		/* claimed by an interrupted run */
		return EX_OK;
	}
	if (strcmp(f->decision, "pending") != 0)
		return EX_OK;		/* answered, or done */
	if (is_spared(r->spare, r->nspare, f->id))
		last = 1;
	else if ((st = last_holder(r, f, &last)) != EX_OK)
		return st;
	if (last) {
		st = rv_set_decision(w, r->k, f->id, "spared", REVIEW_ACTOR,
		    "last holder of a critical resource", NULL);
		if (st == EX_OK) {
			r->spared++;
			log_audit("review.spare", "campaign", r->k->id,
			    "grant", f->id, "resource", f->resource,
			    "reason", "last holder of a critical resource",
			    NULL);
			run_line(r, f, "spared");
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
	finish(r, f);
	return EX_OK;
}

static int
run_page(struct rv_finding *f, size_t n, void *arg)
{
	struct run *r = arg;
	size_t i;
	int st;

	for (i = 0; i < n; i++) {
		if ((st = run_one(r, &f[i])) != EX_OK)
			return st;
		rv_renew_deadline(r->w);
	}
	return EX_OK;
}

/* The preview's spared grants, sorted (an older preview also lists
 * "remove:<grant>": not needed, see the top of this file). */
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
	if (r->nspare > 1)
		qsort(r->spare, r->nspare, sizeof(*r->spare), cmp_str);
	return EX_OK;
}

/*
 * The real run of remove-on-silence, after the grace: every grant still
 * unanswered is revoked, except those the preview spared and the last
 * active holder of a critical resource (checked again now); and every
 * grant an interrupted run claimed is finished.  The campaign closes when
 * nothing failed; else EX_TEMPFAIL, and a later run goes on.
 */
static int
do_remove(struct wf *w, struct rv_campaign *k, struct berval **notes,
    const char *actor, long *removed, long *spared, struct strbuf *out,
    int en)
{
	struct run r;
	size_t i;
	int st;

	memset(&r, 0, sizeof(r));
	r.w = w;
	r.k = k;
	r.out = out;
	r.en = en;
	snprintf(r.reason, sizeof(r.reason), "review %s: not attested by the "
	    "deadline", k->id);
	if ((st = load_spares(w, notes, &r)) == EX_OK)
		st = rv_walk(w, k, run_page, &r);
	if (out != NULL && r.lines > RV_RUN_LINES)
		sb_printf(out, "... %zu %s\n", r.lines - RV_RUN_LINES,
		    en ? "more" : "lagi");
	*removed = r.removed;
	*spared = r.spared;
	for (i = 0; i < r.nspare; i++)
		free(r.spare[i]);
	free(r.spare);
	rv_smap_free(&r.crit);
	if (st == EX_OK && r.failed > 0)
		st = wf_fail(w, EX_TEMPFAIL, _("%ld grants of %s could not be "
		    "revoked yet (see kuncid's log); run it again"), r.failed,
		    k->id);
	if (st == EX_OK && rv_set_state(w, k, "open", "closed") == EX_OK)
		log_audit("review.close", "campaign", k->id, "actor", actor,
		    NULL);
	return st;
}

/* The real run for a campaign whose deadline (and, for removal, grace)
 * has passed.  EX_DATAERR / EX_TEMPFAIL with a message when not yet. */
static int
enforce(struct wf *w, struct rv_campaign *k, const char *actor,
    struct strbuf *out, int en, long *a, long *b)
{
	const struct kunci_cfg *cfg = w->cfg;
	struct berval **notes = NULL;
	time_t now = time(NULL), pt;
	char t[32];
	int st;

	*a = *b = 0;
	if (now < k->deadline) {
		admin_fmt_time(t, sizeof(t), k->deadline);
		return wf_fail(w, EX_DATAERR, _("the deadline of %s has not "
		    "passed (%s)"), k->id, t);
	}
	if (cfg->review.on_silence == CFG_SILENCE_ESCALATE) {
		/* Once: a second run finds it done and counts nothing. */
		if ((st = rv_campaign_event(w, k, "escalate", actor, "escalate",
		    NULL, 0)) == EX_CANTCREAT)
			return EX_OK;
		if (st != EX_OK)
			return st;
		return do_escalate(w, k, a);
	}
	st = rv_campaign_get_event(w, k, "preview", &pt, &notes);
	if (st == EX_NOINPUT)
		return wf_fail(w, EX_DATAERR, _("no preview of %s yet: run "
		    "\"review enforce %s --dry-run\" first"), k->id, k->id);
	if (st != EX_OK)
		return st;
	if (now < pt + (time_t)cfg->review.grace) {
		ldap_value_free_len(notes);
		admin_fmt_time(t, sizeof(t), pt + (time_t)cfg->review.grace);
		return wf_fail(w, EX_TEMPFAIL, _("the grace period of %s runs "
		    "until %s"), k->id, t);
	}
	/* The first run's record; a later one (resuming) finds it. */
	(void)rv_campaign_event(w, k, "enforce", actor, "remove", NULL, 0);
	st = do_remove(w, k, notes, actor, a, b, out, en);
	ldap_value_free_len(notes);
	return st;
}

/* The scheduler's part at a campaign's deadline (review_tick()). */
void
rv_tick_deadline(struct wf *w, struct rv_campaign *k, time_t now)
{
	const struct kunci_cfg *cfg = w->cfg;
	struct plan p;
	time_t pt;
	long a, b;
	int st;

	if (cfg->review.on_silence == CFG_SILENCE_ESCALATE) {
		if (rv_campaign_event(w, k, "escalate", REVIEW_ACTOR,
		    "escalate", NULL, 0) == EX_OK)
			(void)do_escalate(w, k, &a);
		return;
	}
	st = rv_campaign_get_event(w, k, "preview", &pt, NULL);
	if (st == EX_NOINPUT) {
		if (make_plan(w, k, 0, 0, &p) == EX_OK)
			(void)record_preview(w, k, &p, REVIEW_ACTOR);
		plan_free(&p);
		return;
	}
	if (st != EX_OK || now < pt + (time_t)cfg->review.grace)
		return;
	/* Every pass while the campaign is open: a run interrupted (a
	 * crash, a directory that failed) is taken up again. */
	if (enforce(w, k, REVIEW_ACTOR, NULL, 0, &a, &b) != EX_OK)
		log_warnx("review %s: %s", k->id, i18n_en(w->err));
}

/* ----------------------------------------------------------- the command */

static int
dry_run_out(struct admin_call *c, const struct rv_campaign *k,
    const struct plan *p, int recorded)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct out_table t;
	const char *hdr[5], *cells[5], *act;
	char rk[16], tb[32], rows[96];
	size_t i, more;

	more = p->total > p->offset + p->nwin ? p->total - p->offset -
	    p->nwin : 0;
	if (c->json) {
		json_t *arr = json_array(), *o;

		for (i = 0; i < p->nwin; i++) {
			act = !p->remove ? "escalated" : is_spared(p->spare,
			    p->nspare, p->win[i].id) ? "spared" : "removed";
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,"
			    "s:i,s:s}", "grant", p->win[i].id, "holder",
			    p->win[i].subject, "resource", p->win[i].resource,
			    "risk", p->win[i].risk, "action", act));
		}
		o = json_pack("{s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:o}",
		    "campaign", k->id, "policy", p->remove ? "remove" :
		    "escalate", "preview_recorded", recorded, "total",
		    (json_int_t)p->total, "remove", (json_int_t)(p->remove ?
		    p->total - p->nspare : 0), "spare", (json_int_t)p->nspare,
		    "offset", (json_int_t)p->offset, "more", (json_int_t)more,
		    "plan", arr);
		json_object_set_new(o, "next_offset", more > 0 ?
		    json_integer((json_int_t)(p->offset + p->nwin)) :
		    json_null());
		out_json(&c->out, o);
		return EX_OK;
	}
	hdr[0] = ADMIN_T(c, "GRANT", "HAK AKSES");
	hdr[1] = ADMIN_T(c, "HOLDER", "PEMEGANG");
	hdr[2] = ADMIN_T(c, "RESOURCE", "SUMBER DAYA");
	hdr[3] = ADMIN_T(c, "RISK", "RISIKO");
	hdr[4] = ADMIN_T(c, "ACTION", "TINDAKAN");
	out_table_init(&t, 5, hdr);
	for (i = 0; i < p->nwin; i++) {
		act = !p->remove ? "escalated" : is_spared(p->spare,
		    p->nspare, p->win[i].id) ? "spared" : "removed";
		snprintf(rk, sizeof(rk), "%d", p->win[i].risk);
		cells[0] = p->win[i].id;
		cells[1] = p->win[i].subject;
		cells[2] = p->win[i].resource;
		cells[3] = rk;
		cells[4] = rv_decision_label(c->en, act);
		out_table_row(&t, cells);
	}
	sb_printf(&c->out, "%s %s (%s): %s\n", ADMIN_T(c, "Dry run for",
	    "Uji coba untuk"), k->id, p->remove ? "on_silence=remove" :
	    "on_silence=escalate", ADMIN_T(c, "nothing changed",
	    "tidak ada yang diubah"));
	if (p->remove)
		sb_printf(&c->out, "%zu %s, %zu %s\n", p->total - p->nspare,
		    ADMIN_T(c, "to remove", "akan dicabut"), p->nspare,
		    ADMIN_T(c, "to keep (last holders of a critical "
		    "resource)", "dipertahankan (pemegang terakhir sumber "
		    "daya kritis)"));
	out_table_render(&t, &c->out);
	out_table_free(&t);
	if (p->nwin > 0)
		snprintf(rows, sizeof(rows), "%zu-%zu %s %zu", p->offset + 1,
		    p->offset + p->nwin, ADMIN_T(c, "of", "dari"), p->total);
	else
		snprintf(rows, sizeof(rows), "0 %s %zu", ADMIN_T(c, "of",
		    "dari"), p->total);
	sb_printf(&c->out, "%s %s", ADMIN_T(c, "rows", "baris"), rows);
	if (more > 0)
		sb_printf(&c->out, "; %zu %s %zu", more, ADMIN_T(c,
		    "more: --offset", "lagi: --offset"), p->offset + p->nwin);
	sb_puts(&c->out, "\n");
	if (recorded) {
		admin_fmt_time(tb, sizeof(tb), time(NULL) +
		    (time_t)cfg->review.grace);
		sb_printf(&c->out, "%s %s\n", ADMIN_T(c, "Preview recorded; "
		    "removal not before", "Pratinjau dicatat; pencabutan "
		    "paling cepat"), tb);
	}
	return EX_OK;
}

static int
real_run_out(struct admin_call *c, struct rv_campaign *k)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct wf *w = admin_wf();
	struct strbuf sb;
	long a, b;
	int st;

	sb_init(&sb, 1u << 20);
	st = enforce(w, k, rv_actor_of(c), &sb, c->en, &a, &b);
	if (st != EX_OK) {
		sb_free(&sb);
		return admin_wf_err(c, st);
	}
	sb_puts(&c->out, sb_str(&sb));
	sb_free(&sb);
	if (cfg->review.on_silence == CFG_SILENCE_ESCALATE)
		sb_printf(&c->out, "%s: %ld %s %s\n", k->id, a,
		    ADMIN_T(c, "unanswered grants escalated to",
		    "hak akses yang belum dijawab dieskalasi ke"),
		    cfg->review.escalate_to);
	else
		sb_printf(&c->out, "%s: %ld %s, %ld %s\n", k->id, a,
		    ADMIN_T(c, "removed", "dicabut"), b, ADMIN_T(c,
		    "kept (last holder of a critical resource)",
		    "dipertahankan (pemegang terakhir sumber daya "
		    "kritis)"));
	return EX_OK;
}

int
rv_cmd_enforce(struct admin_call *c, int argc, char **argv)
{
	int dry = 0;
	const char *limit_s = NULL, *offset_s = NULL;
	struct admin_opt opts[] = { { "dry-run", NULL, &dry },
		{ "limit", &limit_s, NULL }, { "offset", &offset_s, NULL },
		{ NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	const struct kunci_cfg *cfg = w->cfg;
	struct rv_campaign k;
	struct plan p;
	char *pos[1];
	long long limit = RV_REPORT_PAGE, offset = 0;
	int np, st, recorded = 0;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1 || (!dry && (limit_s != NULL || offset_s != NULL)))
		return admin_err(c, EX_USAGE, _("usage: review enforce CAMPAIGN "
		    "[--dry-run [--offset N] [--limit N]]"));
	if ((st = rv_window_opts(c, limit_s, offset_s, RV_REPORT_MAX, RV_OFFSET_MAX,
	    &limit, &offset)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!rv_may_run(c)) {
		log_audit("review.refused", "actor", rv_actor_of(c), "as",
		    c->a.as, "action", "enforce", "campaign", pos[0],
		    "reason", "not an administrator or the review role", NULL);
		return admin_err(c, EX_NOPERM, _("refused: only an "
		    "administrator or %s may enforce a review"),
		    cfg->review.escalate_to[0] ? cfg->review.escalate_to :
		    "root");
	}
	if ((st = rv_campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if (strcmp(k.state, "open") != 0)
		return admin_err(c, EX_DATAERR, _("campaign %s is %s"), k.id,
		    k.state);
	if (!dry)
		return real_run_out(c, &k);
	/* The dry run: what the policy would do now; nothing changes but
	 * the record of the preview (after the deadline, once). */
	if ((st = make_plan(w, &k, (size_t)offset, (size_t)limit, &p)) !=
	    EX_OK) {
		plan_free(&p);
		return admin_wf_err(c, st);
	}
	if (p.remove && time(NULL) >= k.deadline) {
		st = record_preview(w, &k, &p, rv_actor_of(c));
		if (st == EX_OK)
			recorded = 1;
		else if (st != EX_CANTCREAT) {
			plan_free(&p);
			return admin_wf_err(c, st);
		}
	}
	st = dry_run_out(c, &k, &p, recorded);
	plan_free(&p);
	return st;
}
