/*
 * review_walk.c: a campaign's findings in bounded memory, whatever the
 * number of grants: the census (one paged pass that counts: totals per
 * decision and per finding, and how many findings of each risk each page
 * holds), a window of the findings by rank read from the few pages that
 * hold it, their decisions looked up by grant, and a walk of the pages
 * one at a time.
 *
 * The order is the one rv_cmp_risk() gives within a page: risk, highest
 * first; among equal risks, by page (kunciId) and then by place on the
 * page.  The pages are written once (review_campaign.c), so a window
 * taken now and one taken later agree while the campaign is open.
 */
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include <ldap.h>

#include "admin.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "review.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "review_int.h"

#define RW_FPAGES	4	/* finding pages per LDAP page (each up to
				   RV_PAGE lines) */
#define RW_PAGES_AT	8	/* finding pages asked for in one search */
#define RW_IDS_AT	64	/* grants asked for in one search */

#define PAGES_FILTER	"(&(objectClass=kunciReviewFinding)(kunciId=" \
			    RV_PAGE_PREFIX "*))"

struct rw_tri {			/* while counting: n lines of risk on pg */
	size_t	pg, n;
	int	risk;
};

struct rw_count {
	struct rv_census	*c;
	struct rw_tri		*tri;
	size_t			 ntri, captri, cappg, decided;
	int			 oom;
};

void
rv_census_free(struct rv_census *c)
{
	size_t i;

	for (i = 0; i < c->npg; i++)
		free(c->pid[i]);
	free(c->pid);
	free(c->risk);
	free(c->cnt);
	free(c->base);
	memset(c, 0, sizeof(*c));
}

static int
count_tri(struct rw_count *rc, size_t pg, int risk, size_t n)
{
	struct rw_tri *t;

	if (rc->ntri == rc->captri) {
		size_t cap = rc->captri ? rc->captri * 2 : 256;

		if ((t = reallocarray(rc->tri, cap, sizeof(*t))) == NULL)
			return -1;
		rc->tri = t;
		rc->captri = cap;
	}
	rc->tri[rc->ntri].pg = pg;
	rc->tri[rc->ntri].risk = risk;
	rc->tri[rc->ntri++].n = n;
	return 0;
}

/* One finding page: its lines counted by risk. */
static int
count_page(struct rw_count *rc, LDAP *ld, LDAPMessage *e)
{
	struct rv_census *c = rc->c;
	struct rv_finding f;
	struct berval **v;
	struct { int risk; size_t n; } seen[64];
	char id[WF_ID_MAX + 8], **np;
	size_t ns = 0, s, pg;
	int i, n, j, st = 0;

	if (dir_get(ld, e, "kunciId", id, sizeof(id)) == -1)
		return 0;
	if (c->npg == rc->cappg) {
		size_t cap = rc->cappg ? rc->cappg * 2 : 64;

		if ((np = reallocarray(c->pid, cap, sizeof(*np))) == NULL)
			return -1;
		c->pid = np;
		rc->cappg = cap;
	}
	if ((c->pid[c->npg] = strdup(id)) == NULL)
		return -1;
	pg = c->npg++;
	if ((v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
		return 0;
	n = ldap_count_values_len(v);
	for (i = 0; i < n && st == 0; i++) {
		if (rv_parse_line(v[i], &f) == -1)
			continue;
		c->total++;
		for (j = 0; j < F_COUNT; j++)
			if (f.flags & (1u << j))
				c->nf[j]++;
		for (s = 0; s < ns && seen[s].risk != f.risk; s++)
			;
		if (s == ns && ns == sizeof(seen) / sizeof(seen[0])) {
			st = count_tri(rc, pg, f.risk, 1);
			continue;
		}
		if (s == ns) {
			seen[ns].risk = f.risk;
			seen[ns++].n = 0;
		}
		seen[s].n++;
	}
	ldap_value_free_len(v);
	for (s = 0; s < ns && st == 0; s++)
		st = count_tri(rc, pg, seen[s].risk, seen[s].n);
	return st;
}

static int
count_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rw_count *rc = arg;
	char d[16];
	time_t t;
	int j;

	if (rv_is_page(ld, e)) {
		if (count_page(rc, ld, e) == -1) {
			rc->oom = 1;
			return EX_OSERR;
		}
		return EX_OK;
	}
	if (dir_get(ld, e, "kunciDecision", d, sizeof(d)) == -1)
		return EX_OK;
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		if (strcmp(rv_ddefs[j].code, d) == 0) {
			rc->c->ndec[j]++;
			rc->decided++;
			if ((t = dir_get_time(ld, e, "kunciTime")) > rc->c->last)
				rc->c->last = t;
			break;
		}
	return EX_OK;
}

static int
cmp_int_desc(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x > y ? -1 : x < y;
}

struct rw_pg {
	char	*pid;
	size_t	 orig;
};

static int
cmp_pg(const void *a, const void *b)
{
	return strcmp(((const struct rw_pg *)a)->pid,
	    ((const struct rw_pg *)b)->pid);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Index of risk in c->risk (highest first); -1 if none. */
static long
risk_index(const struct rv_census *c, int risk)
{
	size_t lo = 0, hi = c->nrisk, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c->risk[mid] == risk)
			return (long)mid;
		if (c->risk[mid] > risk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Pages sorted by id, distinct risks, counts and first ranks. */
static int
census_finish(struct rw_count *rc)
{
	struct rv_census *c = rc->c;
	struct rw_pg *pg = NULL;
	size_t *where = NULL, i, p, r, run;
	long ri;

	if ((c->risk = calloc(rc->ntri + 1, sizeof(*c->risk))) == NULL)
		return -1;
	for (i = 0; i < rc->ntri; i++)
		c->risk[i] = rc->tri[i].risk;
	if (rc->ntri > 1)
		qsort(c->risk, rc->ntri, sizeof(*c->risk), cmp_int_desc);
	for (i = 0; i < rc->ntri; i++)
		if (c->nrisk == 0 || c->risk[c->nrisk - 1] != c->risk[i])
			c->risk[c->nrisk++] = c->risk[i];
	if ((pg = calloc(c->npg + 1, sizeof(*pg))) == NULL ||
	    (where = calloc(c->npg + 1, sizeof(*where))) == NULL ||
	    (c->cnt = calloc(c->npg * c->nrisk + 1, sizeof(*c->cnt))) ==
	    NULL ||
	    (c->base = calloc(c->npg * c->nrisk + 1, sizeof(*c->base))) ==
	    NULL) {
		free(pg);
		free(where);
		return -1;
	}
	for (i = 0; i < c->npg; i++) {
		pg[i].pid = c->pid[i];
		pg[i].orig = i;
	}
	if (c->npg > 1)
		qsort(pg, c->npg, sizeof(*pg), cmp_pg);
	for (i = 0; i < c->npg; i++) {
		where[pg[i].orig] = i;
		c->pid[i] = pg[i].pid;
	}
	for (i = 0; i < rc->ntri; i++) {
		ri = risk_index(c, rc->tri[i].risk);
		c->cnt[where[rc->tri[i].pg] * c->nrisk + (size_t)ri] +=
		    rc->tri[i].n;
	}
	for (run = 0, r = 0; r < c->nrisk; r++)
		for (p = 0; p < c->npg; p++) {
			c->base[p * c->nrisk + r] = run;
			run += c->cnt[p * c->nrisk + r];
		}
	free(pg);
	free(where);
	return 0;
}

int
rv_census(struct wf *w, const struct rv_campaign *k, struct rv_census *c)
{
	char *attrs[] = { U("kunciId"), U("kunciFinding"), U("kunciDecision"),
	    U("kunciTime"), NULL };
	struct rw_count rc;
	int st, j;

	memset(c, 0, sizeof(*c));
	memset(&rc, 0, sizeof(rc));
	rc.c = c;
	c->escalated = rv_escalated(w, k);
	st = rv_paged_n(w, k->dn, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciReviewFinding)", attrs, RW_FPAGES,
	    count_entry, NULL, &rc);
	if (st == EX_OK && census_finish(&rc) == -1)
		rc.oom = 1;
	free(rc.tri);
	if (rc.oom)
		st = wf_fail(w, EX_OSERR, _("out of memory"));
	if (st != EX_OK) {
		rv_census_free(c);
		return st;
	}
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		if (strcmp(rv_ddefs[j].code, c->escalated ? "escalated" :
		    "pending") == 0)
			c->ndec[j] += c->total > rc.decided ? c->total -
			    rc.decided : 0;
	return EX_OK;
}

/* "(&(objectClass=kunciReviewFinding)(|(attr=v)...))" over vals. */
static int
or_filter(struct strbuf *f, const char *attr, char *const *vals, size_t n)
{
	char esc[3 * (WF_ID_MAX + 8) + 1];
	size_t i;

	sb_puts(f, "(&(objectClass=kunciReviewFinding)(|");
	for (i = 0; i < n; i++) {
		if (ldapc_escape_filter(esc, sizeof(esc), vals[i]) == -1)
			return -1;
		sb_printf(f, "(%s=%s)", attr, esc);
	}
	sb_puts(f, "))");
	return sb_err(f) ? -1 : 0;
}

/* "(&(objectClass=kunciReviewFinding)(|...))" asking for the decision
 * entries and finding pages of the grants ids (rv_grant_terms). */
static int
grants_filter(struct strbuf *f, char *const *ids, size_t n)
{
	struct smap keys;
	size_t i;
	int r = 0;

	memset(&keys, 0, sizeof(keys));
	sb_puts(f, "(&(objectClass=kunciReviewFinding)(|");
	for (i = 0; i < n && r == 0; i++)
		r = rv_grant_terms(f, &keys, ids[i]);
	sb_puts(f, "))");
	rv_smap_free(&keys);
	return r == -1 || sb_err(f) ? -1 : 0;
}

/* Search under the campaign with an OR filter of attr over vals (attr
 * NULL: of the grants vals, grants_filter); fn on each entry. */
static int
search_or(struct wf *w, const struct rv_campaign *k, const char *attr,
    char *const *vals, size_t n, char **attrs, rv_entry_fn fn, void *arg)
{
	struct strbuf f;
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc, st = EX_OK;

	if (n == 0)
		return EX_OK;
	sb_init(&f, 1u << 20);
	if ((attr != NULL ? or_filter(&f, attr, vals, n) :
	    grants_filter(&f, vals, n)) == -1) {
		sb_free(&f);
		return wf_fail(w, EX_SOFTWARE, _("bad or long filter"));
	}
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		sb_free(&f);
		return EX_UNAVAILABLE;
	}
	rc = ldap_search_ext_s(ld, k->dn, LDAP_SCOPE_ONELEVEL, sb_str(&f),
	    attrs, 0, NULL, NULL, NULL, 0, &res);
	sb_free(&f);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading findings"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL && st == EX_OK;
	    e = ldap_next_entry(ld, e))
		st = fn(ld, e, arg);
	ldap_msgfree(res);
	rv_renew_deadline(w);
	return st;
}

struct rw_dec {
	struct rv_finding	*f;
	size_t			 n;
};

static int
dec_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rw_dec *d = arg;
	char id[WF_ID_MAX + 1];
	size_t i;

	if (rv_is_page(ld, e) ||
	    dir_get(ld, e, "kunciId", id, sizeof(id)) == -1)
		return EX_OK;
	for (i = 0; i < d->n; i++)
		if (strcasecmp(d->f[i].id, id) == 0) {
			rv_parse_decision(ld, e, &d->f[i]);
			break;
		}
	return EX_OK;
}

int
rv_decisions(struct wf *w, const struct rv_campaign *k, int escalated,
    struct rv_finding *f, size_t n)
{
	char *attrs[] = { U("kunciId"), U("kunciDecision"), U("kunciActor"),
	    U("kunciTime"), U("kunciNote"), U("kunciFinding"), NULL };
	char *ids[RW_IDS_AT];
	struct rw_dec d;
	size_t i, j;
	int st;

	for (i = 0; i < n; i++) {
		u_strlcpy(f[i].decision, escalated ? "escalated" : "pending",
		    sizeof(f[i].decision));
		f[i].actor[0] = '\0';
		f[i].time = 0;
		f[i].revoking = 0;
		f[i].rec_mark[0] = '\0';
		f[i].rec_at = 0;
	}
	for (i = 0; i < n; i += RW_IDS_AT) {
		d.f = f + i;
		d.n = n - i < RW_IDS_AT ? n - i : RW_IDS_AT;
		for (j = 0; j < d.n; j++)
			ids[j] = d.f[j].id;
		if ((st = search_or(w, k, "kunciId", ids, d.n, attrs,
		    dec_entry, &d)) != EX_OK)
			return st;
	}
	return EX_OK;
}

/* ------------------------------------------------------------- window */

struct rw_win {
	const struct rv_census	*c;
	struct flist		*l;
	unsigned char		*got;
	size_t			 offset, n, *seen;
};

static int
win_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rw_win *ww = arg;
	const struct rv_census *c = ww->c;
	struct rv_finding f;
	struct berval **v;
	char id[WF_ID_MAX + 8], *key = id, **hit;
	size_t p, rank;
	long ri;
	int i, n;

	if (!rv_is_page(ld, e) ||
	    dir_get(ld, e, "kunciId", id, sizeof(id)) == -1 || c->npg == 0 ||
	    (hit = bsearch(&key, c->pid, c->npg, sizeof(*c->pid),
	    cmp_str)) == NULL)
		return EX_OK;
	p = (size_t)(hit - c->pid);
	memset(ww->seen, 0, c->nrisk * sizeof(*ww->seen));
	if ((v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
		return EX_OK;
	n = ldap_count_values_len(v);
	for (i = 0; i < n; i++) {
		if (rv_parse_line(v[i], &f) == -1 ||
		    (ri = risk_index(c, f.risk)) < 0)
			continue;
		rank = c->base[p * c->nrisk + (size_t)ri] +
		    ww->seen[ri]++;
		if (ww->seen[ri] > c->cnt[p * c->nrisk + (size_t)ri] ||
		    rank < ww->offset || rank >= ww->offset + ww->n ||
		    ww->got[rank - ww->offset])
			continue;	/* not in the window (or changed) */
		ww->l->f[rank - ww->offset] = f;
		ww->got[rank - ww->offset] = 1;
	}
	ldap_value_free_len(v);
	return EX_OK;
}

/* Does page p hold a finding ranked in [lo, hi)? */
static int
page_needed(const struct rv_census *c, size_t p, size_t lo, size_t hi)
{
	size_t r, b, n;

	for (r = 0; r < c->nrisk; r++) {
		b = c->base[p * c->nrisk + r];
		n = c->cnt[p * c->nrisk + r];
		if (n > 0 && b < hi && b + n > lo)
			return 1;
	}
	return 0;
}

int
rv_census_window(struct wf *w, const struct rv_campaign *k,
    const struct rv_census *c, size_t offset, size_t limit,
    struct flist *l)
{
	char *attrs[] = { U("kunciId"), U("kunciFinding"), NULL };
	char *pids[RW_PAGES_AT];
	struct rw_win ww;
	size_t p, np, i, j;
	int st = EX_OK;

	memset(l, 0, sizeof(*l));
	memset(&ww, 0, sizeof(ww));
	if (offset >= c->total || limit == 0)
		return EX_OK;
	ww.c = c;
	ww.l = l;
	ww.offset = offset;
	ww.n = c->total - offset < limit ? c->total - offset : limit;
	if ((l->f = calloc(ww.n, sizeof(*l->f))) == NULL ||
	    (ww.got = calloc(ww.n, 1)) == NULL ||
	    (ww.seen = calloc(c->nrisk + 1, sizeof(*ww.seen))) == NULL) {
		free(l->f);
		l->f = NULL;
		free(ww.got);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	l->cap = ww.n;
	for (p = 0; p < c->npg && st == EX_OK; ) {
		for (np = 0; p < c->npg && np < RW_PAGES_AT; p++)
			if (page_needed(c, p, offset, offset + ww.n))
				pids[np++] = c->pid[p];
		st = search_or(w, k, "kunciId", pids, np, attrs, win_entry,
		    &ww);
	}
	for (i = j = 0; st == EX_OK && i < ww.n; i++)
		if (ww.got[i])		/* else gone since the census */
			l->f[j++] = l->f[i];
	l->n = st == EX_OK ? j : 0;
	free(ww.got);
	free(ww.seen);
	if (st == EX_OK)
		st = rv_decisions(w, k, c->escalated, l->f, l->n);
	if (st != EX_OK)
		rv_flist_free(l);
	return st;
}

/* --------------------------------------------------------------- walk */

struct rw_walk {
	struct wf		*w;
	const struct rv_campaign *k;
	struct flist		 l;
	int			 escalated;
	rv_walk_fn		 fn;
	void			*arg;
};

static int
walk_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rw_walk *wk = arg;
	struct berval **v;
	struct rv_finding *nf;
	size_t i;
	int n, st;

	if (!rv_is_page(ld, e) ||
	    (v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
		return EX_OK;
	n = ldap_count_values_len(v);
	if ((size_t)n > wk->l.cap) {
		if ((nf = reallocarray(wk->l.f, (size_t)n, sizeof(*nf))) ==
		    NULL) {
			ldap_value_free_len(v);
			return wf_fail(wk->w, EX_OSERR, _("out of memory"));
		}
		wk->l.f = nf;
		wk->l.cap = (size_t)n;
	}
	for (wk->l.n = 0, i = 0; i < (size_t)n; i++)
		if (rv_parse_line(v[i], &wk->l.f[wk->l.n]) == 0)
			wk->l.n++;
	ldap_value_free_len(v);
	if ((st = rv_decisions(wk->w, wk->k, wk->escalated, wk->l.f,
	    wk->l.n)) == EX_OK)
		st = wk->fn(wk->l.f, wk->l.n, wk->arg);
	for (i = 0; i < wk->l.n; i++) {
		free(wk->l.f[i].note);
		wk->l.f[i].note = NULL;
	}
	rv_renew_deadline(wk->w);
	return st;
}

int
rv_walk(struct wf *w, const struct rv_campaign *k, rv_walk_fn fn, void *arg)
{
	char *attrs[] = { U("kunciId"), U("kunciFinding"), NULL };
	struct rw_walk wk;
	int st;

	memset(&wk, 0, sizeof(wk));
	wk.w = w;
	wk.k = k;
	wk.fn = fn;
	wk.arg = arg;
	wk.escalated = rv_escalated(w, k);
	st = rv_paged_n(w, k->dn, LDAP_SCOPE_ONELEVEL, PAGES_FILTER, attrs, 1,
	    walk_entry, NULL, &wk);
	wk.l.n = 0;
	rv_flist_free(&wk.l);
	return st;
}

/* ------------------------------------------- grants' place in a campaign */

struct rw_gd {
	char		*const *ids;
	char		(*dec)[16];
	unsigned char	*in;
	size_t		 n;
};

static int
gd_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rw_gd *g = arg;
	struct berval **v;
	char id[WF_ID_MAX + 1], d[16];
	size_t i;
	int j, n;

	if (!rv_is_page(ld, e)) {
		if (dir_get(ld, e, "kunciId", id, sizeof(id)) == -1 ||
		    dir_get(ld, e, "kunciDecision", d, sizeof(d)) == -1)
			return EX_OK;
		for (i = 0; i < g->n; i++)
			if (strcasecmp(g->ids[i], id) == 0)
				u_strlcpy(g->dec[i], d, sizeof(g->dec[i]));
		return EX_OK;
	}
	/* a page of one of the grants' keys: which of them it holds */
	if ((v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
		return EX_OK;
	n = ldap_count_values_len(v);
	for (j = 0; j < n; j++) {
		if (rv_line_grant(v[j], id, sizeof(id)) == -1)
			continue;
		for (i = 0; i < g->n; i++)
			if (strcasecmp(g->ids[i], id) == 0)
				g->in[i] = 1;
	}
	ldap_value_free_len(v);
	return EX_OK;
}

int
rv_grant_decisions(struct wf *w, const struct rv_campaign *k, int escalated,
    char *const *ids, size_t n, char (*dec)[16])
{
	char *attrs[] = { U("kunciId"), U("kunciFinding"),
	    U("kunciDecision"), NULL };
	unsigned char in[RW_IDS_AT];
	struct rw_gd g;
	size_t i, j;
	int st;

	for (i = 0; i < n; i += RW_IDS_AT) {
		memset(in, 0, sizeof(in));
		g.ids = ids + i;
		g.dec = dec + i;
		g.in = in;
		g.n = n - i < RW_IDS_AT ? n - i : RW_IDS_AT;
		for (j = 0; j < g.n; j++)
			g.dec[j][0] = '\0';
		if ((st = search_or(w, k, NULL, ids + i, g.n,
		    attrs, gd_entry, &g)) != EX_OK)
			return st;
		for (j = 0; j < g.n; j++)
			if (!in[j])
				g.dec[j][0] = '\0';
			else if (g.dec[j][0] == '\0')
				u_strlcpy(g.dec[j], escalated ? "escalated" :
				    "pending", sizeof(g.dec[j]));
	}
	return EX_OK;
}

/* ------------------------------------------- pages one by one, by id */

struct rw_ids {
	char	**pid;
	size_t	  n, cap;
	int	  oom;
};

static int
id_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rw_ids *r = arg;
	char id[WF_ID_MAX + 8], **np;

	if (!rv_is_page(ld, e) || dir_get(ld, e, "kunciId", id,
	    sizeof(id)) == -1)
		return EX_OK;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		if ((np = reallocarray(r->pid, cap, sizeof(*np))) == NULL)
			goto oom;
		r->pid = np;
		r->cap = cap;
	}
	if ((r->pid[r->n] = strdup(id)) == NULL)
		goto oom;
	r->n++;
	return EX_OK;
oom:
	r->oom = 1;
	return EX_OSERR;
}

void
rv_page_ids_free(char **pid, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(pid[i]);
	free(pid);
}

int
rv_page_ids(struct wf *w, const struct rv_campaign *k, char ***pid,
    size_t *n)
{
	char *attrs[] = { U("kunciId"), NULL };
	struct rw_ids r;
	int st;

	memset(&r, 0, sizeof(r));
	st = rv_paged(w, k->dn, LDAP_SCOPE_ONELEVEL, PAGES_FILTER, attrs,
	    id_entry, NULL, &r);
	if (r.oom)
		st = wf_fail(w, EX_OSERR, _("out of memory"));
	if (st != EX_OK) {
		rv_page_ids_free(r.pid, r.n);
		*pid = NULL;
		*n = 0;
		return st;
	}
	if (r.n > 1)
		qsort(r.pid, r.n, sizeof(*r.pid), cmp_str);
	*pid = r.pid;
	*n = r.n;
	return EX_OK;
}

struct rw_one {
	struct wf	*w;
	struct flist	*l;
	int		 found;
};

static int
one_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rw_one *o = arg;
	struct flist *l = o->l;
	struct rv_finding *nf;
	struct berval **v;
	size_t i;
	int n;

	if (!rv_is_page(ld, e))
		return EX_OK;
	o->found = 1;
	if ((v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
		return EX_OK;
	n = ldap_count_values_len(v);
	if ((size_t)n > l->cap) {
		if ((nf = reallocarray(l->f, (size_t)n, sizeof(*nf))) ==
		    NULL) {
			ldap_value_free_len(v);
			return wf_fail(o->w, EX_OSERR, _("out of memory"));
		}
		l->f = nf;
		l->cap = (size_t)n;
	}
	for (i = 0; i < (size_t)n; i++) {
		memset(&l->f[l->n], 0, sizeof(l->f[l->n]));
		if (rv_parse_line(v[i], &l->f[l->n]) == 0)
			l->n++;
	}
	ldap_value_free_len(v);
	return EX_OK;
}

static int
cmp_fid(const void *a, const void *b)
{
	return strcmp(((const struct rv_finding *)a)->id,
	    ((const struct rv_finding *)b)->id);
}

int
rv_page_read(struct wf *w, const struct rv_campaign *k, int escalated,
    const char *pid, struct flist *l)
{
	char *attrs[] = { U("kunciId"), U("kunciFinding"), NULL };
	char *ids[1];
	struct rw_one o;
	size_t i;
	int st;

	for (i = 0; i < l->n; i++) {
		free(l->f[i].note);
		l->f[i].note = NULL;
	}
	l->n = 0;
	o.w = w;
	o.l = l;
	o.found = 0;
	ids[0] = (char *)(uintptr_t)pid;
	if ((st = search_or(w, k, "kunciId", ids, 1, attrs, one_entry,
	    &o)) != EX_OK)
		return st;
	if (!o.found)
		return wf_fail(w, EX_NOINPUT, _("finding page %s is gone"),
		    pid);
	if (l->n > 1)
		qsort(l->f, l->n, sizeof(*l->f), cmp_fid);
	return rv_decisions(w, k, escalated, l->f, l->n);
}
