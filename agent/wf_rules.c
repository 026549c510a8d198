/*
 * wf_rules.c: the rules a procedure adds to its steps, as a request's
 * snapshot keeps them, and the checks made with them (wf_rules.h).
 *
 * Nothing here writes to the directory: the engine decides every act with
 * its one add or asserted modify; these functions only say how many acts
 * a step takes, who may take them, and what a submission may ask.
 */
#include <sysexits.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "util.h"
#include "wf_rules.h"

void
wfr_step_from_cfg(const struct cfg_workflow *wfc, size_t i,
    struct wfr_step *st)
{
	const struct cfg_step *c = &wfc->steps[i];
	size_t k, j;

	memset(st, 0, sizeof(*st));
	st->rejections = c->rejections < 1 ? 1 : c->rejections;
	st->quorum_lost = c->rejections == CFG_REJECT_QUORUM_LOST;
	st->not_superior = c->not_superior;
	for (k = 0; k < c->nchoose; k++) {
		if (k > 0)
			u_strlcat(st->choose, ",", sizeof(st->choose));
		u_strlcat(st->choose, c->choose[k], sizeof(st->choose));
	}
	for (k = 0; k < c->nparallel; k++) {
		if (k > 0)
			u_strlcat(st->parallel, ",", sizeof(st->parallel));
		u_strlcat(st->parallel, c->parallel[k], sizeof(st->parallel));
	}
	for (k = 0; k < c->nnot_same_as; k++)
		for (j = 0; j < i && j < 32; j++)
			if (strcmp(wfc->steps[j].name, c->not_same_as[k]) == 0)
				st->not_same |= UINT32_C(1) << j;
}

void
wfr_snap_from_cfg(const struct cfg_workflow *wfc, struct wfr_snap *rs)
{
	size_t i;

	memset(rs, 0, sizeof(*rs));
	for (i = 0; i < wfc->ntime_window && i < WFR_MAX_WINDOWS; i++)
		u_strlcpy(rs->windows[i], wfc->time_window[i],
		    sizeof(rs->windows[i]));
	rs->nwindows = i;
}

static int
append(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
append(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= bufsz)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, bufsz - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= bufsz - *off)
		return -1;
	*off += (size_t)n;
	return 0;
}

int
wfr_format_step(size_t i, const struct wfr_step *st, char *buf, size_t bufsz,
    size_t *off)
{
	if (st->rejections > 1 && append(buf, bufsz, off,
	    "rule\t%zu\trejections\t%d\n", i, st->rejections) == -1)
		return -1;
	if (st->quorum_lost && append(buf, bufsz, off,
	    "rule\t%zu\tquorum_lost\t1\n", i) == -1)
		return -1;
	if (st->not_same != 0 && append(buf, bufsz, off,
	    "rule\t%zu\tnot_same\t%lu\n", i, (unsigned long)st->not_same) == -1)
		return -1;
	if (st->not_superior && append(buf, bufsz, off,
	    "rule\t%zu\tnot_superior\t1\n", i) == -1)
		return -1;
	if (st->skip && append(buf, bufsz, off, "rule\t%zu\tskip\t1\n", i) ==
	    -1)
		return -1;
	if (st->fallback && append(buf, bufsz, off,
	    "rule\t%zu\tfallback\t1\n", i) == -1)
		return -1;
	if (st->choose[0] != '\0' && append(buf, bufsz, off,
	    "rule\t%zu\tchoose\t%s\n", i, st->choose) == -1)
		return -1;
	if (st->parallel[0] != '\0' && append(buf, bufsz, off,
	    "rule\t%zu\tparallel\t%s\n", i, st->parallel) == -1)
		return -1;
	return 0;
}

int
wfr_format_snap(const struct wfr_snap *rs, char *buf, size_t bufsz,
    size_t *off)
{
	size_t i;

	if (rs->superior[0] != '\0' && append(buf, bufsz, off,
	    "superior\t%s\n", rs->superior) == -1)
		return -1;
	for (i = 0; i < rs->nwindows; i++)
		if (append(buf, bufsz, off, "window\t%s\n", rs->windows[i]) ==
		    -1)
			return -1;
	return 0;
}

static int
number(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v > max)
		return -1;
	return 0;
}

int
wfr_parse_step(const char *key, const char *value, size_t nsteps,
    struct wfr_step *st)
{
	unsigned long long v;

	if (strcmp(key, "rejections") == 0) {
		if (number(value, WFR_MAX_SLOTS, &v) == -1 || v < 1)
			return -1;
		st->rejections = (int)v;
	} else if (strcmp(key, "not_same") == 0) {
		if (number(value, UINT32_MAX, &v) == -1 ||
		    (nsteps < 32 && (v >> nsteps) != 0))
			return -1;
		st->not_same = (uint32_t)v;
	} else if (strcmp(key, "choose") == 0 ||
	    strcmp(key, "parallel") == 0) {
		if (*value == '\0' || strlen(value) > WFR_CHOOSE_MAX ||
		    strpbrk(value, " \t") != NULL)
			return -1;
		u_strlcpy(key[0] == 'c' ? st->choose : st->parallel, value,
		    sizeof(st->choose));
	} else if (strcmp(key, "quorum_lost") == 0 ||
	    strcmp(key, "not_superior") == 0 || strcmp(key, "skip") == 0 ||
	    strcmp(key, "fallback") == 0) {
		if (strcmp(value, "1") != 0)
			return -1;
		if (key[0] == 'q')
			st->quorum_lost = 1;
		else if (key[0] == 'n')
			st->not_superior = 1;
		else if (key[0] == 's')
			st->skip = 1;
		else
			st->fallback = 1;
	}
	/* other keys: a later kuncid's rule, unknown here */
	return 0;
}

int
wfr_parse_snap(const char *key, const char *value, struct wfr_snap *rs)
{
	if (strcmp(key, "superior") == 0) {
		if (!dir_valid_uid(value))
			return -1;
		u_strlcpy(rs->superior, value, sizeof(rs->superior));
		return 1;
	}
	if (strcmp(key, "window") == 0) {
		if (rs->nwindows >= WFR_MAX_WINDOWS ||
		    strlen(value) > WFR_WINDOW_MAX || *value == '\0')
			return -1;
		u_strlcpy(rs->windows[rs->nwindows++], value,
		    sizeof(rs->windows[0]));
		return 1;
	}
	return 0;
}

int
wfr_rejections(const struct wfr_step *st)
{
	return st->rejections < 1 ? 1 : st->rejections;
}

int
wfr_slots(int quorum, const struct wfr_step *st)
{
	int n = quorum + wfr_rejections(st) - 1;

	if (st->parallel[0] != '\0')
		return wfr_parallel_count(st);	/* one slot per role */

	return n > WFR_MAX_SLOTS ? WFR_MAX_SLOTS : n;
}

int
wfr_role_members(struct ldapc *lc, const char *group, const char *req,
    const char *subj, int *n, char *err, size_t errsz)
{
	char *attrs[] = { (char *)(uintptr_t)"member", NULL };
	LDAPMessage *res = NULL, *e;
	struct berval **v;
	LDAP *ld;
	int rc, i;

	*n = 0;
	if ((ld = dir_ld(lc, err, errsz)) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, group, LDAP_SCOPE_BASE,
	    "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return EX_OK;
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		snprintf(err, errsz,
		    _("role members: %s"), ldap_err2string(rc));
		return dir_status(lc, rc);
	}
	if ((e = ldap_first_entry(ld, res)) != NULL &&
	    (v = ldap_get_values_len(ld, e, "member")) != NULL) {
		for (i = 0; v[i] != NULL; i++) {
			char dn[DIR_DN_MAX];

			if (v[i]->bv_len >= sizeof(dn))
				continue;
			memcpy(dn, v[i]->bv_val, v[i]->bv_len);
			dn[v[i]->bv_len] = '\0';
			if ((req != NULL && dir_dn_equal(dn, req)) ||
			    (subj != NULL && dir_dn_equal(dn, subj)))
				continue;
			(*n)++;
		}
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	return EX_OK;
}

int
wfr_may_act(const struct wfr_step *st, const char *actor,
    const char *superior, uint32_t acted, const char *const *stepnames,
    size_t nsteps, char *why, size_t whysz, char *en, size_t ensz)
{
	size_t j;

	if (st->not_superior && superior[0] != '\0' &&
	    strcmp(actor, superior) == 0) {
		i18n_both(why, whysz, en, ensz,
		    N_("the requester's superior may not decide "
		    "this step (not_superior)"));
		return -1;
	}
	for (j = 0; j < nsteps && j < 32; j++)
		if ((st->not_same & acted) & (UINT32_C(1) << j)) {
			i18n_both(why, whysz, en, ensz, N_("you acted on "
			    "step %s, and this step must be someone else "
			    "(not_same_as)"), stepnames[j]);
			return -1;
		}
	return 0;
}

int
wfr_check_limits(const struct cfg_workflow *wfc, const char *type,
    time_t nb, time_t na, int *status, char *why, size_t whysz)
{
	char d[32];
	size_t i, off;

	*status = EX_OK;
	if ((int64_t)(na - nb) > wfc->max_validity) {
		u_format_duration(wfc->max_validity, 0, d, sizeof(d));
		snprintf(why, whysz, _("validity window too long: at most %s "
		    "(workflow %s)"), d, wfc->name);
		*status = EX_DATAERR;
		return -1;
	}
	if (wfc->ntypes == 0 || type == NULL)
		return 0;
	for (i = 0; i < wfc->ntypes; i++)
		if (strcmp(type, wfc->types[i]) == 0)
			return 0;
	off = (size_t)snprintf(why, whysz, _("--type %.64s: workflow %s takes "
	    "--type"), type, wfc->name);
	for (i = 0; i < wfc->ntypes && off < whysz; i++)
		off += (size_t)snprintf(why + off, whysz - off, "%s %s",
		    i == 0 ? "" : (i + 1 == wfc->ntypes ? _(" or") : ","),
		    wfc->types[i]);
	*status = EX_DATAERR;
	return -1;
}

int
wfr_may_choose(const struct wfr_step *st, const char *role)
{
	return wfr_in_list(st->choose, role);
}

int
wfr_in_list(const char *list, const char *role)
{
	const char *p = list, *e;
	size_t n = strlen(role);

	if (n == 0)
		return 0;
	for (; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == n && strncmp(p, role, n) == 0)
			return 1;
	}
	return 0;
}

int
wfr_parallel_role(const struct wfr_step *st, const char *steprole, int n,
    char *role, size_t rolesz)
{
	const char *p = st->parallel, *e;
	int k;

	if (n == 1) {
		u_strlcpy(role, steprole, rolesz);
		return 0;
	}
	for (k = 2; *p != '\0'; k++, p = *e == ',' ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		if (k == n) {
			if ((size_t)(e - p) >= rolesz)
				return -1;
			memcpy(role, p, (size_t)(e - p));
			role[e - p] = '\0';
			return 0;
		}
	}
	return -1;
}

int
wfr_parallel_count(const struct wfr_step *st)
{
	const char *p;
	int n = 1;

	if (st->parallel[0] == '\0')
		return 1;
	for (p = st->parallel, n = 2; *p != '\0'; p++)
		if (*p == ',')
			n++;
	return n;
}

int
wfr_parallel_slot(const struct wfr_step *st, const char *steprole,
    const char *role)
{
	char r[64];
	int n, k;

	n = wfr_parallel_count(st);
	for (k = 1; k <= n; k++)
		if (wfr_parallel_role(st, steprole, k, r, sizeof(r)) == 0 &&
		    strcmp(r, role) == 0)
			return k;
	return 0;
}
