/*
 * review_campaign.c: opening a review campaign: the directory snapshot
 * and the paged scan of the grants in scope that writes their findings.
 *
 * A campaign's scan reads the grants in scope with the paged results
 * control, one page at a time, and keeps nothing of a page once its
 * findings are written: memory is the directory snapshot (people,
 * resources, the configured unit groups: read once, bounded by the size
 * of the organisation) plus one page, whatever the number of grants.  The
 * checks that need other entries (self-approval, incompatible grants) make
 * one search per page, not per grant.  A page's findings are one entry
 * (one line per grant), added asynchronously with up to RV_WINDOW pages in
 * flight: slapd commits (and fsyncs) once per 500 grants, not per grant.
 * Decisions are per-grant entries, written only when someone decides.
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
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "review_int.h"

/* ---------------------------------------------- the directory snapshot */

struct rv_person {
	char	*ndn;
	int	 disabled;
};

struct rv_res {
	char	*name;
	int	 critical;
	char	**owner;	/* DNs */
	size_t	 nowner;
};

struct rv_dir {
	struct rv_person *p;
	size_t		  np, capp;
	struct smap	  by_uid;
	struct rv_res	 *r;
	size_t		  nr, capr;
	struct smap	  by_res;
	struct smap	 *unit;		/* per review.units: member DNs */
	size_t		  nunit;
	time_t		  now;
};

static void
rvdir_free(struct rv_dir *d)
{
	size_t i, j;

	for (i = 0; i < d->np; i++)
		free(d->p[i].ndn);
	free(d->p);
	rv_smap_free(&d->by_uid);
	for (i = 0; i < d->nr; i++) {
		free(d->r[i].name);
		for (j = 0; j < d->r[i].nowner; j++)
			free(d->r[i].owner[j]);
		free(d->r[i].owner);
	}
	free(d->r);
	rv_smap_free(&d->by_res);
	for (i = 0; i < d->nunit; i++)
		rv_smap_free(&d->unit[i]);
	free(d->unit);
	memset(d, 0, sizeof(*d));
}

static int
load_person(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rv_dir *d = arg;
	struct rv_person *np;
	char uid[DIR_UID_MAX + 1], buf[64], *dn;
	const char *es;
	long long days;

	if (dir_get(ld, e, "uid", uid, sizeof(uid)) == -1)
		return EX_OK;
	if (d->np == d->capp) {
		size_t cap = d->capp ? d->capp * 2 : 256;

		if ((np = reallocarray(d->p, cap, sizeof(*np))) == NULL)
			return EX_OSERR;
		d->p = np;
		d->capp = cap;
	}
	np = &d->p[d->np];
	memset(np, 0, sizeof(*np));
	if ((dn = ldap_get_dn(ld, e)) == NULL)
		return EX_OSERR;
	np->ndn = rv_norm_dn(dn);
	ldap_memfree(dn);
	if (np->ndn == NULL)
		return EX_OSERR;
	/* Disabled: a lockout (ppolicy) or an expired shadow account. */
	if (dir_get(ld, e, "pwdAccountLockedTime", buf, sizeof(buf)) == 0)
		np->disabled = 1;
	if (dir_get(ld, e, "shadowExpire", buf, sizeof(buf)) == 0 &&
	    u_strtonum(buf, -1, 1000000, &days, &es) == 0 && days >= 0 &&
	    (time_t)days * 86400 <= d->now)
		np->disabled = 1;
	if (rv_smap_put(&d->by_uid, uid, (uint32_t)d->np) == -1) {
		free(np->ndn);
		return EX_OSERR;
	}
	d->np++;
	return EX_OK;
}

static int
load_res(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rv_dir *d = arg;
	struct rv_res *nr;
	struct berval **v;
	char buf[16];
	int i, n;

	if (d->nr == d->capr) {
		size_t cap = d->capr ? d->capr * 2 : 32;

		if ((nr = reallocarray(d->r, cap, sizeof(*nr))) == NULL)
			return EX_OSERR;
		d->r = nr;
		d->capr = cap;
	}
	nr = &d->r[d->nr];
	memset(nr, 0, sizeof(*nr));
	if ((nr->name = dir_get_dup(ld, e, "kunciName")) == NULL)
		return EX_OK;
	if (dir_get(ld, e, "kunciCritical", buf, sizeof(buf)) == 0 &&
	    strcasecmp(buf, "TRUE") == 0)
		nr->critical = 1;
	if ((v = ldap_get_values_len(ld, e, "kunciAccessOwner")) != NULL) {
		n = ldap_count_values_len(v);
		if ((nr->owner = calloc((size_t)n + 1, sizeof(char *))) !=
		    NULL) {
			for (i = 0; i < n; i++)
				if ((nr->owner[nr->nowner] = strndup(
				    v[i]->bv_val, v[i]->bv_len)) != NULL)
					nr->nowner++;
		}
		ldap_value_free_len(v);
	}
	if (rv_smap_put(&d->by_res, nr->name, (uint32_t)d->nr) == -1)
		return EX_OSERR;
	d->nr++;
	return EX_OK;
}

/* The members of one configured unit group. */
static int
load_unit(struct wf *w, const char *group, struct smap *m)
{
	char *attrs[] = { U("member"), NULL }, *n;
	struct berval **v;
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc, i, cnt;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, group, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, NULL, 0, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		log_warnx("review.units: group %s does not exist", group);
		ldap_msgfree(res);
		return EX_OK;
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading a unit group"));
	}
	if ((e = ldap_first_entry(ld, res)) != NULL &&
	    (v = ldap_get_values_len(ld, e, "member")) != NULL) {
		cnt = ldap_count_values_len(v);
		for (i = 0; i < cnt; i++) {
			char *s = strndup(v[i]->bv_val, v[i]->bv_len);

			n = s != NULL ? rv_norm_dn(s) : NULL;
			free(s);
			if (n == NULL || rv_smap_put(m, n, 1) == -1) {
				free(n);
				ldap_value_free_len(v);
				ldap_msgfree(res);
				return wf_fail(w, EX_OSERR, _("out of memory"));
			}
			free(n);
		}
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	return EX_OK;
}

static int
rvdir_load(struct wf *w, struct rv_dir *d, time_t now)
{
	const struct kunci_cfg *cfg = w->cfg;
	char *pattrs[] = { U("uid"), U("shadowExpire"),
	    U("pwdAccountLockedTime"), NULL };
	char *rattrs[] = { U("kunciName"), U("kunciCritical"),
	    U("kunciAccessOwner"), NULL };
	char base[DIR_DN_MAX];
	size_t i;
	int st;

	memset(d, 0, sizeof(*d));
	d->now = now;
	if ((st = rv_paged(w, cfg->directory.people_base, LDAP_SCOPE_SUBTREE,
	    "(uid=*)", pattrs, load_person, NULL, d)) != EX_OK)
		return st == EX_OSERR ? wf_fail(w, st, _("out of memory")) : st;
	snprintf(base, sizeof(base), "ou=resources,%s",
	    cfg->directory.kunci_base);
	if ((st = rv_paged(w, base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciManagedResource)", rattrs, load_res, NULL,
	    d)) != EX_OK)
		return st == EX_OSERR ? wf_fail(w, st, _("out of memory")) : st;
	if (cfg->review.nunits > 0) {
		if ((d->unit = calloc(cfg->review.nunits, sizeof(*d->unit))) ==
		    NULL)
			return wf_fail(w, EX_OSERR, _("out of memory"));
		d->nunit = cfg->review.nunits;
		for (i = 0; i < cfg->review.nunits; i++)
			if ((st = load_unit(w, cfg->review.units[2 * i + 1],
			    &d->unit[i])) != EX_OK)
				return st;
	}
	return EX_OK;
}

static const struct rv_res *
rvdir_res(const struct rv_dir *d, const char *name)
{
	uint32_t i;

	return rv_smap_get(&d->by_res, name, &i) ? &d->r[i] : NULL;
}

/* ---------------------------------------------------------- the scan */

struct rv_grant {
	char	 id[WF_ID_MAX + 1];
	char	 subject[DIR_UID_MAX + 1];
	char	 resource[DIR_NAME_MAX + 1];
	char	 status[16];
	char	 request[WF_ID_MAX + 1];
	time_t	 not_before, not_after, created, last_used, last_reviewed;
	unsigned flags;
	int	 risk;
	int	 person;	/* index in rv_dir.p, or -1 */
};

struct scan {
	struct wf		*w;
	const struct kunci_cfg	*cfg;
	struct rv_dir		*d;
	const struct rv_campaign *k;
	time_t			 now;
	struct rv_grant		*page;
	size_t			 n;
	LDAP			*ld;
	int			 inflight;
	int			 resume;	/* skip grants already in a
						   page (a resumed start) */
	char			*lines;		/* RV_PAGE * RV_LINE_MAX */
	char			(*keys)[RV_KEY_MAX + 1]; /* RV_PAGE keys
						   of a page (rv_grant_key) */
	struct pairside		*pairs;		/* per incompatible pair:
						   its two sides */
	long			 grants, flagged, written, existed;
	long			 yielded;	/* ms paused for other commands */
	int			 st;
};

static int
active_now(const struct rv_grant *g, time_t now)
{
	return strcmp(g->status, "active") == 0 && g->not_after > now;
}

/* The basic findings of one grant: those the snapshot decides. */
static void
basic_findings(struct scan *s, struct rv_grant *g)
{
	const struct kunci_cfg *cfg = s->cfg;
	const struct rv_person *p = NULL;
	time_t now = s->now, ref;
	uint32_t i;
	size_t u;

	g->person = -1;
	if (rvdir_res(s->d, g->resource) == NULL)
		g->flags |= 1u << F_RESOURCE_GONE;
	if (!rv_smap_get(&s->d->by_uid, g->subject, &i))
		g->flags |= 1u << F_HOLDER_MISSING;
	else {
		g->person = (int)i;
		p = &s->d->p[i];
		if (p->disabled)
			g->flags |= 1u << F_HOLDER_DISABLED;
	}
	if (strcmp(g->status, "expired") == 0 || g->not_after <= now)
		g->flags |= 1u << F_EXPIRED;
	ref = g->created > g->not_before ? g->created : g->not_before;
	if (g->last_used == 0) {
		if (ref != 0 && ref <= now - (time_t)cfg->review.unused_after)
			g->flags |= 1u << F_NEVER_USED;
	} else if (g->last_used <= now - (time_t)cfg->review.unused_after)
		g->flags |= 1u << F_UNUSED;
	if (g->last_reviewed != 0)
		ref = g->last_reviewed;
	if (ref != 0 && ref <= now - (time_t)cfg->review.interval)
		g->flags |= 1u << F_NOT_REVIEWED;
	if (p != NULL)
		for (u = 0; u < s->d->nunit; u++)
			if (rv_pattern_match(cfg->review.units[2 * u],
			    g->resource) &&
			    !rv_smap_get(&s->d->unit[u], p->ndn, NULL))
				g->flags |= 1u << F_LEFT_UNIT;
}

/* Append "(attr=v)" for each distinct v; 0, or -1 when it did not fit. */
static int
or_values(struct strbuf *sb, struct smap *seen, const char *attr,
    const char *v)
{
	char esc[3 * DIR_NAME_MAX + 1];

	if (rv_smap_get(seen, v, NULL))
		return 0;
	if (rv_smap_put(seen, v, 1) == -1 ||
	    ldapc_escape_filter(esc, sizeof(esc), v) == -1)
		return -1;
	return sb_printf(sb, "(%s=%s)", attr, esc) == -1 ? -1 : 0;
}

/* The parent's kunciId of an event DN (kunciId=x,kunciId=<id>,...). */
static int
parent_id(const char *dn, char *id, size_t sz)
{
	const char *p = strchr(dn, ','), *q;

	if (p == NULL || strncasecmp(p + 1, "kunciId=", 8) != 0)
		return -1;
	p += 9;
	if ((q = strchr(p, ',')) == NULL || (size_t)(q - p) >= sz)
		return -1;
	memcpy(id, p, (size_t)(q - p));
	id[q - p] = '\0';
	return 0;
}

/*
 * The scan's connection, or NULL (w->err set) when a failed operation has
 * dropped it since (ldapc_fail): s->ld is then freed.
 */
static LDAP *
scan_ld(struct scan *s)
{
	if (s->ld != NULL && s->w->lc->ld == s->ld)
		return s->ld;
	s->ld = NULL;
	if (s->w->err[0] == '\0')
		snprintf(s->w->err, sizeof(s->w->err), "the directory "
		    "connection was lost");
	return NULL;
}

/* Holders who approved a step of their own request (one search). */
static int
check_self_approval(struct scan *s)
{
	char *attrs[] = { U("kunciActor"), U("kunciRole"), NULL };
	char base[DIR_DN_MAX], actor[DIR_UID_MAX + 1], role[64],
	    pid[WF_ID_MAX + 1], *dn;
	struct strbuf f;
	struct smap seen;
	LDAPMessage *res = NULL, *e;
	size_t i, any = 0;
	int rc, st = EX_OK;

	memset(&seen, 0, sizeof(seen));
	sb_init(&f, 1u << 20);
	sb_puts(&f, "(&(objectClass=kunciEvent)(kunciDecision=approve)(|");
	for (i = 0; i < s->n; i++) {
		if (s->page[i].request[0] == '\0')
			continue;
		if (or_values(&f, &seen, "kunciActor", s->page[i].subject) ==
		    -1) {
			st = wf_fail(s->w, EX_SOFTWARE, _("filter too long"));
			goto out;
		}
		any++;
	}
	sb_puts(&f, "))");
	if (any == 0 || sb_err(&f))
		goto out;
	snprintf(base, sizeof(base), "ou=requests,%s",
	    s->cfg->directory.kunci_base);
	if (scan_ld(s) == NULL) {
		st = EX_UNAVAILABLE;
		goto out;
	}
	rc = ldap_search_ext_s(s->ld, base, LDAP_SCOPE_SUBTREE, sb_str(&f),
	    attrs, 0, NULL, NULL, NULL, 0, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		st = wf_ldfail(s->w, rc, _("reading approvals"));
		goto out;
	}
	for (e = ldap_first_entry(s->ld, res); e != NULL;
	    e = ldap_next_entry(s->ld, e)) {
		dir_get(s->ld, e, "kunciActor", actor, sizeof(actor));
		dir_get(s->ld, e, "kunciRole", role, sizeof(role));
		if (strcmp(role, CFG_ROLE_REQUESTER) == 0)
			continue;
		if ((dn = ldap_get_dn(s->ld, e)) == NULL)
			continue;
		rc = parent_id(dn, pid, sizeof(pid));
		ldap_memfree(dn);
		if (rc == -1)
			continue;
		for (i = 0; i < s->n; i++)
			if (strcasecmp(s->page[i].request, pid) == 0 &&
			    strcasecmp(s->page[i].subject, actor) == 0)
				s->page[i].flags |= 1u << F_SOD_SELF;
	}
out:
	ldap_msgfree(res);
	sb_free(&f);
	rv_smap_free(&seen);
	return st;
}

/*
 * The holders of active grants on one side of an incompatible pair, read
 * once per campaign: per holder, how many such grants and one of their
 * ids.  Bounded by the number of people, not of grants (a search per page
 * would cost O(grants) each, O(grants^2) in all).
 */
struct ps_ent {
	char		id[WF_ID_MAX + 1];
	uint32_t	count;
};

struct pairside {
	struct smap	 by_subj;	/* subject -> index in e */
	struct ps_ent	*e;
	size_t		 n, cap;
	time_t		 now;
	int		 oom;
};

static void
pairside_free(struct pairside *ps)
{
	rv_smap_free(&ps->by_subj);
	free(ps->e);
	memset(ps, 0, sizeof(*ps));
}

static int
pairside_add(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct pairside *ps = arg;
	char id[WF_ID_MAX + 1], subj[DIR_UID_MAX + 1];
	struct ps_ent *ne;
	uint32_t i;

	if (dir_get(ld, e, "kunciId", id, sizeof(id)) == -1 ||
	    dir_get(ld, e, "kunciSubject", subj, sizeof(subj)) == -1 ||
	    dir_get_time(ld, e, "kunciNotAfter") <= ps->now)
		return EX_OK;
	if (rv_smap_get(&ps->by_subj, subj, &i)) {
		ps->e[i].count++;
		return EX_OK;
	}
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 64;

		if ((ne = reallocarray(ps->e, cap, sizeof(*ne))) == NULL)
			goto oom;
		ps->e = ne;
		ps->cap = cap;
	}
	u_strlcpy(ps->e[ps->n].id, id, sizeof(ps->e[ps->n].id));
	ps->e[ps->n].count = 1;
	if (rv_smap_put(&ps->by_subj, subj, (uint32_t)ps->n) == -1)
		goto oom;
	ps->n++;
	return EX_OK;
oom:
	ps->oom = 1;
	return EX_OSERR;
}

static int
pairside_load(struct wf *w, const char *pat, time_t now,
    struct pairside *ps)
{
	char *attrs[] = { U("kunciId"), U("kunciSubject"), U("kunciNotAfter"),
	    NULL };
	char base[DIR_DN_MAX], rf[3 * DIR_NAME_MAX + 32],
	    filter[3 * DIR_NAME_MAX + 96];
	int st;

	memset(ps, 0, sizeof(*ps));
	ps->now = now;
	if (rv_pattern_filter(pat, rf, sizeof(rf)) == -1)
		return EX_OK;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciStatus=active)%s)", rf);
	snprintf(base, sizeof(base), "ou=grants,%s",
	    w->cfg->directory.kunci_base);
	st = rv_paged(w, base, LDAP_SCOPE_ONELEVEL, filter, attrs, pairside_add,
	    NULL, ps);
	if (st == EX_OSERR)
		st = wf_fail(w, st, _("out of memory"));
	return st;
}

/* Holders of grants on pattern a who also hold one on the side b. */
static void
check_pair(struct scan *s, const char *a, const struct pairside *b)
{
	struct rv_grant *g;
	uint32_t j;
	size_t i;

	for (i = 0; i < s->n; i++) {
		g = &s->page[i];
		if (!active_now(g, s->now) || !rv_pattern_match(a, g->resource) ||
		    !rv_smap_get(&b->by_subj, g->subject, &j))
			continue;
		if (b->e[j].count > 1 || strcasecmp(b->e[j].id, g->id) != 0)
			g->flags |= 1u << F_SOD_INCOMPATIBLE;
	}
}

/* Collect the results of adds in flight until at most keep remain. */
static int
drain(struct scan *s, int keep)
{
	struct timeval tv;
	LDAPMessage *r;
	int rc, err;

	while (s->inflight > keep) {
		if (scan_ld(s) == NULL) {
			s->inflight = 0;
			return EX_UNAVAILABLE;
		}
		tv.tv_sec = 30;
		tv.tv_usec = 0;
		r = NULL;
		rc = ldap_result(s->ld, LDAP_RES_ANY, LDAP_MSG_ALL, &tv, &r);
		if (rc <= 0) {
			ldap_msgfree(r);
			(void)ldap_get_option(s->ld, LDAP_OPT_RESULT_CODE,
			    &err);
			s->inflight = 0;
			return wf_ldfail(s->w, rc == 0 ? LDAP_TIMEOUT : err,
			    _("writing findings"));
		}
		s->inflight--;
		if (ldap_parse_result(s->ld, r, &err, NULL, NULL, NULL, NULL,
		    1) != LDAP_SUCCESS)
			err = LDAP_OTHER;
		if (err == LDAP_ALREADY_EXISTS)
			s->existed++;
		else if (err != LDAP_SUCCESS) {
			s->inflight = keep;	/* give up counting */
			return drain(s, 0) == EX_OK ?
			    wf_ldfail(s->w, err, _("writing a finding page")) :
			    EX_UNAVAILABLE;
		} else
			s->written++;
	}
	return EX_OK;
}

/*
 * The finding line format (doc/review.md, "Storage"): one kunciFinding
 * value of a page per grant,
 *
 *   <grant> SP <risk> SP <code>[,<code>...]|"-" SP <notAfter>|"-" SP
 *   <holder> SP <resource>
 *
 * grant and holder with '%', ' ' and control characters as %XX; the
 * resource is the rest of the line.
 */
static void
enc_field(char *dst, size_t sz, const char *src)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *src != '\0' && n + 4 < sz; src++) {
		unsigned char ch = (unsigned char)*src;

		if (ch == '%' || ch == ' ' || ch < 0x20 || ch == 0x7f) {
			dst[n++] = '%';
			dst[n++] = hex[ch >> 4];
			dst[n++] = hex[ch & 15];
		} else
			dst[n++] = (char)ch;
	}
	dst[n] = '\0';
}

void
rv_dec_field(char *dst, size_t sz, const char *src, size_t len)
{
	size_t i, n = 0;
	unsigned v;

	for (i = 0; i < len && n + 1 < sz; i++) {
		if (src[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)src[i + 1]) &&
		    isxdigit((unsigned char)src[i + 2]) &&
		    sscanf(src + i + 1, "%2x", &v) == 1) {
			dst[n++] = (char)v;
			i += 2;
		} else
			dst[n++] = src[i];
	}
	dst[n] = '\0';
}

static void
format_line(char *buf, size_t sz, const struct rv_grant *g)
{
	char id[3 * WF_ID_MAX + 1], subj[3 * DIR_UID_MAX + 1], codes[256],
	    na[32];
	int i;

	enc_field(id, sizeof(id), g->id);
	enc_field(subj, sizeof(subj), g->subject);
	codes[0] = '\0';
	for (i = 0; i < F_COUNT; i++)
		if (g->flags & (1u << i)) {
			if (codes[0] != '\0')
				u_strlcat(codes, ",", sizeof(codes));
			u_strlcat(codes, rv_fdefs[i].code, sizeof(codes));
		}
	if (g->not_after != 0)
		dir_gentime(na, sizeof(na), g->not_after);
	else
		u_strlcpy(na, "-", sizeof(na));
	snprintf(buf, sz, "%s %d %s %s %s %s", id, g->risk, codes[0] ? codes :
	    "-", na, subj, g->resource);
}

/* The grants of this page already in a page of the campaign (a resumed
 * start): into have.  One search, for the pages of the page's keys
 * (rv_grant_key), bounded by the page. */
static int
recorded(struct scan *s, struct smap *have)
{
	char *attrs[] = { U("kunciId"), U("kunciFinding"), NULL };
	char ref[WF_ID_MAX + 1];
	struct strbuf f;
	struct smap seen, keys;
	struct berval **v;
	LDAPMessage *res = NULL, *e;
	size_t i;
	int rc, j, n, st = EX_OK;

	memset(&seen, 0, sizeof(seen));
	memset(&keys, 0, sizeof(keys));
	sb_init(&f, 1u << 20);
	sb_puts(&f, "(&(objectClass=kunciReviewFinding)(kunciId="
	    RV_PAGE_PREFIX "*)(|");
	for (i = 0; i < s->n; i++)
		if (rv_smap_put(&seen, s->page[i].id, 1) == -1 ||
		    rv_grant_terms(&f, &keys, s->page[i].id) == -1) {
			st = wf_fail(s->w, EX_SOFTWARE, _("filter too long"));
			goto out;
		}
	sb_puts(&f, "))");
	if (sb_err(&f)) {
		st = wf_fail(s->w, EX_OSERR, _("out of memory"));
		goto out;
	}
	if (scan_ld(s) == NULL) {
		st = EX_UNAVAILABLE;
		goto out;
	}
	rc = ldap_search_ext_s(s->ld, s->k->dn, LDAP_SCOPE_ONELEVEL,
	    sb_str(&f), attrs, 0, NULL, NULL, NULL, 0, &res);
	if (rc != LDAP_SUCCESS) {
		st = wf_ldfail(s->w, rc, _("reading recorded findings"));
		goto out;
	}
	for (e = ldap_first_entry(s->ld, res); e != NULL;
	    e = ldap_next_entry(s->ld, e)) {
		if (!rv_is_page(s->ld, e) ||
		    (v = ldap_get_values_len(s->ld, e, "kunciFinding")) ==
		    NULL)
			continue;
		n = ldap_count_values_len(v);
		for (j = 0; j < n && st == EX_OK; j++)
			if (rv_line_grant(v[j], ref, sizeof(ref)) == 0 &&
			    rv_smap_get(&seen, ref, NULL) &&
			    rv_smap_put(have, ref, 1) == -1)
				st = wf_fail(s->w, EX_OSERR, _("out of "
				    "memory"));
		ldap_value_free_len(v);
	}
out:
	ldap_msgfree(res);
	sb_free(&f);
	rv_smap_free(&seen);
	rv_smap_free(&keys);
	return st;
}

/*
 * Add the page's findings as one entry, kunciId=page-<first grant>: one
 * finding line per grant, and each distinct key of its grants
 * (rv_grant_key) as a kunciGrantRef (indexed).  Asynchronous,
 * RV_WINDOW pages in flight; libldap has encoded the request when
 * ldap_add_ext() returns, so the page buffer is free again.
 */
static int
write_page(struct scan *s)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    pid[WF_ID_MAX + 8];
	char *oc[] = { U("kunciReviewFinding"), NULL }, *idv[] = { pid, NULL };
	char **refs = NULL, **lines = NULL, *first = NULL;
	struct smap have, keys;
	LDAPMod m[4], *p[5];
	size_t i, n = 0, nk = 0;
	int rc, msgid, st = EX_OK;

	memset(&have, 0, sizeof(have));
	memset(&keys, 0, sizeof(keys));
	if (s->resume && (st = recorded(s, &have)) != EX_OK)
		goto out;
	if ((refs = calloc(s->n + 1, sizeof(*refs))) == NULL ||
	    (lines = calloc(s->n + 1, sizeof(*lines))) == NULL) {
		st = wf_fail(s->w, EX_OSERR, _("out of memory"));
		goto out;
	}
	for (i = 0; i < s->n; i++) {
		if (rv_smap_get(&have, s->page[i].id, NULL)) {
			s->existed++;
			continue;
		}
		if (first == NULL)
			first = s->page[i].id;
		lines[n] = s->lines + n * RV_LINE_MAX;
		format_line(lines[n], RV_LINE_MAX, &s->page[i]);
		n++;
		rv_grant_key(s->page[i].id, s->keys[nk], sizeof(s->keys[nk]));
		if (rv_smap_get(&keys, s->keys[nk], NULL))
			continue;
		if (rv_smap_put(&keys, s->keys[nk], 1) == -1) {
			st = wf_fail(s->w, EX_OSERR, _("out of memory"));
			goto out;
		}
		refs[nk] = s->keys[nk];
		nk++;
	}
	if (n == 0)
		goto out;
	snprintf(pid, sizeof(pid), RV_PAGE_PREFIX "%s", first);
	if (ldapc_escape_dn(esc, sizeof(esc), pid) == -1) {
		st = wf_fail(s->w, EX_DATAERR, _("bad grant id "
		    "%.40s"), first);
		goto out;
	}
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", esc, s->k->dn);
	m[0].mod_op = m[1].mod_op = m[2].mod_op = m[3].mod_op = LDAP_MOD_ADD;
	m[0].mod_type = U("objectClass");
	m[0].mod_values = oc;
	m[1].mod_type = U("kunciId");
	m[1].mod_values = idv;
	m[2].mod_type = U("kunciGrantRef");
	m[2].mod_values = refs;
	m[3].mod_type = U("kunciFinding");
	m[3].mod_values = lines;
	for (i = 0; i < 4; i++)
		p[i] = &m[i];
	p[4] = NULL;
	if ((st = drain(s, RV_WINDOW - 1)) != EX_OK)
		goto out;
	if (scan_ld(s) == NULL) {
		st = EX_UNAVAILABLE;
		goto out;
	}
	rc = ldap_add_ext(s->ld, dn, p, NULL, NULL, &msgid);
	if (rc != LDAP_SUCCESS) {
		st = wf_ldfail(s->w, rc, _("writing findings"));
		goto out;
	}
	s->inflight++;
out:
	free(refs);
	free(lines);
	rv_smap_free(&have);
	rv_smap_free(&keys);
	return st;
}

/*
 * Between two pages, while other admin commands run: let slapd finish the
 * pages in flight and wait (at most RV_YIELD_MS) until those commands are
 * done, so that people's list and show commands are not queued behind a
 * long campaign's writes (bench/RESULTS.md, "Admin plane under load").
 */
static int
scan_yield(struct scan *s)
{
	struct timespec ts = { 0, RV_YIELD_STEP_MS * 1000000L };
	int waited, st;

	if (admin_running() <= 1)
		return EX_OK;
	if ((st = drain(s, 0)) != EX_OK)
		return st;
	for (waited = 0; waited < RV_YIELD_MS && admin_running() > 1;
	    waited += RV_YIELD_STEP_MS)
		(void)nanosleep(&ts, NULL);
	s->yielded += waited;
	return EX_OK;
}

static int
scan_page(void *arg)
{
	struct scan *s = arg;
	const struct kunci_cfg *cfg = s->cfg;
	size_t i;
	int j, st;

	if (s->n == 0)
		return EX_OK;
	rv_renew_deadline(s->w);
	for (i = 0; i < s->n; i++)
		basic_findings(s, &s->page[i]);
	if ((st = check_self_approval(s)) != EX_OK)
		return st;
	for (i = 0; i < cfg->review.nincompatible; i++) {
		const char *a = cfg->review.incompatible[2 * i];
		const char *b = cfg->review.incompatible[2 * i + 1];

		check_pair(s, a, &s->pairs[2 * i + 1]);
		check_pair(s, b, &s->pairs[2 * i]);
	}
	for (i = 0; i < s->n; i++) {
		struct rv_grant *g = &s->page[i];

		g->risk = 0;
		for (j = 0; j < F_COUNT; j++)
			if (g->flags & (1u << j))
				g->risk += rv_fdefs[j].risk;
		s->grants++;
		if (g->flags != 0)
			s->flagged++;
	}
	if ((st = write_page(s)) != EX_OK)
		return st;
	s->n = 0;
	return scan_yield(s);
}

static int
scan_entry(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct scan *s = arg;
	struct rv_grant *g;
	int st;

	if (s->n == RV_PAGE && (st = scan_page(s)) != EX_OK)
		return st;
	g = &s->page[s->n];
	memset(g, 0, sizeof(*g));
	if (dir_get(ld, e, "kunciId", g->id, sizeof(g->id)) == -1)
		return EX_OK;
	dir_get(ld, e, "kunciSubject", g->subject, sizeof(g->subject));
	dir_get(ld, e, "kunciResource", g->resource, sizeof(g->resource));
	dir_get(ld, e, "kunciStatus", g->status, sizeof(g->status));
	dir_get(ld, e, "kunciRequestRef", g->request, sizeof(g->request));
	g->not_before = dir_get_time(ld, e, "kunciNotBefore");
	g->not_after = dir_get_time(ld, e, "kunciNotAfter");
	g->created = dir_get_time(ld, e, "kunciCreated");
	g->last_used = dir_get_time(ld, e, "kunciLastUsed");
	g->last_reviewed = dir_get_time(ld, e, "kunciLastReviewed");
	/* Not active, suspended or expired within the last interval: not
	 * in scope (see scope_filter, which cannot say it to slapd
	 * cheaply). */
	if (strcasecmp(g->status, "active") != 0 &&
	    strcasecmp(g->status, "suspended") != 0 &&
	    strcasecmp(g->status, "expired") != 0)
		return EX_OK;
	if (strcasecmp(g->status, "expired") == 0 && (g->not_after == 0 ||
	    g->not_after < s->now - (time_t)s->cfg->review.interval))
		return EX_OK;
	s->n++;
	return EX_OK;
}

/*
 * The grants a campaign covers: active, suspended, and expired within the
 * last interval.  slapd (back-mdb) works a paged search's candidates out
 * again for every page, so the filter names only what it can answer in
 * constant time per page whatever the number of grants: the grants, but
 * the revoked ones (an index slot over 65,536 entries is kept as a range;
 * a negation is a range), and the scope's resource.  scan_entry keeps the
 * statuses in scope.  Measured (bench/RESULTS.md, "Scale to a province"):
 * (kunciNotAfter>=t) is the union of one index slot per distinct end time,
 * O(grants) per page; so is (kunciStatus=expired), a list of the 5% of
 * grants past their end, in an OR of the statuses: a paged read of a
 * million grants took 17.8 s of slapd's CPU with that OR, 4.6 s without,
 * against 0.5 s for 100,000.
 */
static int
scope_filter(const struct rv_campaign *k, char *buf, size_t sz)
{
	char esc[3 * DIR_NAME_MAX + 1];

	if (k->scope[0] != '\0') {
		if (ldapc_escape_filter(esc, sizeof(esc), k->scope) == -1)
			return -1;
	} else
		esc[0] = '\0';
	return snprintf(buf, sz, "(&(objectClass=kunciGrant)"
	    "(!(kunciStatus=revoked))%s%s%s)",
	    esc[0] ? "(kunciResource=" : "", esc, esc[0] ? ")" : "") >=
	    (int)sz ? -1 : 0;
}

static int
run_scan(struct wf *w, const struct rv_campaign *k, int resume,
    long *grants, long *flagged)
{
	char *attrs[] = { U("kunciId"), U("kunciSubject"), U("kunciResource"),
	    U("kunciStatus"), U("kunciRequestRef"), U("kunciNotBefore"),
	    U("kunciNotAfter"), U("kunciCreated"), U("kunciLastUsed"),
	    U("kunciLastReviewed"), NULL };
	char base[DIR_DN_MAX], filter[3 * DIR_NAME_MAX + 256];
	struct rv_dir d;
	struct scan s;
	size_t i;
	int st;

	memset(&s, 0, sizeof(s));
	if ((st = rvdir_load(w, &d, k->created)) != EX_OK)
		goto out;
	s.w = w;
	s.cfg = w->cfg;
	s.d = &d;
	s.k = k;
	s.now = k->created;
	s.resume = resume;
	if ((s.page = calloc(RV_PAGE, sizeof(*s.page))) == NULL ||
	    (s.lines = calloc(RV_PAGE, RV_LINE_MAX)) == NULL ||
	    (s.keys = calloc(RV_PAGE, sizeof(*s.keys))) == NULL) {
		st = wf_fail(w, EX_OSERR, _("out of memory"));
		goto out;
	}
	if ((s.ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		st = EX_UNAVAILABLE;
		goto out;
	}
	if (scope_filter(k, filter, sizeof(filter)) == -1) {
		st = wf_fail(w, EX_DATAERR, _("bad scope"));
		goto out;
	}
	snprintf(base, sizeof(base), "ou=grants,%s",
	    w->cfg->directory.kunci_base);
	if ((s.pairs = calloc(2 * w->cfg->review.nincompatible + 1,
	    sizeof(*s.pairs))) == NULL) {
		st = wf_fail(w, EX_OSERR, _("out of memory"));
		goto out;
	}
	for (i = 0; i < 2 * w->cfg->review.nincompatible; i++)
		if ((st = pairside_load(w, w->cfg->review.incompatible[i],
		    s.now, &s.pairs[i])) != EX_OK)
			goto out;
	st = rv_paged(w, base, LDAP_SCOPE_ONELEVEL, filter, attrs, scan_entry,
	    scan_page, &s);
	if (st == EX_OK)
		st = scan_page(&s);
	if (st == EX_OK)
		st = drain(&s, 0);
	else
		(void)drain(&s, 0);
	*grants = s.grants;
	*flagged = s.flagged;
	log_debug("review %s: %ld grants, %ld flagged, %ld pages written, "
	    "%ld grants already recorded, %ld ms paused for other commands",
	    k->id, s.grants, s.flagged, s.written, s.existed, s.yielded);
out:
	if (s.pairs != NULL)
		for (i = 0; i < 2 * w->cfg->review.nincompatible; i++)
			pairside_free(&s.pairs[i]);
	free(s.pairs);
	free(s.page);
	free(s.lines);
	free(s.keys);
	rvdir_free(&d);
	return st;
}

/* ------------------------------------------------------- review start */

int
rv_start_campaign(struct admin_call *c, const char *period, const char *scope,
    struct rv_campaign *k, int *created)
{
	struct wf *w = admin_wf();
	const struct kunci_cfg *cfg = w->cfg;
	struct dir_mods m;
	char buf[32], stats[128], old[32], af[64], ng[24], nf[24];
	time_t now = time(NULL);
	long grants = 0, flagged = 0;
	LDAP *ld;
	int rc, st, resume = 0;

	*created = 0;
	memset(k, 0, sizeof(*k));
	if (scope != NULL)
		snprintf(k->id, sizeof(k->id), "%s@%s", period, scope);
	else
		u_strlcpy(k->id, period, sizeof(k->id));
	u_strlcpy(k->period, period, sizeof(k->period));
	u_strlcpy(k->scope, scope != NULL ? scope : "", sizeof(k->scope));
	if (rv_campaign_dn(w, k->id, k->dn, sizeof(k->dn)) == -1)
		return wf_fail(w, EX_DATAERR, _("bad campaign id"));
	k->created = now;
	k->deadline = now + (time_t)cfg->review.deadline;
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciReviewCampaign");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", k->id);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciPeriod", period);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciScope", scope != NULL ? scope :
	    "*");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciState", "opening");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciWorkflow", "C2");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStep", rv_actor_of(c));
	dir_gentime(buf, sizeof(buf), now);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciUpdated", buf);
	dir_gentime(buf, sizeof(buf), k->deadline);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciDeadline", buf);
	if (m.err) {
		dir_mods_free(&m);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		dir_mods_free(&m);
		return EX_UNAVAILABLE;
	}
	/* The commit point: of all hosts, one creates the campaign. */
	rc = ldap_add_ext_s(ld, k->dn, m.p, NULL, NULL);
	dir_mods_free(&m);
	if (rc == LDAP_ALREADY_EXISTS) {
		if ((st = rv_campaign_load(w, k->id, k)) != EX_OK)
			return st;
		if (strcmp(k->state, "opening") != 0 ||
		    k->updated > now - RV_STALE)
			return EX_OK;
		/* Left half-done by a crash: claim it (asserted) and go on;
		 * pages already written are kept, and their grants skipped. */
		dir_gentime(old, sizeof(old), k->updated);
		snprintf(af, sizeof(af), "(kunciUpdated=%s)", old);
		dir_mods_init(&m);
		dir_gentime(buf, sizeof(buf), now);
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
		st = rv_campaign_modify(w, k, af, &m);
		dir_mods_free(&m);
		if (st != EX_OK)
			return st;
		log_info("review %s: resuming an interrupted start", k->id);
		resume = 1;
	} else if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("creating the campaign"));
	*created = 1;
	log_audit("review.start", "campaign", k->id, "actor", rv_actor_of(c),
	    "as", c->a.as, "period", period, "scope", scope != NULL ? scope :
	    "*", NULL);
	if ((st = run_scan(w, k, resume, &grants, &flagged)) != EX_OK) {
		log_warnx("review %s: scan failed: %s", k->id, i18n_en(w->err));
		return st;
	}
	snprintf(stats, sizeof(stats), "stats grants=%ld flagged=%ld",
	    grants, flagged);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState", "open");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", stats);
	dir_gentime(buf, sizeof(buf), time(NULL));
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
	st = rv_campaign_modify(w, k, "(kunciState=opening)", &m);
	dir_mods_free(&m);
	if (st != EX_OK)
		return st;
	u_strlcpy(k->state, "open", sizeof(k->state));
	snprintf(k->stats, sizeof(k->stats), "grants=%ld flagged=%ld", grants,
	    flagged);
	snprintf(ng, sizeof(ng), "%ld", grants);
	snprintf(nf, sizeof(nf), "%ld", flagged);
	log_audit("review.open", "campaign", k->id, "grants", ng, "flagged",
	    nf, "deadline", buf, NULL);
	return EX_OK;
}
