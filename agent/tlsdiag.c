/*
 * tlsdiag.c: see tlsdiag.h.
 *
 * Only run after libldap has already failed, so it favours plain code
 * over speed: a blocking socket with send/receive deadlines, the StartTLS
 * extended operation written as its fixed BER bytes, one OpenSSL
 * handshake verifying the chain and the host.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <ldap.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tlsdiag.h"

/* LDAPMessage { messageID 1, ExtendedRequest { 1.3.6.1.4.1.1466.20037 } } */
static const unsigned char starttls_req[] = {
	0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16,
	'1', '.', '3', '.', '6', '.', '1', '.', '4', '.', '1', '.',
	'1', '4', '6', '6', '.', '2', '0', '0', '3', '7'
};

static int
connect_to(const char *host, int port, int timeout_s)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv = { timeout_s, 0 };
	struct pollfd pfd;
	socklen_t len;
	char ps[16];
	int fd = -1, err, fl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(host, ps, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd == -1)
			continue;
		fl = fcntl(fd, F_GETFL);
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		err = 0;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			err = errno;
			if (err == EINPROGRESS) {
				pfd.fd = fd;
				pfd.events = POLLOUT;
				len = sizeof(err);
				if (poll(&pfd, 1, timeout_s * 1000) != 1 ||
				    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
				    &len) == -1)
					err = ETIMEDOUT;
			}
		}
		if (err == 0) {
			(void)fcntl(fd, F_SETFL, fl);
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
			    sizeof(tv));
			(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
			    sizeof(tv));
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Read one BER length at b[*i]; -1 if it needs more bytes or is too long. */
static long
ber_len(const unsigned char *b, size_t n, size_t *i)
{
	size_t k, m;
	long v = 0;

	if (*i >= n)
		return -1;
	if (b[*i] < 0x80)
		return b[(*i)++];
	m = b[(*i)++] & 0x7f;
	if (m == 0 || m > 3 || *i + m > n)
		return -1;
	for (k = 0; k < m; k++)
		v = (v << 8) | b[(*i)++];
	return v;
}

/*
 * Send StartTLS and read its response.  Returns the LDAP result code, or
 * -1 when the server's answer could not be read.
 */
static int
starttls(int fd)
{
	unsigned char b[512];
	size_t n = 0, i;
	long total;
	ssize_t r;

	if (write(fd, starttls_req, sizeof(starttls_req)) !=
	    (ssize_t)sizeof(starttls_req))
		return -1;
	for (;;) {
		if (n == sizeof(b))
			return -1;
		if ((r = read(fd, b + n, sizeof(b) - n)) <= 0)
			return -1;
		n += (size_t)r;
		i = 1;
		if (b[0] != 0x30 || (total = ber_len(b, n, &i)) < 0)
			continue;
		if (n < i + (size_t)total)
			continue;	/* the rest is on its way */
		/* messageID 1, ExtendedResponse, resultCode ENUMERATED */
		if (i + 3 > n || b[i] != 0x02 || b[i + 1] != 0x01)
			return -1;
		i += 3;
		if (i >= n || b[i++] != 0x78 || ber_len(b, n, &i) < 0 ||
		    i + 3 > n || b[i] != 0x0a || b[i + 1] != 0x01)
			return -1;
		return b[i + 2];
	}
}

static int
handshake(int fd, char *host, const char *cafile, char *out,
    size_t outsz)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	unsigned char ip[16];
	long vr;
	int found = 0;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto done;
	if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
		snprintf(out, outsz, "cannot read the CA file %s", cafile);
		found = 1;
		goto done;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1)
		goto done;
	if (inet_pton(AF_INET, host, ip) == 1 ||
	    inet_pton(AF_INET6, host, ip) == 1)
		(void)X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	else {
		(void)SSL_set_tlsext_host_name(ssl, host);
		(void)SSL_set1_host(ssl, host);
	}
	ERR_clear_error();
	if (SSL_connect(ssl) == 1)
		goto done;		/* it works from here: no reason */
	found = 1;
	if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK)
		snprintf(out, outsz, "certificate verification failed: %s "
		    "(CA file %s)", X509_verify_cert_error_string(vr), cafile);
	else if (ERR_peek_error() != 0)
		snprintf(out, outsz, "TLS handshake failed: %s",
		    ERR_reason_error_string(ERR_peek_error()));
	else
		snprintf(out, outsz, "TLS handshake failed: the server closed "
		    "the connection");
done:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return found ? 0 : -1;
}

int
tlsdiag(const char *uri, int want_starttls, const char *cafile,
    int timeout_s, char *out, size_t outsz)
{
	LDAPURLDesc *lud = NULL;
	char host[256];
	int fd = -1, port, rc = -1, res;

	if (outsz > 0)
		out[0] = '\0';
	if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
		return -1;
	snprintf(host, sizeof(host), "%s", lud->lud_host != NULL &&
	    *lud->lud_host != '\0' ? lud->lud_host : "localhost");
	port = lud->lud_port != 0 ? lud->lud_port :
	    strncmp(uri, "ldaps://", 8) == 0 ? 636 : 389;
	ldap_free_urldesc(lud);
	if ((fd = connect_to(host, port, timeout_s)) == -1)
		return -1;
	if (want_starttls && (res = starttls(fd)) != 0) {
		if (res > 0)
			snprintf(out, outsz, "the server refused StartTLS "
			    "(result %d: %s)", res, ldap_err2string(res));
		else
			snprintf(out, outsz, "no answer to StartTLS");
		rc = 0;
	} else
		rc = handshake(fd, host, cafile, out, outsz);
	close(fd);
	return rc;
}
