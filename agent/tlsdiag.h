/*
 * tlsdiag.h: why a TLS connection to a directory server failed, in words.
 *
 * libldap reports every TLS failure as "Can't contact LDAP server"; the
 * reason (an unknown CA, a name that does not match, an expired
 * certificate) is only in its debug trace.  After a failed TLS connect,
 * ldapc asks this module to repeat the handshake on its own with OpenSSL,
 * with the same CA file and host, and to name what went wrong.
 */
#ifndef KUNCI_TLSDIAG_H
#define KUNCI_TLSDIAG_H

#include <stddef.h>

/*
 * Connect to uri's host and port (ldaps://, or ldap:// with StartTLS when
 * starttls), verify the server's certificate against cafile and the host,
 * within timeout_s seconds.  Returns 0 and writes the reason (one line, no
 * newline) to out when the handshake or the verification fails; returns -1
 * when it succeeds or cannot be tried (out is then "").
 */
int	tlsdiag(const char *uri, int starttls, const char *cafile,
	    int timeout_s, char *out, size_t outsz);

#endif
