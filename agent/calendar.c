/*
 * calendar.c: working days and office hours (see calendar.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "cfg.h"
#include "util.h"

/* Days a step moves over at most looking for a working day (ten years:
 * a calendar with none is refused by cfg_groups.c, this only bounds a loop). */
#define GUARD_DAYS	3660

int
cal_fixed_holiday(int month, int day)
{
	return (month == 1 && day == 1) || (month == 5 && day == 1) ||
	    (month == 6 && day == 1) || (month == 8 && day == 17) ||
	    (month == 12 && day == 25);
}

int
cal_workday(const struct kunci_cfg *cfg, const struct tm *tm)
{
	char d[48];
	size_t i;

	if (!(cfg->calendar.work_week & (1u << tm->tm_wday)))
		return 0;
	if (cal_fixed_holiday(tm->tm_mon + 1, tm->tm_mday))
		return 0;
	snprintf(d, sizeof(d), "%04d-%02d-%02d", tm->tm_year + 1900,
	    tm->tm_mon + 1, tm->tm_mday);
	for (i = 0; i < cfg->calendar.nholidays; i++)
		if (strcmp(cfg->calendar.holidays[i], d) == 0)
			return 0;
	return 1;
}

/* Move tm by dir days (1 or -1) to the next working day; -1 on failure. */
static int
step_workday(const struct kunci_cfg *cfg, struct tm *tm, int dir)
{
	time_t t;
	int guard;

	for (guard = 0; guard < GUARD_DAYS; guard++) {
		tm->tm_mday += dir;
		tm->tm_hour = 12;	/* away from any DST edge */
		tm->tm_isdst = -1;
		if ((t = mktime(tm)) == (time_t)-1 ||
		    localtime_r(&t, tm) == NULL)
			return -1;
		if (cal_workday(cfg, tm))
			return 0;
	}
	return -1;
}

/* tm's day at sod seconds after midnight. */
static time_t
at_sod(struct tm *tm, int sod)
{
	tm->tm_hour = sod / 3600;
	tm->tm_min = sod / 60 % 60;
	tm->tm_sec = sod % 60;
	tm->tm_isdst = -1;
	return mktime(tm);
}

time_t
cal_deadline(const struct kunci_cfg *cfg, time_t since, int64_t sla, int bd)
{
	const struct cfg_calendar *k = &cfg->calendar;
	struct tm tm;
	int64_t n;
	int sod, open, close;
	time_t t;

	if (sla <= 0)
		return 0;
	if (!bd)
		return since + (time_t)sla;
	n = sla / U_DAY;
	if (localtime_r(&since, &tm) == NULL)
		return since + (time_t)sla;
	sod = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	if (!k->office_hours) {
		/* n working days later, same time of day */
		for (; n > 0; n--)
			if (step_workday(cfg, &tm, 1) == -1)
				return since + (time_t)sla;
		return at_sod(&tm, sod);
	}
	/* Outside the hours: from the next opening. */
	if (!cal_workday(cfg, &tm) || sod >= k->close[tm.tm_wday] * 60) {
		if (step_workday(cfg, &tm, 1) == -1)
			return since + (time_t)sla;
		sod = k->open[tm.tm_wday] * 60;
	} else if (sod < k->open[tm.tm_wday] * 60)
		sod = k->open[tm.tm_wday] * 60;
	for (; n > 0; n--)
		if (step_workday(cfg, &tm, 1) == -1)
			return since + (time_t)sla;
	open = k->open[tm.tm_wday] * 60;
	close = k->close[tm.tm_wday] * 60;
	if (sod > close)
		sod = close;
	if (sod <= open) {
		/* no office time of this day used: the previous closing */
		if (step_workday(cfg, &tm, -1) == -1)
			return since + (time_t)sla;
		sod = k->close[tm.tm_wday] * 60;
	}
	t = at_sod(&tm, sod);
	return t == (time_t)-1 ? since + (time_t)sla : t;
}
