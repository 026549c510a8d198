/*
 * test_wf.c: the engine's calendar arithmetic: service standards in
 * business days on the configured work week and holidays, in the agent's
 * time zone, and the dates people type.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "util.h"
#include "wf.h"

#include "check.h"

/* Local time (TZ) of "YYYY-MM-DD HH:MM". */
static time_t
at(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%d %H:%M", &tm) == NULL)
		abort();
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void
deadline_eq(const struct kunci_cfg *cfg, const char *since, int64_t sla,
    int bd, const char *want, int line)
{
	char what[160];

	snprintf(what, sizeof(what), "wf_deadline(%s + %lld%s)", since,
	    (long long)(bd ? sla / U_DAY : sla), bd ? "bd" : "s");
	check_ll((long long)wf_deadline(cfg, at(since), sla, bd),
	    want != NULL ? (long long)at(want) : 0, what, __FILE__, line);
}

static void
when_eq(const char *s, int end, const char *want, int line)
{
	time_t t = 42;
	int r = wf_parse_when(s, end, &t);

	if (want == NULL) {
		check(r == -1 && t == 0, s, __FILE__, line);
		return;
	}
	check(r == 0, s, __FILE__, line);
	check_ll((long long)t, (long long)at(want), s, __FILE__, line);
}

int
main(void)
{
	char *holidays[] = { (char *)(uintptr_t)"2026-12-25",
	    (char *)(uintptr_t)"2026-08-17" };
	struct kunci_cfg cfg;

	setenv("TZ", "Asia/Jakarta", 1);
	tzset();
	memset(&cfg, 0, sizeof(cfg));
	cfg.calendar.work_week = 0x3e;		/* Monday .. Friday */
	cfg.calendar.holidays = holidays;
	cfg.calendar.nholidays = 2;

	/* Calendar durations are plain seconds. */
	deadline_eq(&cfg, "2026-11-20 10:00", 22 * 60, 0, "2026-11-20 10:22",
	    __LINE__);
	deadline_eq(&cfg, "2026-11-20 10:00", 0, 1, NULL, __LINE__);
	/* Friday + 1 business day is Monday, same time of day. */
	deadline_eq(&cfg, "2026-11-20 10:00", U_DAY, 1, "2026-11-23 10:00",
	    __LINE__);
	/* Wednesday + 3 is Monday. */
	deadline_eq(&cfg, "2026-11-18 09:30", 3 * U_DAY, 1,
	    "2026-11-23 09:30", __LINE__);
	/* Saturday + 1 is Monday. */
	deadline_eq(&cfg, "2026-11-21 08:00", U_DAY, 1, "2026-11-23 08:00",
	    __LINE__);
	/* Christmas (a Friday) is a holiday: Thursday + 1 is Monday. */
	deadline_eq(&cfg, "2026-12-24 09:00", U_DAY, 1, "2026-12-28 09:00",
	    __LINE__);
	/* Independence Day 2026 is a Monday: Friday + 1 is Tuesday. */
	deadline_eq(&cfg, "2026-08-14 13:00", U_DAY, 1, "2026-08-18 13:00",
	    __LINE__);
	/* Two weeks of business days span two weekends. */
	deadline_eq(&cfg, "2026-11-02 07:00", 10 * U_DAY, 1,
	    "2026-11-16 07:00", __LINE__);
	/* A six-day office week (Saturday works). */
	cfg.calendar.work_week = 0x7e;
	deadline_eq(&cfg, "2026-11-20 10:00", U_DAY, 1, "2026-11-21 10:00",
	    __LINE__);

	/* Dates people type: a day means its start, or its end for --until. */
	when_eq("2026-12-31", 0, "2026-12-31 00:00", __LINE__);
	when_eq("2026-12-31", 1, "2027-01-01 00:00", __LINE__);
	when_eq("2026-12-31T17:30", 0, "2026-12-31 17:30", __LINE__);
	when_eq("2028-02-29", 0, "2028-02-29 00:00", __LINE__);
	when_eq("2026-02-29", 0, NULL, __LINE__);
	when_eq("2026-13-01", 0, NULL, __LINE__);
	when_eq("2026-1-01", 0, NULL, __LINE__);
	when_eq("2026-12-31 17:30", 0, NULL, __LINE__);
	when_eq("2026-12-31T24:00", 0, NULL, __LINE__);
	when_eq("2026-12-31T17:60", 0, NULL, __LINE__);
	when_eq("2026-12-31T1730", 0, NULL, __LINE__);
	when_eq("", 0, NULL, __LINE__);

	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
