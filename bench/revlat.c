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

#include "revbench.h"

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	(void)msg;
	(void)data;
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp == NULL ? PAM_BUF_ERR : PAM_SUCCESS;
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
	int n = 50, i, ch;

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
	if ((ld = rb_connect("revlat", uri)) == NULL)
		return 1;
	if (pam_start_confdir(svc, user, &c, dir, &ph) != PAM_SUCCESS)
		return 1;
	lat = calloc((size_t)n, sizeof(*lat));
	lat2 = calloc((size_t)n, sizeof(*lat2));
	for (i = 0; i < n; i++) {
		while (pam_acct_mgmt(ph, PAM_SILENT) != PAM_SUCCESS)
			usleep(1000);
		t0 = rb_now_ms();
		if (rb_set_status(ld, dn, "revoked") != LDAP_SUCCESS)
			return 1;
		t1 = rb_now_ms();
		while (pam_acct_mgmt(ph, PAM_SILENT) != PAM_PERM_DENIED)
			;
		t2 = rb_now_ms();
		lat[i] = t2 - t1;
		lat2[i] = t2 - t0;
		if (rb_set_status(ld, dn, "active") != LDAP_SUCCESS)
			return 1;
	}
	pam_end(ph, PAM_SUCCESS);
	ldap_unbind_ext_s(ld, NULL, NULL);
	qsort(lat, (size_t)n, sizeof(double), rb_cmp_d);
	qsort(lat2, (size_t)n, sizeof(double), rb_cmp_d);
	printf("revocations=%d after_ack_p50_ms=%.2f after_ack_p99_ms=%.2f "
	    "max_ms=%.2f after_send_p50_ms=%.2f after_send_p99_ms=%.2f\n", n,
	    lat[n / 2], lat[(int)(n * 0.99)], lat[n - 1], lat2[n / 2],
	    lat2[(int)(n * 0.99)]);
	return 0;
}
