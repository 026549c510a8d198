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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>
#include <sasl/sasl.h>

#include "cfg.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "tlsdiag.h"

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
	c->uri[0] = '\0';
}

int
ldapc_is_down(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	    rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY ||
	    rc == LDAP_LOCAL_ERROR || rc == LDAP_ENCODING_ERROR ||
	    rc == LDAP_DECODING_ERROR;
}

int
ldapc_fenced(struct ldapc *c, int rc)
{
	if (!c->writer || c->wid[0] == '\0' ||
	    rc != LDAP_INSUFFICIENT_ACCESS)
		return 0;
	i18n_errf(c->err, sizeof(c->err),
	    N_("the provider %.100s (serverID %s) no "
	    "longer takes writes: the writer was switched; try again"), c->uri,
	    c->wid);
	log_warnx("ldap: %s", i18n_en(c->err));
	ldapc_close(c);
	c->next_try = 0;
	c->fenced = 1;
	return 1;
}

void
ldapc_fail(struct ldapc *c, int rc)
{
	snprintf(c->err, sizeof(c->err), "%s", ldap_err2string(rc));
	if (ldapc_is_down(rc)) {
		log_warnx("ldap: %s: connection dropped", i18n_en(c->err));
		ldapc_close(c);
	}
}

/* TLS for this URI: ldaps://, or ldap:// with StartTLS configured. */
static int
wants_tls(const struct cfg_directory *d, const char *uri)
{
	return strncmp(uri, "ldaps://", 8) == 0 ||
	    (d->tls == CFG_TLS_STARTTLS && strncmp(uri, "ldap://", 7) == 0);
}

/*
 * Per-handle TLS settings (kuncid reads no ldap.conf: LDAPNOINIT), then a
 * fresh TLS context so they take effect on this handle only.
 */
static int
set_tls(LDAP *ld, const struct cfg_directory *d)
{
	static const int req[] = {
		LDAP_OPT_X_TLS_DEMAND, LDAP_OPT_X_TLS_TRY,
		LDAP_OPT_X_TLS_ALLOW, LDAP_OPT_X_TLS_NEVER
	};
	const char *ca = *d->tls_ca_file != '\0' ? d->tls_ca_file :
	    CFG_TLS_SYSTEM_CA;
	int r = req[d->tls_require_cert], zero = 0;

	if (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &r) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, ca) !=
	    LDAP_OPT_SUCCESS)
		return -1;
	if (*d->tls_cert_file != '\0' &&
	    (ldap_set_option(ld, LDAP_OPT_X_TLS_CERTFILE, d->tls_cert_file) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_KEYFILE, d->tls_key_file) !=
	    LDAP_OPT_SUCCESS))
		return -1;
	return ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero) ==
	    LDAP_OPT_SUCCESS ? 0 : -1;
}

/*
 * "<uri>: <what>: <error>[ (<diagnostic>)]": libldap's own string for a
 * TLS failure is only "Can't contact LDAP server"; the diagnostic message
 * says which certificate check failed.
 */
static void
conn_err(struct ldapc *c, LDAP *ld, const char *uri, const char *what,
    int rc)
{
	const struct cfg_directory *d = &c->cfg->directory;
	char *diag = NULL, why[200];

	/* A TLS failure: repeat the handshake to say which check failed. */
	if (wants_tls(d, uri) && (rc == LDAP_SERVER_DOWN ||
	    rc == LDAP_CONNECT_ERROR) &&
	    d->tls_require_cert <= CFG_TLS_REQ_TRY &&
	    tlsdiag(uri, strncmp(uri, "ldap://", 7) == 0, *d->tls_ca_file ?
	    d->tls_ca_file : CFG_TLS_SYSTEM_CA, (int)d->connect_timeout, why,
	    sizeof(why)) == 0) {
		i18n_errf(c->err, sizeof(c->err), N_("%s: TLS: %s"), uri, why);
		return;
	}
	if (ld != NULL)
		(void)ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (diag != NULL && (*diag == '\0' ||
	    strcmp(diag, "(unknown error code)") == 0)) {
		ldap_memfree(diag);
		diag = NULL;
	}
	snprintf(c->err, sizeof(c->err), "%s: %s: %s%s%.200s%s", uri, what,
	    ldap_err2string(rc), diag != NULL ? " (" : "",
	    diag != NULL ? diag : "", diag != NULL ? ")" : "");
	ldap_memfree(diag);
}

void
ldapc_failover(struct ldapc *c)
{
	size_t n = c->cfg->directory.nuri;

	ldapc_close(c);
	if (n > 0)
		c->uri_index = (int)(((size_t)c->uri_index + 1) % n);
	c->next_try = 0;
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

/*
 * SASL EXTERNAL over TLS asks for an authorisation identity; answer every
 * prompt with its default (none: the identity is the certificate's, or
 * the peer uid over ldapi://), as ldapwhoami -Q does.
 */
static int
sasl_defaults(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	sasl_interact_t *it;

	(void)ld;
	(void)flags;
	(void)defaults;
	for (it = in; it->id != SASL_CB_LIST_END; it++) {
		it->result = it->defresult != NULL ? it->defresult : "";
		it->len = (unsigned)strlen(it->result);
	}
	return LDAP_SUCCESS;
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
		    NULL, LDAP_SASL_QUIET, sasl_defaults, NULL);
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

/*
 * Connect and bind to uri with timeouts ct (connect) and ot (operation).
 * The handle, or NULL with c->err set.
 */
static LDAP *
connect_uri(struct ldapc *c, const char *uri, time_t ct, time_t ot)
{
	const struct cfg_directory *d = &c->cfg->directory;
	LDAP *ld = NULL;
	int rc;

	if ((rc = ldap_initialize(&ld, uri)) != LDAP_SUCCESS) {
		snprintf(c->err, sizeof(c->err), "%s: %s", uri,
		    ldap_err2string(rc));
		return NULL;
	}
	if (set_options(ld, ct, ot) == -1 || (wants_tls(d, uri) &&
	    set_tls(ld, d) == -1)) {
		i18n_errf(c->err, sizeof(c->err), N_("%s: cannot set options "
		    "(TLS files: %s)"), uri, *d->tls_ca_file ?
		    d->tls_ca_file : CFG_TLS_SYSTEM_CA);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	if (wants_tls(d, uri) && strncmp(uri, "ldap://", 7) == 0 &&
	    (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		conn_err(c, ld, uri, "StartTLS", rc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	if ((rc = bind_one(c, ld)) != LDAP_SUCCESS) {
		conn_err(c, ld, uri, "bind", rc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

LDAP *
ldapc_open(struct ldapc *c, const char *uri)
{
	time_t ct, ot;

	if (limits(c, &ct, &ot) == -1) {
		i18n_errf(c->err, sizeof(c->err), N_("the command took too long "
		    "(agent.admin_command_timeout)"));
		return NULL;
	}
	return connect_uri(c, uri, ct, ot);
}

/*
 * The writer entry as ld's provider has it: 1 with the writer's serverID
 * and its URIs (w->uri, w->n), 0 when there is none (one server: no
 * routing), -1 on an error (c->err).
 */
#define WRITER_URIS	4

struct writer {
	char	id[16];
	char	uri[WRITER_URIS][LDAPC_URI_MAX];
	int	n;
};

static int
read_writer(struct ldapc *c, LDAP *ld, const char *uri, struct writer *w)
{
	char dn[1024];
	char *attrs[] = { (char *)(uintptr_t)"kunciWriterId",
	    (char *)(uintptr_t)"kunciWriterURI", NULL };
	struct berval **vi = NULL, **vu = NULL;
	LDAPMessage *res = NULL, *e;
	int rc, r = -1, i;

	memset(w, 0, sizeof(*w));
	snprintf(dn, sizeof(dn), "%s,%s", LDAPC_WRITER_RDN,
	    c->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=kunciWriter)", attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT ||
	    (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 0)) {
		r = 0;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		i18n_errf(c->err, sizeof(c->err), N_("%.100s: reading the "
		    "writer entry: %s"), uri, ldap_err2string(rc));
		goto out;
	}
	e = ldap_first_entry(ld, res);
	vi = ldap_get_values_len(ld, e, "kunciWriterId");
	vu = ldap_get_values_len(ld, e, "kunciWriterURI");
	if (vi == NULL || vu == NULL || vi[0] == NULL || vu[0] == NULL ||
	    vi[0]->bv_len >= sizeof(w->id)) {
		i18n_errf(c->err, sizeof(c->err), N_("%.100s: the writer entry "
		    "%.100s is incomplete"), uri, dn);
		goto out;
	}
	memcpy(w->id, vi[0]->bv_val, vi[0]->bv_len);
	for (i = 0; vu[i] != NULL && w->n < WRITER_URIS; i++) {
		if (vu[i]->bv_len >= LDAPC_URI_MAX ||
		    memchr(vu[i]->bv_val, '\0', vu[i]->bv_len) != NULL)
			continue;
		memcpy(w->uri[w->n], vu[i]->bv_val, vu[i]->bv_len);
		w->uri[w->n++][vu[i]->bv_len] = '\0';
	}
	if (w->n == 0) {
		i18n_errf(c->err, sizeof(c->err), N_("%.100s: the writer entry "
		    "%.100s has no usable URI"), uri, dn);
		goto out;
	}
	r = 1;
out:
	ldap_value_free_len(vi);
	ldap_value_free_len(vu);
	ldap_msgfree(res);
	return r;
}

static int
names(const struct writer *w, const char *uri)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->uri[i], uri) == 0)
			return 1;
	return 0;
}

/*
 * Connect to the writer w names: by its URIs that this kuncid's own
 * configuration lists (the way this site reaches it), or, when none is
 * listed, by each of its URIs in the entry's order.  NULL with c->err set.
 */
static LDAP *
connect_writer(struct ldapc *c, const struct writer *w, char *used,
    size_t usedsz, time_t ct, time_t ot)
{
	const struct cfg_directory *d = &c->cfg->directory;
	char why[sizeof(c->err)];
	LDAP *ld;
	size_t k;
	int pass, i;

	why[0] = '\0';
	for (pass = 0; pass < 2 && why[0] == '\0'; pass++)
		for (i = 0; i < w->n; i++) {
			int listed = 0;

			for (k = 0; k < d->nuri; k++)
				if (strcmp(d->uri[k], w->uri[i]) == 0)
					listed = 1;
			if (listed != (pass == 0))
				continue;
			if ((ld = connect_uri(c, w->uri[i], ct, ot)) != NULL) {
				snprintf(used, usedsz, "%s", w->uri[i]);
				return ld;
			}
			snprintf(why, sizeof(why), "%s", c->err);
		}
	i18n_errf(c->err, sizeof(c->err), N_("the writer provider (serverID %s, "
	    "%.80s) cannot be reached: %.100s"), w->id, w->uri[0], why);
	return NULL;
}

/*
 * ld (connected to uri) is the first provider that answered.  If the
 * directory names a writer, replace ld by a connection to it, checked to
 * name itself (following at most a few stale names while a switch
 * replicates).  0 with *ldp and c->uri, c->wid set; -1 with c->err set and
 * ld closed.
 */
#define WRITER_HOPS	3

static int
route(struct ldapc *c, LDAP **ldp, const char *uri, time_t ct, time_t ot)
{
	LDAP *ld = *ldp;
	struct writer w, nw;
	char cur[LDAPC_URI_MAX];
	int r, hop;

	snprintf(cur, sizeof(cur), "%s", uri);
	if ((r = read_writer(c, ld, cur, &w)) <= 0) {
		if (r == -1)
			goto fail;
		c->wid[0] = '\0';
		snprintf(c->uri, sizeof(c->uri), "%s", uri);
		return 0;
	}
	/* known before the writer answers: status shows two sites then */
	snprintf(c->wid, sizeof(c->wid), "%s", w.id);
	for (hop = 0; hop < WRITER_HOPS; hop++) {
		if (names(&w, cur)) {
			/* ld's own provider: it named itself */
			snprintf(c->wid, sizeof(c->wid), "%s", w.id);
			snprintf(c->uri, sizeof(c->uri), "%s", cur);
			*ldp = ld;
			return 0;
		}
		ldap_unbind_ext_s(ld, NULL, NULL);
		if ((ld = connect_writer(c, &w, cur, sizeof(cur), ct,
		    ot)) == NULL)
			goto fail;
		if ((r = read_writer(c, ld, cur, &nw)) == -1)
			goto fail;
		if (r == 0) {
			i18n_errf(c->err, sizeof(c->err), N_("%.100s names no "
			    "writer although another provider does"), cur);
			goto fail;
		}
		if (strcmp(nw.id, w.id) != 0 || !names(&nw, cur))
			w = nw;		/* stale: follow its name */
	}
	i18n_errf(c->err, sizeof(c->err), N_("the providers name different "
	    "writers (last: serverID %s, %.100s): a switch of the writer is "
	    "still replicating; try again"), w.id, w.uri[0]);
fail:
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	*ldp = NULL;
	return -1;
}

void
ldapc_recheck(struct ldapc *c)
{
	struct writer w;
	int r;

	if (c->ld == NULL || !c->writer || c->wid[0] == '\0')
		return;
	r = read_writer(c, c->ld, c->uri, &w);
	if (r == 1 && strcmp(w.id, c->wid) == 0 && names(&w, c->uri))
		return;
	if (r != -1)
		log_info("ldap: %s (serverID %s) is no longer the writer; "
		    "finding the writer again", c->uri, c->wid);
	ldapc_close(c);
	c->next_try = 0;
}

LDAP *
ldapc_get(struct ldapc *c, int force)
{
	const struct cfg_directory *d = &c->cfg->directory;
	time_t now = time(NULL);
	LDAP *ld = NULL;
	time_t ct, ot;
	size_t i, k;
	int max, cut;

	if ((cut = limits(c, &ct, &ot)) == -1) {
		i18n_errf(c->err, sizeof(c->err), N_("the command took too long "
		    "(agent.admin_command_timeout)"));
		return NULL;
	}
	if (c->ld != NULL) {
		/* Fit this operation's wait to what is left. */
		if ((cut || c->capped) && set_timeouts(c->ld, ct, ot) == -1) {
			i18n_errf(c->err, sizeof(c->err),
			    N_("cannot set timeouts"));
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
		if ((ld = connect_uri(c, d->uri[i], ct, ot)) == NULL)
			continue;
		if (c->writer) {
			if (route(c, &ld, d->uri[i], ct, ot) == -1)
				continue;
		} else {
			c->wid[0] = '\0';
			snprintf(c->uri, sizeof(c->uri), "%s", d->uri[i]);
		}
		if (c->backoff > BACKOFF_MIN || (size_t)c->uri_index != i)
			log_info("ldap: connected to %s%s%s", c->uri,
			    c->wid[0] != '\0' ? " as the writer, serverID " :
			    "", c->wid);
		c->ld = ld;
		c->capped = cut;
		c->fenced = 0;
		c->uri_index = (int)i;
		c->backoff = BACKOFF_MIN;
		c->next_try = 0;
		c->warned = 0;
		c->err[0] = '\0';
		return ld;
	}
	/* a connection retried every second says so once a minute */
	if (now - c->warned >= 60) {
		log_warnx("ldap: no directory answers (last: %s); retry in "
		    "%d s", i18n_en(c->err), c->backoff);
		c->warned = now;
	}
	c->next_try = now + c->backoff;
	max = c->backoff_max > 0 ? c->backoff_max : BACKOFF_MAX;
	c->backoff = c->backoff * 2 > max ? max : c->backoff * 2;
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
	struct tm tm, back;
	const char *e;
	int i;

	*t = 0;
	/*
	 * Exactly 14 digits first: strptime() skips blanks before a number
	 * and takes fewer digits than the field has, so "202608170930 0Z"
	 * would read as a time.  Found by tests/fuzz/fuzz_when.
	 */
	for (i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
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
	back = tm;
	*t = timegm(&back);
	/* a day the month lacks (Feb 30) or a second 60 is no instant:
	 * timegm() would move it to the next month or minute */
	if (back.tm_year != tm.tm_year || back.tm_mon != tm.tm_mon ||
	    back.tm_mday != tm.tm_mday || back.tm_hour != tm.tm_hour ||
	    back.tm_min != tm.tm_min || back.tm_sec != tm.tm_sec) {
		*t = 0;
		return -1;
	}
	return 0;
}
