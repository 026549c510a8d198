/*
 * smtp.h: one message to one recipient over SMTP (RFC 5321), for the
 * outbox's delivery child (notify.c).
 *
 * Why SMTP: kuncid runs with NoNewPrivileges=yes, so the setuid/setgid
 * sendmail of Debian's exim4 and postfix cannot queue mail for it; a TCP
 * connection to the local MTA needs no privilege at all.
 *
 * The work is split so that the child of the (threaded) daemon does only
 * system calls: the parent checks the addresses and encodes the message
 * (smtp_addr, smtp_data, both may allocate); smtp_send(), in the child,
 * speaks to a literal address (no name lookup), within one deadline, and
 * bounds every reply.
 */
#ifndef KUNCI_SMTP_H
#define KUNCI_SMTP_H

#include <stddef.h>

struct strbuf;

enum smtp_result {
	SMTP_SENT,
	SMTP_RETRY,		/* 4xx, no connection, timeout: try later */
	SMTP_FAILED		/* 5xx: the server will never take it */
};

struct smtp_msg {
	const char	*host;		/* IPv4 or IPv6 literal */
	int		 port;
	const char	*from;		/* envelope sender, smtp_addr()ed */
	const char	*rcpt;		/* envelope recipient, likewise */
	const char	*data;		/* smtp_data()'s encoding */
	size_t		 len;
	int		 timeout_ms;	/* the whole session */
};

/* Nonzero when host is an IPv4 or IPv6 address literal. */
int	smtp_host_ok(const char *host);

/*
 * The address of "addr" or "Name <addr>" into out: printable ASCII, no
 * spaces, quotes, brackets, commas or semicolons, at most 254 octets;
 * no control character anywhere in s.  -1 when s holds no such address.
 */
int	smtp_addr(const char *s, char *out, size_t outsz);

/*
 * Append msg (LF or CRLF line ends) to out as DATA carries it: CRLF line
 * ends, lines beginning with "." doubled, lines cut at 998 octets (on a
 * UTF-8 character boundary), a lone CR made a space, then ".\r\n".
 * -1 when out overflows its limit.
 */
int	smtp_data(struct strbuf *out, const char *msg, size_t len);

/*
 * Deliver m; why gets a one-line reason for anything but SMTP_SENT, e.g.
 * "connection refused 127.0.0.1:25" or "127.0.0.1:25 refused RCPT TO:
 * 550 5.1.1 unknown user".  Only system calls and snprintf: safe in a
 * forked child of a threaded process.
 */
enum smtp_result smtp_send(const struct smtp_msg *m, char *why,
	    size_t whysz);

#endif /* KUNCI_SMTP_H */
