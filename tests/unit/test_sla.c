/*
 * test_sla.c: the service-standard reports' measure (sla.h) on snapshots
 * built here: step times, the excluded interval, business-day standards
 * against the calendar, totals stated or summed, and a workflow whose
 * steps changed between two items of the same month.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "sla.h"
#include "util.h"
#include "wf.h"

#include "check.h"

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
step(struct wf_snap *s, const char *name, int64_t sla, int bd)
{
	struct wf_step *st = &s->steps[s->nsteps++];

	memset(st, 0, sizeof(*st));
	u_strlcpy(st->name, name, sizeof(st->name));
	st->sla = sla;
	st->bd = bd;
}

static const struct sla_step *
row(const struct sla_proc *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nst; i++)
		if (strcmp(p->st[i].name, name) == 0)
			return &p->st[i];
	return NULL;
}

#define EQ(got, want, what) check_ll((long long)(got), (long long)(want), \
	what, __FILE__, __LINE__)

int
main(void)
{
	struct kunci_cfg cfg;
	struct cfg_sop_total tot = { (char *)(uintptr_t)"V", 22 * 60, 0 };
	struct sla_report r;
	struct wf_snap s1, s2, v;
	const struct sla_step *ss;
	time_t end[WF_MAX_STEPS];

	setenv("TZ", "Asia/Jakarta", 1);
	tzset();
	memset(&cfg, 0, sizeof(cfg));
	cfg.calendar.work_week = 0x3e;
	cfg.sop_totals = &tot;
	cfg.nsop_totals = 1;
	check(sla_init(&r, &cfg, "request") == 0, "init", __FILE__, __LINE__);

	/* X, first configuration: a (2m), b (1bd). */
	memset(&s1, 0, sizeof(s1));
	u_strlcpy(s1.workflow, "X", sizeof(s1.workflow));
	step(&s1, "a", 120, 0);
	step(&s1, "b", U_DAY, 1);
	memset(end, 0, sizeof(end));
	end[0] = at("2026-11-06 10:03");		/* 3:00, over */
	end[1] = at("2026-11-09 10:00");		/* Mon, within 1bd */
	EQ(sla_item(&r, "R1", &s1, at("2026-11-06 10:00"), end, 0, 0),
	    3 * U_DAY, "R1's total (Fri 10:00 to Mon 10:00)");
	/* X, changed: a (2m), c (5m) -- b is gone, c is new. */
	memset(&s2, 0, sizeof(s2));
	u_strlcpy(s2.workflow, "X", sizeof(s2.workflow));
	step(&s2, "a", 120, 0);
	step(&s2, "c", 300, 0);
	memset(end, 0, sizeof(end));
	end[0] = at("2026-11-10 09:01");
	end[1] = at("2026-11-10 09:07");		/* 6:00, over */
	EQ(sla_item(&r, "R2", &s2, at("2026-11-10 09:00"), end, 0, 0), 420,
	    "R2's total");
	EQ(r.np, 1, "one procedure");
	EQ(r.p[0].nst, 3, "X's rows: a, b, and c added");
	ss = row(&r.p[0], "a");
	check(ss != NULL && ss->count == 2 && ss->sum == 240 &&
	    ss->max == 180 && ss->exceeded == 1, "a: 3:00 and 1:00, one over",
	    __FILE__, __LINE__);
	ss = row(&r.p[0], "b");
	check(ss != NULL && ss->count == 1 && ss->exceeded == 0 && ss->bd,
	    "b: within its business day", __FILE__, __LINE__);
	ss = row(&r.p[0], "c");
	check(ss != NULL && ss->count == 1 && ss->max == 360 &&
	    ss->exceeded == 1 && ss->sla == 300, "c: 6:00 over 5:00", __FILE__,
	    __LINE__);
	EQ(r.p[0].complete, 2, "both complete");
	EQ(r.p[0].stated, 0, "X: summed");
	EQ(json_array_size(r.exceeded), 2, "two steps over");

	/* V: a visit, its time inside excluded, the SOP's 22 minutes. */
	memset(&v, 0, sizeof(v));
	u_strlcpy(v.workflow, "V", sizeof(v.workflow));
	step(&v, "in", 300, 0);
	step(&v, "out", 180, 0);
	memset(end, 0, sizeof(end));
	end[0] = at("2026-11-04 09:05");		/* check-in */
	end[1] = at("2026-11-04 10:20");		/* left 10:15 */
	EQ(sla_item(&r, "V1", &v, at("2026-11-04 09:00"), end,
	    at("2026-11-04 09:05"), at("2026-11-04 10:15")), 600,
	    "V1: 5:00 + 5:00, the hour inside excluded");
	EQ(r.p[1].stated, 1, "V: stated");
	EQ(r.p[1].standard, 22 * 60, "V: 22 minutes");
	EQ(r.p[1].over_total, 0, "V1 within 22:00");
	ss = row(&r.p[1], "out");
	check(ss != NULL && ss->exceeded == 1, "out: 5:00 over 3:00",
	    __FILE__, __LINE__);
	/* An item with a step not done: no total. */
	memset(end, 0, sizeof(end));
	end[0] = at("2026-11-05 09:30");
	EQ(sla_item(&r, "V2", &v, at("2026-11-05 09:00"), end, 0, 0), 1800,
	    "V2: its one step");
	EQ(r.p[1].complete, 1, "V2 has no total");
	EQ(r.p[1].items, 2, "V: two items");
	sla_free(&r);

	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
