/*
 * review_report.c: reading a review campaign for people: review show,
 * review report (the review and list forms) and the review form's data.
 */
#include <sys/types.h>
#include <ctype.h>
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
#include "cmdtab.h"
#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "out.h"
#include "prov.h"
#include "render.h"
#include "removal.h"
#include "review.h"
#include "review_acts.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "review_int.h"

static void
findings_text(const struct admin_call *c, unsigned flags, char *buf,
    size_t sz)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < F_COUNT; i++)
		if (flags & (1u << i)) {
			if (buf[0] != '\0')
				u_strlcat(buf, "; ", sz);
			u_strlcat(buf, c->en ? rv_fdefs[i].en : rv_fdefs[i].id, sz);
		}
}

/* rv_is_owner() per resource, for one `review show` (a campaign names
 * few). */
#define OWNER_CACHE	32
struct owner_cache {
	char	res[OWNER_CACHE][DIR_NAME_MAX + 1];
	int	yes[OWNER_CACHE];
	size_t	n;
};

/* Is the caller the access owner of resource?  Through oc. */
static int
owner_cached(struct admin_call *c, const char *resource,
    struct owner_cache *oc, int *yes)
{
	size_t i;
	int st;

	for (i = 0; i < oc->n; i++)
		if (strcmp(oc->res[i], resource) == 0) {
			*yes = oc->yes[i];
			return EX_OK;
		}
	if ((st = rv_is_owner(c, resource, yes)) != EX_OK)
		return st;
	if (oc->n < OWNER_CACHE) {
		u_strlcpy(oc->res[oc->n], resource, sizeof(oc->res[0]));
		oc->yes[oc->n++] = *yes;
	}
	return EX_OK;
}

/*
 * For a person who holds no role: the findings of campaign k that are
 * theirs to attest (of a resource they own, not their own grant), ranked
 * by risk: the window [offset, offset + limit) of them in *l, and over
 * all of them *total, ndec[] and nf[].  *total == 0: none (they may not
 * see the campaign).  The campaign is walked a finding page at a time;
 * memory: offset + limit findings (a heap whose top sorts last), and one
 * directory look-up per resource named.
 */
struct ow_arg {
	struct admin_call	*c;
	struct smap		 owned;	/* resource -> rv_is_owner() */
	struct rv_finding	*h;
	size_t			 n, keep, total, *ndec, *nf;
};

static void
ow_swap(struct rv_finding *a, struct rv_finding *b)
{
	struct rv_finding t = *a;

	*a = *b;
	*b = t;
}

/* Offer f (its note still the walk's): kept with a copy of the note. */
static void
ow_offer(struct ow_arg *o, const struct rv_finding *f)
{
	size_t i, c, p;

	if (o->keep == 0)
		return;
	if (o->n < o->keep) {
		o->h[i = o->n++] = *f;
		o->h[i].note = f->note != NULL ? strdup(f->note) : NULL;
		for (; i > 0; i = p) {
			p = (i - 1) / 2;
			if (rv_cmp_risk(&o->h[i], &o->h[p]) <= 0)
				break;
			ow_swap(&o->h[i], &o->h[p]);
		}
		return;
	}
	if (rv_cmp_risk(f, &o->h[0]) >= 0)
		return;
	free(o->h[0].note);
	o->h[0] = *f;
	o->h[0].note = f->note != NULL ? strdup(f->note) : NULL;
	for (i = 0; (c = 2 * i + 1) < o->n; i = c) {
		if (c + 1 < o->n && rv_cmp_risk(&o->h[c + 1], &o->h[c]) > 0)
			c++;
		if (rv_cmp_risk(&o->h[c], &o->h[i]) <= 0)
			break;
		ow_swap(&o->h[c], &o->h[i]);
	}
}

static int
ow_page(struct rv_finding *f, size_t n, void *arg)
{
	struct ow_arg *o = arg;
	struct admin_call *c = o->c;
	uint32_t v;
	size_t i;
	int st, yes, d;

	for (i = 0; i < n; i++) {
		yes = 0;
		if (strcasecmp(f[i].subject, c->a.p.uid) == 0)
			continue;	/* never their own grant */
		if (rv_smap_get(&o->owned, f[i].resource, &v))
			yes = (int)v;
		else if ((st = rv_is_owner(c, f[i].resource, &yes)) != EX_OK)
			return st;
		else if (rv_smap_put(&o->owned, f[i].resource,
		    (uint32_t)yes) == -1)
			return wf_fail(admin_wf(), EX_OSERR, _("out of memory"));
		if (!yes)
			continue;
		o->total++;
		for (d = 0; rv_ddefs[d].code != NULL; d++)
			if (strcmp(rv_ddefs[d].code, f[i].decision) == 0) {
				o->ndec[d]++;
				break;
			}
		for (d = 0; d < F_COUNT; d++)
			if (f[i].flags & (1u << d))
				o->nf[d]++;
		ow_offer(o, &f[i]);
	}
	return EX_OK;
}

int
rv_owner_window(struct admin_call *c, const struct rv_campaign *k,
    size_t offset, size_t limit, struct flist *l, size_t *total,
    size_t *ndec, size_t *nf)
{
	struct ow_arg o;
	size_t i;
	int st;

	memset(l, 0, sizeof(*l));
	*total = 0;
	if (!c->a.person)
		return EX_OK;
	memset(&o, 0, sizeof(o));
	o.c = c;
	o.keep = offset + limit;
	o.ndec = ndec;
	o.nf = nf;
	if ((o.h = calloc(o.keep + 1, sizeof(*o.h))) == NULL)
		return wf_fail(admin_wf(), EX_OSERR, _("out of memory"));
	st = rv_walk(admin_wf(), k, ow_page, &o);
	rv_smap_free(&o.owned);
	if (st == EX_OK && o.n > 1)
		qsort(o.h, o.n, sizeof(*o.h), rv_cmp_risk);
	for (i = 0; i < o.n && i < offset; i++)
		free(o.h[i].note);
	if (st != EX_OK) {
		for (; i < o.n; i++)
			free(o.h[i].note);
		free(o.h);
		return st;
	}
	*total = o.total;
	if (o.n > offset)
		memmove(o.h, o.h + offset, (o.n - offset) * sizeof(*o.h));
	l->f = o.h;
	l->n = o.n > offset ? o.n - offset : 0;
	l->cap = o.keep + 1;
	return EX_OK;
}

/* The actions the caller may take on a finding: ["attest"] or []. */
static json_t *
finding_actions(struct admin_call *c, const struct rv_campaign *k,
    const struct rv_finding *f, struct owner_cache *oc)
{
	json_t *a = json_array();
	int yes = 0;

	if (strcmp(k->state, "open") != 0 || !c->a.person)
		return a;
	if (owner_cached(c, f->resource, oc, &yes) != EX_OK)
		yes = 0;	/* the command will say why */
	if (rv_attest_refusal(c, f, yes) == NULL)
		json_array_append_new(a, out_jstr("attest"));
	return a;
}

static int
show_refused(struct admin_call *c)
{
	return admin_err(c, EX_NOPERM, _("refused: reviews are for the roles, "
	    "administrators and access owners"));
}

int
rv_window_opts(struct admin_call *c, const char *limit_s, const char *offset_s,
    int limit_max, int offset_max, long long *limit, long long *offset)
{
	const char *es;

	if (limit_s != NULL && u_strtonum(limit_s, 1, limit_max, limit,
	    &es) == -1)
		return admin_err(c, EX_USAGE, "%s: %.40s (1-%d)", ADMIN_T(c,
		    "bad --limit", "--limit tidak valid"), limit_s, limit_max);
	if (offset_s != NULL && u_strtonum(offset_s, 0, offset_max, offset,
	    &es) == -1)
		return admin_err(c, EX_USAGE, "%s: %.40s (0-%d)", ADMIN_T(c,
		    "bad --offset", "--offset tidak valid"), offset_s,
		    offset_max);
	return EX_OK;
}

/* Where the real run of remove-on-silence is (review_run.c): null when
 * it has not started. */
static json_t *
progress_json(struct wf *w, const struct rv_campaign *k)
{
	struct rv_progress p;

	if (rv_run_progress(w, k, &p) != EX_OK || !p.started)
		return json_null();
	return json_pack("{s:o,s:b,s:I,s:I,s:o}", "since",
	    admin_jtime(p.since), "swept", p.swept, "page",
	    (json_int_t)p.page, "pages", (json_int_t)p.npg, "retried",
	    p.retried != 0 ? admin_jtime(p.retried) : json_null());
}

static void
progress_text(struct admin_call *c, struct wf *w, const struct rv_campaign *k)
{
	struct rv_progress p;
	char t[32], buf[160];

	if (rv_run_progress(w, k, &p) != EX_OK || !p.started)
		return;
	admin_fmt_time(t, sizeof(t), p.since);
	if (strcmp(k->state, "open") != 0)
		snprintf(buf, sizeof(buf), "%s %s", ADMIN_T(c, "done, since",
		    "selesai, sejak"), t);
	else if (!p.swept)
		snprintf(buf, sizeof(buf), "%s %s, %s %zu %s %zu", ADMIN_T(c,
		    "under way since", "berjalan sejak"), t, ADMIN_T(c,
		    "finding page", "halaman temuan"), p.page + 1 > p.npg ?
		    p.npg : p.page + 1, ADMIN_T(c, "of", "dari"), p.npg);
	else
		snprintf(buf, sizeof(buf), "%s %s, %s", ADMIN_T(c,
		    "under way since", "berjalan sejak"), t, ADMIN_T(c,
		    "every page done; the failed grants are retried",
		    "semua halaman selesai; yang gagal dicoba lagi"));
	out_kv(&c->out, 16, ADMIN_T(c, "Removal", "Pencabutan"), buf);
}

int
rv_cmd_show(struct admin_call *c, int argc, char **argv)
{
	const char *limit_s = NULL, *offset_s = NULL;
	struct admin_opt opts[] = { { "limit", &limit_s, NULL },
		{ "offset", &offset_s, NULL }, { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct rv_campaign k;
	struct flist l;
	char *pos[1], buf[64], fx[1024], rk[16];
	size_t i, ndec[8], nf[F_COUNT], shown = 0, total = 0;
	long long limit = c->json ? RV_SHOW_JSON : LIST_SHOW_MAX, offset = 0;
	int np, st, j;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: review show CAMPAIGN "
		    "[--limit N] [--offset N]"));
	if ((st = rv_window_opts(c, limit_s, offset_s, RV_SHOW_MAX, RV_SHOW_MAX,
	    &limit, &offset)) != EX_OK)
		return st;
	if (offset + limit > RV_SHOW_MAX)
		return admin_err(c, EX_USAGE, _("%s %d (review report)"),
		    ADMIN_T(c, "--offset plus --limit may not exceed",
		    "--offset ditambah --limit tidak boleh melebihi"),
		    RV_SHOW_MAX);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	memset(ndec, 0, sizeof(ndec));
	memset(nf, 0, sizeof(nf));
	if (admin_sees_all(c)) {
		if ((st = rv_campaign_load(w, pos[0], &k)) != EX_OK)
			return admin_wf_err(c, st);
		if ((st = rv_flist_window(w, &k, (size_t)offset,
		    (size_t)limit, &l, &total, ndec, nf)) != EX_OK)
			return admin_wf_err(c, st);
	} else {
		/* an access owner: the findings theirs to attest only, and
		 * the counts of those; nobody else learns the campaign is */
		if (!c->a.person)
			return show_refused(c);
		st = rv_campaign_load(w, pos[0], &k);
		if (st == EX_NOINPUT || (st == EX_OK &&
		    strcmp(k.state, "open") != 0))
			return show_refused(c);
		if (st != EX_OK)
			return admin_wf_err(c, st);
		if ((st = rv_owner_window(c, &k, (size_t)offset,
		    (size_t)limit, &l, &total, ndec, nf)) != EX_OK)
			return admin_wf_err(c, st);
		if (total == 0) {
			rv_flist_free(&l);
			return show_refused(c);
		}
	}
	if (c->json) {
		json_t *o = json_object(), *d = json_object(),
		    *fc = json_object(), *fa = json_array();
		struct owner_cache oc;

		memset(&oc, 0, sizeof(oc));
		json_object_set_new(o, "id", out_jstr(k.id));
		json_object_set_new(o, "period", out_jstr(k.period));
		json_object_set_new(o, "scope", out_jstr(k.scope[0] ?
		    k.scope : "*"));
		json_object_set_new(o, "state", out_jstr(k.state));
		json_object_set_new(o, "created", admin_jtime(k.created));
		json_object_set_new(o, "deadline", admin_jtime(k.deadline));
		json_object_set_new(o, "grants", json_integer((json_int_t)
		    total));
		json_object_set_new(o, "offset", json_integer(offset));
		json_object_set_new(o, "more", json_integer((json_int_t)
		    (total > (size_t)offset + l.n ? total - (size_t)offset -
		    l.n : 0)));
		for (j = 0; rv_ddefs[j].code != NULL; j++)
			json_object_set_new(d, rv_ddefs[j].code,
			    json_integer((json_int_t)ndec[j]));
		for (j = 0; j < F_COUNT; j++)
			json_object_set_new(fc, rv_fdefs[j].code,
			    json_integer((json_int_t)nf[j]));
		json_object_set_new(o, "decisions", d);
		json_object_set_new(o, "finding_counts", fc);
		if (admin_sees_all(c))
			json_object_set_new(o, "removal", progress_json(w, &k));
		for (i = 0; i < l.n; i++) {
			json_t *f = json_object(), *codes = json_array();

			for (j = 0; j < F_COUNT; j++)
				if (l.f[i].flags & (1u << j))
					json_array_append_new(codes,
					    json_string(rv_fdefs[j].code));
			json_object_set_new(f, "grant", out_jstr(l.f[i].id));
			json_object_set_new(f, "holder",
			    out_jstr(l.f[i].subject));
			json_object_set_new(f, "resource",
			    out_jstr(l.f[i].resource));
			json_object_set_new(f, "findings", codes);
			findings_text(c, l.f[i].flags, fx, sizeof(fx));
			json_object_set_new(f, "findings_label", out_jstr(fx));
			json_object_set_new(f, "decision_label", out_jstr(
			    rv_decision_label(c->en, l.f[i].decision)));
			json_object_set_new(f, "risk",
			    json_integer(l.f[i].risk));
			json_object_set_new(f, "decision",
			    out_jstr(l.f[i].decision));
			json_object_set_new(f, "actor", l.f[i].actor[0] ?
			    out_jstr(l.f[i].actor) : json_null());
			json_object_set_new(f, "note", l.f[i].note ?
			    out_jstr(l.f[i].note) : json_null());
			json_object_set_new(f, "actions", finding_actions(c,
			    &k, &l.f[i], &oc));
			json_array_append_new(fa, f);
		}
		json_object_set_new(o, "findings", fa);
		/* the campaign's own acts (review_acts.c) */
		json_object_set_new(o, "actions", review_acts_offered(c,
		    k.id));
		out_json(&c->out, o);
		rv_flist_free(&l);
		return EX_OK;
	}
	out_kv(&c->out, 16, ADMIN_T(c, "Campaign", "Putaran reviu"), k.id);
	out_kv(&c->out, 16, ADMIN_T(c, "Scope", "Cakupan"), k.scope[0] ?
	    k.scope : "*");
	out_kv(&c->out, 16, "Status", review_state_label(c->en, k.state));
	admin_fmt_time(buf, sizeof(buf), k.created);
	out_kv(&c->out, 16, ADMIN_T(c, "Started", "Dimulai"), buf);
	admin_fmt_time(buf, sizeof(buf), k.deadline);
	out_kv(&c->out, 16, ADMIN_T(c, "Deadline", "Batas waktu"), buf);
	snprintf(buf, sizeof(buf), "%zu", total);
	out_kv(&c->out, 16, ADMIN_T(c, "Grants", "Hak akses"), buf);
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		if (ndec[j] > 0) {
			snprintf(buf, sizeof(buf), "%zu", ndec[j]);
			out_kv(&c->out, 16, rv_decision_label(c->en,
			    rv_ddefs[j].code), buf);
		}
	if (admin_sees_all(c))
		progress_text(c, w, &k);
	sb_puts(&c->out, "\n");
	{
		struct out_table t;
		const char *hdr[6], *cells[6];

		hdr[0] = ADMIN_T(c, "GRANT", "HAK AKSES");
		hdr[1] = ADMIN_T(c, "HOLDER", "PEMEGANG");
		hdr[2] = ADMIN_T(c, "RESOURCE", "SUMBER DAYA");
		hdr[3] = ADMIN_T(c, "RISK", "RISIKO");
		hdr[4] = ADMIN_T(c, "DECISION", "KEPUTUSAN");
		hdr[5] = ADMIN_T(c, "FINDINGS", "TEMUAN");
		out_table_init(&t, 6, hdr);
		for (i = 0; i < l.n; i++, shown++) {
			findings_text(c, l.f[i].flags, fx, sizeof(fx));
			snprintf(rk, sizeof(rk), "%d", l.f[i].risk);
			cells[0] = l.f[i].id;
			cells[1] = l.f[i].subject;
			cells[2] = l.f[i].resource;
			cells[3] = rk;
			cells[4] = rv_decision_label(c->en, l.f[i].decision);
			cells[5] = fx;
			out_table_row(&t, cells);
		}
		out_table_render(&t, &c->out);
		out_table_free(&t);
		if (total > (size_t)offset + shown)
			sb_printf(&c->out, "... %zu %s\n", total -
			    (size_t)offset - shown, ADMIN_T(c, "more (--offset, "
			    "review report)", "lagi (--offset, review report)"));
	}
	rv_flist_free(&l);
	return EX_OK;
}

/* ------------------------------------------------------------- report */

/* One row of the list form, kept until the decisions are known. */
struct rep_row {
	char	id[WF_ID_MAX + 1], subj[DIR_UID_MAX + 1],
		res[DIR_NAME_MAX + 1], type[WF_TYPE_MAX + 1],
		cred[WF_CRED_MAX + 1], nb[32], na[32], lu[32];
};

struct rep_arg {
	struct admin_call	*c;
	struct rep_row		*rows;
	size_t			 offset, limit, total, n;
};

/* The list form: every active or suspended grant counted, the window's
 * kept. */
static int
rep_grant(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rep_arg *ra = arg;
	struct admin_call *c = ra->c;
	struct rep_row *r;
	char st[16];
	time_t t;

	dir_get(ld, e, "kunciStatus", st, sizeof(st));
	if (strcmp(st, "active") != 0 && strcmp(st, "suspended") != 0)
		return EX_OK;
	if (ra->total++ < ra->offset || ra->n >= ra->limit)
		return EX_OK;
	r = &ra->rows[ra->n++];
	dir_get(ld, e, "kunciId", r->id, sizeof(r->id));
	dir_get(ld, e, "kunciSubject", r->subj, sizeof(r->subj));
	dir_get(ld, e, "kunciResource", r->res, sizeof(r->res));
	dir_get(ld, e, "kunciAccessType", r->type, sizeof(r->type));
	dir_get(ld, e, "kunciCredential", r->cred, sizeof(r->cred));
	admin_fmt_time(r->nb, sizeof(r->nb), dir_get_time(ld, e,
	    "kunciNotBefore"));
	admin_fmt_time(r->na, sizeof(r->na), dir_get_time(ld, e,
	    "kunciNotAfter"));
	t = dir_get_time(ld, e, "kunciLastUsed");
	if (t != 0)
		admin_fmt_time(r->lu, sizeof(r->lu), t);
	else
		u_strlcpy(r->lu, ADMIN_T(c, "never", "belum pernah"),
		    sizeof(r->lu));
	return EX_OK;
}

/* The list form's page: rows [offset, offset + limit) of the grants in
 * the campaign's scope now, in the directory's order, into t. */
static int
rep_list(struct admin_call *c, const struct rv_campaign *k, size_t offset,
    size_t limit, struct render_table *t, size_t *total)
{
	struct wf *w = admin_wf();
	char base[DIR_DN_MAX], filter[3 * DIR_NAME_MAX + 256], no[24];
	char *gattrs[] = { U("kunciId"), U("kunciStatus"), U("kunciSubject"),
	    U("kunciResource"), U("kunciAccessType"), U("kunciCredential"),
	    U("kunciNotBefore"), U("kunciNotAfter"), U("kunciLastUsed"),
	    NULL };
	struct rep_arg ra;
	char **ids = NULL, (*dec)[16] = NULL;
	const char *v[10];
	size_t i;
	int st;

	memset(&ra, 0, sizeof(ra));
	ra.c = c;
	ra.offset = offset;
	ra.limit = limit;
	if ((ra.rows = calloc(limit, sizeof(*ra.rows))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	snprintf(base, sizeof(base), "ou=grants,%s",
	    w->cfg->directory.kunci_base);
	if (k->scope[0] != '\0') {
		char esc[3 * DIR_NAME_MAX + 1];

		ldapc_escape_filter(esc, sizeof(esc), k->scope);
		snprintf(filter, sizeof(filter), "(&(objectClass="
		    "kunciGrant)(kunciResource=%s))", esc);
	} else
		u_strlcpy(filter, "(objectClass=kunciGrant)", sizeof(filter));
	st = rv_paged(w, base, LDAP_SCOPE_ONELEVEL, filter, gattrs,
	    rep_grant, NULL, &ra);
	*total = ra.total;
	if (st == EX_OK && ra.n > 0 &&
	    ((ids = calloc(ra.n, sizeof(*ids))) == NULL ||
	    (dec = calloc(ra.n, sizeof(*dec))) == NULL))
		st = wf_fail(w, EX_OSERR, _("out of memory"));
	for (i = 0; st == EX_OK && i < ra.n; i++)
		ids[i] = ra.rows[i].id;
	if (st == EX_OK)
		st = rv_grant_decisions(w, k, rv_escalated(w, k), ids, ra.n,
		    dec);
	for (i = 0; st == EX_OK && i < ra.n; i++) {
		snprintf(no, sizeof(no), "%zu", offset + i + 1);
		v[0] = no;
		v[1] = ra.rows[i].id;
		v[2] = ra.rows[i].subj;
		v[3] = ra.rows[i].res;
		v[4] = ra.rows[i].type;
		v[5] = ra.rows[i].cred;
		v[6] = ra.rows[i].nb;
		v[7] = ra.rows[i].na;
		v[8] = ra.rows[i].lu;
		v[9] = dec[i][0] ? rv_decision_label(c->en, dec[i]) :
		    ADMIN_T(c, "not in this campaign",
		    "tidak termasuk putaran reviu ini");
		if (render_table_add_row(t, v, 10) == -1)
			st = wf_fail(w, EX_OSERR, _("out of memory"));
	}
	free(ids);
	free(dec);
	free(ra.rows);
	return st;
}

/* The review form's page: findings ranked [offset, offset + limit). */
static int
rep_review(struct admin_call *c, const struct rv_campaign *k,
    const struct rv_census *cen, size_t offset, size_t limit,
    struct render_table *t)
{
	struct wf *w = admin_wf();
	struct flist l;
	char fx[1024], rk[16], no[24], at[32];
	const char *v[10];
	size_t i;
	int st;

	if ((st = rv_census_window(w, k, cen, offset, limit, &l)) != EX_OK)
		return st;
	for (i = 0; i < l.n && st == EX_OK; i++) {
		findings_text(c, l.f[i].flags, fx, sizeof(fx));
		snprintf(rk, sizeof(rk), "%d", l.f[i].risk);
		snprintf(no, sizeof(no), "%zu", offset + i + 1);
		if (l.f[i].time != 0)
			admin_fmt_time(at, sizeof(at), l.f[i].time);
		else
			at[0] = '\0';
		v[0] = no;
		v[1] = l.f[i].id;
		v[2] = l.f[i].subject;
		v[3] = l.f[i].resource;
		v[4] = fx;
		v[5] = rk;
		v[6] = rv_decision_label(c->en, l.f[i].decision);
		v[7] = l.f[i].actor;
		v[8] = at;
		v[9] = l.f[i].note;
		if (render_table_add_row(t, v, 10) == -1)
			st = wf_fail(w, EX_OSERR, _("out of memory"));
	}
	rv_flist_free(&l);
	return st;
}

/* The report's JSON: the summary, the paging and the page's rows. */
static int
rep_json(struct admin_call *c, const struct rv_campaign *k, int list,
    const struct rv_census *cen, size_t total, size_t offset, size_t limit,
    size_t rows, struct render_table *t)
{
	struct strbuf sb;
	json_t *o, *d, *r;
	json_error_t jerr;
	size_t more;
	int j;

	sb_init(&sb, 4u << 20);	/* the reply's bound */
	if (render_json(t, &sb) == -1 ||
	    (r = json_loads(sb_str(&sb), 0, &jerr)) == NULL) {
		sb_free(&sb);
		return -1;
	}
	sb_free(&sb);
	more = total > offset + rows ? total - offset - rows : 0;
	o = json_object();
	json_object_set_new(o, "campaign", out_jstr(k->id));
	json_object_set_new(o, "state", out_jstr(k->state));
	json_object_set_new(o, "form", out_jstr(list ? "list" : "review"));
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "offset", json_integer((json_int_t)offset));
	json_object_set_new(o, "limit", json_integer((json_int_t)limit));
	json_object_set_new(o, "more", json_integer((json_int_t)more));
	json_object_set_new(o, "next_offset", more > 0 ?
	    json_integer((json_int_t)(offset + rows)) : json_null());
	d = json_object();
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		json_object_set_new(d, rv_ddefs[j].code,
		    json_integer((json_int_t)cen->ndec[j]));
	json_object_set_new(o, "grants", json_integer((json_int_t)
	    cen->total));
	json_object_set_new(o, "decisions", d);
	json_object_set_new(o, "rows", r);
	out_json(&c->out, o);
	return sb_err(&c->out) ? -1 : 0;
}

/* The text form's summary: the campaign's counts, whichever page. */
static void
rep_summary(struct admin_call *c, const struct rv_campaign *k, int list,
    const struct rv_census *cen, size_t total, size_t offset, size_t rows)
{
	char buf[64];
	int j;

	sb_printf(&c->out, "%s: %s (%s)\n", list ?
	    ADMIN_T(c, "Access list", "Formulir Daftar Akses") :
	    ADMIN_T(c, "Access review", "Formulir Review Akses"), k->id,
	    review_state_label(c->en, k->state));
	snprintf(buf, sizeof(buf), "%zu", cen->total);
	out_kv(&c->out, 16, ADMIN_T(c, "Grants", "Hak akses"), buf);
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		if (cen->ndec[j] > 0) {
			snprintf(buf, sizeof(buf), "%zu", cen->ndec[j]);
			out_kv(&c->out, 16, rv_decision_label(c->en,
			    rv_ddefs[j].code), buf);
		}
	if (rows > 0)
		snprintf(buf, sizeof(buf), "%zu-%zu / %zu", offset + 1,
		    offset + rows, total);
	else
		snprintf(buf, sizeof(buf), "0 / %zu", total);
	out_kv(&c->out, 16, ADMIN_T(c, "Rows", "Baris"), buf);
	sb_puts(&c->out, "\n");
}

int
rv_cmd_report(struct admin_call *c, int argc, char **argv)
{
	const char *form = NULL, *format = NULL, *limit_s = NULL,
	    *offset_s = NULL;
	struct admin_opt opts[] = { { "form", &form, NULL },
		{ "format", &format, NULL }, { "limit", &limit_s, NULL },
		{ "offset", &offset_s, NULL }, { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	const struct kunci_cfg *cfg = w->cfg;
	static const struct render_column rcols[] = {
		{ "no", NULL }, { "grant", NULL }, { "holder", NULL },
		{ "resource", NULL }, { "findings", NULL }, { "risk", NULL },
		{ "decision", NULL }, { "attested_by", NULL },
		{ "attested_at", NULL }, { "note", NULL } };
	static const struct render_column lcols[] = {
		{ "no", NULL }, { "grant", NULL }, { "holder", NULL },
		{ "resource", NULL }, { "type", NULL },
		{ "credential", NULL }, { "valid_from", NULL },
		{ "valid_until", NULL }, { "last_used", NULL },
		{ "review", NULL } };
	const char *rh_id[] = { "No", "Hak akses", "Pemegang", "Sumber daya",
	    "Temuan", "Risiko", "Keputusan", "Diverifikasi oleh", "Waktu",
	    "Catatan" };
	const char *rh_en[] = { "No", "Grant", "Holder", "Resource",
	    "Findings", "Risk", "Decision", "Attested by", "Time", "Note" };
	const char *lh_id[] = { "No", "Hak akses", "Pemegang", "Sumber daya",
	    "Jenis akses", "Kredensial", "Berlaku dari", "Berlaku sampai",
	    "Terakhir dipakai", "Hasil review" };
	const char *lh_en[] = { "No", "Grant", "Holder", "Resource",
	    "Access type", "Credential", "Valid from", "Valid until",
	    "Last used", "Review" };
	struct render_column cols[10];
	struct render_header h;
	struct render_table *t;
	struct rv_campaign k;
	struct rv_census cen;
	char *pos[1], printed[32], title[480];
	long long limit = RV_REPORT_PAGE, offset = 0;
	size_t i, total = 0, rows;
	int np, st, list, rc = 0;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: review report CAMPAIGN "
		    "[--form review|list] [--format text|csv|json|html] "
		    "[--offset N] [--limit N]"));
	if (form == NULL || strcmp(form, "review") == 0)
		list = 0;
	else if (strcmp(form, "list") == 0)
		list = 1;
	else
		return admin_err(c, EX_USAGE, _("--form is review or list"));
	if (format == NULL)
		format = c->json ? "json" : "text";
	if (strcmp(format, "txt") == 0)		/* the alias */
		format = "text";
	if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
		return admin_err(c, EX_USAGE, _("--format: text, csv, json or "
		    "html, not %.20s"), format);
	if ((st = rv_window_opts(c, limit_s, offset_s, RV_REPORT_MAX, RV_OFFSET_MAX,
	    &limit, &offset)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: reviews are for the "
		    "roles and administrators"));
	if ((st = rv_campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if ((st = rv_census(w, &k, &cen)) != EX_OK)
		return admin_wf_err(c, st);
	for (i = 0; i < 10; i++) {
		cols[i] = list ? lcols[i] : rcols[i];
		cols[i].header = list ? (c->en ? lh_en[i] : lh_id[i]) :
		    (c->en ? rh_en[i] : rh_id[i]);
	}
	if ((t = render_table_new(cols, 10)) == NULL) {
		rv_census_free(&cen);
		return admin_err(c, EX_OSERR, _("out of memory"));
	}
	if (list)
		st = rep_list(c, &k, (size_t)offset, (size_t)limit, t, &total);
	else {
		total = cen.total;
		st = rep_review(c, &k, &cen, (size_t)offset, (size_t)limit,
		    t);
	}
	if (st != EX_OK) {
		render_table_free(t);
		rv_census_free(&cen);
		return admin_wf_err(c, st);
	}
	rows = render_table_nrows(t);
	if (strcmp(format, "text") == 0) {
		rep_summary(c, &k, list, &cen, total, (size_t)offset, rows);
		rc = render_text(t, &c->out);
		if (rc == 0 && total > (size_t)offset + rows)
			sb_printf(&c->out, "... %zu %s %zu\n", total -
			    (size_t)offset - rows, ADMIN_T(c, "more: --offset",
			    "lagi: --offset"), (size_t)offset + rows);
	} else if (strcmp(format, "csv") == 0)
		rc = render_csv(t, &c->out);
	else if (strcmp(format, "json") == 0)
		rc = rep_json(c, &k, list, &cen, total, (size_t)offset,
		    (size_t)limit, rows, t);
	else {
		memset(&h, 0, sizeof(h));
		if (rows > 0 && (offset > 0 || rows < total))
			snprintf(title, sizeof(title), "%s %s (%zu-%zu / %zu)",
			    list ? ADMIN_T(c, "Access list", "Formulir Daftar "
			    "Akses") : ADMIN_T(c, "Access review", "Formulir "
			    "Review Akses"), k.id, (size_t)offset + 1,
			    (size_t)offset + rows, total);
		else
			snprintf(title, sizeof(title), "%s %s", list ?
			    ADMIN_T(c, "Access list", "Formulir Daftar Akses") :
			    ADMIN_T(c, "Access review", "Formulir Review Akses"),
			    k.id);
		admin_fmt_time(printed, sizeof(printed), time(NULL));
		h.office = cfg->office.name[0] ? cfg->office.name : NULL;
		h.sop_name = "SOP Hak Akses Control Panel Website: Review";
		h.title = title;
		h.printed = printed;
		h.lang = c->en ? "en" : "id";
		rc = render_html(t, &h, &c->out);
	}
	render_table_free(t);
	rv_census_free(&cen);
	if (rc != 0)
		return admin_err(c, EX_SOFTWARE, _("the report page is too "
		    "large: a smaller --limit"));
	return EX_OK;
}

/* One finding as a review item; the note moves to it. */
static void
item_of(struct review_item *it, struct rv_finding *f, int en)
{
	int b;

	memset(it, 0, sizeof(*it));
	u_strlcpy(it->grant, f->id, sizeof(it->grant));
	u_strlcpy(it->subject, f->subject, sizeof(it->subject));
	u_strlcpy(it->resource, f->resource, sizeof(it->resource));
	u_strlcpy(it->decision, f->decision, sizeof(it->decision));
	u_strlcpy(it->actor, f->actor, sizeof(it->actor));
	for (b = 0; b < F_COUNT; b++)
		if (f->flags & (1u << b)) {
			if (it->findings[0] != '\0')
				u_strlcat(it->findings, "; ",
				    sizeof(it->findings));
			u_strlcat(it->findings, en ? rv_fdefs[b].en :
			    rv_fdefs[b].id, sizeof(it->findings));
		}
	it->note = f->note;
	f->note = NULL;
	it->time = f->time;
	it->risk = f->risk;
}

static void
info_of(struct review_info *info, const struct rv_campaign *k)
{
	memset(info, 0, sizeof(*info));
	u_strlcpy(info->id, k->id, sizeof(info->id));
	u_strlcpy(info->period, k->period, sizeof(info->period));
	u_strlcpy(info->scope, k->scope, sizeof(info->scope));
	u_strlcpy(info->state, k->state, sizeof(info->state));
	info->created = k->created;
	info->deadline = k->deadline;
}

/* See review.h. */
int
review_items_page(struct wf *w, const char *campaign, int en,
    size_t offset, size_t limit, struct review_info *info,
    struct review_item **items, size_t *n, size_t *total)
{
	struct rv_campaign k;
	struct rv_census cen;
	struct flist l;
	struct review_item *it = NULL;
	size_t i;
	int st;

	*items = NULL;
	*n = *total = 0;
	if ((st = rv_campaign_load(w, campaign, &k)) != EX_OK)
		return st;
	info_of(info, &k);
	if ((st = rv_census(w, &k, &cen)) != EX_OK)
		return st;
	*total = cen.total;
	st = rv_census_window(w, &k, &cen, offset, limit, &l);
	rv_census_free(&cen);
	if (st != EX_OK)
		return st;
	if (l.n > 0 && (it = calloc(l.n, sizeof(*it))) == NULL) {
		rv_flist_free(&l);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	for (i = 0; i < l.n; i++)
		item_of(&it[i], &l.f[i], en);
	*items = it;
	*n = l.n;
	rv_flist_free(&l);
	return EX_OK;
}

struct iw_arg {
	int	(*fn)(const struct review_item *, void *);
	void	*arg;
	int	 en;
};

static int
iw_page(struct rv_finding *f, size_t n, void *arg)
{
	struct iw_arg *a = arg;
	struct review_item it;
	size_t i;
	int st = EX_OK;

	for (i = 0; i < n && st == EX_OK; i++) {
		item_of(&it, &f[i], a->en);
		st = a->fn(&it, a->arg);
		f[i].note = it.note;	/* rv_walk() frees it */
	}
	return st;
}

/* See review.h. */
int
review_items_walk(struct wf *w, const char *campaign, int en,
    int (*fn)(const struct review_item *, void *), void *arg)
{
	struct rv_campaign k;
	struct iw_arg a;
	int st;

	if ((st = rv_campaign_load(w, campaign, &k)) != EX_OK)
		return st;
	a.fn = fn;
	a.arg = arg;
	a.en = en;
	return rv_walk(w, &k, iw_page, &a);
}

/* For C2's acts (review_acts.c); see review.h. */
int
review_tally(struct wf *w, const char *campaign, struct review_info *info,
    size_t *total, size_t *waiting, time_t *last)
{
	struct rv_campaign k;
	struct rv_census cen;
	int st, j;

	*total = *waiting = 0;
	*last = 0;
	if ((st = rv_campaign_load(w, campaign, &k)) != EX_OK)
		return st;
	info_of(info, &k);
	if ((st = rv_census(w, &k, &cen)) != EX_OK)
		return st;
	*total = cen.total;
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		if (strcmp(rv_ddefs[j].code, "pending") == 0 ||
		    strcmp(rv_ddefs[j].code, "escalated") == 0)
			*waiting += cen.ndec[j];
	*last = cen.last;
	rv_census_free(&cen);
	return EX_OK;
}

/* See review.h. */
int
review_holds(struct wf *w, const char *campaign, char *const *ids, size_t n,
    unsigned char *in)
{
	struct rv_campaign k;
	char (*dec)[16];
	size_t i;
	int st;

	if ((st = rv_campaign_load(w, campaign, &k)) != EX_OK)
		return st;
	if ((dec = calloc(n + 1, sizeof(*dec))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	st = rv_grant_decisions(w, &k, 0, ids, n, dec);
	for (i = 0; i < n; i++)
		in[i] = st == EX_OK && dec[i][0] != '\0';
	free(dec);
	return st;
}

void
review_items_free(struct review_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i].note);
	free(items);
}
