/*
 * review.c: periodic access review (procedure C2, issue 6): campaigns,
 * stale-access findings, attestation by the access owners, the policy for
 * unanswered grants at the deadline, and the review forms.
 *
 *   review start [--resource R] [--period P]	admin or escalate_to role
 *   review list | review show CAMPAIGN
 *   review attest CAMPAIGN GRANT[,GRANT...]... valid|invalid --note TEXT
 *   review enforce CAMPAIGN [--dry-run]		admin or escalate_to role
 *   review close CAMPAIGN			admin or escalate_to role
 *   review report CAMPAIGN [--form review|list] [--format text|csv|json|html]
 *
 * The data model and the idempotence rules are in review.h.
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
 *
 * Commands run on an admin worker, the tick on the scheduler's thread,
 * each on its own engine and connection.
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

#define U(s)		((char *)(uintptr_t)(s))	/* libldap wants char * */
#define RV_PAGE		500	/* entries per page of a paged search */
#define RV_WINDOW	4	/* finding pages being added at once */
#define RV_LINE_MAX	1024	/* one finding line (below) */
#define RV_PAGE_PREFIX	"page-"	/* kunciId of a finding page */
#define RV_STALE	600	/* an "opening" campaign untouched this long
				   was left by a crash: resume it */
#define RV_MAX_BULK	2000	/* grants in one attest */
#define RV_TICK_EVERY	5	/* seconds between scheduler passes */
#define LIST_SHOW_MAX	200	/* rows review show prints */

/* ------------------------------------------------------------ findings */

enum {
	F_RESOURCE_GONE, F_HOLDER_MISSING, F_HOLDER_DISABLED,
	F_SOD_SELF, F_SOD_INCOMPATIBLE, F_EXPIRED, F_LEFT_UNIT,
	F_NEVER_USED, F_UNUSED, F_NOT_REVIEWED, F_COUNT
};

/* Ordered by weight: the risk of a grant is the sum of its findings'. */
static const struct finding_def {
	const char	*code;
	int		 risk;
	const char	*en, *id;
} fdefs[F_COUNT] = {
	{ "resource-gone", 100, "resource no longer exists",
	    "sumber daya sudah tidak ada" },
	{ "holder-missing", 95, "holder not in the directory",
	    "pemegang tidak ada di direktori" },
	{ "holder-disabled", 90, "holder disabled",
	    "pemegang dinonaktifkan" },
	{ "sod-self-approved", 85, "holder approved their own request",
	    "pemegang menyetujui permohonannya sendiri" },
	{ "sod-incompatible", 80, "holds an incompatible grant",
	    "memegang hak akses yang tidak boleh digabung" },
	{ "expired", 70, "expired", "kedaluwarsa" },
	{ "holder-left-unit", 60, "holder no longer in the unit",
	    "pemegang tidak lagi di unit kerja" },
	{ "never-used", 50, "never used", "tidak pernah dipakai" },
	{ "unused", 40, "not used for too long", "lama tidak dipakai" },
	{ "not-reviewed", 20, "not reviewed within the interval",
	    "belum direview dalam periode" },
};

static const struct {
	const char	*code, *en, *id;
} ddefs[] = {
	{ "pending", "awaiting attestation", "menunggu verifikasi" },
	{ "valid", "valid", "sah" },
	{ "invalid", "invalid: removal", "tidak sah: penghapusan" },
	{ "escalated", "escalated", "dieskalasi" },
	{ "removed", "removed (no answer)", "dicabut (tidak dijawab)" },
	{ "spared", "kept: last holder of a critical resource",
	    "dipertahankan: pemegang terakhir sumber daya kritis" },
	{ NULL, NULL, NULL }
};

static const char *
decision_label(int en, const char *code)
{
	size_t i;

	for (i = 0; ddefs[i].code != NULL; i++)
		if (strcmp(ddefs[i].code, code) == 0)
			return en ? ddefs[i].en : ddefs[i].id;
	return code;
}

static int
finding_index(const char *code)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (strcmp(fdefs[i].code, code) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------- helpers */

static uint64_t
hash_ci(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)tolower((unsigned char)*s);
		h *= 1099511628211ULL;
	}
	return h;
}

/* A resource pattern: exact, or a prefix ending in '*'. */
static int
pattern_match(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n > 0 && pat[n - 1] == '*')
		return strncasecmp(pat, name, n - 1) == 0;
	return strcasecmp(pat, name) == 0;
}

/* "(kunciResource=<pat>)" with the value escaped, a trailing '*' kept. */
static int
pattern_filter(const char *pat, char *dst, size_t sz)
{
	char v[DIR_NAME_MAX + 1], esc[3 * DIR_NAME_MAX + 1];
	size_t n = strlen(pat);
	int star = n > 0 && pat[n - 1] == '*';

	if (n > DIR_NAME_MAX)
		return -1;
	u_strlcpy(v, pat, sizeof(v));
	if (star)
		v[n - 1] = '\0';
	if (ldapc_escape_filter(esc, sizeof(esc), v) == -1)
		return -1;
	return snprintf(dst, sz, "(kunciResource=%s%s)", esc, star ? "*" :
	    "") >= (int)sz ? -1 : 0;
}

static int
valid_period(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > REVIEW_PERIOD_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int
has_role(const struct admin_call *c, const char *role)
{
	int i;

	if (role == NULL || *role == '\0')
		return 0;
	i = dir_role_index(c->ctx->cfg, role);
	return i >= 0 && ((c->a.roles >> i) & 1);
}

/* Admin, root, or the role unanswered grants escalate to (the Kasi). */
static int
may_run(const struct admin_call *c)
{
	return c->a.admin || has_role(c, c->ctx->cfg->review.escalate_to);
}

static const char *
actor_of(const struct admin_call *c)
{
	return c->a.person ? c->a.p.uid : c->caller;
}

void
review_period(const struct kunci_cfg *cfg, time_t t, char *buf, size_t sz)
{
	struct tm tm;
	int64_t iv = cfg->review.interval;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	if (iv <= 31 * 86400)
		snprintf(buf, sz, "%04d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1);
	else if (iv <= 92 * 86400)
		snprintf(buf, sz, "%04d-q%d", tm.tm_year + 1900,
		    tm.tm_mon / 3 + 1);
	else if (iv <= 184 * 86400)
		snprintf(buf, sz, "%04d-h%d", tm.tm_year + 1900,
		    tm.tm_mon / 6 + 1);
	else
		snprintf(buf, sz, "%04d", tm.tm_year + 1900);
}

/* -------------------------------------------------- a string hash map */

struct smap {
	char		**key;
	uint32_t	 *val;
	size_t		  cap, n;
};

static void
smap_free(struct smap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static int
smap_grow(struct smap *m)
{
	struct smap nm;
	size_t i, j, cap = m->cap ? m->cap * 2 : 64;

	memset(&nm, 0, sizeof(nm));
	if ((nm.key = calloc(cap, sizeof(*nm.key))) == NULL ||
	    (nm.val = calloc(cap, sizeof(*nm.val))) == NULL) {
		free(nm.key);
		return -1;
	}
	nm.cap = cap;
	for (i = 0; i < m->cap; i++) {
		if (m->key[i] == NULL)
			continue;
		j = hash_ci(m->key[i]) & (cap - 1);
		while (nm.key[j] != NULL)
			j = (j + 1) & (cap - 1);
		nm.key[j] = m->key[i];
		nm.val[j] = m->val[i];
	}
	nm.n = m->n;
	free(m->key);
	free(m->val);
	*m = nm;
	return 0;
}

/* Case-insensitive keys.  Returns 0, or -1 when out of memory. */
static int
smap_put(struct smap *m, const char *k, uint32_t v)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && smap_grow(m) == -1)
		return -1;
	j = hash_ci(k) & (m->cap - 1);
	while (m->key[j] != NULL) {
		if (strcasecmp(m->key[j], k) == 0) {
			m->val[j] = v;
			return 0;
		}
		j = (j + 1) & (m->cap - 1);
	}
	if ((m->key[j] = strdup(k)) == NULL)
		return -1;
	m->val[j] = v;
	m->n++;
	return 0;
}

static int
smap_get(const struct smap *m, const char *k, uint32_t *v)
{
	size_t j;

	if (m->cap == 0)
		return 0;
	j = hash_ci(k) & (m->cap - 1);
	while (m->key[j] != NULL) {
		if (strcasecmp(m->key[j], k) == 0) {
			if (v != NULL)
				*v = m->val[j];
			return 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return 0;
}

/* A DN in a comparable form (normalised, lower case). */
static char *
norm_dn(const char *dn)
{
	char *n = NULL, *r, *p;

	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAPV3, &n,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || n == NULL)
		r = strdup(dn);
	else
		r = strdup(n);
	ldap_memfree(n);
	if (r != NULL)
		for (p = r; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	return r;
}

/* ------------------------------------------------------- paged search */

typedef int (*rv_entry_fn)(LDAP *, LDAPMessage *, void *);
typedef int (*rv_page_fn)(void *);

/*
 * Search with the paged results control (RFC 2696), RV_PAGE entries at a
 * time; fn for each entry, then page (if not NULL) after each page.  A
 * missing base is an empty result.
 */
static int
paged(struct wf *w, const char *base, int scope, const char *filter,
    char **attrs, rv_entry_fn fn, rv_page_fn page, void *arg)
{
	struct berval ck = { 0, NULL };
	LDAPControl *pc = NULL, *sc[2], **rc_ctrls = NULL, *rp;
	LDAPMessage *res = NULL, *e;
	ber_int_t count;
	LDAP *ld;
	int rc, err = LDAP_SUCCESS, st = EX_OK;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	for (;;) {
		rc = ldap_create_page_control(ld, RV_PAGE, &ck, 1, &pc);
		if (rc != LDAP_SUCCESS) {
			st = wf_ldfail(w, rc, "paged search");
			break;
		}
		sc[0] = pc;
		sc[1] = NULL;
		res = NULL;
		rc = ldap_search_ext_s(ld, base, scope, filter, attrs, 0, sc,
		    NULL, NULL, 0, &res);
		ldap_control_free(pc);
		pc = NULL;
		if (rc == LDAP_NO_SUCH_OBJECT) {
			ldap_msgfree(res);
			break;
		}
		if (rc != LDAP_SUCCESS) {
			ldap_msgfree(res);
			st = wf_ldfail(w, rc, "paged search");
			break;
		}
		for (e = ldap_first_entry(ld, res); e != NULL && st == EX_OK;
		    e = ldap_next_entry(ld, e))
			st = fn(ld, e, arg);
		rc = ldap_parse_result(ld, res, &err, NULL, NULL, NULL,
		    &rc_ctrls, 1);
		res = NULL;
		if (ck.bv_val != NULL) {
			ldap_memfree(ck.bv_val);
			ck.bv_val = NULL;
			ck.bv_len = 0;
		}
		if (rc == LDAP_SUCCESS && rc_ctrls != NULL &&
		    (rp = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS,
		    rc_ctrls, NULL)) != NULL)
			(void)ldap_parse_pageresponse_control(ld, rp, &count,
			    &ck);
		ldap_controls_free(rc_ctrls);
		rc_ctrls = NULL;
		if (st == EX_OK && page != NULL)
			st = page(arg);
		if (st != EX_OK || ck.bv_val == NULL || ck.bv_len == 0)
			break;
	}
	if (ck.bv_val != NULL && ck.bv_len > 0 && st != EX_OK) {
		/* Tell the server we are done with this search. */
		if (ldap_create_page_control(ld, 0, &ck, 0, &pc) ==
		    LDAP_SUCCESS) {
			sc[0] = pc;
			sc[1] = NULL;
			(void)ldap_search_ext_s(ld, base, scope, filter,
			    attrs, 0, sc, NULL, NULL, 0, &res);
			ldap_msgfree(res);
			ldap_control_free(pc);
		}
	}
	if (ck.bv_val != NULL)
		ldap_memfree(ck.bv_val);
	return st;
}

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
	smap_free(&d->by_uid);
	for (i = 0; i < d->nr; i++) {
		free(d->r[i].name);
		for (j = 0; j < d->r[i].nowner; j++)
			free(d->r[i].owner[j]);
		free(d->r[i].owner);
	}
	free(d->r);
	smap_free(&d->by_res);
	for (i = 0; i < d->nunit; i++)
		smap_free(&d->unit[i]);
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
	np->ndn = norm_dn(dn);
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
	if (smap_put(&d->by_uid, uid, (uint32_t)d->np) == -1) {
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
	if (smap_put(&d->by_res, nr->name, (uint32_t)d->nr) == -1)
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
		return wf_ldfail(w, rc, "reading a unit group");
	}
	if ((e = ldap_first_entry(ld, res)) != NULL &&
	    (v = ldap_get_values_len(ld, e, "member")) != NULL) {
		cnt = ldap_count_values_len(v);
		for (i = 0; i < cnt; i++) {
			char *s = strndup(v[i]->bv_val, v[i]->bv_len);

			n = s != NULL ? norm_dn(s) : NULL;
			free(s);
			if (n == NULL || smap_put(m, n, 1) == -1) {
				free(n);
				ldap_value_free_len(v);
				ldap_msgfree(res);
				return wf_fail(w, EX_OSERR, "out of memory");
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
	if ((st = paged(w, cfg->directory.people_base, LDAP_SCOPE_SUBTREE,
	    "(uid=*)", pattrs, load_person, NULL, d)) != EX_OK)
		return st == EX_OSERR ? wf_fail(w, st, "out of memory") : st;
	snprintf(base, sizeof(base), "ou=resources,%s",
	    cfg->directory.kunci_base);
	if ((st = paged(w, base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciManagedResource)", rattrs, load_res, NULL,
	    d)) != EX_OK)
		return st == EX_OSERR ? wf_fail(w, st, "out of memory") : st;
	if (cfg->review.nunits > 0) {
		if ((d->unit = calloc(cfg->review.nunits, sizeof(*d->unit))) ==
		    NULL)
			return wf_fail(w, EX_OSERR, "out of memory");
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

	return smap_get(&d->by_res, name, &i) ? &d->r[i] : NULL;
}

/* ------------------------------------------------------------ campaigns */

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

static int
campaign_dn(struct wf *w, const char *id, char *dn, size_t sz)
{
	char esc[3 * REVIEW_ID_MAX + 1];

	if (strlen(id) > REVIEW_ID_MAX ||
	    ldapc_escape_dn(esc, sizeof(esc), id) == -1)
		return -1;
	return snprintf(dn, sz, "kunciId=%s,ou=reviews,%s", esc,
	    w->cfg->directory.kunci_base) >= (int)sz ? -1 : 0;
}

static char *camp_attrs[] = { U("kunciId"), U("kunciPeriod"),
    U("kunciScope"), U("kunciState"), U("kunciCreated"), U("kunciUpdated"),
    U("kunciDeadline"), U("kunciNote"), U("kunciStep"), NULL };

static void
parse_campaign(LDAP *ld, LDAPMessage *e, struct rv_campaign *k)
{
	char *dn;
	struct berval **v;
	int i, n;

	memset(k, 0, sizeof(*k));
	if ((dn = ldap_get_dn(ld, e)) != NULL) {
		u_strlcpy(k->dn, dn, sizeof(k->dn));
		ldap_memfree(dn);
	}
	dir_get(ld, e, "kunciId", k->id, sizeof(k->id));
	dir_get(ld, e, "kunciPeriod", k->period, sizeof(k->period));
	dir_get(ld, e, "kunciScope", k->scope, sizeof(k->scope));
	if (strcmp(k->scope, "*") == 0)
		k->scope[0] = '\0';
	dir_get(ld, e, "kunciState", k->state, sizeof(k->state));
	dir_get(ld, e, "kunciStep", k->actor, sizeof(k->actor));
	k->created = dir_get_time(ld, e, "kunciCreated");
	k->updated = dir_get_time(ld, e, "kunciUpdated");
	k->deadline = dir_get_time(ld, e, "kunciDeadline");
	if ((v = ldap_get_values_len(ld, e, "kunciNote")) != NULL) {
		n = ldap_count_values_len(v);
		for (i = 0; i < n; i++)
			if (v[i]->bv_len > 6 &&
			    strncmp(v[i]->bv_val, "stats ", 6) == 0) {
				snprintf(k->stats, sizeof(k->stats), "%.*s",
				    (int)v[i]->bv_len - 6, v[i]->bv_val + 6);
			}
		ldap_value_free_len(v);
	}
}

/* EX_NOINPUT when there is no such campaign. */
static int
campaign_load(struct wf *w, const char *id, struct rv_campaign *k)
{
	LDAPMessage *res = NULL, *e;
	char dn[DIR_DN_MAX], idc[REVIEW_ID_MAX + 1];
	LDAP *ld;
	int rc;

	/* id may point into k */
	u_strlcpy(idc, id, sizeof(idc));
	if (campaign_dn(w, idc, dn, sizeof(dn)) == -1) {
		memset(k, 0, sizeof(*k));
		return wf_fail(w, EX_NOINPUT, "unknown campaign: %.80s", idc);
	}
	memset(k, 0, sizeof(*k));
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=kunciReviewCampaign)", camp_attrs, 0, NULL, NULL,
	    NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS &&
	    (e = ldap_first_entry(ld, res)) == NULL)) {
		ldap_msgfree(res);
		return wf_fail(w, EX_NOINPUT, "unknown campaign: %.80s", idc);
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, "reading the campaign");
	}
	parse_campaign(ld, e, k);
	ldap_msgfree(res);
	return EX_OK;
}

/* Modify the campaign asserting its state (EX_TEMPFAIL when it moved). */
static int
campaign_modify(struct wf *w, const struct rv_campaign *k,
    const char *assert_filter, struct dir_mods *m)
{
	int st;

	st = wf_modify_asserted(w, k->dn, assert_filter, m,
	    "updating the campaign");
	if (st == EX_TEMPFAIL)
		st = wf_fail(w, EX_TEMPFAIL, "campaign %s changed meanwhile",
		    k->id);
	return st;
}

/*
 * Add a campaign event with a deterministic RDN: EX_OK the first time,
 * EX_CANTCREAT when it exists (another host or an earlier pass did it).
 */
static int
campaign_event(struct wf *w, const struct rv_campaign *k, const char *rdn,
    const char *actor, const char *decision, char *const *notes,
    size_t nnotes)
{
	char dn[DIR_DN_MAX + 128], now[32], **vals = NULL;
	char *oc[] = { U("kunciEvent"), NULL }, *idv[] = { U(rdn), NULL };
	char *tv[] = { now, NULL }, *av[] = { U(actor), NULL };
	char *dv[] = { U(decision), NULL };
	LDAPMod m[6], *p[7];
	LDAP *ld;
	int rc, n = 0, st = EX_OK;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", rdn, k->dn);
	dir_gentime(now, sizeof(now), time(NULL));
#define MOD(a, v) do { m[n].mod_op = LDAP_MOD_ADD; m[n].mod_type = U(a); \
	m[n].mod_values = (v); p[n] = &m[n]; n++; } while (0)
	MOD("objectClass", oc);
	MOD("kunciId", idv);
	MOD("kunciTime", tv);
	MOD("kunciActor", av);
	MOD("kunciDecision", dv);
	if (nnotes > 0) {
		if ((vals = calloc(nnotes + 1, sizeof(*vals))) == NULL)
			return wf_fail(w, EX_OSERR, "out of memory");
		memcpy(vals, notes, nnotes * sizeof(*vals));
		MOD("kunciNote", vals);
	}
#undef MOD
	p[n] = NULL;
	rc = ldap_add_ext_s(ld, dn, p, NULL, NULL);
	if (rc == LDAP_ALREADY_EXISTS)
		st = EX_CANTCREAT;
	else if (rc != LDAP_SUCCESS)
		st = wf_ldfail(w, rc, "writing a campaign event");
	free(vals);
	return st;
}

/* An event's time and notes (NULL notes: not wanted).  EX_NOINPUT when
 * it does not exist. */
static int
campaign_get_event(struct wf *w, const struct rv_campaign *k,
    const char *rdn, time_t *t, struct berval ***notes)
{
	char dn[DIR_DN_MAX + 128];
	char *attrs[] = { U("kunciTime"), U("kunciNote"), NULL };
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc;

	*t = 0;
	if (notes != NULL)
		*notes = NULL;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", rdn, k->dn);
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return EX_NOINPUT;
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, "reading a campaign event");
	}
	if ((e = ldap_first_entry(ld, res)) != NULL) {
		*t = dir_get_time(ld, e, "kunciTime");
		if (notes != NULL)
			*notes = ldap_get_values_len(ld, e, "kunciNote");
	}
	ldap_msgfree(res);
	return e != NULL ? EX_OK : EX_NOINPUT;
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
	struct pairside		*pairs;		/* per incompatible pair:
						   its two sides */
	long			 grants, flagged, written, existed;
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
	if (!smap_get(&s->d->by_uid, g->subject, &i))
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
			if (pattern_match(cfg->review.units[2 * u],
			    g->resource) &&
			    !smap_get(&s->d->unit[u], p->ndn, NULL))
				g->flags |= 1u << F_LEFT_UNIT;
}

/* Append "(attr=v)" for each distinct v; 0, or -1 when it did not fit. */
static int
or_values(struct strbuf *sb, struct smap *seen, const char *attr,
    const char *v)
{
	char esc[3 * DIR_NAME_MAX + 1];

	if (smap_get(seen, v, NULL))
		return 0;
	if (smap_put(seen, v, 1) == -1 ||
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
			st = wf_fail(s->w, EX_SOFTWARE, "filter too long");
			goto out;
		}
		any++;
	}
	sb_puts(&f, "))");
	if (any == 0 || sb_err(&f))
		goto out;
	snprintf(base, sizeof(base), "ou=requests,%s",
	    s->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(s->ld, base, LDAP_SCOPE_SUBTREE, sb_str(&f),
	    attrs, 0, NULL, NULL, NULL, 0, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		st = wf_ldfail(s->w, rc, "reading approvals");
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
	smap_free(&seen);
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
	smap_free(&ps->by_subj);
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
	if (smap_get(&ps->by_subj, subj, &i)) {
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
	if (smap_put(&ps->by_subj, subj, (uint32_t)ps->n) == -1)
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
	if (pattern_filter(pat, rf, sizeof(rf)) == -1)
		return EX_OK;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciStatus=active)%s)", rf);
	snprintf(base, sizeof(base), "ou=grants,%s",
	    w->cfg->directory.kunci_base);
	st = paged(w, base, LDAP_SCOPE_ONELEVEL, filter, attrs, pairside_add,
	    NULL, ps);
	if (st == EX_OSERR)
		st = wf_fail(w, st, "out of memory");
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
		if (!active_now(g, s->now) || !pattern_match(a, g->resource) ||
		    !smap_get(&b->by_subj, g->subject, &j))
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
			    "writing findings");
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
			    wf_ldfail(s->w, err, "writing a finding page") :
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

static void
dec_field(char *dst, size_t sz, const char *src, size_t len)
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
			u_strlcat(codes, fdefs[i].code, sizeof(codes));
		}
	if (g->not_after != 0)
		dir_gentime(na, sizeof(na), g->not_after);
	else
		u_strlcpy(na, "-", sizeof(na));
	snprintf(buf, sz, "%s %d %s %s %s %s", id, g->risk, codes[0] ? codes :
	    "-", na, subj, g->resource);
}

/* The grants of this page already in a page of the campaign (a resumed
 * start): into have.  One search, bounded by the page. */
static int
recorded(struct scan *s, struct smap *have)
{
	char *attrs[] = { U("kunciId"), U("kunciGrantRef"), NULL };
	char id[WF_ID_MAX + 8], ref[WF_ID_MAX + 1];
	struct strbuf f;
	struct smap seen;
	struct berval **v;
	LDAPMessage *res = NULL, *e;
	size_t i;
	int rc, j, n, st = EX_OK;

	memset(&seen, 0, sizeof(seen));
	sb_init(&f, 1u << 20);
	sb_puts(&f, "(&(objectClass=kunciReviewFinding)(kunciId="
	    RV_PAGE_PREFIX "*)(|");
	for (i = 0; i < s->n; i++)
		if (or_values(&f, &seen, "kunciGrantRef", s->page[i].id) ==
		    -1) {
			st = wf_fail(s->w, EX_SOFTWARE, "filter too long");
			goto out;
		}
	sb_puts(&f, "))");
	if (sb_err(&f)) {
		st = wf_fail(s->w, EX_OSERR, "out of memory");
		goto out;
	}
	rc = ldap_search_ext_s(s->ld, s->k->dn, LDAP_SCOPE_ONELEVEL,
	    sb_str(&f), attrs, 0, NULL, NULL, NULL, 0, &res);
	if (rc != LDAP_SUCCESS) {
		st = wf_ldfail(s->w, rc, "reading recorded findings");
		goto out;
	}
	for (e = ldap_first_entry(s->ld, res); e != NULL;
	    e = ldap_next_entry(s->ld, e)) {
		if (dir_get(s->ld, e, "kunciId", id, sizeof(id)) == -1 ||
		    strncmp(id, RV_PAGE_PREFIX, strlen(RV_PAGE_PREFIX)) != 0 ||
		    (v = ldap_get_values_len(s->ld, e, "kunciGrantRef")) ==
		    NULL)
			continue;
		n = ldap_count_values_len(v);
		for (j = 0; j < n && st == EX_OK; j++) {
			snprintf(ref, sizeof(ref), "%.*s", (int)v[j]->bv_len,
			    v[j]->bv_val);
			if (smap_get(&seen, ref, NULL) &&
			    smap_put(have, ref, 1) == -1)
				st = wf_fail(s->w, EX_OSERR, "out of memory");
		}
		ldap_value_free_len(v);
	}
out:
	ldap_msgfree(res);
	sb_free(&f);
	smap_free(&seen);
	return st;
}

/*
 * Add the page's findings as one entry, kunciId=page-<first grant>: one
 * kunciGrantRef (indexed) and one finding line per grant.  Asynchronous,
 * RV_WINDOW pages in flight; libldap has encoded the request when
 * ldap_add_ext() returns, so the page buffer is free again.
 */
static int
write_page(struct scan *s)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    pid[WF_ID_MAX + 8];
	char *oc[] = { U("kunciReviewFinding"), NULL }, *idv[] = { pid, NULL };
	char **refs = NULL, **lines = NULL;
	struct smap have;
	LDAPMod m[4], *p[5];
	size_t i, n = 0;
	int rc, msgid, st = EX_OK;

	memset(&have, 0, sizeof(have));
	if (s->resume && (st = recorded(s, &have)) != EX_OK)
		goto out;
	if ((refs = calloc(s->n + 1, sizeof(*refs))) == NULL ||
	    (lines = calloc(s->n + 1, sizeof(*lines))) == NULL) {
		st = wf_fail(s->w, EX_OSERR, "out of memory");
		goto out;
	}
	for (i = 0; i < s->n; i++) {
		if (smap_get(&have, s->page[i].id, NULL)) {
			s->existed++;
			continue;
		}
		lines[n] = s->lines + n * RV_LINE_MAX;
		format_line(lines[n], RV_LINE_MAX, &s->page[i]);
		refs[n] = s->page[i].id;
		n++;
	}
	if (n == 0)
		goto out;
	snprintf(pid, sizeof(pid), RV_PAGE_PREFIX "%s", refs[0]);
	if (ldapc_escape_dn(esc, sizeof(esc), pid) == -1) {
		st = wf_fail(s->w, EX_DATAERR, "bad grant id %.40s", refs[0]);
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
	rc = ldap_add_ext(s->ld, dn, p, NULL, NULL, &msgid);
	if (rc != LDAP_SUCCESS) {
		st = wf_ldfail(s->w, rc, "writing findings");
		goto out;
	}
	s->inflight++;
out:
	free(refs);
	free(lines);
	smap_free(&have);
	return st;
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
				g->risk += fdefs[j].risk;
		s->grants++;
		if (g->flags != 0)
			s->flagged++;
	}
	if ((st = write_page(s)) != EX_OK)
		return st;
	s->n = 0;
	return EX_OK;
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
	s->n++;
	return EX_OK;
}

/* The grants a campaign covers, as a filter. */
static int
scope_filter(const struct kunci_cfg *cfg, const struct rv_campaign *k,
    time_t now, char *buf, size_t sz)
{
	char t[32], esc[3 * DIR_NAME_MAX + 1];

	dir_gentime(t, sizeof(t), now - (time_t)cfg->review.interval);
	if (k->scope[0] != '\0') {
		if (ldapc_escape_filter(esc, sizeof(esc), k->scope) == -1)
			return -1;
	} else
		esc[0] = '\0';
	return snprintf(buf, sz, "(&(objectClass=kunciGrant)"
	    "(|(kunciStatus=active)(kunciStatus=suspended)"
	    "(&(kunciStatus=expired)(kunciNotAfter>=%s)))%s%s%s)", t,
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
	    (s.lines = calloc(RV_PAGE, RV_LINE_MAX)) == NULL) {
		st = wf_fail(w, EX_OSERR, "out of memory");
		goto out;
	}
	if ((s.ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		st = EX_UNAVAILABLE;
		goto out;
	}
	if (scope_filter(w->cfg, k, s.now, filter, sizeof(filter)) == -1) {
		st = wf_fail(w, EX_DATAERR, "bad scope");
		goto out;
	}
	snprintf(base, sizeof(base), "ou=grants,%s",
	    w->cfg->directory.kunci_base);
	if ((s.pairs = calloc(2 * w->cfg->review.nincompatible + 1,
	    sizeof(*s.pairs))) == NULL) {
		st = wf_fail(w, EX_OSERR, "out of memory");
		goto out;
	}
	for (i = 0; i < 2 * w->cfg->review.nincompatible; i++)
		if ((st = pairside_load(w, w->cfg->review.incompatible[i],
		    s.now, &s.pairs[i])) != EX_OK)
			goto out;
	st = paged(w, base, LDAP_SCOPE_ONELEVEL, filter, attrs, scan_entry,
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
	    "%ld grants already recorded", k->id, s.grants, s.flagged,
	    s.written, s.existed);
out:
	if (s.pairs != NULL)
		for (i = 0; i < 2 * w->cfg->review.nincompatible; i++)
			pairside_free(&s.pairs[i]);
	free(s.pairs);
	free(s.page);
	free(s.lines);
	rvdir_free(&d);
	return st;
}

/* ------------------------------------------------------- review start */

static int
start_campaign(struct admin_call *c, const char *period, const char *scope,
    struct rv_campaign *k, int *created)
{
	struct wf *w = admin_wf();
	const struct kunci_cfg *cfg = w->cfg;
	struct dir_mods m;
	char buf[32], stats[128], old[32], af[64];
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
	if (campaign_dn(w, k->id, k->dn, sizeof(k->dn)) == -1)
		return wf_fail(w, EX_DATAERR, "bad campaign id");
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
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStep", actor_of(c));
	dir_gentime(buf, sizeof(buf), now);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciUpdated", buf);
	dir_gentime(buf, sizeof(buf), k->deadline);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciDeadline", buf);
	if (m.err) {
		dir_mods_free(&m);
		return wf_fail(w, EX_OSERR, "out of memory");
	}
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		dir_mods_free(&m);
		return EX_UNAVAILABLE;
	}
	/* The commit point: of all hosts, one creates the campaign. */
	rc = ldap_add_ext_s(ld, k->dn, m.p, NULL, NULL);
	dir_mods_free(&m);
	if (rc == LDAP_ALREADY_EXISTS) {
		if ((st = campaign_load(w, k->id, k)) != EX_OK)
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
		st = campaign_modify(w, k, af, &m);
		dir_mods_free(&m);
		if (st != EX_OK)
			return st;
		log_info("review %s: resuming an interrupted start", k->id);
		resume = 1;
	} else if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, "creating the campaign");
	*created = 1;
	log_audit("review.start", "campaign", k->id, "actor", actor_of(c),
	    "as", c->a.as, "period", period, "scope", scope != NULL ? scope :
	    "*", NULL);
	if ((st = run_scan(w, k, resume, &grants, &flagged)) != EX_OK) {
		log_warnx("review %s: scan failed: %s", k->id, w->err);
		return st;
	}
	snprintf(stats, sizeof(stats), "stats grants=%ld flagged=%ld",
	    grants, flagged);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState", "open");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", stats);
	dir_gentime(buf, sizeof(buf), time(NULL));
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
	st = campaign_modify(w, k, "(kunciState=opening)", &m);
	dir_mods_free(&m);
	if (st != EX_OK)
		return st;
	u_strlcpy(k->state, "open", sizeof(k->state));
	snprintf(k->stats, sizeof(k->stats), "grants=%ld flagged=%ld", grants,
	    flagged);
	log_audit("review.open", "campaign", k->id, "grants",
	    stats + 13, "deadline", buf, NULL);
	return EX_OK;
}

static int
cmd_start(struct admin_call *c, int argc, char **argv)
{
	const char *resource = NULL, *period = NULL;
	struct admin_opt opts[] = { { "resource", &resource, NULL },
		{ "period", &period, NULL }, { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct dir_resource res;
	struct rv_campaign k;
	char *pos[1], p[REVIEW_PERIOD_MAX + 1], dl[32], err[256];
	int np, st, created;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!may_run(c)) {
		log_audit("review.refused", "actor", actor_of(c), "as",
		    c->a.as, "action", "start", "reason",
		    "not an administrator or the review role", NULL);
		return admin_err(c, EX_NOPERM, "refused: only an "
		    "administrator or %s may start a review",
		    w->cfg->review.escalate_to[0] ?
		    w->cfg->review.escalate_to : "root");
	}
	if (period != NULL) {
		if (!valid_period(period))
			return admin_err(c, EX_DATAERR, "bad period: %.40s "
			    "(lower-case letters, digits and '-', at most "
			    "%d)", period, REVIEW_PERIOD_MAX);
		u_strlcpy(p, period, sizeof(p));
	} else
		review_period(w->cfg, time(NULL), p, sizeof(p));
	if (resource != NULL) {
		if (strlen(resource) > DIR_NAME_MAX ||
		    !wf_utf8_valid(resource) ||
		    (st = dir_resource(admin_ldap(), w->cfg, resource, &res,
		    err, sizeof(err))) == EX_NOINPUT)
			return admin_err(c, EX_NOINPUT, "unknown resource: "
			    "%.80s", resource);
		if (st != EX_OK)
			return admin_err(c, st, "%s", err);
		resource = res.name;
	}
	if ((st = start_campaign(c, p, resource, &k, &created)) != EX_OK)
		return admin_wf_err(c, st);
	admin_fmt_time(dl, sizeof(dl), k.deadline);
	if (c->json) {
		out_json(&c->out, json_pack("{s:s,s:s,s:b,s:o,s:o}", "id",
		    k.id, "state", k.state, "created", created, "stats",
		    out_jcounts(k.stats), "deadline", admin_jtime(k.deadline)));
		return EX_OK;
	}
	if (created)
		sb_printf(&c->out, "%s %s: %s; %s %s\n", ADMIN_T(c, "campaign",
		    "kampanye review"), k.id, k.stats, ADMIN_T(c, "deadline",
		    "batas waktu"), dl);
	else
		sb_printf(&c->out, "%s %s %s (%s): %s\n", ADMIN_T(c,
		    "campaign", "kampanye review"), k.id, ADMIN_T(c,
		    "already exists", "sudah ada"), k.state, ADMIN_T(c,
		    "nothing done", "tidak ada perubahan"));
	return EX_OK;
}

/* ----------------------------------------------------- list and show */

struct list_arg {
	struct admin_call	*c;
	struct out_table	 t;
	json_t			*arr;
};

static int
list_one(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct list_arg *la = arg;
	struct admin_call *c = la->c;
	struct rv_campaign k;
	const char *cells[6];
	char dl[32], cr[32];

	parse_campaign(ld, e, &k);
	if (c->json) {
		json_array_append_new(la->arr, json_pack("{s:s,s:s,s:s,s:s,"
		    "s:o,s:o,s:o}", "id", k.id, "period", k.period, "scope",
		    k.scope[0] ? k.scope : "*", "state", k.state, "created",
		    admin_jtime(k.created), "deadline",
		    admin_jtime(k.deadline), "stats", out_jcounts(k.stats)));
		return EX_OK;
	}
	admin_fmt_time(dl, sizeof(dl), k.deadline);
	admin_fmt_time(cr, sizeof(cr), k.created);
	cells[0] = k.id;
	cells[1] = k.scope[0] ? k.scope : "*";
	cells[2] = k.state;
	cells[3] = cr;
	cells[4] = dl;
	cells[5] = k.stats;
	out_table_row(&la->t, cells);
	return EX_OK;
}

static int
cmd_list(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct list_arg la;
	const char *hdr[6];
	char *pos[1], base[DIR_DN_MAX];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "refused: reviews are for the "
		    "roles and administrators");
	memset(&la, 0, sizeof(la));
	la.c = c;
	hdr[0] = ADMIN_T(c, "CAMPAIGN", "KAMPANYE");
	hdr[1] = ADMIN_T(c, "SCOPE", "CAKUPAN");
	hdr[2] = "STATUS";
	hdr[3] = ADMIN_T(c, "STARTED", "DIMULAI");
	hdr[4] = ADMIN_T(c, "DEADLINE", "BATAS WAKTU");
	hdr[5] = ADMIN_T(c, "GRANTS", "HAK AKSES");
	if (c->json)
		la.arr = json_array();
	else
		out_table_init(&la.t, 6, hdr);
	snprintf(base, sizeof(base), "ou=reviews,%s",
	    w->cfg->directory.kunci_base);
	st = paged(w, base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciReviewCampaign)", camp_attrs, list_one, NULL,
	    &la);
	if (c->json)
		out_json(&c->out, la.arr);
	else {
		out_table_sort(&la.t, 0);
		out_table_render(&la.t, &c->out);
		out_table_free(&la.t);
	}
	return st == EX_OK ? EX_OK : admin_wf_err(c, st);
}

/* --------------------------------------------------- reading findings */

struct rv_finding {
	char	 id[WF_ID_MAX + 1];
	char	 subject[DIR_UID_MAX + 1];
	char	 resource[DIR_NAME_MAX + 1];
	char	 decision[16];
	char	 actor[DIR_UID_MAX + 1];
	char	*note;		/* joined kunciNote values, owned */
	unsigned flags;
	int	 risk;
	time_t	 time, last_used, not_after;
};

static char *find_attrs[] = { U("kunciId"), U("kunciFinding"),
    U("kunciDecision"), U("kunciActor"), U("kunciTime"), U("kunciNote"),
    NULL };

static int
is_page(LDAP *ld, LDAPMessage *e)
{
	char id[WF_ID_MAX + 8];

	return dir_get(ld, e, "kunciId", id, sizeof(id)) == 0 &&
	    strncmp(id, RV_PAGE_PREFIX, strlen(RV_PAGE_PREFIX)) == 0;
}

/* One finding line (see format_line) into f; -1 when malformed. */
static int
parse_line(const struct berval *bv, struct rv_finding *f)
{
	const char *p = bv->bv_val, *end = bv->bv_val + bv->bv_len, *q;
	const char *fld[5];
	size_t len[5], i;
	char buf[256], *tok, *save;
	const char *es;
	long long r;
	int k;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 5; i++) {
		if ((q = memchr(p, ' ', (size_t)(end - p))) == NULL)
			return -1;
		fld[i] = p;
		len[i] = (size_t)(q - p);
		p = q + 1;
	}
	dec_field(f->id, sizeof(f->id), fld[0], len[0]);
	snprintf(buf, sizeof(buf), "%.*s", (int)len[1], fld[1]);
	if (u_strtonum(buf, 0, 100000, &r, &es) == 0)
		f->risk = (int)r;
	snprintf(buf, sizeof(buf), "%.*s", (int)len[2], fld[2]);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		if ((k = finding_index(tok)) >= 0)
			f->flags |= 1u << k;
	snprintf(buf, sizeof(buf), "%.*s", (int)len[3], fld[3]);
	if (strcmp(buf, "-") != 0)
		(void)ldapc_parse_gentime(buf, &f->not_after);
	dec_field(f->subject, sizeof(f->subject), fld[4], len[4]);
	snprintf(f->resource, sizeof(f->resource), "%.*s", (int)(end - p), p);
	u_strlcpy(f->decision, "pending", sizeof(f->decision));
	return f->id[0] != '\0' ? 0 : -1;
}

/* A decision entry (kunciId=<grant>) over its finding f. */
static void
parse_decision(LDAP *ld, LDAPMessage *e, struct rv_finding *f)
{
	struct berval **v;
	int i, n;
	size_t len = 0;

	dir_get(ld, e, "kunciDecision", f->decision, sizeof(f->decision));
	dir_get(ld, e, "kunciActor", f->actor, sizeof(f->actor));
	f->time = dir_get_time(ld, e, "kunciTime");
	free(f->note);
	f->note = NULL;
	if ((v = ldap_get_values_len(ld, e, "kunciNote")) != NULL) {
		n = ldap_count_values_len(v);
		for (i = 0; i < n; i++)
			len += v[i]->bv_len + 2;
		if ((f->note = calloc(1, len + 1)) != NULL)
			for (i = 0; i < n; i++) {
				if (i > 0)
					strcat(f->note, "; ");
				strncat(f->note, v[i]->bv_val,
				    v[i]->bv_len);
			}
		ldap_value_free_len(v);
	}
}

/* Whether the campaign was escalated: then every grant nobody decided
 * reads "escalated" (one event, not one write per grant). */
static int
campaign_escalated(struct wf *w, const struct rv_campaign *k)
{
	time_t t;

	return campaign_get_event(w, k, "escalate", &t, NULL) == EX_OK;
}

/* One finding of a campaign: EX_NOINPUT when the grant is not in it.
 * One indexed search: the grant's page and its decision entry. */
static int
finding_load(struct wf *w, const struct rv_campaign *k, const char *grant,
    struct rv_finding *f)
{
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 80];
	struct rv_finding t;
	struct berval **v;
	LDAPMessage *res = NULL, *e, *dec = NULL;
	LDAP *ld;
	int rc, i, n, found = 0;

	memset(f, 0, sizeof(*f));
	if (strlen(grant) > WF_ID_MAX ||
	    ldapc_escape_filter(esc, sizeof(esc), grant) == -1)
		return wf_fail(w, EX_NOINPUT, "grant %.40s is not in campaign "
		    "%s", grant, k->id);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciReviewFinding)"
	    "(kunciGrantRef=%s))", esc);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, k->dn, LDAP_SCOPE_ONELEVEL, filter,
	    find_attrs, 0, NULL, NULL, NULL, 0, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, "reading a finding");
	}
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e)) {
		if (!is_page(ld, e)) {
			dec = e;
			continue;
		}
		if (found ||
		    (v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
			continue;
		n = ldap_count_values_len(v);
		for (i = 0; i < n && !found; i++)
			if (parse_line(v[i], &t) == 0 &&
			    strcasecmp(t.id, grant) == 0) {
				*f = t;
				found = 1;
			}
		ldap_value_free_len(v);
	}
	if (found && dec != NULL)
		parse_decision(ld, dec, f);
	ldap_msgfree(res);
	if (!found)
		return wf_fail(w, EX_NOINPUT, "grant %s is not in campaign %s",
		    grant, k->id);
	if (dec == NULL && campaign_escalated(w, k))
		u_strlcpy(f->decision, "escalated", sizeof(f->decision));
	return EX_OK;
}

struct flist {
	struct rv_finding	*f;
	size_t			 n, cap;
	struct rv_finding	*d;	/* decision entries, while loading */
	size_t			 nd, capd;
	int			 oom;
};

static struct rv_finding *
flist_new(struct rv_finding **a, size_t *n, size_t *cap)
{
	struct rv_finding *nf;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;

		if ((nf = reallocarray(*a, c, sizeof(*nf))) == NULL)
			return NULL;
		*a = nf;
		*cap = c;
	}
	memset(&(*a)[*n], 0, sizeof(**a));
	return &(*a)[(*n)++];
}

static int
flist_add(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct flist *l = arg;
	struct rv_finding *f;
	struct berval **v;
	int i, n, st = EX_OK;

	if (!is_page(ld, e)) {
		if ((f = flist_new(&l->d, &l->nd, &l->capd)) == NULL) {
			l->oom = 1;
			return EX_OSERR;
		}
		dir_get(ld, e, "kunciId", f->id, sizeof(f->id));
		parse_decision(ld, e, f);
		return EX_OK;
	}
	if ((v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
		return EX_OK;
	n = ldap_count_values_len(v);
	for (i = 0; i < n; i++) {
		if ((f = flist_new(&l->f, &l->n, &l->cap)) == NULL) {
			l->oom = 1;
			st = EX_OSERR;
			break;
		}
		if (parse_line(v[i], f) == -1)
			l->n--;
	}
	ldap_value_free_len(v);
	return st;
}

static void
flist_free(struct flist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->f[i].note);
	for (i = 0; i < l->nd; i++)
		free(l->d[i].note);
	free(l->f);
	free(l->d);
	memset(l, 0, sizeof(*l));
}

static int
cmp_risk(const void *a, const void *b)
{
	const struct rv_finding *x = a, *y = b;

	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The campaign's findings (only: those with this decision, or NULL), by
 * risk, highest first: the pages' lines, each with its decision entry
 * if there is one, else "pending" ("escalated" after the escalation). */
static int
flist_load(struct wf *w, const struct rv_campaign *k, const char *only,
    struct flist *l)
{
	struct smap idx;
	uint32_t fi;
	size_t i, j;
	const char *undecided;
	int st;

	memset(l, 0, sizeof(*l));
	memset(&idx, 0, sizeof(idx));
	undecided = campaign_escalated(w, k) ? "escalated" : "pending";
	st = paged(w, k->dn, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciReviewFinding)", find_attrs, flist_add, NULL,
	    l);
	for (i = 0; st == EX_OK && i < l->n; i++) {
		u_strlcpy(l->f[i].decision, undecided,
		    sizeof(l->f[i].decision));
		if (smap_put(&idx, l->f[i].id, (uint32_t)i) == -1)
			st = EX_OSERR;
	}
	for (i = 0; st == EX_OK && i < l->nd; i++) {
		if (!smap_get(&idx, l->d[i].id, &fi))
			continue;
		u_strlcpy(l->f[fi].decision, l->d[i].decision,
		    sizeof(l->f[fi].decision));
		u_strlcpy(l->f[fi].actor, l->d[i].actor,
		    sizeof(l->f[fi].actor));
		l->f[fi].time = l->d[i].time;
		l->f[fi].note = l->d[i].note;
		l->d[i].note = NULL;
	}
	smap_free(&idx);
	if (st == EX_OK && only != NULL) {
		for (i = j = 0; i < l->n; i++) {
			if (strcmp(l->f[i].decision, only) != 0) {
				free(l->f[i].note);
				continue;
			}
			l->f[j++] = l->f[i];
		}
		l->n = j;
	}
	if (st == EX_OSERR)
		st = wf_fail(w, st, "out of memory");
	if (st == EX_OK && l->n > 1)
		qsort(l->f, l->n, sizeof(*l->f), cmp_risk);
	return st;
}

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
			u_strlcat(buf, c->en ? fdefs[i].en : fdefs[i].id, sz);
		}
}

static int	is_owner(struct admin_call *, const char *, int *);
static const char *attest_refusal(const struct admin_call *,
		    const struct rv_finding *, int);

/* is_owner() per resource, for one `review show` (a campaign names few). */
#define OWNER_CACHE	32
struct owner_cache {
	char	res[OWNER_CACHE][DIR_NAME_MAX + 1];
	int	yes[OWNER_CACHE];
	size_t	n;
};

/* The actions the caller may take on a finding: ["attest"] or []. */
static json_t *
finding_actions(struct admin_call *c, const struct rv_campaign *k,
    const struct rv_finding *f, struct owner_cache *oc)
{
	json_t *a = json_array();
	size_t i;
	int yes = 0;

	if (strcmp(k->state, "open") != 0 || !c->a.person)
		return a;
	for (i = 0; i < oc->n; i++)
		if (strcmp(oc->res[i], f->resource) == 0)
			break;
	if (i < oc->n)
		yes = oc->yes[i];
	else if (is_owner(c, f->resource, &yes) != EX_OK)
		yes = 0;	/* the command will say why */
	else if (oc->n < OWNER_CACHE) {
		u_strlcpy(oc->res[oc->n], f->resource, sizeof(oc->res[0]));
		oc->yes[oc->n++] = yes;
	}
	if (attest_refusal(c, f, yes) == NULL)
		json_array_append_new(a, out_jstr("attest"));
	return a;
}

static int
cmd_show(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct rv_campaign k;
	struct flist l;
	char *pos[1], buf[64], fx[1024], rk[16];
	size_t i, ndec[8], nf[F_COUNT], shown = 0;
	int np, st, j;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, "usage: review show CAMPAIGN");
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "refused: reviews are for the "
		    "roles and administrators");
	if ((st = campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if ((st = flist_load(w, &k, NULL, &l)) != EX_OK)
		return admin_wf_err(c, st);
	memset(ndec, 0, sizeof(ndec));
	memset(nf, 0, sizeof(nf));
	for (i = 0; i < l.n; i++) {
		for (j = 0; ddefs[j].code != NULL; j++)
			if (strcmp(ddefs[j].code, l.f[i].decision) == 0)
				ndec[j]++;
		for (j = 0; j < F_COUNT; j++)
			if (l.f[i].flags & (1u << j))
				nf[j]++;
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
		    l.n));
		for (j = 0; ddefs[j].code != NULL; j++)
			json_object_set_new(d, ddefs[j].code,
			    json_integer((json_int_t)ndec[j]));
		for (j = 0; j < F_COUNT; j++)
			json_object_set_new(fc, fdefs[j].code,
			    json_integer((json_int_t)nf[j]));
		json_object_set_new(o, "decisions", d);
		json_object_set_new(o, "finding_counts", fc);
		for (i = 0; i < l.n; i++) {
			json_t *f = json_object(), *codes = json_array();

			for (j = 0; j < F_COUNT; j++)
				if (l.f[i].flags & (1u << j))
					json_array_append_new(codes,
					    json_string(fdefs[j].code));
			json_object_set_new(f, "grant", out_jstr(l.f[i].id));
			json_object_set_new(f, "holder",
			    out_jstr(l.f[i].subject));
			json_object_set_new(f, "resource",
			    out_jstr(l.f[i].resource));
			json_object_set_new(f, "findings", codes);
			findings_text(c, l.f[i].flags, fx, sizeof(fx));
			json_object_set_new(f, "findings_label", out_jstr(fx));
			json_object_set_new(f, "decision_label", out_jstr(
			    decision_label(c->en, l.f[i].decision)));
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
		out_json(&c->out, o);
		flist_free(&l);
		return EX_OK;
	}
	out_kv(&c->out, 16, ADMIN_T(c, "Campaign", "Kampanye"), k.id);
	out_kv(&c->out, 16, ADMIN_T(c, "Scope", "Cakupan"), k.scope[0] ?
	    k.scope : "*");
	out_kv(&c->out, 16, "Status", k.state);
	admin_fmt_time(buf, sizeof(buf), k.created);
	out_kv(&c->out, 16, ADMIN_T(c, "Started", "Dimulai"), buf);
	admin_fmt_time(buf, sizeof(buf), k.deadline);
	out_kv(&c->out, 16, ADMIN_T(c, "Deadline", "Batas waktu"), buf);
	snprintf(buf, sizeof(buf), "%zu", l.n);
	out_kv(&c->out, 16, ADMIN_T(c, "Grants", "Hak akses"), buf);
	for (j = 0; ddefs[j].code != NULL; j++)
		if (ndec[j] > 0) {
			snprintf(buf, sizeof(buf), "%zu", ndec[j]);
			out_kv(&c->out, 16, decision_label(c->en,
			    ddefs[j].code), buf);
		}
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
		for (i = 0; i < l.n && shown < LIST_SHOW_MAX; i++, shown++) {
			findings_text(c, l.f[i].flags, fx, sizeof(fx));
			snprintf(rk, sizeof(rk), "%d", l.f[i].risk);
			cells[0] = l.f[i].id;
			cells[1] = l.f[i].subject;
			cells[2] = l.f[i].resource;
			cells[3] = rk;
			cells[4] = decision_label(c->en, l.f[i].decision);
			cells[5] = fx;
			out_table_row(&t, cells);
		}
		out_table_render(&t, &c->out);
		out_table_free(&t);
		if (l.n > shown)
			sb_printf(&c->out, "... %zu %s\n", l.n - shown,
			    ADMIN_T(c, "more (review report)",
			    "lagi (review report)"));
	}
	flist_free(&l);
	return EX_OK;
}

/* ------------------------------------------------------------ attest */

/* Is the caller the access owner of resource (directly or by group)? */
/*
 * The resource entry named resource, with attrs: EX_OK with *res to free
 * (NULL when the name cannot be a resource: nothing matches it), or an
 * error with w->err set.
 */
static int
read_resource(struct wf *w, const char *resource, char **attrs, LDAP **ldp,
    LDAPMessage **res)
{
	char base[DIR_DN_MAX], esc[3 * DIR_NAME_MAX + 1],
	    filter[3 * DIR_NAME_MAX + 64];
	int rc;

	*res = NULL;
	if (ldapc_escape_filter(esc, sizeof(esc), resource) == -1)
		return EX_OK;
	if ((*ldp = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(base, sizeof(base), "ou=resources,%s",
	    w->cfg->directory.kunci_base);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciManagedResource)"
	    "(kunciName=%s))", esc);
	rc = ldap_search_ext_s(*ldp, base, LDAP_SCOPE_ONELEVEL, filter, attrs,
	    0, NULL, NULL, NULL, 1, res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(*res);
		*res = NULL;
		return wf_ldfail(w, rc, "reading the resource");
	}
	return EX_OK;
}

static int
is_owner(struct admin_call *c, const char *resource, int *yes)
{
	struct wf *w = admin_wf();
	char err[256], *o;
	char *attrs[] = { U("kunciAccessOwner"), NULL };
	struct berval **v;
	LDAPMessage *res = NULL, *e;
	LDAP *ld = NULL;
	int rc, i, n, m;

	*yes = 0;
	if ((rc = read_resource(w, resource, attrs, &ld, &res)) != EX_OK)
		return rc;
	if (res != NULL && (e = ldap_first_entry(ld, res)) != NULL &&
	    (v = ldap_get_values_len(ld, e, "kunciAccessOwner")) != NULL) {
		n = ldap_count_values_len(v);
		for (i = 0; i < n && !*yes; i++) {
			if ((o = strndup(v[i]->bv_val, v[i]->bv_len)) == NULL)
				break;
			if (dir_dn_equal(o, c->a.p.dn))
				*yes = 1;
			else if (dir_is_member(w->lc, o, c->a.p.dn, &m, err,
			    sizeof(err)) == EX_OK && m)
				*yes = 1;
			free(o);
		}
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	return EX_OK;
}

/*
 * Why the caller may not attest finding f of open campaign k (NULL: they
 * may): the one rule of cmd_attest() and of the actions `review show`
 * offers.  owner: is_owner() of f's resource.
 */
static const char *
attest_refusal(const struct admin_call *c, const struct rv_finding *f,
    int owner)
{
	int escalated = strcmp(f->decision, "escalated") == 0;

	if (!c->a.person)
		return "not a person";
	if (!escalated && strcmp(f->decision, "pending") != 0)
		return "decided";
	if (strcasecmp(f->subject, c->a.p.uid) == 0)
		return "own grant";
	if (!owner && !(escalated &&
	    has_role(c, c->ctx->cfg->review.escalate_to)))
		return "not the access owner";
	return NULL;
}

/* Modify a finding, asserting its decision is still prev. */
static int
finding_modify(struct wf *w, const struct rv_campaign *k, const char *grant,
    const char *prev, struct dir_mods *m)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    af[64];
	LDAPControl *ctl = NULL, *ctls[2];
	LDAP *ld;
	int rc;

	if (m->err)
		return wf_fail(w, EX_OSERR, "out of memory");
	if (ldapc_escape_dn(esc, sizeof(esc), grant) == -1)
		return wf_fail(w, EX_NOINPUT, "bad grant id");
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", esc, k->dn);
	snprintf(af, sizeof(af), "(kunciDecision=%s)", prev);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	if ((rc = ldap_create_assertion_control(ld, af, 1, &ctl)) !=
	    LDAP_SUCCESS)
		return wf_ldfail(w, rc, "assertion control");
	ctls[0] = ctl;
	ctls[1] = NULL;
	rc = ldap_modify_ext_s(ld, dn, m->p, ctls, NULL);
	ldap_control_free(ctl);
	if (rc == LDAP_ASSERTION_FAILED)
		return wf_fail(w, EX_TEMPFAIL, "grant %s in campaign %s was "
		    "decided meanwhile", grant, k->id);
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, "updating a finding");
	return EX_OK;
}

/*
 * Decide a grant: add its decision entry kunciId=<grant> (the page holds
 * the finding).  The add is the assertion: of two deciders (or hosts) one
 * creates it, the other meets "exists".  prev is what the caller saw
 * (pending or escalated); an undecided grant has no entry.
 */
static int
set_decision(struct wf *w, const struct rv_campaign *k, const char *grant,
    const char *prev, const char *decision, const char *actor,
    const char *note)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    now[32];
	struct dir_mods m;
	LDAP *ld;
	int rc, st = EX_OK;

	(void)prev;
	if (ldapc_escape_dn(esc, sizeof(esc), grant) == -1)
		return wf_fail(w, EX_NOINPUT, "bad grant id");
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", esc, k->dn);
	dir_gentime(now, sizeof(now), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciReviewFinding");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", grant);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciGrantRef", grant);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciDecision", decision);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciActor", actor);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciTime", now);
	if (note != NULL && *note != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	if (m.err)
		st = wf_fail(w, EX_OSERR, "out of memory");
	else if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		st = EX_UNAVAILABLE;
	else if ((rc = ldap_add_ext_s(ld, dn, m.p, NULL, NULL)) ==
	    LDAP_ALREADY_EXISTS)
		st = wf_fail(w, EX_TEMPFAIL, "grant %s in campaign %s was "
		    "decided meanwhile", grant, k->id);
	else if (rc != LDAP_SUCCESS)
		st = wf_ldfail(w, rc, "recording a decision");
	dir_mods_free(&m);
	return st;
}

static void
add_finding_note(struct wf *w, const struct rv_campaign *k,
    const char *grant, const char *decision, const char *note)
{
	struct dir_mods m;

	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	if (finding_modify(w, k, grant, decision, &m) != EX_OK)
		log_warnx("review %s: noting \"%s\" on %s: %s", k->id, note,
		    grant, w->err);
	dir_mods_free(&m);
}

static void
mark_reviewed(struct wf *w, const char *grant, time_t now)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    t[32];
	struct dir_mods m;
	LDAP *ld;
	int rc;

	if (ldapc_escape_dn(esc, sizeof(esc), grant) == -1 ||
	    (ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	snprintf(dn, sizeof(dn), "kunciId=%s,ou=grants,%s", esc,
	    w->cfg->directory.kunci_base);
	dir_gentime(t, sizeof(t), now);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciLastReviewed", t);
	if (!m.err && (rc = ldap_modify_ext_s(ld, dn, m.p, NULL, NULL)) !=
	    LDAP_SUCCESS)
		log_warnx("review: marking grant %s reviewed: %s", grant,
		    ldap_err2string(rc));
	dir_mods_free(&m);
}

#define RV_MAX_POS	64

static int
cmd_attest(struct admin_call *c, int argc, char **argv)
{
	const char *note = NULL;
	struct admin_opt opts[] = { { "note", &note, NULL },
		{ NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct rv_campaign k;
	struct rv_finding f;
	char *pos[RV_MAX_POS], **ids = NULL, *copy = NULL, *tok, *save,
	    rid[WF_ID_MAX + 1], reason[WF_NOTE_MAX + 128], nb[64];
	const char *decision, **prev = NULL, *why;
	size_t nids = 0, i, j, len = 0;
	int np, st, ok, valid;
	time_t now = time(NULL);

	if ((st = admin_opts(c, argc, argv, opts, pos, RV_MAX_POS, &np)) !=
	    EX_OK)
		return st;
	if (np < 3 || note == NULL)
		return admin_err(c, EX_USAGE, "usage: review attest CAMPAIGN "
		    "GRANT[,GRANT...]... valid|invalid --note TEXT");
	decision = pos[np - 1];
	if (strcmp(decision, "valid") == 0)
		valid = 1;
	else if (strcmp(decision, "invalid") == 0)
		valid = 0;
	else
		return admin_err(c, EX_USAGE, "the decision is valid or "
		    "invalid, not %.40s", decision);
	if (*note == '\0' || strlen(note) > WF_NOTE_MAX ||
	    !wf_utf8_valid(note))
		return admin_err(c, EX_DATAERR, "bad note (1..%d bytes of "
		    "UTF-8)", WF_NOTE_MAX);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!c->a.person)
		return admin_err(c, EX_NOPERM, "you are not a person in the "
		    "directory (root: use --as USER)");
	if ((st = campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if (strcmp(k.state, "open") != 0)
		return admin_err(c, EX_DATAERR, "campaign %s is %s: no more "
		    "attestations", k.id, k.state);
	/* The grants: words, each maybe a comma-separated list. */
	for (i = 1; i < (size_t)np - 1; i++)
		len += strlen(pos[i]) + 1;
	if ((copy = malloc(len + 1)) == NULL ||
	    (ids = calloc(RV_MAX_BULK, sizeof(*ids))) == NULL ||
	    (prev = calloc(RV_MAX_BULK, sizeof(*prev))) == NULL) {
		st = admin_err(c, EX_OSERR, "out of memory");
		goto out;
	}
	copy[0] = '\0';
	for (i = 1; i < (size_t)np - 1; i++) {
		u_strlcat(copy, pos[i], len + 1);
		u_strlcat(copy, ",", len + 1);
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (nids == RV_MAX_BULK) {
			st = admin_err(c, EX_USAGE, "at most %d grants at "
			    "once", RV_MAX_BULK);
			goto out;
		}
		for (j = 0; j < nids; j++)
			if (strcmp(ids[j], tok) == 0)
				break;
		if (j == nids)
			ids[nids++] = tok;
	}
	if (nids == 0) {
		st = admin_err(c, EX_USAGE, "no grant named");
		goto out;
	}
	/* Check every grant first: all or nothing. */
	for (i = 0; i < nids; i++) {
		if ((st = finding_load(w, &k, ids[i], &f)) != EX_OK) {
			st = admin_wf_err(c, st);
			goto out;
		}
		free(f.note);
		if (strcmp(f.decision, "pending") == 0)
			prev[i] = "pending";
		else if (strcmp(f.decision, "escalated") == 0)
			prev[i] = "escalated";
		else {
			st = admin_err(c, EX_DATAERR, "grant %s in campaign "
			    "%s is already decided: %s by %s", f.id, k.id,
			    f.decision, f.actor[0] ? f.actor : "-");
			goto out;
		}
		if ((st = is_owner(c, f.resource, &ok)) != EX_OK) {
			st = admin_wf_err(c, st);
			goto out;
		}
		why = attest_refusal(c, &f, ok);
		if (why != NULL && strcmp(why, "own grant") == 0) {
			log_audit("review.refused", "campaign", k.id, "grant",
			    f.id, "actor", c->a.p.uid, "as", c->a.as,
			    "action", "attest", "reason", "own grant", NULL);
			st = admin_err(c, EX_NOPERM, "refused: nobody attests "
			    "their own grant (%s)", f.id);
			goto out;
		}
		if (why != NULL) {
			log_audit("review.refused", "campaign", k.id, "grant",
			    f.id, "actor", c->a.p.uid, "as", c->a.as,
			    "action", "attest", "resource", f.resource,
			    "reason", "not the access owner", NULL);
			st = admin_err(c, EX_NOPERM, "refused: you are not the "
			    "access owner of %s (grant %s)", f.resource, f.id);
			goto out;
		}
	}
	for (i = 0; i < nids; i++) {
		if ((st = set_decision(w, &k, ids[i], prev[i], decision,
		    c->a.p.uid, note)) != EX_OK) {
			st = admin_err(c, st, "%s (%zu of %zu done)", w->err, i,
			    nids);
			goto out;
		}
		log_audit("review.attest", "campaign", k.id, "grant", ids[i],
		    "actor", c->a.p.uid, "as", c->a.as, "decision", decision,
		    "reason", note, NULL);
		if (valid) {
			mark_reviewed(w, ids[i], now);
			if (!c->json)
				sb_printf(&c->out, "%s %s: %s\n", ADMIN_T(c,
				    "grant", "hak akses"), ids[i],
				    decision_label(c->en, "valid"));
			continue;
		}
		snprintf(reason, sizeof(reason), "review %s: %s", k.id, note);
		rid[0] = '\0';
		st = removal_open(w, &c->a, ids[i], reason, REMOVAL_REUSE, rid,
		    sizeof(rid));
		if (st != EX_OK) {
			log_warnx("review %s: removal of %s: %s", k.id, ids[i],
			    w->err);
			if (!c->json)
				sb_printf(&c->out, "%s %s: %s; %s: %s\n",
				    ADMIN_T(c, "grant", "hak akses"), ids[i],
				    decision_label(c->en, "invalid"),
				    ADMIN_T(c, "removal request failed",
				    "permohonan penghapusan gagal"), w->err);
			st = EX_OK;
			continue;
		}
		snprintf(nb, sizeof(nb), "removal %s", rid);
		add_finding_note(w, &k, ids[i], "invalid", nb);
		log_audit("review.removal", "campaign", k.id, "grant", ids[i],
		    "request", rid, "actor", c->a.p.uid, NULL);
		if (!c->json)
			sb_printf(&c->out, "%s %s: %s; %s %s\n", ADMIN_T(c,
			    "grant", "hak akses"), ids[i],
			    decision_label(c->en, "invalid"), ADMIN_T(c,
			    "removal request", "permohonan penghapusan"), rid);
	}
	if (c->json) {
		json_t *a = json_array();

		for (i = 0; i < nids; i++)
			json_array_append_new(a, out_jstr(ids[i]));
		out_json(&c->out, json_pack("{s:s,s:s,s:o}", "campaign", k.id,
		    "decision", decision, "grants", a));
	}
	st = EX_OK;
out:
	free(copy);
	free(ids);
	free(prev);
	return st;
}

/* ----------------------------------------- the deadline: unanswered */

struct crit {
	char	name[DIR_NAME_MAX + 1];
	int	critical;
	long	active;
};

/* Whether resource is critical, and how many active grants it has. */
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
	u_strlcpy(cr->name, resource, sizeof(cr->name));
	if ((rc = read_resource(w, resource, rattrs, &ld, &res)) != EX_OK)
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
		return wf_ldfail(w, rc, "counting holders");
	}
	cr->active = ldap_count_entries(ld, res);
	ldap_msgfree(res);
	return EX_OK;
}

/*
 * The plan for unanswered grants: l gets the pending findings, each
 * decision set to "removed" (to remove) or "spared" (the last holders of
 * a critical resource: of the grants planned on such a resource, as many
 * as would leave it without an active holder are kept, the highest risk
 * removed first).
 */
static int
make_plan(struct wf *w, const struct rv_campaign *k, struct flist *l)
{
	struct crit *cr = NULL, *ncr;
	size_t ncr_n = 0, i, j;
	long planned;
	int st;

	if ((st = flist_load(w, k, "pending", l)) != EX_OK)
		return st;
	for (i = 0; i < l->n; i++) {
		u_strlcpy(l->f[i].decision, "removed",
		    sizeof(l->f[i].decision));
		for (j = 0; j < ncr_n; j++)
			if (strcasecmp(cr[j].name, l->f[i].resource) == 0)
				break;
		if (j < ncr_n)
			continue;
		if ((ncr = reallocarray(cr, ncr_n + 1, sizeof(*cr))) == NULL) {
			free(cr);
			return wf_fail(w, EX_OSERR, "out of memory");
		}
		cr = ncr;
		if ((st = resource_state(w, l->f[i].resource, &cr[ncr_n])) !=
		    EX_OK) {
			free(cr);
			return st;
		}
		ncr_n++;
	}
	for (j = 0; j < ncr_n; j++) {
		if (!cr[j].critical)
			continue;
		planned = 0;
		for (i = 0; i < l->n; i++)
			if (strcasecmp(cr[j].name, l->f[i].resource) == 0 &&
			    l->f[i].not_after > time(NULL))
				planned++;
		/* Spare from the lowest risk up (the list is by risk). */
		for (i = l->n; i > 0 && planned >= cr[j].active &&
		    planned > 0; i--) {
			struct rv_finding *f = &l->f[i - 1];

			if (strcasecmp(cr[j].name, f->resource) != 0 ||
			    f->not_after <= time(NULL))
				continue;
			u_strlcpy(f->decision, "spared", sizeof(f->decision));
			planned--;
		}
	}
	free(cr);
	return EX_OK;
}

/* Record the preview (the dry run) once; EX_CANTCREAT if it exists. */
static int
record_preview(struct wf *w, const struct rv_campaign *k,
    const struct flist *l, const char *actor, size_t *nrem)
{
	char **notes;
	size_t i, n = 0;
	int st;

	*nrem = 0;
	if ((notes = calloc(l->n + 1, sizeof(*notes))) == NULL)
		return wf_fail(w, EX_OSERR, "out of memory");
	for (i = 0; i < l->n; i++) {
		int rm = strcmp(l->f[i].decision, "removed") == 0;

		if (asprintf(&notes[n], "%s:%s", rm ? "remove" : "spare",
		    l->f[i].id) == -1) {
			notes[n] = NULL;
			break;
		}
		n++;
		*nrem += rm;
	}
	st = i < l->n ? wf_fail(w, EX_OSERR, "out of memory") :
	    campaign_event(w, k, "preview", actor, "preview", notes, n);
	for (i = 0; i < n; i++)
		free(notes[i]);
	free(notes);
	if (st == EX_OK) {
		char cnt[32];

		snprintf(cnt, sizeof(cnt), "%zu", *nrem);
		log_audit("review.preview", "campaign", k->id, "actor", actor,
		    "remove", cnt, NULL);
	}
	return st;
}

/*
 * The escalation: the "escalate" event (added by the caller, once) makes
 * every grant nobody decided read "escalated"; here the count and the
 * audit record.
 */
static int
do_escalate(struct wf *w, const struct rv_campaign *k, long *n)
{
	struct flist l;
	char cnt[32];
	int st;

	*n = 0;
	if ((st = flist_load(w, k, "escalated", &l)) == EX_OK)
		*n = (long)l.n;
	flist_free(&l);
	snprintf(cnt, sizeof(cnt), "%ld", *n);
	log_audit("review.escalate", "campaign", k->id, "actor",
	    REVIEW_ACTOR, "to", w->cfg->review.escalate_to, "count", cnt,
	    NULL);
	return st;
}

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

/*
 * The real run of remove-on-silence: of the grants the preview listed,
 * those still unanswered are revoked, except the last active holder of a
 * critical resource (checked again now).  Counts what it did.
 */
static int
do_remove(struct wf *w, const struct rv_campaign *k, struct berval **ids,
    long *removed, long *spared, struct strbuf *out, int en)
{
	struct rv_finding f;
	struct crit cr;
	char id[WF_ID_MAX + 1], rid[WF_ID_MAX + 1], reason[512];
	int i, n, st;

	*removed = *spared = 0;
	n = ids != NULL ? ldap_count_values_len(ids) : 0;
	snprintf(reason, sizeof(reason), "review %s: not attested by the "
	    "deadline", k->id);
	for (i = 0; i < n; i++) {
		int spare;

		if (ids[i]->bv_len > 6 && strncmp(ids[i]->bv_val, "spare:",
		    6) == 0)
			spare = 1;
		else if (ids[i]->bv_len > 7 && strncmp(ids[i]->bv_val,
		    "remove:", 7) == 0)
			spare = 0;
		else
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)ids[i]->bv_len -
		    (spare ? 6 : 7), ids[i]->bv_val + (spare ? 6 : 7));
		if ((st = finding_load(w, k, id, &f)) != EX_OK) {
			if (st == EX_UNAVAILABLE)
				return st;
			continue;
		}
		free(f.note);
		if (strcmp(f.decision, "pending") != 0)
			continue;	/* answered during the grace */
		if ((st = resource_state(w, f.resource, &cr)) != EX_OK)
			return st;
		if (spare || (cr.critical && cr.active <= 1 &&
		    f.not_after > time(NULL))) {
			if (set_decision(w, k, id, "pending", "spared",
			    REVIEW_ACTOR, "last holder of a critical resource")
			    == EX_OK) {
				(*spared)++;
				log_audit("review.spare", "campaign", k->id,
				    "grant", id, "resource", f.resource,
				    "reason", "last holder of a critical "
				    "resource", NULL);
				if (out != NULL)
					sb_printf(out, "%s %s %s\n", id,
					    f.resource, decision_label(en,
					    "spared"));
			}
			continue;
		}
		/* Claim it first: of several hosts, one revokes. */
		if (set_decision(w, k, id, "pending", "removed", REVIEW_ACTOR,
		    "not attested by the deadline") != EX_OK)
			continue;
		st = prov_revoke(w, id, REVIEW_ACTOR, "", reason, 0);
		if (st != EX_OK && st != EX_DATAERR) {
			log_warnx("review %s: revoking %s: %s", k->id, id,
			    w->err);
			continue;
		}
		(*removed)++;
		log_audit("review.remove", "campaign", k->id, "grant", id,
		    "resource", f.resource, "subject", f.subject, "actor",
		    REVIEW_ACTOR, NULL);
		/* The paperwork: a C3 record, already carried out. */
		if (removal_open(w, kuncid_actor(), id, reason, REMOVAL_DONE |
		    REMOVAL_REUSE, rid, sizeof(rid)) == EX_OK &&
		    rid[0] != '\0') {
			char nb[64];

			snprintf(nb, sizeof(nb), "removal %s", rid);
			add_finding_note(w, k, id, "removed", nb);
		}
		if (out != NULL)
			sb_printf(out, "%s %s %s\n", id, f.resource,
			    decision_label(en, "removed"));
	}
	return EX_OK;
}

static int
set_state(struct wf *w, struct rv_campaign *k, const char *from,
    const char *to)
{
	struct dir_mods m;
	char buf[32], af[64];
	int st;

	snprintf(af, sizeof(af), "(kunciState=%s)", from);
	dir_gentime(buf, sizeof(buf), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState", to);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
	st = campaign_modify(w, k, af, &m);
	dir_mods_free(&m);
	if (st == EX_OK)
		u_strlcpy(k->state, to, sizeof(k->state));
	return st;
}

/* The real run for a campaign whose deadline (and, for removal, grace)
 * has passed.  EX_DATAERR / EX_TEMPFAIL with a message when not yet. */
static int
enforce(struct wf *w, struct rv_campaign *k, const char *actor,
    struct strbuf *out, int en, long *a, long *b)
{
	const struct kunci_cfg *cfg = w->cfg;
	struct berval **ids = NULL;
	time_t now = time(NULL), pt;
	char t[32];
	int st;

	*a = *b = 0;
	if (now < k->deadline) {
		admin_fmt_time(t, sizeof(t), k->deadline);
		return wf_fail(w, EX_DATAERR, "the deadline of %s has not "
		    "passed (%s)", k->id, t);
	}
	if (cfg->review.on_silence == CFG_SILENCE_ESCALATE) {
		/* Once: a second run finds it done and counts nothing. */
		if ((st = campaign_event(w, k, "escalate", actor, "escalate",
		    NULL, 0)) == EX_CANTCREAT)
			return EX_OK;
		if (st != EX_OK)
			return st;
		return do_escalate(w, k, a);
	}
	st = campaign_get_event(w, k, "preview", &pt, &ids);
	if (st == EX_NOINPUT)
		return wf_fail(w, EX_DATAERR, "no preview of %s yet: run "
		    "\"review enforce %s --dry-run\" first", k->id, k->id);
	if (st != EX_OK)
		return st;
	if (now < pt + (time_t)cfg->review.grace) {
		ldap_value_free_len(ids);
		admin_fmt_time(t, sizeof(t), pt + (time_t)cfg->review.grace);
		return wf_fail(w, EX_TEMPFAIL, "the grace period of %s runs "
		    "until %s", k->id, t);
	}
	(void)campaign_event(w, k, "enforce", actor, "remove", NULL, 0);
	st = do_remove(w, k, ids, a, b, out, en);
	ldap_value_free_len(ids);
	if (st != EX_OK)
		return st;
	if (set_state(w, k, "open", "closed") == EX_OK)
		log_audit("review.close", "campaign", k->id, "actor", actor,
		    NULL);
	return EX_OK;
}

static int
cmd_enforce(struct admin_call *c, int argc, char **argv)
{
	int dry = 0;
	struct admin_opt opts[] = { { "dry-run", NULL, &dry },
		{ NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	const struct kunci_cfg *cfg = w->cfg;
	struct rv_campaign k;
	struct flist l;
	struct out_table t;
	const char *hdr[5], *cells[5];
	char *pos[1], rk[16], tb[32];
	size_t i, nrem = 0, nsp = 0;
	long a, b;
	int np, st, recorded = 0;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, "usage: review enforce CAMPAIGN "
		    "[--dry-run]");
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!may_run(c)) {
		log_audit("review.refused", "actor", actor_of(c), "as",
		    c->a.as, "action", "enforce", "campaign", pos[0],
		    "reason", "not an administrator or the review role", NULL);
		return admin_err(c, EX_NOPERM, "refused: only an "
		    "administrator or %s may enforce a review",
		    cfg->review.escalate_to[0] ? cfg->review.escalate_to :
		    "root");
	}
	if ((st = campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if (strcmp(k.state, "open") != 0)
		return admin_err(c, EX_DATAERR, "campaign %s is %s", k.id,
		    k.state);
	if (!dry) {
		struct strbuf sb;

		sb_init(&sb, 1u << 20);
		st = enforce(w, &k, actor_of(c), &sb, c->en, &a, &b);
		if (st != EX_OK) {
			sb_free(&sb);
			return admin_wf_err(c, st);
		}
		sb_puts(&c->out, sb_str(&sb));
		sb_free(&sb);
		if (cfg->review.on_silence == CFG_SILENCE_ESCALATE)
			sb_printf(&c->out, "%s: %ld %s %s\n", k.id, a,
			    ADMIN_T(c, "unanswered grants escalated to",
			    "hak akses yang belum dijawab dieskalasi ke"),
			    cfg->review.escalate_to);
		else
			sb_printf(&c->out, "%s: %ld %s, %ld %s\n", k.id, a,
			    ADMIN_T(c, "removed", "dicabut"), b, ADMIN_T(c,
			    "kept (last holder of a critical resource)",
			    "dipertahankan (pemegang terakhir sumber daya "
			    "kritis)"));
		return EX_OK;
	}
	/* The dry run: what the policy would do now; nothing changes but
	 * the record of the preview (after the deadline, once). */
	if ((st = make_plan(w, &k, &l)) != EX_OK)
		return admin_wf_err(c, st);
	if (cfg->review.on_silence == CFG_SILENCE_REMOVE &&
	    time(NULL) >= k.deadline) {
		st = record_preview(w, &k, &l, actor_of(c), &nrem);
		if (st == EX_OK)
			recorded = 1;
		else if (st != EX_CANTCREAT) {
			flist_free(&l);
			return admin_wf_err(c, st);
		}
	}
	nrem = 0;
	for (i = 0; i < l.n; i++) {
		if (cfg->review.on_silence == CFG_SILENCE_ESCALATE)
			u_strlcpy(l.f[i].decision, "escalated",
			    sizeof(l.f[i].decision));
		if (strcmp(l.f[i].decision, "spared") == 0)
			nsp++;
		else
			nrem++;
	}
	if (c->json) {
		json_t *arr = json_array();

		for (i = 0; i < l.n; i++)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,"
			    "s:i,s:s}", "grant", l.f[i].id, "holder",
			    l.f[i].subject, "resource", l.f[i].resource,
			    "risk", l.f[i].risk, "action", l.f[i].decision));
		out_json(&c->out, json_pack("{s:s,s:s,s:b,s:o}", "campaign",
		    k.id, "policy", cfg->review.on_silence ==
		    CFG_SILENCE_REMOVE ? "remove" : "escalate",
		    "preview_recorded", recorded, "plan", arr));
		flist_free(&l);
		return EX_OK;
	}
	hdr[0] = ADMIN_T(c, "GRANT", "HAK AKSES");
	hdr[1] = ADMIN_T(c, "HOLDER", "PEMEGANG");
	hdr[2] = ADMIN_T(c, "RESOURCE", "SUMBER DAYA");
	hdr[3] = ADMIN_T(c, "RISK", "RISIKO");
	hdr[4] = ADMIN_T(c, "ACTION", "TINDAKAN");
	out_table_init(&t, 5, hdr);
	for (i = 0; i < l.n; i++) {
		snprintf(rk, sizeof(rk), "%d", l.f[i].risk);
		cells[0] = l.f[i].id;
		cells[1] = l.f[i].subject;
		cells[2] = l.f[i].resource;
		cells[3] = rk;
		cells[4] = decision_label(c->en, l.f[i].decision);
		out_table_row(&t, cells);
	}
	sb_printf(&c->out, "%s %s (%s): %s\n", ADMIN_T(c, "Dry run for",
	    "Uji coba untuk"), k.id, cfg->review.on_silence ==
	    CFG_SILENCE_REMOVE ? "on_silence=remove" : "on_silence=escalate",
	    ADMIN_T(c, "nothing changed", "tidak ada yang diubah"));
	out_table_render(&t, &c->out);
	out_table_free(&t);
	if (recorded) {
		admin_fmt_time(tb, sizeof(tb), time(NULL) +
		    (time_t)cfg->review.grace);
		sb_printf(&c->out, "%s %s\n", ADMIN_T(c, "Preview recorded; "
		    "removal not before", "Pratinjau dicatat; pencabutan "
		    "paling cepat"), tb);
	}
	flist_free(&l);
	return EX_OK;
}

static int
cmd_close(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct rv_campaign k;
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, "usage: review close CAMPAIGN");
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!may_run(c))
		return admin_err(c, EX_NOPERM, "refused: only an "
		    "administrator or %s may close a review",
		    w->cfg->review.escalate_to);
	if ((st = campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if (strcmp(k.state, "open") != 0)
		return admin_err(c, EX_DATAERR, "campaign %s is %s", k.id,
		    k.state);
	if ((st = set_state(w, &k, "open", "closed")) != EX_OK)
		return admin_wf_err(c, st);
	(void)campaign_event(w, &k, "close", actor_of(c), "close", NULL, 0);
	log_audit("review.close", "campaign", k.id, "actor", actor_of(c),
	    "as", c->a.as, NULL);
	sb_printf(&c->out, "%s %s: %s\n", ADMIN_T(c, "campaign",
	    "kampanye review"), k.id, ADMIN_T(c, "closed", "ditutup"));
	return EX_OK;
}

/* ---------------------------------------------------------- scheduler */

struct tick_arg {
	struct wf	*w;
	time_t		 now;
};

static int
tick_one(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct tick_arg *ta = arg;
	struct wf *w = ta->w;
	const struct kunci_cfg *cfg = w->cfg;
	struct rv_campaign k;
	struct flist l;
	struct berval **ids = NULL;
	char rdn[32];
	size_t i, n;
	time_t pt;
	long a, b;
	int st;

	parse_campaign(ld, e, &k);
	if (strcmp(k.state, "open") != 0 || k.deadline == 0)
		return EX_OK;
	for (i = 0; i < cfg->review.nreminders; i++) {
		if (ta->now < k.deadline - (time_t)cfg->review.reminders[i] ||
		    ta->now >= k.deadline)
			continue;
		snprintf(rdn, sizeof(rdn), "reminder-%zu", i + 1);
		if (campaign_event(w, &k, rdn, REVIEW_ACTOR, "remind", NULL,
		    0) == EX_OK) {
			char dl[32];

			dir_gentime(dl, sizeof(dl), k.deadline);
			log_audit("review.remind", "campaign", k.id, "actor",
			    REVIEW_ACTOR, "deadline", dl, NULL);
		}
	}
	if (ta->now < k.deadline)
		return EX_OK;
	if (cfg->review.on_silence == CFG_SILENCE_ESCALATE) {
		if (campaign_event(w, &k, "escalate", REVIEW_ACTOR,
		    "escalate", NULL, 0) == EX_OK)
			(void)do_escalate(w, &k, &a);
		return EX_OK;
	}
	st = campaign_get_event(w, &k, "preview", &pt, &ids);
	if (st == EX_NOINPUT) {
		if (make_plan(w, &k, &l) == EX_OK)
			(void)record_preview(w, &k, &l, REVIEW_ACTOR, &n);
		flist_free(&l);
		return EX_OK;
	}
	if (st == EX_OK && ta->now >= pt + (time_t)cfg->review.grace &&
	    campaign_event(w, &k, "enforce", REVIEW_ACTOR, "remove", NULL,
	    0) == EX_OK) {
		if (do_remove(w, &k, ids, &a, &b, NULL, 0) == EX_OK &&
		    set_state(w, &k, "open", "closed") == EX_OK)
			log_audit("review.close", "campaign", k.id, "actor",
			    REVIEW_ACTOR, NULL);
	}
	ldap_value_free_len(ids);
	return EX_OK;
}

void
review_tick(struct wf *w, time_t now)
{
	static time_t last;	/* the scheduler's thread only */
	struct tick_arg ta;
	char base[DIR_DN_MAX];

	if (now - last < RV_TICK_EVERY)
		return;
	last = now;
	ta.w = w;
	ta.now = now;
	snprintf(base, sizeof(base), "ou=reviews,%s",
	    w->cfg->directory.kunci_base);
	(void)paged(w, base, LDAP_SCOPE_ONELEVEL, "(&(objectClass="
	    "kunciReviewCampaign)(kunciState=open))", camp_attrs, tick_one,
	    NULL, &ta);
}

/* ------------------------------------------------------------- report */

struct rep_arg {
	struct admin_call	*c;
	struct render_table	*t;
	struct smap		 idx;	/* grant id -> finding index */
	struct flist		*l;
	size_t			 no;
	int			 oom;
};

static int
rep_grant(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct rep_arg *ra = arg;
	struct admin_call *c = ra->c;
	char id[WF_ID_MAX + 1], subj[DIR_UID_MAX + 1], res[DIR_NAME_MAX + 1],
	    type[WF_TYPE_MAX + 1], cred[WF_CRED_MAX + 1], st[16], no[24],
	    nb[32], na[32], lu[32];
	const char *v[10];
	uint32_t fi;
	time_t t;

	dir_get(ld, e, "kunciId", id, sizeof(id));
	dir_get(ld, e, "kunciStatus", st, sizeof(st));
	if (strcmp(st, "active") != 0 && strcmp(st, "suspended") != 0)
		return EX_OK;
	dir_get(ld, e, "kunciSubject", subj, sizeof(subj));
	dir_get(ld, e, "kunciResource", res, sizeof(res));
	dir_get(ld, e, "kunciAccessType", type, sizeof(type));
	dir_get(ld, e, "kunciCredential", cred, sizeof(cred));
	admin_fmt_time(nb, sizeof(nb), dir_get_time(ld, e, "kunciNotBefore"));
	admin_fmt_time(na, sizeof(na), dir_get_time(ld, e, "kunciNotAfter"));
	t = dir_get_time(ld, e, "kunciLastUsed");
	if (t != 0)
		admin_fmt_time(lu, sizeof(lu), t);
	else
		u_strlcpy(lu, ADMIN_T(c, "never", "belum pernah"), sizeof(lu));
	snprintf(no, sizeof(no), "%zu", ++ra->no);
	v[0] = no;
	v[1] = id;
	v[2] = subj;
	v[3] = res;
	v[4] = type;
	v[5] = cred;
	v[6] = nb;
	v[7] = na;
	v[8] = lu;
	v[9] = smap_get(&ra->idx, id, &fi) ? decision_label(c->en,
	    ra->l->f[fi].decision) : ADMIN_T(c, "not in this campaign",
	    "tidak termasuk kampanye ini");
	if (render_table_add_row(ra->t, v, 10) == -1) {
		ra->oom = 1;
		return EX_OSERR;
	}
	return EX_OK;
}

static int
cmd_report(struct admin_call *c, int argc, char **argv)
{
	const char *form = NULL, *format = NULL;
	struct admin_opt opts[] = { { "form", &form, NULL },
		{ "format", &format, NULL }, { NULL, NULL, NULL } };
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
	struct rv_campaign k;
	struct flist l;
	struct rep_arg ra;
	char *pos[1], fx[1024], rk[16], no[24], at[32], printed[32],
	    title[400], base[DIR_DN_MAX], filter[3 * DIR_NAME_MAX + 256];
	char *gattrs[] = { U("kunciId"), U("kunciStatus"), U("kunciSubject"),
	    U("kunciResource"), U("kunciAccessType"), U("kunciCredential"),
	    U("kunciNotBefore"), U("kunciNotAfter"), U("kunciLastUsed"),
	    NULL };
	const char *v[10];
	size_t i;
	int np, st, list, rc = 0;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, "usage: review report CAMPAIGN "
		    "[--form review|list] [--format text|csv|json|html]");
	if (form == NULL || strcmp(form, "review") == 0)
		list = 0;
	else if (strcmp(form, "list") == 0)
		list = 1;
	else
		return admin_err(c, EX_USAGE, "--form is review or list");
	if (format == NULL)
		format = c->json ? "json" : "text";
	if (strcmp(format, "txt") == 0)		/* the alias */
		format = "text";
	if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
		return admin_err(c, EX_USAGE, "--format: text, csv, json or "
		    "html, not %.20s", format);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "refused: reviews are for the "
		    "roles and administrators");
	if ((st = campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if ((st = flist_load(w, &k, NULL, &l)) != EX_OK)
		return admin_wf_err(c, st);
	for (i = 0; i < 10; i++) {
		cols[i] = list ? lcols[i] : rcols[i];
		cols[i].header = list ? (c->en ? lh_en[i] : lh_id[i]) :
		    (c->en ? rh_en[i] : rh_id[i]);
	}
	memset(&ra, 0, sizeof(ra));
	if ((ra.t = render_table_new(cols, 10)) == NULL) {
		flist_free(&l);
		return admin_err(c, EX_OSERR, "out of memory");
	}
	if (!list) {
		for (i = 0; i < l.n && rc == 0; i++) {
			findings_text(c, l.f[i].flags, fx, sizeof(fx));
			snprintf(rk, sizeof(rk), "%d", l.f[i].risk);
			snprintf(no, sizeof(no), "%zu", i + 1);
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
			v[6] = decision_label(c->en, l.f[i].decision);
			v[7] = l.f[i].actor;
			v[8] = at;
			v[9] = l.f[i].note;
			rc = render_table_add_row(ra.t, v, 10);
		}
	} else {
		ra.c = c;
		ra.l = &l;
		for (i = 0; i < l.n; i++)
			if (smap_put(&ra.idx, l.f[i].id, (uint32_t)i) == -1)
				rc = -1;
		snprintf(base, sizeof(base), "ou=grants,%s",
		    cfg->directory.kunci_base);
		if (k.scope[0] != '\0') {
			char esc[3 * DIR_NAME_MAX + 1];

			ldapc_escape_filter(esc, sizeof(esc), k.scope);
			snprintf(filter, sizeof(filter), "(&(objectClass="
			    "kunciGrant)(kunciResource=%s))", esc);
		} else
			u_strlcpy(filter, "(objectClass=kunciGrant)",
			    sizeof(filter));
		if (rc == 0 && (st = paged(w, base, LDAP_SCOPE_ONELEVEL,
		    filter, gattrs, rep_grant, NULL, &ra)) != EX_OK &&
		    !ra.oom) {
			smap_free(&ra.idx);
			render_table_free(ra.t);
			flist_free(&l);
			return admin_wf_err(c, st);
		}
		if (ra.oom)
			rc = -1;
		smap_free(&ra.idx);
	}
	if (rc == 0) {
		if (strcmp(format, "text") == 0) {
			sb_printf(&c->out, "%s: %s (%s)\n\n", list ?
			    ADMIN_T(c, "Access list", "Formulir Daftar Akses") :
			    ADMIN_T(c, "Access review", "Formulir Review Akses"),
			    k.id, k.state);
			rc = render_text(ra.t, &c->out);
		} else if (strcmp(format, "csv") == 0)
			rc = render_csv(ra.t, &c->out);
		else if (strcmp(format, "json") == 0)
			rc = render_json(ra.t, &c->out);
		else {
			memset(&h, 0, sizeof(h));
			snprintf(title, sizeof(title), "%s %s", list ?
			    ADMIN_T(c, "Access list", "Formulir Daftar Akses") :
			    ADMIN_T(c, "Access review", "Formulir Review Akses"),
			    k.id);
			admin_fmt_time(printed, sizeof(printed), time(NULL));
			h.office = cfg->office.name[0] ? cfg->office.name :
			    NULL;
			h.sop_name = "SOP Hak Akses Control Panel Website: "
			    "Review";
			h.title = title;
			h.printed = printed;
			h.lang = c->en ? "en" : "id";
			rc = render_html(ra.t, &h, &c->out);
		}
	}
	render_table_free(ra.t);
	flist_free(&l);
	if (rc != 0)
		return admin_err(c, EX_SOFTWARE, "the report is too large or "
		    "memory ran out");
	return EX_OK;
}

/* For the review form (doc.c); see review.h. */
int
review_items(struct wf *w, const char *campaign, int en,
    struct review_info *info, struct review_item **items, size_t *n)
{
	struct rv_campaign k;
	struct flist l;
	struct review_item *it = NULL;
	size_t i, j;
	int st, b;

	*items = NULL;
	*n = 0;
	if ((st = campaign_load(w, campaign, &k)) != EX_OK)
		return st;
	memset(info, 0, sizeof(*info));
	u_strlcpy(info->id, k.id, sizeof(info->id));
	u_strlcpy(info->period, k.period, sizeof(info->period));
	u_strlcpy(info->scope, k.scope, sizeof(info->scope));
	u_strlcpy(info->state, k.state, sizeof(info->state));
	info->created = k.created;
	info->deadline = k.deadline;
	if ((st = flist_load(w, &k, NULL, &l)) != EX_OK)
		return st;
	if (l.n > 0 && (it = calloc(l.n, sizeof(*it))) == NULL) {
		flist_free(&l);
		return wf_fail(w, EX_OSERR, "out of memory");
	}
	for (i = 0; i < l.n; i++) {
		u_strlcpy(it[i].grant, l.f[i].id, sizeof(it[i].grant));
		u_strlcpy(it[i].subject, l.f[i].subject,
		    sizeof(it[i].subject));
		u_strlcpy(it[i].resource, l.f[i].resource,
		    sizeof(it[i].resource));
		u_strlcpy(it[i].decision, l.f[i].decision,
		    sizeof(it[i].decision));
		u_strlcpy(it[i].actor, l.f[i].actor, sizeof(it[i].actor));
		for (b = 0; b < F_COUNT; b++)
			if (l.f[i].flags & (1u << b)) {
				if (it[i].findings[0] != '\0')
					u_strlcat(it[i].findings, "; ",
					    sizeof(it[i].findings));
				u_strlcat(it[i].findings, en ? fdefs[b].en :
				    fdefs[b].id, sizeof(it[i].findings));
			}
		it[i].note = l.f[i].note;
		l.f[i].note = NULL;
		it[i].time = l.f[i].time;
		it[i].risk = l.f[i].risk;
	}
	j = l.n;
	flist_free(&l);
	*items = it;
	*n = j;
	return EX_OK;
}

void
review_items_free(struct review_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i].note);
	free(items);
}

const struct admin_cmd review_cmds[] = {
	{ "review", "start", cmd_start, "[--resource R] [--period P]" },
	{ "review", "list", cmd_list, "" },
	{ "review", "show", cmd_show, "CAMPAIGN" },
	{ "review", "attest", cmd_attest,
	    "CAMPAIGN GRANT[,GRANT...]... valid|invalid --note TEXT" },
	{ "review", "enforce", cmd_enforce, "CAMPAIGN [--dry-run]" },
	{ "review", "close", cmd_close, "CAMPAIGN" },
	{ "review", "report", cmd_report,
	    "CAMPAIGN [--form review|list] [--format text|csv|json|html]" },
	{ NULL, NULL, NULL, NULL }
};
