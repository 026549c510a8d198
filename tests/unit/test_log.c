/*
 * test_log.c: audit records cannot be split or forged by their values; a
 * stalled syslog receiver blocks neither audit records nor ordinary
 * messages, audit records beyond the queue are counted as lost (and
 * reported to the caller), and the rest arrive in order once the receiver
 * reads again; the rate limiter.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static void
bare_and_quoted(void **state)
{
	char rec[256] = "";

	(void)state;
	assert_int_equal(log_kv_append(rec, sizeof(rec), "event",
	    "request.submit"), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "actor", "budi"), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "as", ""), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "reason",
	    "need it\nevent=forged \"x\" \\ \t\x01"), 0);
	assert_string_equal(rec, "event=request.submit actor=budi as=\"\" "
	    "reason=\"need it\\nevent=forged \\\"x\\\" \\\\ \\t\\x01\"");
	assert_null(strchr(rec, '\n'));
}

static void
no_partial_pair(void **state)
{
	char rec[24] = "";

	(void)state;
	assert_int_equal(log_kv_append(rec, sizeof(rec), "event", "a"), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "reason",
	    "far too long for this record"), -1);
	assert_string_equal(rec, "event=a");
}

/*
 * Issue 13, item 3: a syslog receiver that stops reading.  Before, every
 * thread that logged blocked in sendto(); now log_audit() returns at once
 * and log_warnx() within about a millisecond.
 */
static void
stalled_receiver(void **state)
{
	char dir[] = "/tmp/kunci-log-test.XXXXXX", path[64], buf[8192];
	struct sockaddr_un sun;
	struct pollfd pfd;
	unsigned long q0, lost0, q, lost, got = 0, refused = 0;
	long last = -1, n, i, total = LOG_AUDIT_QMAX + 2000;
	char num[32];
	const char *p;
	ssize_t len;
	int fd, ordered = 1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd != -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	log_init("test_log", 0, 0, path);
	log_audit_stats(&q0, &lost0);
	for (i = 0; i < total; i++) {
		snprintf(num, sizeof(num), "%ld", i);
		if (log_audit("test.stall", "n", num, (char *)NULL) == -1)
			refused++;
	}
	log_warnx("an ordinary warning while the receiver is stalled");
	log_audit_stats(&q, &lost);
	/* the receiver holds a few, the queue LOG_AUDIT_QMAX: the rest lost */
	assert_true(refused > 0);
	assert_int_equal(lost - lost0, refused);
	assert_true(q <= LOG_AUDIT_QMAX);
	/* reading again: every record not refused arrives, in order */
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < (unsigned long)total - refused &&
	    poll(&pfd, 1, 5000) == 1) {
		if ((len = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0)
			break;
		buf[len] = '\0';
		if ((p = strstr(buf, "event=test.stall n=")) == NULL)
			continue;
		n = strtol(p + 19, NULL, 10);
		if (n <= last)
			ordered = 0;
		last = n;
		got++;
	}
	assert_int_equal(got, (unsigned long)total - refused);
	assert_true(ordered);
	log_audit_stats(&q, &lost);
	assert_int_equal(q, 0);
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void
rate_limit(void **state)
{
	struct log_rate r = LOG_RATE_INIT(3600);
	unsigned long held;
	int i;

	(void)state;
	assert_int_equal(log_rate(&r, &held), 1);
	assert_int_equal(held, 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(log_rate(&r, &held), 0);
	assert_int_equal(log_rate_flush(&r), 0);	/* window still open */
	r.until = 1;					/* ... and now over */
	assert_int_equal(log_rate_flush(&r), 5);
	assert_int_equal(log_rate_flush(&r), 0);
	assert_int_equal(log_rate(&r, &held), 1);
	assert_int_equal(held, 0);
	assert_int_equal(log_rate(&r, &held), 0);
	r.until = 1;
	assert_int_equal(log_rate(&r, &held), 1);	/* the next window */
	assert_int_equal(held, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_and_quoted),
		cmocka_unit_test(no_partial_pair),
		cmocka_unit_test(stalled_receiver),
		cmocka_unit_test(rate_limit),
	};
	int n = (int)(sizeof(tests) / sizeof(tests[0]));
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	printf("%d passed, %d failed\n", n - failed, failed);
	return failed != 0;
}
