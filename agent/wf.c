/*
 * wf.c: the workflow engine; see wf.h for the entries it keeps.  A
 * person's act is in wf_act.c, the lists and the scheduler pass in
 * wf_tick.c; what they share with this file is in wf_int.h.
 *
 * How a step is decided, and why in this order.  An act on step i is first
 * an LDAP add of the event kunciId=step-<i>-<k> under the request, k being
 * the first free slot of the step's quorum.  The add is the commit point:
 * the directory lets exactly one of two racing approvers (on one kuncid or
 * on two) create step-<i>-1, and the loser gets alreadyExists, reads the
 * winner's event and is told who decided first.  Only then is the request
 * itself moved on, by a modify carrying an LDAP assertion control
 * (kunciState=<state>)(kunciStepIndex=<i>), so the step index can never
 * move twice.  A crash between the two writes leaves a decided event on a
 * request that has not moved: wf_settle() (run before every act, and by the
 * scheduler) sees that the quorum of step i is met and finishes the
 * advance, again under the assertion, so a restart neither loses an act
 * nor does one twice.  The grant is added with a DN made from the request
 * id, so a repeated attempt meets alreadyExists and is a no-op.
 *
 * Audit: each record is written by the one process whose write succeeded
 * (the event add or the asserted modify), so every event is logged once
 * even with several kuncid hosts.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "calendar.h"
#include "cfg.h"
#include "counter.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "util.h"
#include "wf.h"
#include "wf_int.h"

#define SNAP_MAX	(WF_MAX_STEPS * 1024 + 2048)
#define ESC_ID		(3 * WF_ID_MAX + 1)

const struct wf_hooks *wf_hook_tab;

void
wf_set_hooks(const struct wf_hooks *h)
{
	wf_hook_tab = h;
}

int
hook_check_cred(struct wf *w, const struct wf_request *r, const char *cred)
{
	if (wf_hook_tab == NULL || wf_hook_tab->check_cred == NULL)
		return EX_OK;
	return wf_hook_tab->check_cred(w, r, cred);
}

static void
hook_granted(struct wf *w, const struct wf_request *r, const char *cred)
{
	if (wf_hook_tab != NULL && wf_hook_tab->granted != NULL)
		wf_hook_tab->granted(w, r, cred);
}

static int
hook_removal(struct wf *w, const struct wf_request *r)
{
	if (wf_hook_tab == NULL || wf_hook_tab->removal == NULL)
		return EX_OK;
	return wf_hook_tab->removal(w, r);
}

void
hook_event(struct wf *w, const struct wf_request *r, const char *event,
    int step)
{
	if (wf_hook_tab != NULL && wf_hook_tab->event != NULL)
		wf_hook_tab->event(w, r, event, step);
}

void
wf_init(struct wf *w, const struct kunci_cfg *cfg, struct ldapc *lc)
{
	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->lc = lc;
}

int
wf_fail(struct wf *w, int st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	/* and its English, for a log line that shows it (i18n_en()): fmt
	 * is _()'s translation, the msgid found by its pointer */
	if (!i18n_english()) {
		va_start(ap, fmt);
		i18n_vnote_en(w->err, i18n_msgid(fmt), ap);
		va_end(ap);
	}
	return st;
}

int
wf_ldfail(struct wf *w, int rc, const char *what)
{
	int st;

	snprintf(w->err, sizeof(w->err), "%s: %s", what, ldap_err2string(rc));
	i18n_note_en(w->err, "%s: %s", i18n_msgid(what), ldap_err2string(rc));
	st = dir_status(w->lc, rc);
	if (rc == LDAP_INSUFFICIENT_ACCESS && st == EX_UNAVAILABLE) {
		snprintf(w->err, sizeof(w->err), "%s: %s", what, w->lc->err);
		i18n_note_en(w->err, "%s: %s", i18n_msgid(what),
		    i18n_en(w->lc->err));
	}
	return st;
}

int
wf_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n, i;
	uint32_t cp;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Text a person typed: required or not, bounded, UTF-8. */
int
check_text(struct wf *w, const char *what, const char *s, size_t max,
    int required)
{
	size_t n;

	if (s == NULL || *s == '\0') {
		if (required)
			return wf_fail(w, EX_USAGE, _("%s is required"), what);
		return EX_OK;
	}
	n = strlen(s);
	if (n > max)
		return wf_fail(w, EX_DATAERR,
		    _("%s too long: %zu bytes, at most %zu"),
		    what, n, max);
	if (!wf_utf8_valid(s))
		return wf_fail(w, EX_DATAERR, _("%s is not valid UTF-8"), what);
	/* A value of only spaces is not a reason (and LDAP trims it). */
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return EX_OK;
	if (required)
		return wf_fail(w, EX_USAGE, _("%s is required"), what);
	return wf_fail(w, EX_DATAERR, _("%s is blank"), what);
}

/* u_strtonum without the error phrase. */
static int
num(const char *s, long long min, long long max, long long *out)
{
	const char *errstr;

	return u_strtonum(s, min, max, out, &errstr);
}

int
valid_word(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

static int
valid_id(const char *s)
{
	return valid_word(s, WF_ID_MAX, "-");
}

/* ---------------------------------------------------------------- time */

time_t
wf_deadline(const struct kunci_cfg *cfg, time_t since, int64_t sla, int bd)
{
	return cal_deadline(cfg, since, sla, bd);
}

int
wf_parse_when(const char *s, int end, time_t *t)
{
	struct tm tm;
	int y, m, d, hh = 0, mm = 0;
	size_t n = strlen(s);

	*t = 0;
	if (n != 10 && n != 16)
		return -1;
	{
		char date[11];

		memcpy(date, s, 10);
		date[10] = '\0';
		if (u_parse_date(date, &y, &m, &d) == -1)
			return -1;
	}
	if (n == 16) {
		if (s[10] != 'T' || !isdigit((unsigned char)s[11]) ||
		    !isdigit((unsigned char)s[12]) || s[13] != ':' ||
		    !isdigit((unsigned char)s[14]) ||
		    !isdigit((unsigned char)s[15]))
			return -1;
		hh = (s[11] - '0') * 10 + (s[12] - '0');
		mm = (s[14] - '0') * 10 + (s[15] - '0');
		if (hh > 23 || mm > 59)
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + (n == 10 && end ? 1 : 0);
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_isdst = -1;
	if ((*t = mktime(&tm)) == (time_t)-1)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ snapshot */

static void
clean_copy(char *dst, size_t dstsz, const char *src)
{
	size_t i;

	u_strlcpy(dst, src != NULL ? src : "", dstsz);
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '\t' || dst[i] == '\n' || dst[i] == '\r')
			dst[i] = ' ';
}

static int
kind_from_name(const char *s, enum cfg_kind *k)
{
	int i;

	for (i = 0; i < CFG_KIND_COUNT; i++)
		if (strcmp(cfg_kind_name((enum cfg_kind)i), s) == 0) {
			*k = (enum cfg_kind)i;
			return 0;
		}
	return -1;
}

int
wf_deciding(enum cfg_kind k)
{
	return k == CFG_KIND_ENDORSE || k == CFG_KIND_VERIFY ||
	    k == CFG_KIND_APPROVE;
}

static void
set_grant_at(struct wf_snap *s)
{
	size_t i;

	s->grant_at = (int)s->nsteps - 1;
	for (i = s->nsteps; i-- > 0;)
		if (wf_deciding(s->steps[i].kind) ||
		    s->steps[i].kind == CFG_KIND_PROVISION) {
			s->grant_at = (int)i;
			break;
		}
}

int
wf_snap_format(const struct wf_snap *s, char *buf, size_t bufsz)
{
	size_t i, off;
	int n;

	n = snprintf(buf, bufsz, "kunci-workflow-snapshot 1\n"
	    "workflow\t%s\nlabel_id\t%s\nlabel_en\t%s\n"
	    "one_act_per_person\t%d\ngrant_kind\t%s\nexpire_after\t%lld\n",
	    s->workflow, s->label_id, s->label_en, s->one_act,
	    cfg_grant_kind_name(s->grant_kind), (long long)s->expire_after);
	if (n < 0 || (size_t)n >= bufsz)
		return -1;
	off = (size_t)n;
	for (i = 0; i < s->nsteps; i++) {
		const struct wf_step *st = &s->steps[i];

		n = snprintf(buf + off, bufsz - off,
		    "step\t%s\t%s\t%s\t%lld\t%d\t%d\t%d\t%s\t%s\t%s\n",
		    st->name, st->role, cfg_kind_name(st->kind),
		    (long long)st->sla, st->bd, st->quorum, st->may_reject,
		    st->who, st->label_id, st->label_en);
		if (n < 0 || (size_t)n >= bufsz - off)
			return -1;
		off += (size_t)n;
	}
	/* The rules after the steps they name (wf_rules.h). */
	for (i = 0; i < s->nsteps; i++)
		if (wfr_format_step(i, &s->steps[i].rule, buf, bufsz, &off) ==
		    -1)
			return -1;
	return wfr_format_snap(&s->rules, buf, bufsz, &off);
}

static int	snap_parse(char *, struct wf_snap *);

int
wf_snap_parse(const char *text, struct wf_snap *s)
{
	char *copy;
	int ret;

	if ((copy = strdup(text)) == NULL) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	ret = snap_parse(copy, s);
	free(copy);
	return ret;
}

/* wf_snap_parse() on a text of the caller's, which it cuts up. */
static int
snap_parse(char *copy, struct wf_snap *s)
{
	char *line, *save = NULL, *f[12], *p;
	long long v;
	int nf, i, ok = 0, ret = -1;

	memset(s, 0, sizeof(*s));
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "kunci-workflow-snapshot 1") == 0) {
			ok = 1;
			continue;
		}
		p = line;
		for (nf = 0; nf < 12 && p != NULL; nf++)
			f[nf] = strsep(&p, "\t");
		if (nf < 2)
			goto out;
		if (strcmp(f[0], "workflow") == 0)
			u_strlcpy(s->workflow, f[1], sizeof(s->workflow));
		else if (strcmp(f[0], "label_id") == 0)
			u_strlcpy(s->label_id, f[1], sizeof(s->label_id));
		else if (strcmp(f[0], "label_en") == 0)
			u_strlcpy(s->label_en, f[1], sizeof(s->label_en));
		else if (strcmp(f[0], "one_act_per_person") == 0)
			s->one_act = strcmp(f[1], "0") != 0;
		else if (strcmp(f[0], "grant_kind") == 0) {
			for (i = 0; i < CFG_GRANT_COUNT; i++)
				if (strcmp(cfg_grant_kind_name(
				    (enum cfg_grant_kind)i), f[1]) == 0)
					s->grant_kind = (enum cfg_grant_kind)i;
		} else if (strcmp(f[0], "expire_after") == 0) {
			if (num(f[1], 0, INT64_MAX / 2, &v) == -1)
				goto out;
			s->expire_after = v;
		} else if (strcmp(f[0], "step") == 0) {
			struct wf_step *st;

			if (nf != 11 || s->nsteps >= WF_MAX_STEPS)
				goto out;
			st = &s->steps[s->nsteps];
			u_strlcpy(st->name, f[1], sizeof(st->name));
			u_strlcpy(st->role, f[2], sizeof(st->role));
			if (kind_from_name(f[3], &st->kind) == -1)
				goto out;
			if (num(f[4], 0, INT64_MAX / 2, &v) == -1)
				goto out;
			st->sla = v;
			st->bd = strcmp(f[5], "0") != 0;
			if (num(f[6], 1, CFG_MAX_QUORUM, &v) == -1)
				goto out;
			st->quorum = (int)v;
			st->may_reject = strcmp(f[7], "0") != 0;
			u_strlcpy(st->who, f[8], sizeof(st->who));
			u_strlcpy(st->label_id, f[9], sizeof(st->label_id));
			u_strlcpy(st->label_en, f[10], sizeof(st->label_en));
			st->rule.rejections = 1;
			s->nsteps++;
		} else if (strcmp(f[0], "rule") == 0) {
			if (nf != 4 || num(f[1], 0, (long long)s->nsteps - 1,
			    &v) == -1 || wfr_parse_step(f[2], f[3], s->nsteps,
			    &s->steps[v].rule) == -1)
				goto out;
		} else if (wfr_parse_snap(f[0], f[1], &s->rules) == -1)
			goto out;
	}
	if (ok && s->nsteps > 0) {
		set_grant_at(s);
		ret = 0;
	}
out:
	return ret;
}

void
wf_snap_from_cfg(const struct cfg_workflow *wfc, struct wf_snap *snap)
{
	size_t i;

	memset(snap, 0, sizeof(*snap));
	u_strlcpy(snap->workflow, wfc->name, sizeof(snap->workflow));
	clean_copy(snap->label_id, sizeof(snap->label_id), wfc->label_id);
	clean_copy(snap->label_en, sizeof(snap->label_en), wfc->label_en);
	snap->one_act = wfc->one_act_per_person;
	snap->grant_kind = wfc->grant_kind;
	snap->expire_after = wfc->expire_after;
	snap->nsteps = wfc->nsteps < WF_MAX_STEPS ? wfc->nsteps : WF_MAX_STEPS;
	for (i = 0; i < snap->nsteps; i++) {
		struct wf_step *s = &snap->steps[i];
		const struct cfg_step *c = &wfc->steps[i];

		u_strlcpy(s->name, c->name, sizeof(s->name));
		u_strlcpy(s->role, c->role, sizeof(s->role));
		s->kind = c->kind;
		s->sla = c->sla;
		s->bd = c->sla_business;
		s->quorum = c->quorum < 1 ? 1 : c->quorum;
		s->may_reject = c->may_reject;
		clean_copy(s->label_id, sizeof(s->label_id), c->label_id);
		clean_copy(s->label_en, sizeof(s->label_en), c->label_en);
		wfr_step_from_cfg(wfc, i, &s->rule);
	}
	wfr_snap_from_cfg(wfc, &snap->rules);
	set_grant_at(snap);
}

/* --------------------------------------------------------------- entries */

static int
request_dn(struct wf *w, const char *id, char *dn, size_t dnsz)
{
	char esc[ESC_ID];

	if (!valid_id(id) || ldapc_escape_dn(esc, sizeof(esc), id) == -1)
		return -1;
	snprintf(dn, dnsz, "kunciId=%s,ou=requests,%s", esc,
	    w->cfg->directory.kunci_base);
	return 0;
}

/* The attributes of a request, in the order of enum req_attr. */
char *req_attrs[] = {
	U("kunciId"), U("kunciRequester"), U("kunciSubject"),
	U("kunciAsUser"), U("kunciResource"), U("kunciAccessType"),
	U("kunciReason"), U("kunciState"), U("kunciGrantRef"),
	U("kunciCreated"), U("kunciUpdated"), U("kunciNotBefore"),
	U("kunciNotAfter"), U("kunciStepSince"), U("kunciDeadline"),
	U("kunciStepIndex"), U("kunciWorkflow"), U("kunciWorkflowSnapshot"),
	NULL
};
enum req_attr {
	RA_ID, RA_REQUESTER, RA_SUBJECT, RA_AS, RA_RESOURCE, RA_TYPE,
	RA_REASON, RA_STATE, RA_GRANT, RA_CREATED, RA_UPDATED,
	RA_NOT_BEFORE, RA_NOT_AFTER, RA_STEP_SINCE, RA_DEADLINE,
	RA_STEP_INDEX, RA_WORKFLOW, RA_SNAPSHOT, RA_COUNT
};

static int
snap_memo_get(struct snap_memo *m, const struct berval *bv,
    struct wf_snap *snap)
{
	const struct snap_seen *e = NULL;
	size_t i, n;

	for (i = 0; i < SNAP_MEMO_MAX && m->seen[i] != NULL; i++)
		if (m->seen[i]->len == bv->bv_len &&
		    memcmp(m->seen[i]->text, bv->bv_val, bv->bv_len) == 0) {
			e = m->seen[i];
			break;
		}
	if (e == NULL)
		return 0;
	n = e->snap.nsteps;
	memcpy(snap, &e->snap, offsetof(struct wf_snap, steps));
	memcpy(snap->steps, e->snap.steps, n * sizeof(snap->steps[0]));
	if (m->hi > n)
		memset(&snap->steps[n], 0, (m->hi - n) *
		    sizeof(snap->steps[0]));
	memcpy(&snap->rules, &e->snap.rules, sizeof(snap->rules));
	m->hi = n;
	return 1;
}

/* A snapshot just parsed (or, with snap NULL, cleared) into the list's
 * request. */
static void
snap_memo_put(struct snap_memo *m, const struct berval *bv,
    const struct wf_snap *snap)
{
	struct snap_seen *e;

	m->hi = snap != NULL ? snap->nsteps : 0;
	if (snap == NULL)
		return;
	if ((e = m->seen[m->next]) == NULL &&
	    (e = calloc(1, sizeof(*e))) == NULL)
		return;
	m->seen[m->next] = e;
	free(e->text);
	if ((e->text = malloc(bv->bv_len + 1)) == NULL) {
		e->len = 0;
		e->snap.nsteps = 0;
		return;
	}
	memcpy(e->text, bv->bv_val, bv->bv_len);
	e->text[bv->bv_len] = '\0';
	e->len = bv->bv_len;
	memcpy(&e->snap, snap, sizeof(e->snap));
	m->next = (m->next + 1) % SNAP_MEMO_MAX;
}

void
snap_memo_free(struct snap_memo *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < SNAP_MEMO_MAX; i++)
		if (m->seen[i] != NULL) {
			free(m->seen[i]->text);
			free(m->seen[i]);
		}
	free(m);
}

/* The request in entry e, read in one pass (dir_fields()): a list reads
 * hundreds.  memo (NULL for none) keeps the last snapshot parsed. */
int
parse_request(struct wf *w, LDAP *ld, LDAPMessage *e, struct wf_request *r,
    struct snap_memo *memo)
{
	struct dir_field f[RA_COUNT];
	struct berval dn, *sv;
	char buf[32], *snap;
	long long v;
	int i;

	/* the snapshot (40 kB) is cleared by snap_parse() or below */
	memset(r, 0, offsetof(struct wf_request, snap));
	for (i = 0; i < RA_COUNT; i++)
		f[i].attr = req_attrs[i];
	(void)dir_fields(ld, e, &dn, f, RA_COUNT);
	(void)dir_bv_get(&dn, r->dn, sizeof(r->dn));
	dir_bv_get(&f[RA_ID].val, r->id, sizeof(r->id));
	dir_bv_get(&f[RA_REQUESTER].val, r->requester, sizeof(r->requester));
	dir_bv_get(&f[RA_SUBJECT].val, r->subject, sizeof(r->subject));
	dir_bv_get(&f[RA_AS].val, r->as, sizeof(r->as));
	dir_bv_get(&f[RA_RESOURCE].val, r->resource, sizeof(r->resource));
	dir_bv_get(&f[RA_TYPE].val, r->type, sizeof(r->type));
	dir_bv_get(&f[RA_STATE].val, r->state, sizeof(r->state));
	dir_bv_get(&f[RA_GRANT].val, r->grant, sizeof(r->grant));
	r->reason = dir_bv_dup(&f[RA_REASON].val);
	r->created = dir_bv_time(&f[RA_CREATED].val);
	r->updated = dir_bv_time(&f[RA_UPDATED].val);
	r->not_before = dir_bv_time(&f[RA_NOT_BEFORE].val);
	r->not_after = dir_bv_time(&f[RA_NOT_AFTER].val);
	r->step_since = dir_bv_time(&f[RA_STEP_SINCE].val);
	r->deadline = dir_bv_time(&f[RA_DEADLINE].val);
	r->step = 0;
	if (dir_bv_get(&f[RA_STEP_INDEX].val, buf, sizeof(buf)) == 0 &&
	    num(buf, 0, WF_MAX_STEPS, &v) == 0)
		r->step = (int)v;
	sv = &f[RA_SNAPSHOT].val;
	if (memo != NULL && sv->bv_val != NULL &&
	    snap_memo_get(memo, sv, &r->snap))
		return EX_OK;
	snap = dir_bv_dup(sv);
	if (snap == NULL || snap_parse(snap, &r->snap) == -1) {
		free(snap);
		memset(&r->snap, 0, sizeof(r->snap));
		if (memo != NULL)
			snap_memo_put(memo, sv, NULL);
		return wf_fail(w, EX_SOFTWARE,
		    _("request %s: bad workflow snapshot"),
		    r->id);
	}
	free(snap);
	if (memo != NULL)
		snap_memo_put(memo, sv, &r->snap);
	return EX_OK;
}

void
wf_request_free(struct wf_request *r)
{
	if (r == NULL)
		return;
	free(r->reason);
	r->reason = NULL;
}

int
wf_read_entry(struct wf *w, const char *dn, const char *filter,
    char **attrs, const char *what, const char *id, LDAP **ldp,
    LDAPMessage **res)
{
	char act[64];
	int rc;

	*res = NULL;
	if ((*ldp = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(*ldp, dn, LDAP_SCOPE_BASE, filter, attrs, 0,
	    NULL, NULL, NULL, 1, res);
	if (rc == LDAP_NO_SUCH_OBJECT ||
	    (rc == LDAP_SUCCESS && ldap_count_entries(*ldp, *res) != 1)) {
		ldap_msgfree(*res);
		*res = NULL;
		return wf_fail(w, EX_NOINPUT,
		    _("unknown %s: %s"), wf_word(what), id);
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(*res);
		*res = NULL;
		snprintf(act, sizeof(act), _("reading the %s"), wf_word(what));
		return wf_ldfail(w, rc, act);
	}
	return EX_OK;
}

int
wf_search_each(struct wf *w, const char *ou, const char *filter,
    char **attrs, size_t max, const char *what,
    int (*each)(struct wf *, LDAP *, LDAPMessage *, void *), void *arg)
{
	char base[DIR_DN_MAX], act[64];
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc, st = EX_OK;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(base, sizeof(base), "%s,%s", ou,
	    w->cfg->directory.kunci_base);
	w->truncated = 0;
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter, attrs,
	    0, NULL, NULL, NULL, (int)max, &res);
	w->truncated = rc == LDAP_SIZELIMIT_EXCEEDED;
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		snprintf(act, sizeof(act), _("listing %ss"), wf_word(what));
		return wf_ldfail(w, rc, act);
	}
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e))
		if ((st = each(w, ld, e, arg)) != EX_OK)
			break;
	ldap_msgfree(res);
	return st;
}

int
wf_load(struct wf *w, const char *id, struct wf_request *r)
{
	char dn[DIR_DN_MAX];
	LDAPMessage *res;
	LDAP *ld;
	int st;

	memset(r, 0, sizeof(*r));
	if (request_dn(w, id, dn, sizeof(dn)) == -1)
		return wf_fail(w, EX_NOINPUT, _("unknown request: %.40s"), id);
	if ((st = wf_read_entry(w, dn, "(objectClass=kunciRequest)",
	    req_attrs, "request", id, &ld, &res)) != EX_OK)
		return st;
	st = parse_request(w, ld, ldap_first_entry(ld, res), r, NULL);
	ldap_msgfree(res);
	return st;
}

int
wf_open(const struct wf_request *r)
{
	return (strcmp(r->state, "pending") == 0 ||
	    strcmp(r->state, "active") == 0) &&
	    r->step >= 0 && (size_t)r->step < r->snap.nsteps;
}

static void
parse_event(LDAP *ld, LDAPMessage *e, struct wf_event *ev)
{
	struct berval **v;
	char buf[32];
	long long n;
	int i;

	memset(ev, 0, sizeof(*ev));
	dir_get(ld, e, "kunciId", ev->rdn, sizeof(ev->rdn));
	dir_get(ld, e, "kunciActor", ev->actor, sizeof(ev->actor));
	dir_get(ld, e, "kunciAsUser", ev->as, sizeof(ev->as));
	dir_get(ld, e, "kunciDecision", ev->decision, sizeof(ev->decision));
	dir_get(ld, e, "kunciStep", ev->stepname, sizeof(ev->stepname));
	dir_get(ld, e, "kunciRole", ev->role, sizeof(ev->role));
	ev->time = dir_get_time(ld, e, "kunciTime");
	ev->step = -1;
	if (dir_get(ld, e, "kunciStepIndex", buf, sizeof(buf)) == 0 &&
	    num(buf, 0, WF_MAX_STEPS, &n) == 0)
		ev->step = (int)n;
	/* kunciNote: the note (the first value: a visit's check-out keeps
	 * "locked: yes|no" first and the escort's words second), and
	 * "credential: X" for a provision. */
	v = ldap_get_values_len(ld, e, "kunciNote");
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		size_t len = v[i]->bv_len;

		if (len > 8 && len < 8 + 8 + DIR_UID_MAX + WF_DLG_ID_MAX &&
		    memcmp(v[i]->bv_val, "acting: ", 8) == 0) {
			char av[8 + 8 + DIR_UID_MAX + WF_DLG_ID_MAX], *f[3];
			char *p = av;
			int k;

			memcpy(av, v[i]->bv_val + 8, len - 8);
			av[len - 8] = '\0';
			for (k = 0; k < 3; k++)
				f[k] = strsep(&p, " ");
			if (f[1] != NULL && f[2] != NULL) {
				u_strlcpy(ev->acting_kind, f[0],
				    sizeof(ev->acting_kind));
				u_strlcpy(ev->acting_for, f[1],
				    sizeof(ev->acting_for));
				u_strlcpy(ev->acting_id, f[2],
				    sizeof(ev->acting_id));
			}
		} else if (len > 4 && len < 4 + sizeof(ev->to) &&
		    memcmp(v[i]->bv_val, "to: ", 4) == 0) {
			memcpy(ev->to, v[i]->bv_val + 4, len - 4);
			ev->to[len - 4] = '\0';
		} else if (len > 8 && len < 8 + sizeof(ev->writer) &&
		    memcmp(v[i]->bv_val, "writer: ", 8) == 0) {
			memcpy(ev->writer, v[i]->bv_val + 8, len - 8);
			ev->writer[len - 8] = '\0';
		} else if (len > 12 &&
		    memcmp(v[i]->bv_val, "credential: ", 12) == 0) {
			len -= 12;
			if (len > WF_CRED_MAX)
				len = WF_CRED_MAX;
			memcpy(ev->cred, v[i]->bv_val + 12, len);
			ev->cred[len] = '\0';
		} else if (ev->note[0] == '\0') {
			if (len > WF_NOTE_MAX)
				len = WF_NOTE_MAX;
			memcpy(ev->note, v[i]->bv_val, len);
			ev->note[len] = '\0';
		}
	}
	ldap_value_free_len(v);
}

static int
cmp_event(const void *a, const void *b)
{
	const struct wf_event *x = a, *y = b;

	int rx, ry;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	/* Within one second: the submission, then the steps in order. */
	rx = strcmp(x->rdn, "submit") == 0 ? -1 :
	    x->step >= 0 ? x->step : WF_MAX_STEPS;
	ry = strcmp(y->rdn, "submit") == 0 ? -1 :
	    y->step >= 0 ? y->step : WF_MAX_STEPS;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->rdn, y->rdn);
}

int
wf_events_under(struct wf *w, const char *dn, const char *filter,
    struct wf_event **evp, size_t *np)
{
	char *attrs[] = { U("kunciId"), U("kunciActor"), U("kunciAsUser"),
	    U("kunciDecision"), U("kunciStep"), U("kunciRole"), U("kunciTime"),
	    U("kunciStepIndex"), U("kunciNote"), NULL };
	LDAPMessage *res = NULL, *e;
	struct wf_event *ev = NULL;
	size_t n = 0, cnt;
	LDAP *ld;
	int rc;

	*evp = NULL;
	*np = 0;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_ONELEVEL, filter, attrs, 0,
	    NULL, NULL, NULL, LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading events"));
	}
	cnt = (size_t)ldap_count_entries(ld, res);
	if (cnt > 0 && (ev = calloc(cnt, sizeof(*ev))) == NULL) {
		ldap_msgfree(res);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL && n < cnt;
	    e = ldap_next_entry(ld, e))
		parse_event(ld, e, &ev[n++]);
	ldap_msgfree(res);
	if (n > 1)
		qsort(ev, n, sizeof(*ev), cmp_event);
	*evp = ev;
	*np = n;
	return EX_OK;
}

int
wf_events(struct wf *w, const struct wf_request *r, struct wf_event **ev,
    size_t *n)
{
	return wf_events_under(w, r->dn, "(&(objectClass=kunciEvent)"
	    "(!(kunciId=site-*)))", ev, n);	/* not double.h's marks */
}

int
wf_event_add(struct wf *w, const char *parent, const struct wf_snap *snap,
    const char *state, const char *rdn, const char *actor, const char *as,
    const char *decision, int step, const char *role, const char *note,
    const char *note2)
{
	char dn[DIR_DN_MAX + 128], now[32], idx[16];
	struct dir_mods m;
	LDAP *ld;
	int rc, st = EX_OK;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", rdn, parent);
	dir_gentime(now, sizeof(now), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciEvent");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", rdn);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciTime", now);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciActor", actor);
	if (as != NULL && *as != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciAsUser", as);
	if (decision != NULL)
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciDecision", decision);
	if (step >= 0 && (size_t)step < snap->nsteps) {
		snprintf(idx, sizeof(idx), "%d", step);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciStepIndex", idx);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciStep",
		    snap->steps[step].name);
	}
	if (role != NULL && *role != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciRole", role);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciState", state);
	if (note != NULL && *note != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	if (note2 != NULL && *note2 != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note2);
	if (w->ev_to != NULL) {
		char tv[80];

		snprintf(tv, sizeof(tv), "to: %s", w->ev_to);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", tv);
	}
	if (w->ev_writer != NULL) {
		char wv[32];

		snprintf(wv, sizeof(wv), "writer: %s", w->ev_writer);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", wv);
	}
	if (w->acting != NULL) {
		char av[32 + DIR_UID_MAX + WF_DLG_ID_MAX];

		snprintf(av, sizeof(av), "acting: %s %s %s", w->acting->kind,
		    w->acting->principal, w->acting->id);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", av);
	}
	if (m.err) {
		dir_mods_free(&m);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	w->wrote = 1;
	rc = ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
	if (rc == LDAP_ALREADY_EXISTS)
		st = EX_CANTCREAT;
	else if (rc != LDAP_SUCCESS)
		st = wf_ldfail(w, rc, _("writing the event"));
	dir_mods_free(&m);
	return st;
}

/* An event under request r; cred (a card serial or account name) is kept
 * as the note "credential: <cred>". */
int
add_event(struct wf *w, const struct wf_request *r, const char *rdn,
    const char *actor, const char *as, const char *decision, int step,
    const char *role, const char *note, const char *cred)
{
	char cv[WF_CRED_MAX + 16];

	cv[0] = '\0';
	if (cred != NULL && *cred != '\0')
		snprintf(cv, sizeof(cv), "credential: %s", cred);
	return wf_event_add(w, r->dn, &r->snap, r->state, rdn, actor, as,
	    decision, step, role, note, cv);
}

void
del_event(struct wf *w, const struct wf_request *r, const char *rdn)
{
	char dn[DIR_DN_MAX + 128];
	LDAP *ld;
	int rc;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", rdn, r->dn);
	rc = ldap_delete_ext_s(ld, dn, NULL, NULL);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
		log_warnx("request %s: removing event %s: %s", r->id, rdn,
		    ldap_err2string(rc));
}

int
wf_modify_asserted(struct wf *w, const char *dn, const char *assertion,
    struct dir_mods *m, const char *what)
{
	LDAPControl *ctrl = NULL, *ctrls[2];
	LDAP *ld;
	int rc;

	if (m->err)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_create_assertion_control(ld, U(assertion), 1, &ctrl);
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("assertion control"));
	ctrls[0] = ctrl;
	ctrls[1] = NULL;
	w->wrote = 1;
	rc = ldap_modify_ext_s(ld, dn, m->p, ctrls, NULL);
	ldap_control_free(ctrl);
	if (rc == LDAP_ASSERTION_FAILED)
		return EX_TEMPFAIL;
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, what);
	return EX_OK;
}

/* Modify the request asserting its state and step (wf_modify_asserted). */
int
cas_modify(struct wf *w, const struct wf_request *r, struct dir_mods *m)
{
	char filter[128];

	snprintf(filter, sizeof(filter),
	    "(&(kunciState=%s)(kunciStepIndex=%d))", r->state, r->step);
	return wf_modify_asserted(w, r->dn, filter, m,
	    _("updating the request"));
}

/* ---------------------------------------------------------- the engine */

const char *
step_name(const struct wf_request *r)
{
	if (r->step >= 0 && (size_t)r->step < r->snap.nsteps)
		return r->snap.steps[r->step].name;
	return "";
}

/* Create the grant (idempotent: its DN is the request id). */
static int
make_grant(struct wf *w, const struct wf_request *r, const char *cred,
    int *created)
{
	char dn[DIR_DN_MAX], esc[ESC_ID], nb[32], na[32], now[32];
	struct dir_mods m;
	LDAP *ld;
	size_t i;
	int rc, st = EX_OK;

	*created = 0;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	if (ldapc_escape_dn(esc, sizeof(esc), r->id) == -1)
		return wf_fail(w, EX_SOFTWARE, _("bad request id"));
	snprintf(dn, sizeof(dn), "kunciId=%s,ou=grants,%s", esc,
	    w->cfg->directory.kunci_base);
	dir_gentime(nb, sizeof(nb), r->not_before);
	dir_gentime(na, sizeof(na), r->not_after);
	dir_gentime(now, sizeof(now), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciGrant");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", r->id);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciSubject", r->subject);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciResource", r->resource);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStatus", "active");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNotBefore", nb);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNotAfter", na);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciRequestRef", r->id);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", now);
	if (*r->type != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciAccessType", r->type);
	if (cred != NULL && *cred != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciCredential", cred);
	for (i = 0; i < r->snap.rules.nwindows; i++)
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciTimeWindow",
		    r->snap.rules.windows[i]);
	if (m.err) {
		dir_mods_free(&m);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	w->wrote = 1;
	rc = ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
	if (rc == LDAP_SUCCESS)
		*created = 1;
	else if (rc != LDAP_ALREADY_EXISTS)
		st = wf_ldfail(w, rc, _("creating the grant"));
	dir_mods_free(&m);
	return st;
}

static void
fill_step_mods(struct wf *w, const struct wf_request *r, int next,
    const char *state, time_t now, struct dir_mods *m)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", next);
	dir_mods_add(m, LDAP_MOD_REPLACE, "kunciStepIndex", buf);
	dir_mods_add(m, LDAP_MOD_REPLACE, "kunciState", state);
	dir_gentime(buf, sizeof(buf), now);
	dir_mods_add(m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
	if ((size_t)next < r->snap.nsteps) {
		const struct wf_step *s = &r->snap.steps[next];
		time_t dl = wf_deadline(w->cfg, now, s->sla, s->bd);

		dir_mods_add(m, LDAP_MOD_REPLACE, "kunciStep", s->name);
		dir_mods_add(m, LDAP_MOD_REPLACE, "kunciStepSince", buf);
		if (dl != 0) {
			dir_gentime(buf, sizeof(buf), dl);
			dir_mods_add(m, LDAP_MOD_REPLACE, "kunciDeadline", buf);
		} else
			dir_mods_add(m, LDAP_MOD_REPLACE, "kunciDeadline",
			    NULL);
	} else {
		dir_mods_add(m, LDAP_MOD_REPLACE, "kunciStep", NULL);
		dir_mods_add(m, LDAP_MOD_REPLACE, "kunciStepSince", NULL);
		dir_mods_add(m, LDAP_MOD_REPLACE, "kunciDeadline", NULL);
	}
}

/*
 * Roll the request forward as far as its events allow: end it on a
 * rejection, advance a step whose quorum is met,
 * create the grant.  Every write is idempotent or asserted, so any number
 * of kuncid processes may settle the same request at once.
 */
int
wf_settle(struct wf *w, const char *id)
{
	struct wf_request r;
	struct wf_event *ev = NULL;
	struct dir_mods m;
	char filter[128], cred[WF_CRED_MAX + 1];
	size_t n, i;
	int st, iter, approvals, rejects, created;
	time_t now;

	for (iter = 0; iter < 3 * WF_MAX_STEPS; iter++) {
		if ((st = wf_load(w, id, &r)) != EX_OK)
			return st;
		if (!wf_open(&r)) {
			wf_request_free(&r);
			return EX_OK;
		}
		const struct wf_step *s = &r.snap.steps[r.step];

		if (s->rule.skip) {
			/* No superior, if_no_superior "skip": kuncid passes
			 * the step (the add decides, as for any act). */
			char rdn[32];

			snprintf(rdn, sizeof(rdn), "step-%d-1", r.step);
			st = add_event(w, &r, rdn, ACTOR_KUNCID, NULL,
			    "approve", r.step, s->role, "skipped: the requester "
			    "has no superior in the directory", NULL);
			if (st == EX_OK)
				log_audit("request.skip", "request", r.id,
				    "actor", ACTOR_KUNCID, "step", s->name,
				    "subject", r.subject, "requester",
				    r.requester, "reason", "no superior",
				    NULL);
			else if (st != EX_CANTCREAT) {
				wf_request_free(&r);
				return st;
			}
		}
		snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
		    "(kunciStepIndex=%d)(kunciId=step-*))", r.step);
		if ((st = wf_events_under(w, r.dn, filter, &ev, &n)) != EX_OK) {
			wf_request_free(&r);
			return st;
		}
		approvals = rejects = 0;
		for (i = 0; i < n; i++) {
			if (strcmp(ev[i].decision, "reject") == 0)
				rejects++;
			else if (strcmp(ev[i].decision, "approve") == 0)
				approvals++;
		}
		free(ev);
		ev = NULL;
		now = time(NULL);
		dir_mods_init(&m);
		if (rejects >= wfr_rejections(&s->rule)) {
			/* A closed request has no deadline. */
			{
				char b[32];

				dir_gentime(b, sizeof(b), now);
				dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState",
				    "rejected");
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciUpdated", b);
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciDeadline", NULL);
			}
			st = cas_modify(w, &r, &m);
			dir_mods_free(&m);
			if (st == EX_OK) {
				char nr[16];

				snprintf(nr, sizeof(nr), "%d", rejects);
				log_audit("request.reject", "request", r.id,
				    "step", s->name, "resource", r.resource,
				    "subject", r.subject, "requester",
				    r.requester, "state", "rejected",
				    "rejections", nr, NULL);
				hook_event(w, &r, "rejected", r.step);
			}
			wf_request_free(&r);
			if (st == EX_OK)
				return EX_OK;
			if (st != EX_TEMPFAIL)
				return st;
			continue;
		}
		if (approvals < (s->rule.parallel[0] != '\0' ?
		    wfr_parallel_count(&s->rule) : s->quorum)) {
			dir_mods_free(&m);
			wf_request_free(&r);
			return EX_OK;
		}
		/* The step is done. */
		created = 0;
		if (r.step == r.snap.grant_at &&
		    strcmp(r.type, WF_REMOVAL_TYPE) == 0) {
			/* A removal (C3): take the grant away here. */
			if ((st = hook_removal(w, &r)) != EX_OK) {
				dir_mods_free(&m);
				wf_request_free(&r);
				return st;
			}
		} else if (r.step == r.snap.grant_at) {
			cred[0] = '\0';
			/* The credential comes from a provision step. */
			snprintf(filter, sizeof(filter),
			    "(&(objectClass=kunciEvent)(kunciId=step-*)"
			    "(kunciDecision=approve))");
			if ((st = wf_events_under(w, r.dn, filter, &ev, &n)) !=
			    EX_OK) {
				wf_request_free(&r);
				return st;
			}
			for (i = 0; i < n; i++)
				if (ev[i].cred[0] != '\0')
					u_strlcpy(cred, ev[i].cred,
					    sizeof(cred));
			free(ev);
			ev = NULL;
			if ((st = make_grant(w, &r, cred, &created)) != EX_OK) {
				wf_request_free(&r);
				return st;
			}
			if (created) {
				log_audit("grant.create", "grant", r.id,
				    "request", r.id, "subject", r.subject,
				    "resource", r.resource, "credential", cred,
				    NULL);
				hook_granted(w, &r, cred);
				u_strlcpy(r.grant, r.id, sizeof(r.grant));
				hook_event(w, &r, "approved", r.step);
			}
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciGrantRef",
			    r.id);
		}
		fill_step_mods(w, &r, r.step + 1,
		    r.step >= r.snap.grant_at ? "active" : "pending", now, &m);
		st = cas_modify(w, &r, &m);
		dir_mods_free(&m);
		if (st == EX_OK && (size_t)r.step + 1 == r.snap.nsteps)
			log_audit("request.complete", "request", r.id,
			    "resource", r.resource, "subject", r.subject,
			    "grant", r.id, NULL);
		else if (st == EX_OK && r.step == r.snap.grant_at)
			log_audit("request.approved", "request", r.id,
			    "resource", r.resource, "subject", r.subject,
			    "grant", r.id, NULL);
		if (st == EX_OK && s->kind == CFG_KIND_NOTIFY) {
			/* The role's act informed the requester: kuncid
			 * sends the notice now, as part of that act. */
			log_audit("request.notify", "request", r.id, "step",
			    s->name, "subject", r.subject, "requester",
			    r.requester, "state", r.state, NULL);
			hook_event(w, &r, "inform", r.step);
		}
		if (st == EX_OK)
			hook_event(w, &r, "waiting", r.step + 1);
		wf_request_free(&r);
		if (st != EX_OK && st != EX_TEMPFAIL)
			return st;
	}
	return EX_OK;
}

/* ---------------------------------------------------------- submitting */

static int
next_id(struct wf *w, char id[WF_ID_MAX + 1])
{
	char cn[32];
	struct tm tm;
	time_t now = time(NULL);
	long long v;
	int st;

	localtime_r(&now, &tm);
	snprintf(cn, sizeof(cn), "request-%d", tm.tm_year + 1900);
	if ((st = counter_next(w->lc, w->cfg->directory.kunci_base, cn, "id",
	    1, 999999999, &v, w->err, sizeof(w->err))) != EX_OK)
		return st;
	snprintf(id, WF_ID_MAX + 1, "%d-%06lld", tm.tm_year + 1900, v);
	return EX_OK;
}

/* May actor submit for subject?  Self, an admin, the subject's manager, or
 * a colleague in the same requesting unit (a group that is not a role). */
static int
may_submit_for(struct wf *w, const struct wf_actor *a,
    const struct dir_person *subj, int *ok)
{
	char e1[3 * DIR_DN_MAX + 1], e2[3 * DIR_DN_MAX + 1];
	char *filter, *attrs[] = { U("1.1"), NULL }, *gdn;
	LDAPMessage *res = NULL, *e;
	size_t i, fl;
	LDAP *ld;
	int rc, role;

	*ok = 0;
	if (strcmp(a->p.uid, subj->uid) == 0 || a->admin ||
	    (subj->manager[0] != '\0' &&
	    dir_dn_equal(subj->manager, a->p.dn))) {
		*ok = 1;
		return EX_OK;
	}
	if (ldapc_escape_filter(e1, sizeof(e1), a->p.dn) == -1 ||
	    ldapc_escape_filter(e2, sizeof(e2), subj->dn) == -1)
		return EX_OK;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	fl = strlen(e1) + strlen(e2) + 64;
	if ((filter = malloc(fl)) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	snprintf(filter, fl, "(&(objectClass=groupOfNames)(member=%s)"
	    "(member=%s))", e1, e2);
	rc = ldap_search_ext_s(ld, w->cfg->directory.groups_base,
	    LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL,
	    LDAP_NO_LIMIT, &res);
	free(filter);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("unit lookup"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL && !*ok;
	    e = ldap_next_entry(ld, e)) {
		if ((gdn = ldap_get_dn(ld, e)) == NULL)
			continue;
		role = 0;
		for (i = 0; i < w->cfg->nroles; i++)
			if (dir_dn_equal(gdn, w->cfg->roles[i].group))
				role = 1;
		if (!role)
			*ok = 1;
		ldap_memfree(gdn);
	}
	ldap_msgfree(res);
	return EX_OK;
}

const char *
wf_access_type(const struct cfg_workflow *wfc)
{
	return wfc->grant_kind == CFG_GRANT_NONE ? NULL :
	    cfg_grant_kind_name(wfc->grant_kind);
}

int
wf_submit(struct wf *w, const struct wf_actor *a, const char *resource,
    const char *type, const char *reason, const char *from,
    const char *until, const char *for_uid, char id[WF_ID_MAX + 1])
{
	const struct kunci_cfg *cfg = w->cfg;
	const struct cfg_workflow *wfc;
	const char *want;
	struct dir_resource res;
	struct dir_person subj;
	struct wf_request r;
	struct dir_mods m;
	char *snap = NULL, buf[32], dn[DIR_DN_MAX];
	time_t now = time(NULL), nb, na, dl;
	int st, ok;
	LDAP *ld;

	id[0] = '\0';
	memset(&r, 0, sizeof(r));
	if (!a->person)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if (type != NULL && *type == '\0')
		type = NULL;
	if (type != NULL && !valid_word(type, WF_TYPE_MAX, "._-"))
		return wf_fail(w, EX_DATAERR, _("bad access type: %.80s "
		    "(letters, digits, . _ -; at most %d bytes)"), type,
		    WF_TYPE_MAX);
	if ((st = check_text(w, _("reason"), reason, (size_t)
	    cfg->requests.max_reason, 1)) != EX_OK)
		return st;
	if (resource == NULL || *resource == '\0')
		return wf_fail(w, EX_USAGE, _("--resource is required"));
	if (strlen(resource) > DIR_NAME_MAX || !wf_utf8_valid(resource))
		return wf_fail(w, EX_NOINPUT, _("unknown resource: %.80s"),
		    resource);
	/* The validity window. */
	nb = now;
	if (from != NULL && wf_parse_when(from, 0, &nb) == -1)
		return wf_fail(w, EX_DATAERR, _("malformed date: %.40s "
		    "(want YYYY-MM-DD or YYYY-MM-DDTHH:MM)"), from);
	if (until != NULL) {
		if (wf_parse_when(until, 1, &na) == -1)
			return wf_fail(w, EX_DATAERR, _("malformed date: %.40s "
			    "(want YYYY-MM-DD or YYYY-MM-DDTHH:MM)"), until);
		if (na <= nb)
			return wf_fail(w, EX_DATAERR,
			    _("--until must be after --from"));
		if (na <= now)
			return wf_fail(w, EX_DATAERR,
			    _("--until is in the past"));
	}
	if ((st = dir_resource(w->lc, cfg, resource, &res, w->err,
	    sizeof(w->err))) != EX_OK)
		return st;
	if ((wfc = cfg_workflow(cfg, w->sub_workflow != NULL ?
	    w->sub_workflow : res.workflow)) == NULL)
		return wf_fail(w, EX_CONFIG, _("resource %s names workflow %s, "
		    "which is not configured"), res.name, res.workflow);
	/* The workflow's own longest window (requests.max_duration unless
	 * it sets max_validity) and access types. */
	if (until == NULL)
		na = nb + (time_t)wfc->max_validity;
	if (wfr_check_limits(wfc, w->sub_workflow == NULL ? type : NULL, nb,
	    na, &st, w->err, sizeof(w->err)) == -1)
		return st;
	/* ... and the resource's own (kunciAllowedType). */
	if (w->sub_workflow == NULL && type != NULL && res.types[0] != '\0' &&
	    !wfr_in_list(res.types, type))
		return wf_fail(w, EX_DATAERR,
		    _("--type %.64s: resource %s takes "
		    "--type %s"), type, res.name, res.types);
	if (wfc->nsteps > WF_MAX_STEPS)
		return wf_fail(w, EX_CONFIG,
		    _("workflow %s has too many steps"),
		    wfc->name);
	/* The type names what the grant will carry (a card, an account);
	 * "kartu" for a card would be a grant no one can issue. */
	want = w->sub_workflow == NULL ? wf_access_type(wfc) : NULL;
	if (type == NULL && want == NULL)
		return wf_fail(w, EX_USAGE, _("--type is required: workflow %s "
		    "of resource %s takes any access type"), wfc->name,
		    res.name);
	if (type == NULL)
		type = want;	/* the one type the workflow issues */
	if (want != NULL && strcmp(type, want) != 0)
		return wf_fail(w, EX_DATAERR, _("--type %.64s: resource %s "
		    "takes --type %s (workflow %s)"), type, res.name, want,
		    wfc->name);
	/* The subject. */
	if (for_uid != NULL && strcmp(for_uid, a->p.uid) != 0) {
		if ((st = dir_person_by_uid(w->lc, cfg, for_uid, &subj,
		    w->err, sizeof(w->err))) != EX_OK)
			return st;
		/* A removal's caller checked who may ask (prov.h). */
		if (w->sub_workflow != NULL)
			ok = 1;
		else if ((st = may_submit_for(w, a, &subj, &ok)) != EX_OK)
			return st;
		if (!ok) {
			log_audit("request.refused", "actor", a->p.uid, "as",
			    a->as, "action", "submit", "subject", subj.uid,
			    "resource", res.name, "reason",
			    "not in the subject's unit", NULL);
			return wf_fail(w, EX_NOPERM,
			    _("you may not request access "
			    "for %s (not in their unit, not their superior)"),
			    subj.uid);
		}
	} else
		subj = a->p;
	/* The snapshot, with the direct superior resolved now. */
	wf_snap_from_cfg(wfc, &r.snap);
	if ((st = wf_route(w, a, wfc, &subj, &r.snap)) != EX_OK)
		return st;
	if ((snap = malloc(SNAP_MAX)) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	if (wf_snap_format(&r.snap, snap, SNAP_MAX) == -1) {
		free(snap);
		return wf_fail(w, EX_SOFTWARE,
		    _("workflow snapshot too large"));
	}
	if ((st = next_id(w, id)) != EX_OK) {
		free(snap);
		return st;
	}
	if (request_dn(w, id, dn, sizeof(dn)) == -1) {
		free(snap);
		return wf_fail(w, EX_SOFTWARE, _("bad id %s"), id);
	}
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciRequest");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", id);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciRequester", a->p.uid);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciSubject", subj.uid);
	if (*a->as != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciAsUser", a->as);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciResource", res.name);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciWorkflow", wfc->name);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciState", w->sub_done ? "active" :
	    "pending");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciAccessType", type);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciReason", reason);
	dir_gentime(buf, sizeof(buf), now);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciUpdated", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStepSince", buf);
	dir_gentime(buf, sizeof(buf), nb);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNotBefore", buf);
	dir_gentime(buf, sizeof(buf), na);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNotAfter", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciWorkflowSnapshot", snap);
	if (w->sub_grant != NULL)
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciGrantRef", w->sub_grant);
	if (w->sub_done) {
		/* Carried out already (an emergency revocation): closed. */
		snprintf(buf, sizeof(buf), "%zu", r.snap.nsteps);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciStepIndex", buf);
		dl = 0;
	} else {
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciStepIndex", "0");
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciStep",
		    r.snap.steps[0].name);
		dl = wf_deadline(cfg, now, r.snap.steps[0].sla,
		    r.snap.steps[0].bd);
	}
	if (dl != 0) {
		dir_gentime(buf, sizeof(buf), dl);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciDeadline", buf);
	}
	free(snap);
	if (m.err) {
		dir_mods_free(&m);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		dir_mods_free(&m);
		return EX_UNAVAILABLE;
	}
	w->wrote = 1;
	st = ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
	dir_mods_free(&m);
	if (st != LDAP_SUCCESS)
		return wf_ldfail(w, st, _("writing the request"));
	log_audit("request.submit", "request", id, "actor", a->p.uid, "as",
	    a->as, "subject", subj.uid, "resource", res.name, "workflow",
	    wfc->name, "type", type, "reason", reason, NULL);
	/* The submit event: the request entry is the record; the event
	 * gives the history a first line.  Losing it in a crash loses no
	 * state. */
	u_strlcpy(r.dn, dn, sizeof(r.dn));
	u_strlcpy(r.id, id, sizeof(r.id));
	u_strlcpy(r.state, "pending", sizeof(r.state));
	(void)add_event(w, &r, "submit", a->p.uid, a->as, "submit", -1,
	    NULL, NULL, NULL);
	u_strlcpy(r.requester, a->p.uid, sizeof(r.requester));
	u_strlcpy(r.subject, subj.uid, sizeof(r.subject));
	u_strlcpy(r.resource, res.name, sizeof(r.resource));
	u_strlcpy(r.type, type, sizeof(r.type));
	r.reason = (char *)(uintptr_t)reason;
	r.not_after = na;
	if (w->sub_grant != NULL)
		u_strlcpy(r.grant, w->sub_grant, sizeof(r.grant));
	if (!w->sub_done) {
		hook_event(w, &r, "submit", -1);
		hook_event(w, &r, "waiting", 0);
	}
	r.reason = NULL;
	if (w->sub_done)
		return EX_OK;
	return wf_settle(w, id);
}

