/*
 * test_calendar.c: working days and office hours (calendar.h): deadlines
 * of business-day standards across a weekend, a listed holiday, a fixed
 * national holiday missing from the list, a Friday afternoon and a
 * submission outside the hours; the office_hours setting as cfg_groups.c parses
 * it, and its bad forms; and the bad forms of sop_totals, the stated
 * totals the reports measure against.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "cfg.h"
#include "util.h"

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
dl_eq(const struct kunci_cfg *cfg, const char *since, int days,
    const char *want, int line)
{
	char what[160], got[32];
	time_t t = cal_deadline(cfg, at(since), (int64_t)days * U_DAY, 1);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(got, sizeof(got), "%Y-%m-%d %H:%M", &tm);
	snprintf(what, sizeof(what), "%s + %dbd = %s (got %s)", since, days,
	    want, got);
	check(t == at(want), what, __FILE__, line);
}

/* Load a config file holding text; the error (or "") into err. */
static struct kunci_cfg *
load(const char *text, char *err, size_t errsz)
{
	char path[] = "/tmp/test_calendar.XXXXXX";
	struct kunci_cfg *cfg;
	FILE *fp;
	int fd;

	err[0] = '\0';
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		abort();
	fprintf(fp, "directory = { base = \"dc=example,dc=org\"; };\n%s\n",
	    text);
	fclose(fp);
	cfg = cfg_load(path, err, errsz);
	unlink(path);
	return cfg;
}

static void
bad(const char *text, const char *want, int line)
{
	char err[512], what[700];
	struct kunci_cfg *cfg = load(text, err, sizeof(err));

	snprintf(what, sizeof(what), "refused: %s (error: %s)", text, err);
	check(cfg == NULL && strstr(err, want) != NULL, what, __FILE__, line);
	if (cfg != NULL)
		cfg_free(cfg);
}

int
main(void)
{
	char *holidays[] = { (char *)(uintptr_t)"2026-03-19" };
	struct kunci_cfg cfg, *lc;
	char err[512];
	int d;

	setenv("TZ", "Asia/Jakarta", 1);
	tzset();
	memset(&cfg, 0, sizeof(cfg));
	cfg.calendar.work_week = 0x3e;		/* Monday .. Friday */
	cfg.calendar.holidays = holidays;	/* Nyepi 2026, listed */
	cfg.calendar.nholidays = 1;

	/* Fixed national holidays, listed or not. */
	check(cal_fixed_holiday(1, 1) && cal_fixed_holiday(5, 1) &&
	    cal_fixed_holiday(6, 1) && cal_fixed_holiday(8, 17) &&
	    cal_fixed_holiday(12, 25), "the five fixed holidays", __FILE__,
	    __LINE__);
	check(!cal_fixed_holiday(8, 18) && !cal_fixed_holiday(1, 2),
	    "other days are not fixed holidays", __FILE__, __LINE__);

	/* Without office hours: the same time of day, working days only. */
	dl_eq(&cfg, "2026-12-06 06:50", 1, "2026-12-07 06:50", __LINE__);
	dl_eq(&cfg, "2026-11-20 10:00", 1, "2026-11-23 10:00", __LINE__);
	/* 1 Jan 2027 is not in the list but is never a working day. */
	dl_eq(&cfg, "2026-12-31 10:00", 1, "2027-01-04 10:00", __LINE__);
	/* 17 Aug 2027 (a Tuesday), not listed. */
	dl_eq(&cfg, "2027-08-16 09:00", 1, "2027-08-18 09:00", __LINE__);
	/* Nyepi 2026 (Thursday 19 March), listed. */
	dl_eq(&cfg, "2026-03-18 10:00", 1, "2026-03-20 10:00", __LINE__);

	/* Office hours: Mon-Thu 07:30-16:00, Fri 07:30-16:30. */
	cfg.calendar.office_hours = 1;
	for (d = 1; d <= 4; d++) {
		cfg.calendar.open[d] = 7 * 60 + 30;
		cfg.calendar.close[d] = 16 * 60;
	}
	cfg.calendar.open[5] = 7 * 60 + 30;
	cfg.calendar.close[5] = 16 * 60 + 30;
	/* Sunday 06:50 + 1bd: the end of Monday's working day. */
	dl_eq(&cfg, "2026-12-06 06:50", 1, "2026-12-07 16:00", __LINE__);
	/* Saturday, any time: the same. */
	dl_eq(&cfg, "2026-12-05 20:00", 1, "2026-12-07 16:00", __LINE__);
	/* Inside the hours: the next working day, same time. */
	dl_eq(&cfg, "2026-12-07 10:00", 1, "2026-12-08 10:00", __LINE__);
	dl_eq(&cfg, "2026-12-07 10:00", 3, "2026-12-10 10:00", __LINE__);
	/* Monday before opening: from 07:30, so the end of Monday. */
	dl_eq(&cfg, "2026-12-07 06:00", 1, "2026-12-07 16:00", __LINE__);
	/* Monday at opening: the same. */
	dl_eq(&cfg, "2026-12-07 07:30", 1, "2026-12-07 16:00", __LINE__);
	/* Thursday after closing: counts from Friday, due at its closing. */
	dl_eq(&cfg, "2026-12-10 17:00", 1, "2026-12-11 16:30", __LINE__);
	/* Friday afternoon: the weekend skipped, Monday's closing (16:00,
	 * not Friday's 16:20). */
	dl_eq(&cfg, "2026-12-11 16:20", 1, "2026-12-14 16:00", __LINE__);
	/* Friday after closing: Monday's closing. */
	dl_eq(&cfg, "2026-12-11 16:45", 1, "2026-12-14 16:00", __LINE__);
	/* Friday morning: Monday, same time. */
	dl_eq(&cfg, "2026-12-11 09:15", 1, "2026-12-14 09:15", __LINE__);
	/* Thursday before Christmas (a Friday): Monday 28th. */
	dl_eq(&cfg, "2026-12-24 10:00", 1, "2026-12-28 10:00", __LINE__);
	/* Christmas Eve after closing: from Monday's opening, due at its
	 * closing. */
	dl_eq(&cfg, "2026-12-24 18:00", 1, "2026-12-28 16:00", __LINE__);
	/* On the holiday itself (17 Aug 2026, a Monday): Tuesday's end. */
	dl_eq(&cfg, "2026-08-17 10:00", 1, "2026-08-18 16:00", __LINE__);
	/* Friday before it: Tuesday, same time. */
	dl_eq(&cfg, "2026-08-14 13:00", 1, "2026-08-18 13:00", __LINE__);
	/* Wednesday before Nyepi, after closing: Friday's closing. */
	dl_eq(&cfg, "2026-03-18 16:30", 1, "2026-03-20 16:30", __LINE__);
	/* Minutes stay wall-clock time. */
	check(cal_deadline(&cfg, at("2026-12-06 06:50"), 22 * 60, 0) ==
	    at("2026-12-06 07:12"), "22m is wall-clock", __FILE__, __LINE__);
	check(cal_deadline(&cfg, at("2026-12-06 06:50"), 0, 1) == 0,
	    "no standard: no deadline", __FILE__, __LINE__);

	/* The setting as cfg_groups.c reads it. */
	lc = load("calendar = { office_hours = [ \"mon-thu 07:30-16:00\", "
	    "\"fri 07:30-16:30\" ]; };", err, sizeof(err));
	check(lc != NULL, err, __FILE__, __LINE__);
	if (lc != NULL) {
		check(lc->calendar.office_hours == 1 &&
		    lc->calendar.open[1] == 450 &&
		    lc->calendar.close[4] == 960 &&
		    lc->calendar.close[5] == 990,
		    "office_hours parsed", __FILE__, __LINE__);
		dl_eq(lc, "2026-12-06 06:50", 1, "2026-12-07 16:00", __LINE__);
		cfg_free(lc);
	}
	bad("calendar = { office_hours = [ \"mon-thu 07:30-16:00\" ]; };",
	    "no hours for fri, a working day", __LINE__);
	bad("calendar = { office_hours = [ \"mon-fri 16:00-07:30\" ]; };",
	    "opening before closing", __LINE__);
	bad("calendar = { office_hours = [ \"mon-fri 7:30-16:00\" ]; };",
	    "is not \"DAY[-DAY] HH:MM-HH:MM\"", __LINE__);
	bad("calendar = { office_hours = [ \"mon-fri 07:30-16:00\", "
	    "\"fri 07:30-16:30\" ]; };", "fri is given twice", __LINE__);
	bad("calendar = { office_hours = [ \"mon-fry 07:30-16:00\" ]; };",
	    "is not \"DAY[-DAY]", __LINE__);
	bad("calendar = { office_hours = [ ]; };", "must not be empty",
	    __LINE__);

	/* sop_totals (the reports' stated totals; read by cfg_groups.c too) */
	bad("sop_totals = [ \"22m\" ];", "sop_totals: expected a group",
	    __LINE__);
	bad("sop_totals = { B = 22; };", "sop_totals.B: expected a duration",
	    __LINE__);
	bad("sop_totals = { B = \"22 menit\"; };",
	    "sop_totals.B: bad duration \"22 menit\"", __LINE__);
	bad("sop_totals = { B = \"0m\"; };", "sop_totals.B: bad duration",
	    __LINE__);
	bad("sop_totals = { Z = \"22m\"; };", "sop_totals.Z: unknown workflow",
	    __LINE__);

	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
