/*
 * counter.c: the one compare-and-swap number allocator on
 * cn=<name>,ou=counters (see counter.h).
 *
 * The counter holds the last number handed out.  The add that creates it
 * hands out first; after that a modify deletes the value read and adds
 * its successor in one operation, which the server applies atomically:
 * a writer that read an older value fails with noSuchAttribute and reads
 * again.  No lock, no read-then-decide: the write is the decision.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <ldap.h>

#include "counter.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "util.h"

#define U(s)	((char *)(uintptr_t)(s))

static int
ldfail(struct ldapc *lc, int rc, const char *what, char *err, size_t errsz)
{
	snprintf(err, errsz, "%s: %s", what, ldap_err2string(rc));
	return dir_status(lc, rc);
}

int
counter_next(struct ldapc *lc, const char *kunci_base, const char *name,
    const char *label, long long first, long long max, long long *out,
    char *err, size_t errsz)
{
	char esc[3 * COUNTER_NAME_MAX + 1], dn[DIR_DN_MAX], cur[32], nxt[32];
	char what[128];
	char *attrs[] = { U("kunciCounter"), NULL };
	LDAPMessage *res = NULL, *e;
	struct dir_mods m;
	long long v;
	LDAP *ld;
	int rc, tries;

	*out = 0;
	if (errsz > 0)
		err[0] = '\0';
	if (strlen(name) > COUNTER_NAME_MAX || first < 0 || max < first ||
	    ldapc_escape_dn(esc, sizeof(esc), name) == -1) {
		snprintf(err, errsz, _("bad counter %.64s"), name);
		return EX_SOFTWARE;
	}
	snprintf(dn, sizeof(dn), "cn=%s,ou=counters,%s", esc, kunci_base);
	for (tries = 0; tries < COUNTER_TRIES; tries++) {
		if ((ld = dir_ld(lc, err, errsz)) == NULL)
			return EX_UNAVAILABLE;
		rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
		    "(objectClass=kunciIdCounter)", attrs, 0, NULL, NULL, NULL,
		    1, &res);
		if (rc == LDAP_NO_SUCH_OBJECT) {
			ldap_msgfree(res);
			res = NULL;
			snprintf(nxt, sizeof(nxt), "%lld", first);
			dir_mods_init(&m);
			dir_mods_add(&m, LDAP_MOD_ADD, "objectClass",
			    "kunciIdCounter");
			dir_mods_add(&m, LDAP_MOD_ADD, "cn", name);
			dir_mods_add(&m, LDAP_MOD_ADD, "kunciCounter", nxt);
			rc = m.err ? LDAP_NO_MEMORY :
			    ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
			dir_mods_free(&m);
			if (rc == LDAP_SUCCESS) {
				*out = first;
				return EX_OK;
			}
			if (rc == LDAP_ALREADY_EXISTS)
				continue;
			snprintf(what, sizeof(what),
			    _("creating the %s counter"), label);
			return ldfail(lc, rc, what, err, errsz);
		}
		if (rc != LDAP_SUCCESS) {
			ldap_msgfree(res);
			snprintf(what, sizeof(what),
			    _("reading the %s counter"), label);
			return ldfail(lc, rc, what, err, errsz);
		}
		e = ldap_first_entry(ld, res);
		if (e == NULL || dir_get(ld, e, "kunciCounter", cur,
		    sizeof(cur)) == -1 || u_strtonum(cur, first, max, &v,
		    &(const char *){ NULL }) == -1) {
			ldap_msgfree(res);
			snprintf(err, errsz,
			    _("bad %s counter %s: not a number "
			    "in %lld..%lld"), label, dn, first, max);
			return EX_SOFTWARE;
		}
		ldap_msgfree(res);
		res = NULL;
		if (v == max) {
			snprintf(err, errsz, _("the %s counter is used up "
			    "(%lld..%lld)"), label, first, max);
			return EX_CANTCREAT;
		}
		/* Delete the value read, add the next: whoever is second
		 * gets noSuchAttribute and reads again. */
		snprintf(nxt, sizeof(nxt), "%lld", v + 1);
		dir_mods_init(&m);
		dir_mods_add(&m, LDAP_MOD_DELETE, "kunciCounter", cur);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciCounter", nxt);
		rc = m.err ? LDAP_NO_MEMORY :
		    ldap_modify_ext_s(ld, dn, m.p, NULL, NULL);
		dir_mods_free(&m);
		if (rc == LDAP_SUCCESS) {
			*out = v + 1;
			return EX_OK;
		}
		if (rc == LDAP_NO_SUCH_ATTRIBUTE)
			continue;
		snprintf(what, sizeof(what), _("advancing the %s counter"),
		    label);
		return ldfail(lc, rc, what, err, errsz);
	}
	snprintf(err, errsz, _("%s counter busy, try again"), label);
	return EX_TEMPFAIL;
}
