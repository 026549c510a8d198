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

	/* A snapshot's rules (wf_rules.h) survive format and parse. */
	{
		static const char text[] = "kunci-workflow-snapshot 1\n"
		    "workflow\tQ\nlabel_id\tq\nlabel_en\tq\n"
		    "one_act_per_person\t0\ngrant_kind\tnone\n"
		    "expire_after\t60\n"
		    "step\ta\tpanel\tverify\t60\t0\t1\t1\t\ta\ta\n"
		    "step\tb\tpanel\tapprove\t60\t0\t2\t1\t\tb\tb\n"
		    "rule\t1\trejections\t3\nrule\t1\tquorum_lost\t1\n"
		    "rule\t1\tnot_same\t1\nrule\t1\tnot_superior\t1\n"
		    "superior\tboss\nwindow\tmon-fri 07:30-16:00\n";
		struct wf_snap *a = calloc(2, sizeof(*a));
		char *buf = malloc(8192);

		if (a == NULL || buf == NULL)
			abort();
		check(wf_snap_parse(text, &a[0]) == 0, "parse rules", __FILE__,
		    __LINE__);
		check_ll(a[0].steps[1].rule.rejections, 3, "rejections",
		    __FILE__, __LINE__);
		check_ll(a[0].steps[1].rule.not_same, 1, "not_same", __FILE__,
		    __LINE__);
		check_ll(wfr_slots(a[0].steps[1].quorum, &a[0].steps[1].rule),
		    4, "slots = quorum + rejections - 1", __FILE__, __LINE__);
		check_ll(wfr_slots(1, &a[0].steps[0].rule), 1,
		    "a plain step has one slot", __FILE__, __LINE__);
		check(strcmp(a[0].rules.superior, "boss") == 0 &&
		    a[0].rules.nwindows == 1, "superior and window", __FILE__,
		    __LINE__);
		check(wf_snap_format(&a[0], buf, 8192) == 0 &&
		    strcmp(buf, text) == 0, "format gives the same text",
		    __FILE__, __LINE__);
		check(wf_snap_parse("kunci-workflow-snapshot 1\n"
		    "step\ta\tpanel\tverify\t60\t0\t1\t1\t\ta\ta\n"
		    "rule\t1\trejections\t2\n", &a[1]) == -1,
		    "a rule of a step that is not there", __FILE__, __LINE__);
		check(wf_snap_parse("kunci-workflow-snapshot 1\n"
		    "step\ta\tpanel\tverify\t60\t0\t1\t1\t\ta\ta\n"
		    "rule\t0\tnot_same\t2\n", &a[1]) == -1,
		    "not_same naming a later step", __FILE__, __LINE__);
		check(wf_snap_parse("kunci-workflow-snapshot 1\n"
		    "step\ta\tpanel\tverify\t60\t0\t1\t1\t\ta\ta\n"
		    "rule\t0\tlater-key\tx\n", &a[1]) == 0,
		    "a later kuncid's rule is skipped", __FILE__, __LINE__);
		free(a);
		free(buf);
	}

	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
