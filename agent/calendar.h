/*
 * calendar.h: the office's working calendar (calendar.* in kunci.conf):
 * working days (calendar.work_week minus calendar.holidays minus the fixed
 * national holidays), and, when calendar.office_hours is set, the working
 * hours of each day (jam kerja).  Local time is agent.timezone (TZ).
 *
 * A service standard in business days ("1bd") counts whole working days:
 *  - without office hours: n working days later at the same time of day;
 *  - with office hours: a moment outside the hours counts from the next
 *    opening (a request made on Sunday 06:50 counts from Monday 07:30);
 *    n working days later at the same time of day, within that day's
 *    hours (clamped to its closing); and a deadline falling on an
 *    opening is the previous working day's closing, the same moment in
 *    office time: Sunday 06:50 + 1bd is due Monday at closing, 16:00.
 * A standard in minutes, hours or days is wall-clock time either way.
 *
 * Pure functions of the configuration; any thread.
 */
#ifndef KUNCI_CALENDAR_H
#define KUNCI_CALENDAR_H

#include <stdint.h>
#include <time.h>

struct kunci_cfg;

/* 1 when the local day of tm (tm_year, tm_mon, tm_mday, tm_wday) is a
 * working day: in the work week, not a listed holiday, not a fixed
 * national holiday (1 Jan, 1 May, 1 Jun, 17 Aug, 25 Dec). */
int	cal_workday(const struct kunci_cfg *, const struct tm *);
/* 1 for the fixed national holidays above (month 1..12, day 1..31). */
int	cal_fixed_holiday(int month, int day);
/*
 * The deadline of a standard of sla seconds started at since; bd: sla is
 * sla / 86400 business days.  0 when sla <= 0 (no standard).
 */
time_t	cal_deadline(const struct kunci_cfg *, time_t since, int64_t sla,
	    int bd);

#endif /* KUNCI_CALENDAR_H */
