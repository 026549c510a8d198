/*
 * ldapc.c: see ldapc.h.
 *
 * Every handle gets LDAP_OPT_NETWORK_TIMEOUT (connect), LDAP_OPT_TIMEOUT
 * (each synchronous call) and LDAP_OPT_TIMELIMIT-free searches bounded by
 * the same timeout, so a blackholed server costs seconds, not minutes
 * (FACTS.md).  Referrals are not chased: kunci writes to the server it
 * chose, never to one a server names.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "cfg.h"
#include "ldapc.h"
#include "log.h"

#define BACKOFF_MIN	1
#define BACKOFF_MAX	60

void
ldapc_global_init(void)
{
	int v;

	/* Any get with a NULL handle runs ldap_int_initialize(). */
	(void)ldap_get_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &v);
}

void
ldapc_init(struct ldapc *c, const struct kunci_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->backoff = BACKOFF_MIN;
}

void
ldapc_close(struct ldapc *c)
{
	if (c->ld != NULL)
		ldap_unbind_ext_s(c->ld, NULL, NULL);
	c->ld = NULL;
}

int
ldapc_is_down(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	    rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY ||
	    rc == LDAP_LOCAL_ERROR || rc == LDAP_ENCODING_ERROR ||
	    rc == LDAP_DECODING_ERROR;
}

void
ldapc_fail(struct ldapc *c, int rc)
{
	snprintf(c->err, sizeof(c->err), "%s", ldap_err2string(rc));
	if (ldapc_is_down(rc)) {
		log_warnx("ldap: %s: connection dropped", c->err);
		ldapc_close(c);
	}
}

time_t
ldapc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * The longest one connect (*ct) and one operation (*ot) may take now:
 * the configured timeouts, cut to LDAPC_AWAY_TIMEOUT while the directory
 * is known to be away and to what is left before the deadline.  Returns
 * 1 when they were cut, -1 when the deadline has passed.
 */
static int
limits(const struct ldapc *c, time_t *ct, time_t *ot)
{
	const struct cfg_directory *d = &c->cfg->directory;
	time_t left;
	int cut = 0;

	*ct = (time_t)d->connect_timeout;
	*ot = (time_t)d->timeout;
	if (c->away != NULL && c->away()) {
		if (*ct > LDAPC_AWAY_TIMEOUT) {
			*ct = LDAPC_AWAY_TIMEOUT;
			cut = 1;
		}
		if (*ot > LDAPC_AWAY_TIMEOUT) {
			*ot = LDAPC_AWAY_TIMEOUT;
			cut = 1;
		}
	}
	if (c->deadline != 0) {
		if ((left = c->deadline - ldapc_now()) <= 0)
			return -1;
		if (*ct > left) {
			*ct = left;
			cut = 1;
		}
		if (*ot > left) {
			*ot = left;
			cut = 1;
		}
	}
	return cut;
}

static int
set_timeouts(LDAP *ld, time_t connect, time_t op)
{
	struct timeval ct, ot;

	ct.tv_sec = connect;
	ct.tv_usec = 0;
	ot.tv_sec = op;
	ot.tv_usec = 0;
	if (ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &ct) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &ot) != LDAP_OPT_SUCCESS)
		return -1;
	return 0;
}

static int
set_options(LDAP *ld, time_t connect, time_t op)
{
	int v3 = LDAP_VERSION3;

	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) !=
	    LDAP_OPT_SUCCESS || set_timeouts(ld, connect, op) == -1 ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON) !=
	    LDAP_OPT_SUCCESS)
		return -1;
	return 0;
}

static int
bind_one(struct ldapc *c, LDAP *ld)
{
	const struct cfg_directory *d = &c->cfg->directory;
	struct berval cred;
	char pw[1024], err[256];
	int rc;

	if (d->bind_dn[0] == '\0') {
		rc = ldap_sasl_interactive_bind_s(ld, NULL, "EXTERNAL", NULL,
		    NULL, LDAP_SASL_QUIET, NULL, NULL);
		return rc;
	}
	if (cfg_read_secret(d->bind_password_file, pw, sizeof(pw), err,
	    sizeof(err)) == -1) {
		log_warnx("ldap bind: %s", err);
		return LDAP_INVALID_CREDENTIALS;
	}
	cred.bv_val = pw;
	cred.bv_len = strlen(pw);
	rc = ldap_sasl_bind_s(ld, d->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL,
	    NULL, NULL);
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

LDAP *
ldapc_get(struct ldapc *c, int force)
{
	const struct cfg_directory *d = &c->cfg->directory;
	time_t now = time(NULL);
	LDAP *ld = NULL;
	time_t ct, ot;
	size_t i, k;
	int rc, cut;

	if ((cut = limits(c, &ct, &ot)) == -1) {
		snprintf(c->err, sizeof(c->err), "the command took too long "
		    "(agent.admin_command_timeout)");
		return NULL;
	}
	if (c->ld != NULL) {
		/* Fit this operation's wait to what is left. */
		if ((cut || c->capped) && set_timeouts(c->ld, ct, ot) == -1) {
			snprintf(c->err, sizeof(c->err), "cannot set timeouts");
			return NULL;
		}
		c->capped = cut;
		return c->ld;
	}
	if (!force && now < c->next_try)
		return NULL;
	/* Start with the URI that worked last; fail over in config order. */
	for (k = 0; k < d->nuri; k++) {
		i = ((size_t)c->uri_index + k) % d->nuri;
		if (k > 0 && (cut = limits(c, &ct, &ot)) == -1)
			break;
		if ((rc = ldap_initialize(&ld, d->uri[i])) != LDAP_SUCCESS) {
			snprintf(c->err, sizeof(c->err), "%s: %s", d->uri[i],
			    ldap_err2string(rc));
			continue;
		}
		if (set_options(ld, ct, ot) == -1) {
			snprintf(c->err, sizeof(c->err), "%s: cannot set options",
			    d->uri[i]);
			ldap_unbind_ext_s(ld, NULL, NULL);
			continue;
		}
		if ((rc = bind_one(c, ld)) != LDAP_SUCCESS) {
			snprintf(c->err, sizeof(c->err), "%s: bind: %s",
			    d->uri[i], ldap_err2string(rc));
			ldap_unbind_ext_s(ld, NULL, NULL);
			continue;
		}
		if (c->backoff > BACKOFF_MIN || (size_t)c->uri_index != i)
			log_info("ldap: connected to %s", d->uri[i]);
		c->ld = ld;
		c->capped = cut;
		c->uri_index = (int)i;
		c->backoff = BACKOFF_MIN;
		c->next_try = 0;
		c->err[0] = '\0';
		return ld;
	}
	log_warnx("ldap: no directory answers (last: %s); retry in %d s",
	    c->err, c->backoff);
	c->next_try = now + c->backoff;
	c->backoff = c->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
	    c->backoff * 2;
	return NULL;
}

int
ldapc_escape_filter(char *dst, size_t dstsz, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '*' || *p == '(' || *p == ')' || *p == '\\' ||
		    *p < 0x20 || *p == 0x7f) {
			if (o + 3 >= dstsz)
				return -1;
			dst[o++] = '\\';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 15];
		} else {
			if (o + 1 >= dstsz)
				return -1;
			dst[o++] = (char)*p;
		}
	}
	if (o >= dstsz)
		return -1;
	dst[o] = '\0';
	return 0;
}

int
ldapc_escape_dn(char *dst, size_t dstsz, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, n = strlen(v), i;
	unsigned char ch;

	for (i = 0; i < n; i++) {
		ch = (unsigned char)v[i];
		if (ch < 0x20 || ch == 0x7f) {
			if (o + 3 >= dstsz)
				return -1;
			dst[o++] = '\\';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
			continue;
		}
		if (strchr(",+\"\\<>;=", ch) != NULL ||
		    (i == 0 && (ch == ' ' || ch == '#')) ||
		    (i == n - 1 && ch == ' ')) {
			if (o + 2 >= dstsz)
				return -1;
			dst[o++] = '\\';
		} else if (o + 1 >= dstsz)
			return -1;
		dst[o++] = (char)ch;
	}
	if (o >= dstsz)
		return -1;
	dst[o] = '\0';
	return 0;
}

int
ldapc_gentime(char *dst, size_t dstsz, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(dst, dstsz, "%Y%m%d%H%M%SZ", &tm) == 0)
		return -1;
	return 0;
}

int
ldapc_parse_gentime(const char *s, time_t *t)
{
	struct tm tm;
	const char *e;

	*t = 0;
	memset(&tm, 0, sizeof(tm));
	e = strptime(s, "%Y%m%d%H%M%S", &tm);
	if (e == NULL || e - s != 14)
		return -1;
	/* Optional fraction, then Z (kunci writes only Z). */
	if (*e == '.') {
		for (e++; *e >= '0' && *e <= '9'; e++)
			;
	}
	if (strcmp(e, "Z") != 0)
		return -1;
	*t = timegm(&tm);
	return 0;
}
