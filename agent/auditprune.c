/*
 * auditprune.c: thinning this host's old audit checkpoints
 * (audit.checkpoint_retention; doc/audit.md, Keeping checkpoints).
 *
 * Checkpoints are the evidence that the tail of a log was not cut and
 * that its records are as signed; kuncid makes one an interval (8,760 a
 * year at "1h").  Those signed before the cut-off (now less the retention,
 * rounded down to midnight UTC, so whole days are thinned) are thinned to
 * what an auditor needs for the logs kept: of each UTC day, the last
 * checkpoint signed that day, and every checkpoint that ended a chain
 * (the next one signed has a seq no higher: the chain began again after
 * a lost head, and kuncid signs the new head at its first tick), so each
 * chain's last signed head stays.  Nothing younger is
 * touched, and no checkpoint is removed on a partial listing.
 *
 * Each host thins its own checkpoints (kunciHost), at most once an hour,
 * at most PRUNE_MAX a pass, and writes one audit.checkpoints_thinned
 * record for a pass that removed any.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "audit.h"
#include "cfg.h"
#include "chain.h"
#include "dir.h"
#include "ldapc.h"
#include "log.h"
#include "util.h"
#include "wf.h"

#define PRUNE_EVERY	3600	/* seconds between passes */
#define PRUNE_MAX	2000	/* removals a pass */
#define U(s)		((char *)(uintptr_t)(s))	/* libldap wants char * */

struct cp {
	char		*dn;
	uint64_t	 seq;
	time_t		 t;
};

static int
by_time(const void *a, const void *b)
{
	const struct cp *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether the i-th of n checkpoints (by time) must stay. */
int
audit_prune_keep(const uint64_t *seq, const time_t *t, size_t n, size_t i)
{
	if (i + 1 >= n)
		return 1;		/* the last one before the cut-off */
	if (t[i] / 86400 != t[i + 1] / 86400)
		return 1;		/* the last of its day */
	/* the last of its chain: kuncid signs a head at each start, so a
	 * chain begun again shows as a seq no higher than this one */
	return seq[i + 1] <= seq[i];
}

/*
 * List this host's checkpoints signed before cut, by time.  EX_OK, or
 * an error (also when the listing is not complete: nothing is removed
 * then).
 */
static int
list_old(struct wf *w, LDAP *ld, const char *host, time_t cut,
    struct cp **out, size_t *nout)
{
	char *attrs[] = { U("kunciCheckpoint"), U("kunciCreated"), NULL };
	char filter[256], esc[160], base[512], t[32], stmt[256];
	LDAPMessage *res = NULL, *e;
	struct cp *v = NULL, *nv;
	size_t n = 0;
	unsigned long long q;
	char *p, *dn;
	int rc;

	dir_gentime(t, sizeof(t), cut - 1);
	if (ldapc_escape_filter(esc, sizeof(esc), host) == -1)
		return EX_SOFTWARE;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciAuditCheckpoint)"
	    "(kunciHost=%s)(kunciCreated<=%s))", esc, t);
	snprintf(base, sizeof(base), "ou=audit,%s",
	    w->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter, attrs, 0,
	    NULL, NULL, NULL, 0, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		*out = NULL;
		*nout = 0;
		return EX_OK;
	}
	if (rc != LDAP_SUCCESS) {
		/* a size limit: a partial list could drop a day's last */
		log_warnx("audit checkpoints: listing those before %s: %s%s",
		    t, ldap_err2string(rc), rc == LDAP_SIZELIMIT_EXCEEDED ?
		    " (give kuncid's service account size=unlimited, "
		    "kunci-directory(8)); none removed" : "");
		ldap_msgfree(res);
		return rc == LDAP_SIZELIMIT_EXCEEDED ? EX_UNAVAILABLE :
		    dir_status(w->lc, rc);
	}
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e)) {
		if (dir_get(ld, e, "kunciCheckpoint", stmt, sizeof(stmt)) ==
		    -1 || (p = strstr(stmt, " seq=")) == NULL ||
		    sscanf(p, " seq=%llu", &q) != 1)
			continue;	/* not one of ours: left alone */
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL ||
		    (dn = ldap_get_dn(ld, e)) == NULL) {
			if (nv != NULL)
				v = nv;
			goto oom;
		}
		v = nv;
		v[n].dn = strdup(dn);
		ldap_memfree(dn);
		if (v[n].dn == NULL)
			goto oom;
		v[n].seq = q;
		v[n].t = dir_get_time(ld, e, "kunciCreated");
		n++;
	}
	ldap_msgfree(res);
	qsort(v, n, sizeof(*v), by_time);
	*out = v;
	*nout = n;
	return EX_OK;
oom:
	ldap_msgfree(res);
	while (n > 0)
		free(v[--n].dn);
	free(v);
	return EX_OSERR;
}

/* One pass: EX_OK when done, EX_TEMPFAIL when more waits. */
static int
prune(struct wf *w, const char *host, time_t now)
{
	struct cp *v = NULL;
	uint64_t *seq = NULL;
	time_t *t = NULL, cut;
	size_t n = 0, i, removed = 0, kept = 0;
	char cuts[32], ret[32], num[24], num2[24], err[256];
	LDAP *ld;
	int st, rc;

	cut = (now - (time_t)w->cfg->audit.checkpoint_retention) / 86400 *
	    86400;
	if ((ld = dir_ld(w->lc, err, sizeof(err))) == NULL)
		return EX_UNAVAILABLE;
	if ((st = list_old(w, ld, host, cut, &v, &n)) != EX_OK)
		return st;
	if (n > 0 && ((seq = calloc(n, sizeof(*seq))) == NULL ||
	    (t = calloc(n, sizeof(*t))) == NULL)) {
		st = EX_OSERR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		seq[i] = v[i].seq;
		t[i] = v[i].t;
	}
	for (i = 0; i < n; i++) {
		if (audit_prune_keep(seq, t, n, i)) {
			kept++;
			continue;
		}
		if (removed == PRUNE_MAX) {
			st = EX_TEMPFAIL;
			continue;
		}
		rc = ldap_delete_ext_s(ld, v[i].dn, NULL, NULL);
		if (rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT)
			removed++;
		else {
			log_warnx("audit checkpoints: removing %s: %s",
			    v[i].dn, ldap_err2string(rc));
			st = dir_status(w->lc, rc);
			break;
		}
	}
	if (removed > 0) {
		dir_gentime(cuts, sizeof(cuts), cut);
		if (u_format_duration(w->cfg->audit.checkpoint_retention, 0,
		    ret, sizeof(ret)) == -1)
			snprintf(ret, sizeof(ret), "?");
		snprintf(num, sizeof(num), "%zu", removed);
		snprintf(num2, sizeof(num2), "%zu", kept);
		log_audit("audit.checkpoints_thinned", "removed", num, "kept",
		    num2, "before", cuts, "retention", ret, NULL);
		log_info("audit checkpoints: %zu signed before %s thinned to "
		    "one a day (%zu kept)", removed, cuts, kept);
	}
out:
	for (i = 0; i < n; i++)
		free(v[i].dn);
	free(v);
	free(seq);
	free(t);
	return st;
}

void
audit_prune_tick(struct wf *w, time_t now)
{
	static time_t last;
	char host[CHAIN_HOST_MAX + 1];
	unsigned char val[CHAIN_VAL_LEN];
	uint64_t seq;

	if (w->cfg->audit.checkpoint_retention <= 0)
		return;
	if (last != 0 && now >= last && now - last < PRUNE_EVERY)
		return;
	if (log_audit_head(host, sizeof(host), &seq, val) == -1)
		return;			/* nothing sent yet: no host name */
	last = now;
	switch (prune(w, host, now)) {
	case EX_OK:
		break;
	case EX_TEMPFAIL:	/* more to remove: on the next tick */
		last = 0;
		break;
	default:		/* the directory away: in a minute */
		last = now - PRUNE_EVERY + 60;
	}
}
