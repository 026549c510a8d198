/*
 * revbench.h: what the revocation benchmarks share (revlat.c, manyrev.c):
 * the monotonic clock in ms, a sort order for latencies, the directory
 * manager's connection (SASL EXTERNAL on ldapi://) and the one write they
 * time, a grant's kunciStatus replaced.  Header-only: each benchmark is one
 * program built from its own .c (Makefile).
 */
#ifndef KUNCI_REVBENCH_H
#define KUNCI_REVBENCH_H

#include <stdio.h>
#include <time.h>

#include <ldap.h>

static inline double
rb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int
rb_cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static inline int
rb_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	(void)ld;
	(void)flags;
	(void)defaults;
	(void)in;
	return LDAP_SUCCESS;
}

/* Bound as the directory manager on uri, or NULL (said on stderr). */
static inline LDAP *
rb_connect(const char *prog, const char *uri)
{
	LDAP *ld;
	int v = LDAP_VERSION3, r;

	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS)
		return NULL;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v);
	if ((r = ldap_sasl_interactive_bind_s(ld, NULL, "EXTERNAL", NULL,
	    NULL, LDAP_SASL_QUIET, rb_interact, NULL)) != LDAP_SUCCESS) {
		fprintf(stderr, "%s: bind: %s\n", prog, ldap_err2string(r));
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

/* Replace the kunciStatus of the grant at dn. */
static inline int
rb_set_status(LDAP *ld, const char *dn, const char *st)
{
	char attr[] = "kunciStatus", val[32];
	char *vals[2] = { val, NULL };
	LDAPMod mod = { LDAP_MOD_REPLACE, attr, { vals } }, *mods[2] = {
	    &mod, NULL };

	snprintf(val, sizeof(val), "%s", st);
	return ldap_modify_ext_s(ld, dn, mods, NULL, NULL);
}

#endif /* KUNCI_REVBENCH_H */
