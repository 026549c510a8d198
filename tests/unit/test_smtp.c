/*
 * test_smtp.c: unit tests of agent/smtp.c: the DATA encoding, addresses,
 * and the session's bounds against real sockets (a closed port, a server
 * that accepts and never speaks).  Replies of a real MTA are tested in
 * tests/integration/notify_smtp.sh.  Ends with "N passed, N failed".
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtp.h"
#include "strbuf.h"

#include "check.h"

static void
data_is(const char *in, const char *want, int line)
{
	struct strbuf b;

	sb_init(&b, 1 << 20);
	check(smtp_data(&b, in, strlen(in)) == 0, "smtp_data", __FILE__,
	    line);
	check_str(sb_str(&b), want, in, __FILE__, line);
	sb_free(&b);
}

static void
test_data(void)
{
	struct strbuf b;
	char *in;
	size_t i, n, run;
	const char *p;
	int ok;

	data_is("", ".\r\n", __LINE__);
	data_is("a\nb\n", "a\r\nb\r\n.\r\n", __LINE__);
	data_is("a\r\nb", "a\r\nb\r\n.\r\n", __LINE__);
	/* dot-stuffing: a line of "." would end the message early */
	data_is(".\n..x\nx.\n", "..\r\n...x\r\nx.\r\n.\r\n", __LINE__);
	data_is("a\rb\n", "a b\r\n.\r\n", __LINE__);
	data_is("\n\n", "\r\n\r\n.\r\n", __LINE__);

	/* A 2500-octet line: cut at 998, never inside a UTF-8 character. */
	in = malloc(3000);
	n = 0;
	in[n++] = '.';
	for (i = 0; i < 1200; i++) {
		in[n++] = (char)0xc3;	/* U+00E9 */
		in[n++] = (char)0xa9;
	}
	in[n++] = '\n';
	sb_init(&b, 1 << 20);
	check(smtp_data(&b, in, n) == 0, "long line encoded", __FILE__,
	    __LINE__);
	ok = 1;
	run = 0;
	for (p = sb_str(&b); *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n') {
			if (run > 998 || (p > sb_str(&b) &&
			    (unsigned char)p[-1] == 0xc3))
				ok = 0;
			run = 0;
			p++;
			if (((unsigned char)p[1] & 0xc0) == 0x80)
				ok = 0;	/* a piece starts mid-character */
			continue;
		}
		run++;
	}
	check(ok, "pieces of at most 998 octets, whole characters",
	    __FILE__, __LINE__);
	check(strncmp(sb_str(&b), "..", 2) == 0, "the first piece stuffed",
	    __FILE__, __LINE__);
	sb_free(&b);
	free(in);

	/* The limit holds. */
	sb_init(&b, 16);
	check(smtp_data(&b, "0123456789\n0123456789\n", 22) == -1,
	    "overflow refused", __FILE__, __LINE__);
	sb_free(&b);
}

static void
addr_is(const char *in, const char *want, int line)
{
	char out[300];

	if (want == NULL) {
		check(smtp_addr(in, out, sizeof(out)) == -1, in, __FILE__,
		    line);
		return;
	}
	out[0] = '\0';
	check(smtp_addr(in, out, sizeof(out)) == 0, in, __FILE__, line);
	check_str(out, want, in, __FILE__, line);
}

static void
test_addr(void)
{
	char big[400];

	addr_is("ayu@contoh.go.id", "ayu@contoh.go.id", __LINE__);
	addr_is("kunci <kunci@contoh.go.id>", "kunci@contoh.go.id", __LINE__);
	addr_is("root", "root", __LINE__);
	addr_is("", NULL, __LINE__);
	addr_is("a b@x", NULL, __LINE__);
	addr_is("a@x\r\nRCPT TO:<b@y>", NULL, __LINE__);
	addr_is("a@x\nBcc: b@y", NULL, __LINE__);
	addr_is("a\033[31m@x", NULL, __LINE__);
	addr_is("<a@x> trailing", NULL, __LINE__);
	addr_is("<a@x", NULL, __LINE__);
	addr_is("<>", NULL, __LINE__);
	addr_is("a@x>", NULL, __LINE__);
	addr_is("a,b@x", NULL, __LINE__);
	addr_is("\"a\"@x", NULL, __LINE__);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	addr_is(big, NULL, __LINE__);

	CHECK(smtp_host_ok("127.0.0.1"));
	CHECK(smtp_host_ok("::1"));
	CHECK(!smtp_host_ok("localhost"));
	CHECK(!smtp_host_ok("127.0.0.1:25"));
	CHECK(!smtp_host_ok(""));
}

/* A listening socket on a free loopback port; *port gets the port. */
static int
listener(int *port)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1)
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

static long long
ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_session(void)
{
	struct smtp_msg m;
	char why[200], want[200];
	long long t0, took;
	int fd, port;

	memset(&m, 0, sizeof(m));
	m.host = "127.0.0.1";
	m.from = "kunci@localhost";
	m.rcpt = "ayu@contoh.go.id";
	m.data = ".\r\n";
	m.len = 3;
	m.timeout_ms = 400;

	/* Bound but not listening: the connection is refused. */
	if ((fd = listener(&port)) == -1) {
		CHECK(fd != -1);
		return;
	}
	m.port = port;
	CHECK_LL(smtp_send(&m, why, sizeof(why)), SMTP_RETRY);
	snprintf(want, sizeof(want), "connection refused 127.0.0.1:%d", port);
	CHECK_STR(why, want);

	/*
	 * Listening, never accepted: the kernel completes the handshake,
	 * nobody greets.  The session ends at its deadline.
	 */
	CHECK(listen(fd, 4) == 0);
	t0 = ms();
	CHECK_LL(smtp_send(&m, why, sizeof(why)), SMTP_RETRY);
	took = ms() - t0;
	CHECK(took >= 350 && took < 2000);
	snprintf(want, sizeof(want), "timed out at 127.0.0.1:%d during the "
	    "greeting", port);
	CHECK_STR(why, want);
	close(fd);

	m.host = "not-an-address";
	CHECK_LL(smtp_send(&m, why, sizeof(why)), SMTP_RETRY);
	CHECK_STR(why, "not-an-address is not an IP address");
}

int
main(void)
{
	test_data();
	test_addr();
	test_session();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
