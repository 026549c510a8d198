/*
 * revlat: revocation-to-deny latency.  Repeatedly sets one grant's
 * kunciStatus to revoked over LDAP (SASL EXTERNAL on ldapi://, as the
 * directory manager) and polls pam_acct_mgmt through the real libpam until
 * the login is denied; then reinstates the grant and waits for the allow.
 *
 *	revlat -H LDAPI_URI -D GRANT_DN -d CONFDIR -s SERVICE -u USER [-n N]
 *
 * Prints: n, p50/p99/max in ms measured from the moment the modify was
 * acknowledged by slapd (the revocation "reached LDAP") to the first
 * denial, and p50/p99 from the moment the modify was sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>
#include <security/pam_appl.h>

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	(void)msg;
	(void)data;
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp == NULL ? PAM_BUF_ERR : PAM_SUCCESS;
}

static int
interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	(void)ld;
	(void)flags;
	(void)defaults;
	(void)in;
	return LDAP_SUCCESS;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
set_status(LDAP *ld, const char *dn, const char *st)
{
	char attr[] = "kunciStatus", val[32];
	char *vals[2] = { val, NULL };
	LDAPMod mod = { LDAP_MOD_REPLACE, attr, { vals } }, *mods[2] = {
	    &mod, NULL };

	snprintf(val, sizeof(val), "%s", st);
	return ldap_modify_ext_s(ld, dn, mods, NULL, NULL);
}

int
main(int argc, char *argv[])
{
	const char *uri = NULL, *dn = NULL, *dir = NULL, *svc = NULL;
	const char *user = NULL;
	struct pam_conv c = { conv, NULL };
	pam_handle_t *ph = NULL;
	LDAP *ld;
	double *lat, *lat2, t0, t1, t2;
	int n = 50, i, ch, v = LDAP_VERSION3, r;

	while ((ch = getopt(argc, argv, "D:H:d:n:s:u:")) != -1) {
		switch (ch) {
		case 'D': dn = optarg; break;
		case 'H': uri = optarg; break;
		case 'd': dir = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 's': svc = optarg; break;
		case 'u': user = optarg; break;
		default: return 2;
		}
	}
	if (!uri || !dn || !dir || !svc || !user || n < 1)
		return 2;
	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS)
		return 1;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v);
	if ((r = ldap_sasl_interactive_bind_s(ld, NULL, "EXTERNAL", NULL,
	    NULL, LDAP_SASL_QUIET, interact, NULL)) != LDAP_SUCCESS) {
		fprintf(stderr, "bind: %s\n", ldap_err2string(r));
		return 1;
	}
	if (pam_start_confdir(svc, user, &c, dir, &ph) != PAM_SUCCESS)
		return 1;
	lat = calloc((size_t)n, sizeof(*lat));
	lat2 = calloc((size_t)n, sizeof(*lat2));
	for (i = 0; i < n; i++) {
		while (pam_acct_mgmt(ph, PAM_SILENT) != PAM_SUCCESS)
			usleep(1000);
		t0 = now_ms();
		if (set_status(ld, dn, "revoked") != LDAP_SUCCESS)
			return 1;
		t1 = now_ms();
		while (pam_acct_mgmt(ph, PAM_SILENT) != PAM_PERM_DENIED)
			;
		t2 = now_ms();
		lat[i] = t2 - t1;
		lat2[i] = t2 - t0;
		if (set_status(ld, dn, "active") != LDAP_SUCCESS)
			return 1;
	}
	pam_end(ph, PAM_SUCCESS);
	ldap_unbind_ext_s(ld, NULL, NULL);
	qsort(lat, (size_t)n, sizeof(double), cmp_d);
	qsort(lat2, (size_t)n, sizeof(double), cmp_d);
	printf("revocations=%d after_ack_p50_ms=%.2f after_ack_p99_ms=%.2f "
	    "max_ms=%.2f after_send_p50_ms=%.2f after_send_p99_ms=%.2f\n", n,
	    lat[n / 2], lat[(int)(n * 0.99)], lat[n - 1], lat2[n / 2],
	    lat2[(int)(n * 0.99)]);
	return 0;
}
