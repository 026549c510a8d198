/*
 * review_enforce.c: the deadline of a review campaign (doc/review.md,
 * "The deadline"): escalation, or remove-on-silence's plan (the dry run),
 * its preview, and the gates of the real run, by hand (`review enforce`) or from the
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
 * The real run (review_run.c) is a slice at a time from the scheduler,
 * all that is left from `review enforce`.
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
#include "review.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "review_int.h"

#define RV_RUN_SLICE_MS	2000	/* the scheduler's slice of a real run */

/* ------------------------------------------------------------ resources */

/* How many active grants resource has now, counting at most max (0: all;
 * a run asks 2: "is there another holder?", whatever their number). */
int
rv_holders(struct wf *w, const char *resource, int max, long *n)
{
	char base[DIR_DN_MAX], esc[3 * DIR_NAME_MAX + 1],
	    filter[3 * DIR_NAME_MAX + 160], t[32];
	char *none[] = { U("1.1"), NULL };
	LDAPMessage *res = NULL;
	LDAP *ld;
	int rc;

	*n = 0;
	if (ldapc_escape_filter(esc, sizeof(esc), resource) == -1)
		return EX_OK;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(base, sizeof(base), "ou=grants,%s",
	    w->cfg->directory.kunci_base);
	dir_gentime(t, sizeof(t), time(NULL));
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciResource=%s)(kunciStatus=active)(!(kunciNotAfter<=%s)))",
	    esc, t);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter, none,
	    0, NULL, NULL, NULL, max, &res);
	if (rc != LDAP_SUCCESS && !(max > 0 &&
	    rc == LDAP_SIZELIMIT_EXCEEDED)) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("counting holders"));
	}
	*n = ldap_count_entries(ld, res);
	ldap_msgfree(res);
	return EX_OK;
}

/* Whether resource is critical and, if so, how many active grants it
 * has now (at most max: see rv_holders()). */
int
rv_resource_state(struct wf *w, const char *resource, int max,
    struct rv_crit *cr)
{
	char buf[16];
	char *rattrs[] = { U("kunciCritical"), NULL };
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
	if (!cr->critical)
		return EX_OK;
	return rv_holders(w, resource, max, &cr->active);
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
	struct rv_crit cr;
	uint32_t i;

	*st = EX_OK;
	if (rv_smap_get(&p->idx, name, &i) == 1)
		return &p->r[i];
	if ((*st = rv_resource_state(p->w, name, 0, &cr)) != EX_OK)
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
	rv_spares_sort(p->spare, p->nspare);
	return EX_OK;
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

/* The real run for a campaign whose deadline (and, for removal, grace)
 * has passed, a slice of it (rv_run()).  EX_DATAERR / EX_TEMPFAIL with a
 * message when not yet. */
static int
enforce(struct wf *w, struct rv_campaign *k, const char *actor,
    size_t batch, long slice_ms, int retry, struct strbuf *out, int en,
    struct rv_run_res *res, long *escalated)
{
	const struct kunci_cfg *cfg = w->cfg;
	struct berval **notes = NULL;
	time_t now = time(NULL), pt;
	char t[32];
	int st;

	memset(res, 0, sizeof(*res));
	*escalated = 0;
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
		return do_escalate(w, k, escalated);
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
	st = rv_run(w, k, notes, actor, batch, slice_ms, retry, out, en, res);
	ldap_value_free_len(notes);
	if (st == EX_OK && res->waiting)
		st = wf_fail(w, EX_TEMPFAIL, _("%ld grants of %s could not be "
		    "revoked yet (see kuncid's log); run it again"),
		    res->failed, k->id);
	return st;
}

/* The scheduler's part at a campaign's deadline (review_tick()). */
int
rv_tick_deadline(struct wf *w, struct rv_campaign *k, time_t now)
{
	const struct kunci_cfg *cfg = w->cfg;
	struct rv_run_res res;
	struct plan p;
	time_t pt;
	long a;
	int st;

	if (cfg->review.on_silence == CFG_SILENCE_ESCALATE) {
		if (rv_campaign_event(w, k, "escalate", REVIEW_ACTOR,
		    "escalate", NULL, 0) == EX_OK)
			(void)do_escalate(w, k, &a);
		return 0;
	}
	st = rv_campaign_get_event(w, k, "preview", &pt, NULL);
	if (st == EX_NOINPUT) {
		if (make_plan(w, k, 0, 0, &p) == EX_OK)
			(void)record_preview(w, k, &p, REVIEW_ACTOR);
		plan_free(&p);
		return 0;
	}
	if (st != EX_OK || now < pt + (time_t)cfg->review.grace)
		return 0;
	/* A slice per pass; a run interrupted (a crash, a directory that
	 * failed) is taken up where it stopped. */
	st = enforce(w, k, REVIEW_ACTOR, (size_t)cfg->review.enforce_batch,
	    RV_RUN_SLICE_MS, 0, NULL, 0, &res, &a);
	if (st != EX_OK && !(st == EX_TEMPFAIL && res.waiting))
		log_warnx("review %s: %s", k->id, i18n_en(w->err));
	return res.more;
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
			act = !p->remove ? "escalated" : rv_spared(p->spare,
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
		act = !p->remove ? "escalated" : rv_spared(p->spare,
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
	struct rv_run_res res;
	struct strbuf sb;
	long a;
	int st;

	sb_init(&sb, 1u << 20);
	st = enforce(w, k, rv_actor_of(c), 0, 0, 1, &sb, c->en, &res, &a);
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
		sb_printf(&c->out, "%s: %ld %s, %ld %s\n", k->id,
		    res.removed, ADMIN_T(c, "removed", "dicabut"),
		    res.spared, ADMIN_T(c,
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
