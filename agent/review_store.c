/*
 * review_store.c: how review campaigns are kept in the directory, shared
 * by the review files: the finding codes, a string map, the paged search,
 * campaign entries and their events, and reading a campaign's findings.
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

/* ------------------------------------------------------------ findings */


/* Ordered by weight: the risk of a grant is the sum of its findings'. */
const struct finding_def rv_fdefs[F_COUNT] = {
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
	    "belum direviu dalam periode" },
};

const struct decision_def rv_ddefs[] = {
	{ "pending", "awaiting attestation", "menunggu verifikasi" },
	{ "valid", "valid", "sah" },
	{ "invalid", "invalid: removal", "tidak sah: penghapusan" },
	{ "escalated", "escalated", "dieskalasi" },
	{ "removed", "removed (no answer)", "dicabut (tidak dijawab)" },
	{ "spared", "kept: last holder of a critical resource",
	    "dipertahankan: pemegang terakhir sumber daya kritis" },
	{ NULL, NULL, NULL }
};

const char *
rv_decision_label(int en, const char *code)
{
	size_t i;

	for (i = 0; rv_ddefs[i].code != NULL; i++)
		if (strcmp(rv_ddefs[i].code, code) == 0)
			return en ? rv_ddefs[i].en : rv_ddefs[i].id;
	return code;
}

const char *
review_state_label(int en, const char *state)
{
	static const char *const tab[][3] = {
		{ "opening", "being prepared", "sedang disiapkan" },
		{ "open", "open", "berjalan" },
		{ "closed", "closed", "ditutup" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i][0], state) == 0)
			return tab[i][en ? 1 : 2];
	return state;
}

static int
finding_index(const char *code)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (strcmp(rv_fdefs[i].code, code) == 0)
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
int
rv_pattern_match(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n > 0 && pat[n - 1] == '*')
		return strncasecmp(pat, name, n - 1) == 0;
	return strcasecmp(pat, name) == 0;
}

/* "(kunciResource=<pat>)" with the value escaped, a trailing '*' kept. */
int
rv_pattern_filter(const char *pat, char *dst, size_t sz)
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

int
rv_valid_period(const char *s)
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


void
rv_smap_free(struct smap *m)
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

static int
cmp_id(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

void
rv_spares_sort(char **ids, size_t n)
{
	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_id);
}

int
rv_spared(char *const *ids, size_t n, const char *id)
{
	return n > 0 && bsearch(&id, ids, n, sizeof(*ids), cmp_id) != NULL;
}

/* Case-insensitive keys.  Returns 0, or -1 when out of memory. */
int
rv_smap_put(struct smap *m, const char *k, uint32_t v)
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

int
rv_smap_get(const struct smap *m, const char *k, uint32_t *v)
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
char *
rv_norm_dn(const char *dn)
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


/*
 * The review commands read and write as many entries as there are grants
 * (a campaign's scan, its findings): the admin worker's bound on a
 * command's LDAP time (agent.admin_command_timeout, ldapc.h) applies to
 * each page of RV_PAGE entries, not to the whole command, which at a
 * million grants takes minutes.  A directory that stops answering still
 * fails the command within one bound.  Nothing to renew when no bound is
 * set (the scheduler's thread).
 */
void
rv_renew_deadline(struct wf *w)
{
	struct ldapc *lc = w->lc;
	time_t d;

	if (lc->deadline == 0)
		return;
	d = ldapc_now() + (time_t)w->cfg->agent.admin_command_timeout;
	if (d > lc->deadline)
		lc->deadline = d;
}

/*
 * Search with the paged results control (RFC 2696), RV_PAGE entries at a
 * time; fn for each entry, then page (if not NULL) after each page.  A
 * missing base is an empty result.
 */
int
rv_paged(struct wf *w, const char *base, int scope, const char *filter,
    char **attrs, rv_entry_fn fn, rv_page_fn page, void *arg)
{
	return rv_paged_n(w, base, scope, filter, attrs, RV_PAGE, fn, page,
	    arg);
}

/* rv_paged() with size entries a page (a campaign's finding pages are
 * large: a few at a time). */
int
rv_paged_n(struct wf *w, const char *base, int scope, const char *filter,
    char **attrs, int size, rv_entry_fn fn, rv_page_fn page, void *arg)
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
		rc = ldap_create_page_control(ld, size, &ck, 1, &pc);
		if (rc != LDAP_SUCCESS) {
			st = wf_ldfail(w, rc, _("paged search"));
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
			st = wf_ldfail(w, rc, _("paged search"));
			break;
		}
		for (e = ldap_first_entry(ld, res); e != NULL && st == EX_OK;
		    e = ldap_next_entry(ld, e))
			st = fn(ld, e, arg);
		if (w->lc->ld != ld) {
			/* fn failed and the connection was dropped with
			 * ld: nothing more on it */
			ldap_msgfree(res);
			res = NULL;
			ld = NULL;
			if (st == EX_OK)
				st = wf_fail(w, EX_UNAVAILABLE,
				    _("paged search: the connection was lost"));
			break;
		}
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
		rv_renew_deadline(w);
		if (st == EX_OK && page != NULL)
			st = page(arg);
		if (st != EX_OK || ck.bv_val == NULL || ck.bv_len == 0)
			break;
	}
	if (ck.bv_val != NULL && ck.bv_len > 0 && st != EX_OK &&
	    ld != NULL && w->lc->ld == ld) {
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

/* ------------------------------------------------------------ campaigns */


int
rv_campaign_dn(struct wf *w, const char *id, char *dn, size_t sz)
{
	char esc[3 * REVIEW_ID_MAX + 1];

	if (strlen(id) > REVIEW_ID_MAX ||
	    ldapc_escape_dn(esc, sizeof(esc), id) == -1)
		return -1;
	return snprintf(dn, sz, "kunciId=%s,ou=reviews,%s", esc,
	    w->cfg->directory.kunci_base) >= (int)sz ? -1 : 0;
}

char *rv_camp_attrs[] = { U("kunciId"), U("kunciPeriod"),
    U("kunciScope"), U("kunciState"), U("kunciCreated"), U("kunciUpdated"),
    U("kunciDeadline"), U("kunciNote"), U("kunciStep"), NULL };

void
rv_parse_campaign(LDAP *ld, LDAPMessage *e, struct rv_campaign *k)
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
int
rv_campaign_load(struct wf *w, const char *id, struct rv_campaign *k)
{
	LDAPMessage *res = NULL, *e;
	char dn[DIR_DN_MAX], idc[REVIEW_ID_MAX + 1];
	LDAP *ld;
	int rc;

	/* id may point into k */
	u_strlcpy(idc, id, sizeof(idc));
	if (rv_campaign_dn(w, idc, dn, sizeof(dn)) == -1) {
		memset(k, 0, sizeof(*k));
		return wf_fail(w, EX_NOINPUT, _("unknown campaign: "
		    "%.80s"), idc);
	}
	memset(k, 0, sizeof(*k));
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=kunciReviewCampaign)", rv_camp_attrs, 0, NULL, NULL,
	    NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS &&
	    (e = ldap_first_entry(ld, res)) == NULL)) {
		ldap_msgfree(res);
		return wf_fail(w, EX_NOINPUT, _("unknown campaign: "
		    "%.80s"), idc);
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading the campaign"));
	}
	rv_parse_campaign(ld, e, k);
	ldap_msgfree(res);
	return EX_OK;
}

/* Modify the campaign asserting its state (EX_TEMPFAIL when it moved). */
int
rv_campaign_modify(struct wf *w, const struct rv_campaign *k,
    const char *assert_filter, struct dir_mods *m)
{
	int st;

	st = wf_modify_asserted(w, k->dn, assert_filter, m,
	    _("updating the campaign"));
	if (st == EX_TEMPFAIL)
		st = wf_fail(w, EX_TEMPFAIL, _("campaign %s changed meanwhile"),
		    k->id);
	return st;
}

/*
 * Add a campaign event with a deterministic RDN: EX_OK the first time,
 * EX_CANTCREAT when it exists (another host or an earlier pass did it).
 */
int
rv_campaign_event(struct wf *w, const struct rv_campaign *k, const char *rdn,
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
			return wf_fail(w, EX_OSERR, _("out of memory"));
		memcpy(vals, notes, nnotes * sizeof(*vals));
		MOD("kunciNote", vals);
	}
#undef MOD
	p[n] = NULL;
	rc = ldap_add_ext_s(ld, dn, p, NULL, NULL);
	if (rc == LDAP_ALREADY_EXISTS)
		st = EX_CANTCREAT;
	else if (rc != LDAP_SUCCESS)
		st = wf_ldfail(w, rc, _("writing a campaign event"));
	free(vals);
	return st;
}

/* An event's time and notes (NULL notes: not wanted).  EX_NOINPUT when
 * it does not exist. */
int
rv_campaign_get_event(struct wf *w, const struct rv_campaign *k,
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
		return wf_ldfail(w, rc, _("reading a campaign event"));
	}
	if ((e = ldap_first_entry(ld, res)) != NULL) {
		*t = dir_get_time(ld, e, "kunciTime");
		if (notes != NULL)
			*notes = ldap_get_values_len(ld, e, "kunciNote");
	}
	ldap_msgfree(res);
	return e != NULL ? EX_OK : EX_NOINPUT;
}

/* --------------------------------------------------- reading findings */


static char *find_attrs[] = { U("kunciId"), U("kunciFinding"),
    U("kunciDecision"), U("kunciActor"), U("kunciTime"), U("kunciNote"),
    NULL };

int
rv_is_page(LDAP *ld, LDAPMessage *e)
{
	char id[WF_ID_MAX + 8];

	return dir_get(ld, e, "kunciId", id, sizeof(id)) == 0 &&
	    strncmp(id, RV_PAGE_PREFIX, strlen(RV_PAGE_PREFIX)) == 0;
}

/*
 * The key a finding page is found by for one of its grants (doc/review.md,
 * "Storage"): the grant's id with its last RV_KEY_CUT characters written
 * as '*', "2026-000123" -> "2026-000***", a thousand ids.  A page carries
 * the distinct keys of its grants as its kunciGrantRef values.  The scan
 * reads the grants in the order they were created and ids are handed out
 * in order, so a page of 500 grants has one or a few keys and a key is on
 * a few pages.  One value per grant (before) put a key per grant at a
 * random place in slapd's eq index: once the index outgrew a commit, a
 * page write per grant (bench/RESULTS.md, "Scale to a province").
 */
void
rv_grant_key(const char *grant, char *key, size_t sz)
{
	size_t n = strlen(grant);

	snprintf(key, sz, "%.*s***", (int)(n > RV_KEY_CUT ? n - RV_KEY_CUT :
	    0), grant);
}

/*
 * Append "(kunciGrantRef=<grant>)(kunciGrantRef=<its key>)" to an OR: the
 * grant's decision entry, and its finding page, by its key (or by the
 * grant, as pages written before the keys carry it).  seen (if not NULL)
 * holds the keys already asked for.  0, or -1 when a value is too long.
 */
int
rv_grant_terms(struct strbuf *sb, struct smap *seen, const char *grant)
{
	char key[RV_KEY_MAX + 1], esc[3 * RV_KEY_MAX + 1];

	if (ldapc_escape_filter(esc, sizeof(esc), grant) == -1)
		return -1;
	sb_printf(sb, "(kunciGrantRef=%s)", esc);
	rv_grant_key(grant, key, sizeof(key));
	if (seen != NULL && rv_smap_get(seen, key, NULL))
		return 0;
	if ((seen != NULL && rv_smap_put(seen, key, 1) == -1) ||
	    ldapc_escape_filter(esc, sizeof(esc), key) == -1)
		return -1;
	sb_printf(sb, "(kunciGrantRef=%s)", esc);
	return 0;
}

/* The grant of a finding line (its first field); -1 when malformed. */
int
rv_line_grant(const struct berval *bv, char *id, size_t sz)
{
	const char *q = memchr(bv->bv_val, ' ', bv->bv_len);

	if (q == NULL || q == bv->bv_val)
		return -1;
	rv_dec_field(id, sz, bv->bv_val, (size_t)(q - bv->bv_val));
	return 0;
}

/* One finding line (see format_line) into f; -1 when malformed. */
int
rv_parse_line(const struct berval *bv, struct rv_finding *f)
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
	rv_dec_field(f->id, sizeof(f->id), fld[0], len[0]);
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
	rv_dec_field(f->subject, sizeof(f->subject), fld[4], len[4]);
	snprintf(f->resource, sizeof(f->resource), "%.*s", (int)(end - p), p);
	u_strlcpy(f->decision, "pending", sizeof(f->decision));
	return f->id[0] != '\0' ? 0 : -1;
}

/* A decision entry (kunciId=<grant>) over its finding f. */
void
rv_parse_decision(LDAP *ld, LDAPMessage *e, struct rv_finding *f)
{
	struct berval **v;
	int i, n;
	size_t len = 0;

	dir_get(ld, e, "kunciDecision", f->decision, sizeof(f->decision));
	dir_get(ld, e, "kunciActor", f->actor, sizeof(f->actor));
	f->time = dir_get_time(ld, e, "kunciTime");
	f->revoking = 0;
	f->rec_mark[0] = '\0';
	f->rec_at = 0;
	if ((v = ldap_get_values_len(ld, e, "kunciFinding")) != NULL) {
		n = ldap_count_values_len(v);
		for (i = 0; i < n; i++)
			if (v[i]->bv_len == strlen(RV_MARK) &&
			    strncasecmp(v[i]->bv_val, RV_MARK,
			    v[i]->bv_len) == 0)
				f->revoking = 1;
			else if (v[i]->bv_len >= strlen(RV_MARK_REC) &&
			    v[i]->bv_len < sizeof(f->rec_mark) &&
			    strncasecmp(v[i]->bv_val, RV_MARK_REC,
			    strlen(RV_MARK_REC)) == 0 &&
			    (v[i]->bv_len == strlen(RV_MARK_REC) ||
			    v[i]->bv_val[strlen(RV_MARK_REC)] == ':')) {
				f->revoking = 2;
				memcpy(f->rec_mark, v[i]->bv_val,
				    v[i]->bv_len);
				f->rec_mark[v[i]->bv_len] = '\0';
				f->rec_at = v[i]->bv_len > strlen(RV_MARK_REC)
				    ? (time_t)strtoll(f->rec_mark +
				    strlen(RV_MARK_REC) + 1, NULL, 10) : 0;
			}
		ldap_value_free_len(v);
	}
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
int
rv_escalated(struct wf *w, const struct rv_campaign *k)
{
	time_t t;

	return rv_campaign_get_event(w, k, "escalate", &t, NULL) == EX_OK;
}

/* One finding of a campaign: EX_NOINPUT when the grant is not in it.
 * One indexed search: the pages of the grant's key (rv_grant_key) and its
 * decision entry. */
int
rv_finding_load(struct wf *w, const struct rv_campaign *k, const char *grant,
    struct rv_finding *f)
{
	char id[WF_ID_MAX + 1];
	struct rv_finding t;
	struct strbuf sb;
	struct berval **v;
	LDAPMessage *res = NULL, *e, *dec = NULL;
	LDAP *ld;
	int rc, i, n, found = 0;

	memset(f, 0, sizeof(*f));
	sb_init(&sb, 1024);
	sb_puts(&sb, "(&(objectClass=kunciReviewFinding)(|");
	rc = strlen(grant) > WF_ID_MAX ? -1 : rv_grant_terms(&sb, NULL, grant);
	sb_puts(&sb, "))");
	if (rc == -1 || sb_err(&sb)) {
		sb_free(&sb);
		return wf_fail(w, EX_NOINPUT, _("grant %.40s is not in "
		    "campaign %s"), grant, k->id);
	}
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		sb_free(&sb);
		return EX_UNAVAILABLE;
	}
	rc = ldap_search_ext_s(ld, k->dn, LDAP_SCOPE_ONELEVEL, sb_str(&sb),
	    find_attrs, 0, NULL, NULL, NULL, 0, &res);
	sb_free(&sb);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading a finding"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e)) {
		if (!rv_is_page(ld, e)) {
			/* the decision entry is kunciId=<grant> */
			if (dir_get(ld, e, "kunciId", id, sizeof(id)) == 0 &&
			    strcasecmp(id, grant) == 0)
				dec = e;
			continue;
		}
		if (found ||
		    (v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
			continue;
		n = ldap_count_values_len(v);
		for (i = 0; i < n && !found; i++)
			if (rv_parse_line(v[i], &t) == 0 &&
			    strcasecmp(t.id, grant) == 0) {
				*f = t;
				found = 1;
			}
		ldap_value_free_len(v);
	}
	if (found && dec != NULL)
		rv_parse_decision(ld, dec, f);
	ldap_msgfree(res);
	if (!found)
		return wf_fail(w, EX_NOINPUT, _("grant %s is not in campaign "
		    "%s"), grant, k->id);
	if (dec == NULL && rv_escalated(w, k))
		u_strlcpy(f->decision, "escalated", sizeof(f->decision));
	return EX_OK;
}


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

	if (!rv_is_page(ld, e)) {
		if ((f = flist_new(&l->d, &l->nd, &l->capd)) == NULL) {
			l->oom = 1;
			return EX_OSERR;
		}
		dir_get(ld, e, "kunciId", f->id, sizeof(f->id));
		rv_parse_decision(ld, e, f);
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
		if (rv_parse_line(v[i], f) == -1)
			l->n--;
	}
	ldap_value_free_len(v);
	return st;
}

void
rv_flist_free(struct flist *l)
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

int
rv_cmp_risk(const void *a, const void *b)
{
	const struct rv_finding *x = a, *y = b;

	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The campaign's findings (only: those with this decision, or NULL), by
 * risk, highest first: the pages' lines, each with its decision entry
 * if there is one, else "pending" ("escalated" after the escalation). */
int
rv_flist_load(struct wf *w, const struct rv_campaign *k, const char *only,
    struct flist *l)
{
	struct smap idx;
	uint32_t fi;
	size_t i, j;
	const char *undecided;
	int st;

	memset(l, 0, sizeof(*l));
	memset(&idx, 0, sizeof(idx));
	undecided = rv_escalated(w, k) ? "escalated" : "pending";
	st = rv_paged(w, k->dn, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciReviewFinding)", find_attrs, flist_add, NULL,
	    l);
	for (i = 0; st == EX_OK && i < l->n; i++) {
		u_strlcpy(l->f[i].decision, undecided,
		    sizeof(l->f[i].decision));
		if (rv_smap_put(&idx, l->f[i].id, (uint32_t)i) == -1)
			st = EX_OSERR;
	}
	for (i = 0; st == EX_OK && i < l->nd; i++) {
		if (!rv_smap_get(&idx, l->d[i].id, &fi))
			continue;
		u_strlcpy(l->f[fi].decision, l->d[i].decision,
		    sizeof(l->f[fi].decision));
		u_strlcpy(l->f[fi].actor, l->d[i].actor,
		    sizeof(l->f[fi].actor));
		l->f[fi].time = l->d[i].time;
		l->f[fi].note = l->d[i].note;
		l->d[i].note = NULL;
	}
	rv_smap_free(&idx);
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
		st = wf_fail(w, st, _("out of memory"));
	if (st == EX_OK && l->n > 1)
		qsort(l->f, l->n, sizeof(*l->f), rv_cmp_risk);
	return st;
}

/* --------------------------------------- a window of the findings */

/*
 * While the pages stream past: counts of every grant, and the first
 * keep grants by risk in a heap whose top is the one that sorts last.
 */
struct fwin {
	struct rv_finding	*h;
	size_t			 n, keep;
	struct flist		 dec;	/* decision entries (dec.d) */
	size_t			 total, nf[F_COUNT];
};

static void
fwin_swap(struct rv_finding *a, struct rv_finding *b)
{
	struct rv_finding t = *a;

	*a = *b;
	*b = t;
}

static void
fwin_offer(struct fwin *fw, const struct rv_finding *f)
{
	size_t i, c, p;

	if (fw->keep == 0)
		return;
	if (fw->n < fw->keep) {
		fw->h[i = fw->n++] = *f;
		for (; i > 0; i = p) {
			p = (i - 1) / 2;
			if (rv_cmp_risk(&fw->h[i], &fw->h[p]) <= 0)
				break;
			fwin_swap(&fw->h[i], &fw->h[p]);
		}
		return;
	}
	if (rv_cmp_risk(f, &fw->h[0]) >= 0)
		return;
	fw->h[0] = *f;
	for (i = 0; (c = 2 * i + 1) < fw->n; i = c) {
		if (c + 1 < fw->n && rv_cmp_risk(&fw->h[c + 1], &fw->h[c]) > 0)
			c++;
		if (rv_cmp_risk(&fw->h[c], &fw->h[i]) <= 0)
			break;
		fwin_swap(&fw->h[c], &fw->h[i]);
	}
}

static int
fwin_add(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct fwin *fw = arg;
	struct rv_finding f, *d;
	struct berval **v;
	int i, j, n;

	if (!rv_is_page(ld, e)) {
		if ((d = flist_new(&fw->dec.d, &fw->dec.nd, &fw->dec.capd)) ==
		    NULL)
			return EX_OSERR;
		dir_get(ld, e, "kunciId", d->id, sizeof(d->id));
		rv_parse_decision(ld, e, d);
		return EX_OK;
	}
	if ((v = ldap_get_values_len(ld, e, "kunciFinding")) == NULL)
		return EX_OK;
	n = ldap_count_values_len(v);
	for (i = 0; i < n; i++) {
		memset(&f, 0, sizeof(f));
		if (rv_parse_line(v[i], &f) == -1)
			continue;
		fw->total++;
		for (j = 0; j < F_COUNT; j++)
			if (f.flags & (1u << j))
				fw->nf[j]++;
		fwin_offer(fw, &f);
	}
	ldap_value_free_len(v);
	return EX_OK;
}

int
rv_flist_window(struct wf *w, const struct rv_campaign *k, size_t offset,
    size_t limit, struct flist *l, size_t *total, size_t *ndec,
    size_t *nf)
{
	struct fwin fw;
	struct smap idx;
	const char *undecided;
	size_t i, decided = 0;
	uint32_t fi;
	int st, j;

	memset(l, 0, sizeof(*l));
	memset(&fw, 0, sizeof(fw));
	memset(&idx, 0, sizeof(idx));
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		ndec[j] = 0;
	fw.keep = offset + limit;
	if ((fw.h = calloc(fw.keep + 1, sizeof(*fw.h))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	undecided = rv_escalated(w, k) ? "escalated" : "pending";
	st = rv_paged(w, k->dn, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciReviewFinding)", find_attrs, fwin_add, NULL,
	    &fw);
	if (st == EX_OK && fw.n > 1)
		qsort(fw.h, fw.n, sizeof(*fw.h), rv_cmp_risk);
	if (st == EX_OK && fw.n > offset) {
		l->n = l->cap = fw.n - offset;
		if ((l->f = calloc(l->n, sizeof(*l->f))) == NULL)
			st = EX_OSERR;
		else
			memcpy(l->f, fw.h + offset, l->n * sizeof(*l->f));
	}
	for (i = 0; st == EX_OK && i < l->n; i++) {
		u_strlcpy(l->f[i].decision, undecided,
		    sizeof(l->f[i].decision));
		if (rv_smap_put(&idx, l->f[i].id, (uint32_t)i) == -1)
			st = EX_OSERR;
	}
	for (i = 0; st == EX_OK && i < fw.dec.nd; i++) {
		struct rv_finding *d = &fw.dec.d[i];

		for (j = 0; rv_ddefs[j].code != NULL; j++)
			if (strcmp(rv_ddefs[j].code, d->decision) == 0) {
				ndec[j]++;
				decided++;
			}
		if (!rv_smap_get(&idx, d->id, &fi))
			continue;
		u_strlcpy(l->f[fi].decision, d->decision,
		    sizeof(l->f[fi].decision));
		u_strlcpy(l->f[fi].actor, d->actor, sizeof(l->f[fi].actor));
		l->f[fi].time = d->time;
		l->f[fi].note = d->note;
		d->note = NULL;
	}
	for (j = 0; rv_ddefs[j].code != NULL; j++)
		if (strcmp(rv_ddefs[j].code, undecided) == 0)
			ndec[j] += fw.total > decided ? fw.total - decided : 0;
	for (j = 0; j < F_COUNT; j++)
		nf[j] = fw.nf[j];
	*total = fw.total;
	rv_smap_free(&idx);
	rv_flist_free(&fw.dec);
	free(fw.h);
	if (st == EX_OSERR)
		st = wf_fail(w, st, _("out of memory"));
	if (st != EX_OK)
		rv_flist_free(l);
	return st;
}

