/*
 * smtp.c: a small SMTP client; see smtp.h.
 *
 * One connection, one message, one recipient: greeting, EHLO (HELO when
 * the server does not know EHLO), MAIL FROM, RCPT TO, DATA, QUIT.  No
 * pipelining, no TLS, no AUTH: it talks to the MTA on this host, which
 * relays.  Every wait is a poll() against one deadline for the whole
 * session; a reply is at most REPLY_MAX octets in at most REPLY_LINES
 * lines, so a babbling server costs bounded time and memory.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "smtp.h"
#include "strbuf.h"

#define LINE_OCTETS	998		/* RFC 5321 4.5.3.1.6, without CRLF */
#define REPLY_MAX	(16 * 1024)	/* one reply, all its lines */
#define REPLY_LINES	100
#define ADDR_MAX	254

struct conn {
	int		 fd;
	long long	 deadline;	/* CLOCK_MONOTONIC, ms */
	char		 where[64];	/* "127.0.0.1:25", "[::1]:25" */
	char		 in[1024];	/* received, not yet consumed */
	size_t		 have;
	int		 eightbit;	/* the server said 8BITMIME */
	char		*why;
	size_t		 whysz;
};

int
smtp_host_ok(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, host, &a4) == 1 ||
	    inet_pton(AF_INET6, host, &a6) == 1;
}

int
smtp_addr(const char *s, char *out, size_t outsz)
{
	const char *a = s, *e;
	size_t n;

	for (e = s; *e != '\0'; e++)
		if ((unsigned char)*e < ' ' || *e == 0x7f)
			return -1;	/* not even in the name */
	if ((e = strchr(s, '<')) != NULL) {
		a = e + 1;
		if ((e = strchr(a, '>')) == NULL || e[1] != '\0')
			return -1;
	} else
		e = s + strlen(s);
	n = (size_t)(e - a);
	if (n == 0 || n > ADDR_MAX || n >= outsz)
		return -1;
	for (e = a; e < a + n; e++)
		if (*e <= ' ' || *e >= 0x7f || strchr("<>()[],;:\\\"", *e))
			return -1;
	memcpy(out, a, n);
	out[n] = '\0';
	return 0;
}

int
smtp_data(struct strbuf *out, const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len, *nl;
	size_t n, cut, max;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		/* One source line, in pieces of at most LINE_OCTETS. */
		do {
			max = LINE_OCTETS - (*p == '.');
			cut = n;
			if (cut > max) {
				cut = max;
				while (cut > 1 &&
				    ((unsigned char)p[cut] & 0xc0) == 0x80)
					cut--;
			}
			if (*p == '.' && cut > 0)
				sb_add(out, ".", 1);
			for (; cut > 0; cut--, n--, p++)
				sb_add(out, *p == '\r' ? " " : p, 1);
			sb_add(out, "\r\n", 2);
		} while (n > 0);
		p = nl + 1;
	}
	sb_add(out, ".\r\n", 3);
	return sb_err(out) ? -1 : 0;
}

/* ------------------------------------------------------------ the wire */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The description of errno, lower case; strerror() may translate (locks). */
static void
describe(char *buf, size_t sz, int e)
{
	const char *s;

	switch (e) {
	case ETIMEDOUT:
		s = "timed out";
		break;
	case ENOTCONN:
		s = "connection closed";
		break;
	case EMSGSIZE:
		s = "reply too long";
		break;
	default:
		s = strerrordesc_np(e);
	}

	snprintf(buf, sz, "%s", s != NULL ? s : "error");
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/* Ready for ev before the deadline: 0; else -1 and errno. */
static int
wait_fd(struct conn *c, short ev)
{
	struct pollfd pfd;
	long long left;
	int n;

	for (;;) {
		if ((left = c->deadline - now_ms()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		pfd.fd = c->fd;
		pfd.events = ev;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

static int
send_all(struct conn *c, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if (wait_fd(c, POLLOUT) == -1)
			return -1;
		if ((w = send(c->fd, p, n, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * One line without its CRLF into line (cut to sz - 1; the rest of a long
 * line is read and dropped).  Returns its full length, or -1 and errno
 * (ECONNRESET when the server closed the connection).
 */
static ssize_t
read_line(struct conn *c, char *line, size_t sz, size_t budget)
{
	size_t got = 0, i;
	ssize_t r;
	char *nl;

	for (;;) {
		nl = memchr(c->in, '\n', c->have);
		i = nl != NULL ? (size_t)(nl - c->in) : c->have;
		if (got < sz - 1) {
			size_t k = i < sz - 1 - got ? i : sz - 1 - got;

			memcpy(line + got, c->in, k);
		}
		got += i;
		if (got > budget) {
			errno = EMSGSIZE;
			return -1;
		}
		if (nl != NULL) {
			c->have -= i + 1;
			memmove(c->in, nl + 1, c->have);
			break;
		}
		c->have = 0;
		if (wait_fd(c, POLLIN) == -1)
			return -1;
		if ((r = recv(c->fd, c->in, sizeof(c->in), 0)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = ENOTCONN;
			return -1;
		}
		c->have = (size_t)r;
	}
	if (got > 0 && got <= sz - 1 && line[got - 1] == '\r')
		got--;
	line[got < sz - 1 ? got : sz - 1] = '\0';
	return (ssize_t)got;
}

/* Printable ASCII only, so a reply cannot forge a log line. */
static void
clean(char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s >= 0x7f)
			*s = '?';
}

/*
 * One (multi-line) reply: its code, 200..599; its first line in text.
 * -1 on a broken connection, a timeout or a malformed reply.
 */
static int
reply(struct conn *c, char *text, size_t textsz)
{
	char line[256];		/* longer reply lines are cut */
	size_t total = 0, n;
	ssize_t len;
	int code = -1, lines;

	for (lines = 0; lines < REPLY_LINES && total < REPLY_MAX; lines++) {
		if ((len = read_line(c, line, sizeof(line),
		    REPLY_MAX - total)) == -1)
			return -1;
		total += (size_t)len + 2;
		n = strlen(line);
		if (n < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' ||
		    line[2] < '0' || line[2] > '9' ||
		    (n > 3 && line[3] != ' ' && line[3] != '-')) {
			errno = EPROTO;
			return -1;
		}
		if (lines == 0) {
			code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
			    (line[2] - '0');
			clean(line);
			snprintf(text, textsz, "%s", line);
		} else if (strncmp(line, text, 3) != 0) {
			errno = EPROTO;
			return -1;
		}
		/* An EHLO reply lists the extensions, one a line. */
		if (n >= 12 && strncasecmp(line + 4, "8BITMIME", 8) == 0 &&
		    (line[12] == '\0' || line[12] == ' '))
			c->eightbit = 1;
		if (n == 3 || line[3] == ' ')
			return code;
	}
	errno = EMSGSIZE;
	return -1;
}

static enum smtp_result
io_fail(struct conn *c, const char *stage)
{
	char d[80];

	describe(d, sizeof(d), errno);
	snprintf(c->why, c->whysz, "%s at %s during %s", d, c->where,
	    stage);
	return SMTP_RETRY;
}

/*
 * Send line (NULL: send nothing) and read the reply; SMTP_SENT when its
 * first digit is want.  stage names the step in the reason.
 */
static enum smtp_result
step(struct conn *c, const char *line, int want, const char *stage)
{
	char text[256];
	int code;

	if (line != NULL && send_all(c, line, strlen(line)) == -1)
		return io_fail(c, stage);
	if ((code = reply(c, text, sizeof(text))) == -1)
		return io_fail(c, stage);
	if (code / 100 == want)
		return SMTP_SENT;
	snprintf(c->why, c->whysz, "%s refused %s: %s", c->where, stage, text);
	return code / 100 == 5 ? SMTP_FAILED : SMTP_RETRY;
}

static int
open_conn(struct conn *c, const struct smtp_msg *m)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl, el = sizeof(int);
	char d[80];
	int e = 0;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, m->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)m->port);
		sl = sizeof(*s4);
		snprintf(c->where, sizeof(c->where), "%s:%d", m->host,
		    m->port);
	} else if (inet_pton(AF_INET6, m->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)m->port);
		sl = sizeof(*s6);
		snprintf(c->where, sizeof(c->where), "[%s]:%d", m->host,
		    m->port);
	} else {
		snprintf(c->why, c->whysz, "%s is not an IP address",
		    m->host);
		return -1;
	}
	if ((c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		e = errno;
	else if (connect(c->fd, (struct sockaddr *)&ss, sl) == -1) {
		if (errno != EINPROGRESS)
			e = errno;
		else if (wait_fd(c, POLLOUT) == -1)
			e = errno;
		else if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e,
		    &el) == -1)
			e = errno;
	}
	if (e == 0)
		return 0;
	describe(d, sizeof(d), e);
	snprintf(c->why, c->whysz, "%s %s", d, c->where);
	return -1;
}

static void
helo_name(char *buf, size_t sz)
{
	size_t i, j;

	if (gethostname(buf, sz) == -1)
		buf[0] = '\0';
	buf[sz - 1] = '\0';
	for (i = j = 0; buf[i] != '\0'; i++)
		if ((buf[i] >= 'a' && buf[i] <= 'z') ||
		    (buf[i] >= 'A' && buf[i] <= 'Z') ||
		    (buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.' ||
		    buf[i] == '-')
			buf[j++] = buf[i];
	buf[j] = '\0';
	if (j == 0)
		snprintf(buf, sz, "localhost");
}

enum smtp_result
smtp_send(const struct smtp_msg *m, char *why, size_t whysz)
{
	struct conn c;
	char host[256], line[600];
	enum smtp_result r;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.why = why;
	c.whysz = whysz;
	c.deadline = now_ms() + (m->timeout_ms > 0 ? m->timeout_ms : 1);
	why[0] = '\0';
	if (open_conn(&c, m) == -1) {
		r = SMTP_RETRY;
		goto out;
	}
	helo_name(host, sizeof(host));
	if ((r = step(&c, NULL, 2, "the greeting")) != SMTP_SENT)
		goto out;
	snprintf(line, sizeof(line), "EHLO %s\r\n", host);
	if ((r = step(&c, line, 2, "EHLO")) == SMTP_FAILED) {
		/* An old server: 500/502 to EHLO, so say HELO. */
		snprintf(line, sizeof(line), "HELO %s\r\n", host);
		r = step(&c, line, 2, "HELO");
	}
	if (r != SMTP_SENT)
		goto out;
	snprintf(line, sizeof(line), "MAIL FROM:<%s>%s\r\n", m->from,
	    c.eightbit ? " BODY=8BITMIME" : "");
	if ((r = step(&c, line, 2, "MAIL FROM")) != SMTP_SENT)
		goto out;
	snprintf(line, sizeof(line), "RCPT TO:<%s>\r\n", m->rcpt);
	if ((r = step(&c, line, 2, "RCPT TO")) != SMTP_SENT)
		goto out;
	if ((r = step(&c, "DATA\r\n", 3, "DATA")) != SMTP_SENT)
		goto out;
	if (send_all(&c, m->data, m->len) == -1) {
		r = io_fail(&c, "sending the message");
		goto out;
	}
	if ((r = step(&c, NULL, 2, "the message")) != SMTP_SENT)
		goto out;
	/*
	 * Delivered.  The goodbye is a courtesy: its reply is not awaited,
	 * so a server slow to answer it cannot turn a delivered message
	 * into a timeout and a second copy.
	 */
	(void)send(c.fd, "QUIT\r\n", 6, MSG_NOSIGNAL | MSG_DONTWAIT);
	why[0] = '\0';
out:
	if (c.fd != -1)
		close(c.fd);
	return r;
}
