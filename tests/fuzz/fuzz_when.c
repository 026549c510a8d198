/*
 * fuzz_when: the date, time and duration parsers, each given the input
 * as one string: durations (u_parse_duration, as the configuration and
 * `--duration` read them), calendar dates (u_parse_date), the dates of
 * kuncictl's --from/--until (wf_parse_when, agent.timezone), LDAP
 * GeneralizedTime (ldapc_parse_gentime: a grant's validity) and time
 * windows (gindex_parse_window: kunciTimeWindow).
 *
 * Oracle: what parses prints back to the same text (durations in their
 * canonical form, dates, whole-minute times), and parsed values lie in
 * their documented ranges.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gindex.h"
#include "ldapc.h"
#include "util.h"
#include "wf.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
duration(const char *s, int allow_bd)
{
	const char *errstr;
	char buf[32];
	int64_t secs, again;
	int bd, bd2;

	if (u_parse_duration(s, allow_bd, &secs, &bd, &errstr) == -1) {
		if (errstr == NULL || secs != 0 || bd != 0)
			abort();
		return;
	}
	if (secs < 0 || (bd && !allow_bd))
		abort();
	if (u_format_duration(secs, bd, buf, sizeof(buf)) == -1 ||
	    u_parse_duration(buf, 1, &again, &bd2, &errstr) == -1 ||
	    again != secs || bd2 != bd)
		abort();
}

static void
date(const char *s)
{
	char buf[16];
	int y, m, d;

	if (u_parse_date(s, &y, &m, &d) == -1)
		return;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		abort();
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	if (strcmp(buf, s) != 0)
		abort();
}

static void
when(const char *s)
{
	struct tm tm;
	char buf[32];
	time_t t, end;

	if (wf_parse_when(s, 0, &t) == -1)
		return;
	/* a bare date's end is the next midnight, a full time its own */
	if (wf_parse_when(s, 1, &end) == -1 ||
	    (strlen(s) == 10 ? end <= t : end != t))
		abort();
	/* agent.timezone here has no daylight saving: every time exists */
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), strlen(s) == 10 ? "%Y-%m-%d" :
	    "%Y-%m-%dT%H:%M", &tm) == 0 || strcmp(buf, s) != 0)
		abort();
}

static void
gentime(const char *s)
{
	char buf[32];
	time_t t;

	if (ldapc_parse_gentime(s, &t) == -1)
		return;
	/* what kunci writes reads back the same (a fraction is dropped);
	 * strftime writes a year before 1000 short, and kunci never writes
	 * one */
	if (s[0] == '0')
		return;
	if (ldapc_gentime(buf, sizeof(buf), t) == -1 ||
	    strncmp(buf, s, 14) != 0)
		abort();
}

static void
window(const char *s)
{
	struct kd_win w;

	if (gindex_parse_window(s, &w) == -1)
		return;
	if (w.days == 0 || w.days > 0x7f || w.start > 1439 || w.end < 1 ||
	    w.end > 1440 || w.start == w.end)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "Asia/Jakarta", 1);	/* the shipped agent.timezone */
	tzset();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128];

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	duration(s, 0);
	duration(s, 1);
	date(s);
	when(s);
	gentime(s);
	window(s);
	return 0;
}
